"""What every `chibo` command shares: bad input exits 2 with a Vietnamese message on stderr.

`chibo import` prints every problem of a bundle and exits 2; the other commands do the same for
a bad date, a missing file, an unknown code. `BadInput` is a CommandError with exit code 2, and
`ChiboCommand` prints a CommandError's message alone (no "CommandError:" prefix, no traceback)
when the command runs from the command line; `call_command` still raises it.
"""

import re
import sys
from datetime import date

from django.core.management.base import BaseCommand, CommandError

EXIT_BAD_INPUT = 2
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")


class BadInput(CommandError):
    def __init__(self, message: str):
        super().__init__(message, returncode=EXIT_BAD_INPUT)


class ChiboCommand(BaseCommand):
    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except CommandError as exc:
            if not getattr(self, "_called_from_command_line", False) or options.get("traceback"):
                raise
            self.stderr.write(str(exc))
            self.stderr.flush()
            sys.exit(exc.returncode)


def parse_iso(text: str | None, name: str) -> date | None:
    """A date given on the command line: exactly YYYY-MM-DD (not 20250101, not 2025-W26-1)."""
    if text is None:
        return None
    match = _ISO_DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise BadInput(f"{name}: ngày không hợp lệ '{text}' (định dạng YYYY-MM-DD)") from None


def positive_int(name: str, least: int = 0, most: int = 10**9):
    """An argparse type: an integer in [least, most], with a Vietnamese message."""
    import argparse

    def parse(text: str) -> int:
        if not re.fullmatch(r"-?[0-9]{1,10}", text.strip()):
            raise argparse.ArgumentTypeError(f"{name} phải là số nguyên, không phải '{text}'")
        value = int(text)
        if not least <= value <= most:
            raise argparse.ArgumentTypeError(f"{name} phải từ {least} đến {most}")
        return value

    return parse
