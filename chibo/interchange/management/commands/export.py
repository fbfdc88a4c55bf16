"""`chibo export --org CODE [--from D] [--to D] [--version 1|2] [--output FILE]`: the subtree's
bundle as JSON, written as it is read from the database (chibo.interchange.db.write_bundle), one
organisation, member, meeting or visit per line.

`--version` (bundle-v2.md "Commands"): 2 by default; 1 is refused, every reason printed and exit
2, when the subtree holds anything a version-1 bundle cannot (`db.version_1_obstacles`)."""

import sys

from chibo.commands import BadInput, ChiboCommand
from chibo.interchange.db import version_1_obstacles, write_bundle
from chibo.interchange.management.commands._common import parse_iso
from chibo.orgs.models import Organization


class Command(ChiboCommand):
    help = "In bundle của một tổ chức và các tổ chức trực thuộc."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # `--version` is the bundle's version here (bundle-v2.md), not Django's own option
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--from", dest="date_from")
        parser.add_argument("--to", dest="date_to")
        parser.add_argument("--output", "-o", help="ghi ra tệp thay vì đầu ra chuẩn")
        parser.add_argument("--version", dest="bundle_version", type=int, choices=(1, 2), default=2,
                            help="phiên bản bundle (mặc định 2)")

    def handle(self, *args, org, date_from, date_to, output=None, bundle_version=2, **options):
        d_from, d_to = parse_iso(date_from, "--from"), parse_iso(date_to, "--to")
        root = Organization.objects.filter(code=org).first()
        if root is None:
            raise BadInput(f"Không có tổ chức mã '{org}'.")
        if bundle_version == 1:
            refuse_version_1(root, d_from, d_to)
        if output:
            try:
                fh = open(output, "w", encoding="utf-8")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise BadInput(f"Không ghi được tệp '{output}': {exc.strerror}") from None
            with fh:
                write_bundle(fh, root, d_from, d_to, bundle_version)
        else:
            write_bundle(sys.stdout, root, d_from, d_to, bundle_version)
            sys.stdout.flush()


def refuse_version_1(root: Organization, d_from, d_to) -> None:
    """Exit 2 with every reason when the subtree holds what a version-1 bundle cannot."""
    reasons = version_1_obstacles(root, d_from, d_to)
    if reasons:
        raise BadInput("\n".join([*reasons, f"Không dùng được phiên bản 1: {len(reasons)} lý do; "
                                             "dùng --version 2."]))
