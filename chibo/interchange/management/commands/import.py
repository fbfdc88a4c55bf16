from chibo.commands import ChiboCommand
from chibo.interchange.db import ImportConflict, bundle_import, import_limits
from chibo.interchange.management.commands._common import read_input, report_bad_input
from chibo.interchange.validate import BundleError, parse_bundle


class Command(ChiboCommand):
    help = "Kiểm tra và nạp một tệp bundle vào cơ sở dữ liệu (tất cả hoặc không gì cả)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="tệp bundle JSON ('-' để đọc từ đầu vào chuẩn)")

    def handle(self, *args, file, **options):
        try:
            bundle = parse_bundle(read_input(file), limits=import_limits())
            stats = bundle_import(bundle)
        except (BundleError, ImportConflict) as exc:
            report_bad_input(exc.errors, self.stderr._out)
        self.stdout.write(
            f"Đã nạp {stats['organizations']} tổ chức, {stats['members']} đảng viên, "
            f"{stats['meetings']} cuộc họp, {stats['visits']} lượt dự sinh hoạt.")
        self.stdout.write(f"Đã tính kết quả kiểm tra của {refresh_imported(bundle)} chi bộ-năm.")



def refresh_imported(bundle: dict) -> int:
    """Store the engine's results of the imported subtrees (the bulk load sends no signals)."""
    from chibo.results.services import refresh_roots

    codes = {o["code"] for o in bundle["organizations"]}
    return refresh_roots([o["code"] for o in bundle["organizations"] if o.get("parent") not in codes])
