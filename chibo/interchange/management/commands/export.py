"""`chibo export --org CODE [--from D] [--to D] [--output FILE]`: the subtree's bundle as JSON,
written as it is read from the database (chibo.interchange.db.write_bundle), one organisation,
member, meeting or visit per line."""

import sys

from chibo.commands import BadInput, ChiboCommand
from chibo.interchange.db import write_bundle
from chibo.interchange.management.commands._common import parse_iso
from chibo.orgs.models import Organization


class Command(ChiboCommand):
    help = "In bundle của một tổ chức và các tổ chức trực thuộc."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--from", dest="date_from")
        parser.add_argument("--to", dest="date_to")
        parser.add_argument("--output", "-o", help="ghi ra tệp thay vì đầu ra chuẩn")

    def handle(self, *args, org, date_from, date_to, output=None, **options):
        d_from, d_to = parse_iso(date_from, "--from"), parse_iso(date_to, "--to")
        root = Organization.objects.filter(code=org).first()
        if root is None:
            raise BadInput(f"Không có tổ chức mã '{org}'.")
        if output:
            try:
                fh = open(output, "w", encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise BadInput(f"Không ghi được tệp '{output}': {exc.strerror}") from None
            with fh:
                write_bundle(fh, root, d_from, d_to)
        else:
            write_bundle(sys.stdout, root, d_from, d_to)
            sys.stdout.flush()
