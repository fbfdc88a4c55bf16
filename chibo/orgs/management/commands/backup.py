"""`chibo backup --output PATH`: the database and the uploaded files in one archive (chibo/backup.py)."""

import time
from pathlib import Path

from chibo import backup
from chibo.commands import BadInput, ChiboCommand


class Command(ChiboCommand):
    help = ("Sao lưu cơ sở dữ liệu và các tệp tải lên vào một tệp (chạy được khi máy chủ đang chạy); "
            "khôi phục bằng 'chibo restore'.")

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="tệp sao lưu sẽ ghi, ví dụ /srv/backup/chibo.tar.gz")

    def handle(self, *args, output, **options):
        start = time.perf_counter()
        try:
            result = backup.backup(Path(output))
        except backup.BackupError as exc:
            raise BadInput(str(exc)) from None
        manifest = result.manifest
        size = result.path.stat().st_size
        self.stdout.write(
            f"Đã sao lưu vào {result.path}: cơ sở dữ liệu {manifest['engine']}, {len(manifest['files'])} tệp tải lên, "
            f"{size / 1e6:.1f} MB, {time.perf_counter() - start:.1f} giây.")
