"""`chibo audit FILE|--org CODE --from D --to D [--as-of D] [--version 1|2] [--stored]`: the audit of
bundle.md as JSON.

The audit of FILE has FILE's version. With `--org` the subtree's records are read as a bundle of
`--version` (bundle-v2.md "Commands": 2 by default; 1 gives the version-1 audit and is refused,
every reason printed, exit 2, when the records hold what version 1 cannot). `--stored` prints the
stored results, version 2 as they are stored (chibo.results); `--stored --version 1` their
version-1 audit, refused as above and also when a meeting of the window is judged by HD 42.

`--stored` (with `--org`) prints the same text from the stored results (chibo.results, kept
current on every save and by `chibo refresh`) instead of running the engine over the record.

Both forms stream: the file is read and validated piece by piece
(chibo.interchange.auditcli.audit_file_input), the database month by month
(chibo.interchange.db.audit_input), and the engine writes each meeting's entry as soon as it is
evaluated (auditjson.write_audit), so a province is audited in bounded memory.  The text is the
same, byte for byte, as `auditjson.dump_audit(engine.audit(bundle, ...))`.
"""

import sys
from datetime import date

from chibo.commands import BadInput, ChiboCommand
from chibo.interchange import auditjson
from chibo.interchange.auditcli import audit_file_input
from chibo.interchange.db import audit_input
from chibo.interchange.management.commands._common import parse_iso, report_bad_input
from chibo.interchange.management.commands.export import refuse_version_1
from chibo.interchange.validate import BundleError
from chibo.orgs.models import Organization
from chibo.rules import engine


class Command(ChiboCommand):
    help = "Kiểm tra hồ sơ theo bộ quy tắc và in kết quả (JSON) - từ tệp bundle hoặc từ cơ sở dữ liệu (--org)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # `--version` is the bundle's version here (bundle-v2.md), not Django's own option
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="tệp bundle JSON")
        parser.add_argument("--org", help="mã tổ chức trong cơ sở dữ liệu")
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--stored", action="store_true", help="in từ kết quả đã lưu (chibo refresh)")
        parser.add_argument("--version", dest="audit_version", type=int, choices=(1, 2),
                            help="phiên bản khi đọc cơ sở dữ liệu (--org; mặc định 2)")

    def handle(self, *args, file, org, date_from, date_to, as_of, stored=False, audit_version=None, **options):
        if bool(file) == bool(org):
            raise BadInput("Chỉ định một tệp bundle hoặc --org (không cả hai).")
        if stored and not org:
            raise BadInput("--stored chỉ dùng với --org.")
        if file and audit_version is not None:
            raise BadInput("--version chỉ dùng với --org (phiên bản của tệp là phiên bản ghi trong tệp).")
        version = audit_version or 2
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
        elif stored:
            print_stored(org, d_from, d_to, d_as_of, version)
            return
        else:
            source = audit_input_from_db(org, d_from, d_to, version)
        auditjson.write_audit(sys.stdout, source, d_from, d_to, d_as_of)
        sys.stdout.flush()


def audit_input_from_db(code: str, d_from, d_to, version: int = 1) -> engine.AuditInput:
    root = Organization.objects.filter(code=code).first()
    if root is None:
        raise BadInput(f"Không có tổ chức mã '{code}'.")
    if version == 1:
        refuse_version_1(root, date(d_from.year, 1, 1), d_to)
    return audit_input(root, d_from, d_to, version)


def print_stored(code: str, d_from, d_to, d_as_of, version: int = 2) -> None:
    from chibo.results.selectors import hd42_meetings, missing_slices, write_stored_audit

    root = Organization.objects.filter(code=code).first()
    if root is None:
        raise BadInput(f"Không có tổ chức mã '{code}'.")
    missing = missing_slices(root, d_from, d_to)
    if missing:
        sample = ", ".join(f"{cell} năm {year}" for cell, year in missing[:5])
        raise BadInput(f"Chưa có kết quả đã lưu của {len(missing)} chi bộ-năm ({sample}"
                       f"{', …' if len(missing) > 5 else ''}): chạy 'chibo refresh --org {code}' trước.")
    if version == 1:
        refuse_version_1(root, date(d_from.year, 1, 1), d_to)
        judged = hd42_meetings(root, d_from, d_to)
        if judged:
            sample = ", ".join(judged[:5])
            raise BadInput(f"{len(judged)} cuộc họp được đánh giá theo HD 42 ({sample}"
                           f"{', …' if len(judged) > 5 else ''}): phiên bản 1 không có; dùng --version 2.")
    write_stored_audit(sys.stdout, root, d_from, d_to, d_as_of, version)
    sys.stdout.flush()
