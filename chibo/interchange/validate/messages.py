"""Bundle errors: the exception, JSON paths and the Vietnamese wording of values."""

from __future__ import annotations

import re
from datetime import date

from chibo import vocabulary

ORG_KINDS = vocabulary.ORG_KINDS.codes
CELL_KINDS = vocabulary.CELL_KINDS
GENDERS = vocabulary.GENDERS.codes
MEETING_KINDS = vocabulary.MEETING_KINDS.codes
STATUSES = vocabulary.ATTENDANCE_STATUSES.codes
VOTE_KINDS = vocabulary.VOTE_KINDS.codes
VOTE_METHODS = vocabulary.VOTE_METHODS.codes

_DATE_MAX = date.max


class BundleError(Exception):
    """Bad input.  ``errors``: every problem as ``(json_path, reason_vi)``, in document order."""

    def __init__(self, errors: list[tuple[str, str]]):
        self.errors: list[tuple[str, str]] = list(errors)
        super().__init__("\n".join(f"{p}: {r}" for p, r in self.errors))



_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BAD_CHARS = re.compile("[\x00\ud800-\udfff]")
_BAD_CHARS_REASON = "chuỗi chứa ký tự không hợp lệ (NUL hoặc mã UTF-16 lẻ)"
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89abcdefABCDEF]")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME_RE = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def _show(text: object, limit: int = 60) -> str:
    """A value safe to embed in a message (no surrogates, bounded length)."""
    s = text if isinstance(text, str) else repr(text)
    s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return s if len(s) <= limit else s[: limit - 1] + "…"


class Key(str):
    """An object key written plainly in a path (bundle-v2.md: ``$.fees[0].months.2026-03.paid``,
    ``$.rubrics.an-phu-2025.groups[2].max``); only keys of letters, digits, ``_`` and ``-``."""

    _PLAIN = re.compile(r"[A-Za-z0-9_-]+")

    @classmethod
    def of(cls, key: str) -> str:
        return cls(key) if cls._PLAIN.fullmatch(key) else key


def format_path(parts: tuple) -> str:
    out = ["$"]
    for p in parts:
        if type(p) is int:
            out.append(f"[{p}]")
        elif type(p) is Key or _IDENT.fullmatch(p):
            out.append("." + p)
        else:
            out.append("[" + repr(_show(p, 200)) + "]")
    return "".join(out)


def _vi_date(d: date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _type_name(value: object) -> str:
    if value is None:
        return "null"
    if type(value) is bool:
        return "true/false"
    if type(value) is int:
        return "số nguyên"
    if type(value) is float:
        return "số thực"
    if type(value) is str:
        return "chuỗi"
    if type(value) is list:
        return "danh sách"
    if type(value) is dict:
        return "đối tượng"
    return type(value).__name__  # pragma: no cover
