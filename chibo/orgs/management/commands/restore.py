"""`chibo restore PATH [--force]`: load a backup written by `chibo backup` (chibo/backup.py)."""

import time
from pathlib import Path

from django.core.management.base import CommandError

from chibo import backup
from chibo.commands import BadInput, ChiboCommand

#: Exit code when the database or MEDIA_ROOT holds data and --force was not given.
EXIT_NOT_EMPTY = 3


class Command(ChiboCommand):
    help = ("Khôi phục một bản sao lưu của 'chibo backup' vào cơ sở dữ liệu trống (--force: thay toàn bộ "
            "dữ liệu hiện có).")

    def add_arguments(self, parser):
        parser.add_argument("path", help="tệp sao lưu")
        parser.add_argument("--force", action="store_true",
                            help="xóa dữ liệu và tệp tải lên hiện có rồi thay bằng bản sao lưu")

    def handle(self, *args, path, force, **options):
        start = time.perf_counter()
        try:
            manifest = backup.restore(Path(path), force=force)
        except backup.NotEmpty as exc:
            raise CommandError(str(exc), returncode=EXIT_NOT_EMPTY) from None
        except backup.BackupError as exc:
            raise BadInput(str(exc)) from None
        self.stdout.write(
            f"Đã khôi phục bản sao lưu ngày {manifest['created_at']} (Chibo {manifest['chibo_version']}, "
            f"{manifest['engine']}): cơ sở dữ liệu và {len(manifest['files'])} tệp tải lên, "
            f"{time.perf_counter() - start:.1f} giây.")
        pending = backup.pending_migrations()
        if pending:
            self.stdout.write(f"Bản sao lưu cũ hơn mã nguồn ({pending} bước chuyển đổi chưa chạy): "
                              "chạy 'chibo migrate' trước khi khởi động máy chủ.")
