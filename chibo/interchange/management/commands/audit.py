import sys

from django.core.management.base import BaseCommand, CommandError

from chibo.interchange.db import audit_bundle
from chibo.interchange.management.commands._common import parse_iso, read_input, report_bad_input
from chibo.interchange.validate import BundleError, parse_bundle
from chibo.orgs.models import Organization
from chibo.rules import engine


class Command(BaseCommand):
    help = "Kiểm tra hồ sơ theo bộ quy tắc và in kết quả (JSON) - từ tệp bundle hoặc từ cơ sở dữ liệu (--org)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="tệp bundle JSON")
        parser.add_argument("--org", help="mã tổ chức trong cơ sở dữ liệu")
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--as-of", dest="as_of")

    def handle(self, *args, file, org, date_from, date_to, as_of, **options):
        if bool(file) == bool(org):
            raise CommandError("Chỉ định một tệp bundle hoặc --org (không cả hai).")
        d_from, d_to = parse_iso(date_from, "--from"), parse_iso(date_to, "--to")
        d_as_of = parse_iso(as_of, "--as-of")
        if file:
            try:
                bundle = parse_bundle(read_input(file))
            except BundleError as exc:
                report_bad_input(exc.errors, self.stderr._out)
        else:
            bundle = audit_bundle_from_db(org, d_from, d_to)
        result = engine.audit(bundle, d_from, d_to, d_as_of)
        sys.stdout.write(engine.dump_audit(result))


def audit_bundle_from_db(code: str, d_from, d_to) -> dict:
    root = Organization.objects.filter(code=code).first()
    if root is None:
        raise CommandError(f"Không có tổ chức mã '{code}'.")
    return audit_bundle(root, d_from, d_to)
