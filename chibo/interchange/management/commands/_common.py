import sys

from chibo.commands import EXIT_BAD_INPUT, BadInput, parse_iso

__all__ = ["EXIT_BAD_INPUT", "BadInput", "parse_iso", "read_input", "report_bad_input"]


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
        raise BadInput(f"Không đọc được tệp '{path}': {exc.strerror}") from None
