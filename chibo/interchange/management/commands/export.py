import json
import sys

from django.core.management.base import BaseCommand, CommandError

from chibo.interchange.db import bundle_export
from chibo.interchange.management.commands._common import parse_iso
from chibo.interchange.validate import bundle_to_json
from chibo.orgs.models import Organization


class Command(BaseCommand):
    help = "In bundle của một tổ chức và các tổ chức trực thuộc."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--from", dest="date_from")
        parser.add_argument("--to", dest="date_to")
        parser.add_argument("--output", "-o", help="ghi ra tệp thay vì đầu ra chuẩn")

    def handle(self, *args, org, date_from, date_to, output=None, **options):
        root = Organization.objects.filter(code=org).first()
        if root is None:
            raise CommandError(f"Không có tổ chức mã '{org}'.")
        bundle = bundle_export(root, parse_iso(date_from, "--from"), parse_iso(date_to, "--to"))
        text = json.dumps(bundle_to_json(bundle), indent=1, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        else:
            sys.stdout.write(text)
