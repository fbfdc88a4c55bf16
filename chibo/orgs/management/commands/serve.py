from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from chibo.commands import ChiboCommand, positive_int


class Command(ChiboCommand):
    help = "Chạy ứng dụng Chibo (máy chủ web)."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=positive_int("cổng", 1, 65535), default=8000)
        parser.add_argument("--host", default="127.0.0.1")

    def handle(self, *args, port, host, **options):
        if settings.SECRET_KEY_MISSING:
            raise CommandError(
                "Thiếu SECRET_KEY: đặt biến môi trường SECRET_KEY bằng một khóa bí mật thật "
                "(hoặc CHIBO_DEV=1 khi chạy thử trên máy phát triển)."
            )
        call_command("runserver", f"{host}:{port}", use_reloader=False)
