"""`chibo audit FILE|--org CODE --from D --to D [--as-of D]`: the audit of bundle.md as JSON.

Both forms stream: the file is read and validated piece by piece
(chibo.interchange.auditcli.audit_file_input), the database month by month
(chibo.interchange.db.audit_input), and the engine writes each meeting's entry as soon as it is
evaluated (engine.write_audit), so a province is audited in bounded memory.  The text is the
same, byte for byte, as `engine.dump_audit(engine.audit(bundle, ...))`.
"""

import sys

from chibo.commands import BadInput, ChiboCommand
from chibo.interchange.auditcli import audit_file_input
from chibo.interchange.db import audit_input
from chibo.interchange.management.commands._common import parse_iso, report_bad_input
from chibo.interchange.validate import BundleError
from chibo.orgs.models import Organization
from chibo.rules import engine


class Command(ChiboCommand):
    help = "Kiểm tra hồ sơ theo bộ quy tắc và in kết quả (JSON) - từ tệp bundle hoặc từ cơ sở dữ liệu (--org)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="tệp bundle JSON")
        parser.add_argument("--org", help="mã tổ chức trong cơ sở dữ liệu")
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--as-of", dest="as_of")

    def handle(self, *args, file, org, date_from, date_to, as_of, **options):
        if bool(file) == bool(org):
            raise BadInput("Chỉ định một tệp bundle hoặc --org (không cả hai).")
        d_from, d_to = parse_iso(date_from, "--from"), parse_iso(date_to, "--to")
        d_as_of = parse_iso(as_of, "--as-of")
        if d_to < d_from:
            raise BadInput(f"--to ({d_to.isoformat()}) không được trước --from ({d_from.isoformat()}).")
        if file:
            try:
                source = audit_file_input(file, d_from, d_to)
            except BundleError as exc:
                report_bad_input(exc.errors, self.stderr._out)
            except OSError as exc:
                raise BadInput(f"Không đọc được tệp '{file}': {exc.strerror}") from None
        else:
            source = audit_input_from_db(org, d_from, d_to)
        engine.write_audit(sys.stdout, source, d_from, d_to, d_as_of)
        sys.stdout.flush()


def audit_input_from_db(code: str, d_from, d_to) -> engine.AuditInput:
    root = Organization.objects.filter(code=code).first()
    if root is None:
        raise BadInput(f"Không có tổ chức mã '{code}'.")
    return audit_input(root, d_from, d_to)
