"""`chibo export --org CODE [--from D] [--to D] [--output FILE]`: the subtree's bundle as JSON,
written as it is read from the database (chibo.interchange.db.write_bundle), one organisation,
member, meeting or visit per line."""

import sys

from django.core.management.base import BaseCommand, CommandError

from chibo.interchange.db import write_bundle
from chibo.interchange.management.commands._common import parse_iso
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
        d_from, d_to = parse_iso(date_from, "--from"), parse_iso(date_to, "--to")
        if output:
            with open(output, "w", encoding="utf-8") as fh:
                write_bundle(fh, root, d_from, d_to)
        else:
            write_bundle(sys.stdout, root, d_from, d_to)
            sys.stdout.flush()
