import sys
from datetime import date

from django.core.management.base import CommandError

EXIT_BAD_INPUT = 2


def parse_iso(text: str | None, name: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{name}: ngày không hợp lệ '{text}' (định dạng YYYY-MM-DD)") from None


def report_bad_input(errors, stderr=None) -> None:
    """Print every problem (JSON path and reason) and exit with code 2."""
    out = stderr or sys.stderr
    for path, reason in errors:
        out.write(f"{path}: {reason}\n")
    out.write(f"Dữ liệu không hợp lệ: {len(errors)} lỗi; không có gì được lưu.\n")
    out.flush()
    sys.exit(EXIT_BAD_INPUT)


def read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp '{path}': {exc.strerror}") from None
