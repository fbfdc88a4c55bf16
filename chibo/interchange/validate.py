"""Parse and validate a Chibo bundle (bundle.md, version 1) into a normalized plain dict.

Pure Python, standard library only (no Django).  :func:`parse_bundle` never raises anything
but :class:`BundleError`; the error lists *every* problem found as ``(json_path, reason)``
pairs, reasons in Vietnamese, sorted in document order (the order in which the offending
keys appear in the text; a missing required key sorts after the keys its object has).

JSON paths look like ``$.meetings[3].attendance[2].member``; a key that is not a plain
identifier is written ``$.profiles['CB-1']``.  A missing required key is reported at the
path the key would have (``$.organizations[0].code``); a problem with the whole document
(not UTF-8, not JSON, not an object) at ``$``.

Normalized bundle
-----------------
Every key below is always present, in this order; lists keep the document's order.

* Dates are ``datetime.date``; times (``start``, ``end``) are ``datetime.time``
  (hour and minute, seconds 0).
* Optional strings: ``None`` when missing, ``null``, ``""`` or whitespace only; otherwise the
  string exactly as given (not stripped).  Required strings are non-empty as given.
* Optional dates/times/enumerations: ``None`` when missing, ``null`` or blank.
* Optional lists: ``[]`` when missing or ``null``.

::

    {
      "format": "chibo-bundle", "version": 1,
      "profiles": {org_code: {profile_key: int | str}},      # only the keys given
      "organizations": [{"code": str, "name": str, "kind": str, "parent": str | None,
                         "established_on": date | None}],
      "members": [{"code": str, "full_name": str, "gender": "nam" | "nu" | None,
                   "birth_date": date | None, "joined_on": date | None, "official_on": date | None,
                   "memberships": [{"organization": str, "from": date, "to": date | None}],
                   "exempt": [{"from": date, "to": date | None, "reason": str | None}],
                   "away":   [{"from": date, "to": date | None, "reason": str | None}]}],
      "meetings": [{"id": str, "organization": str, "kind": str, "date": date,
                    "start": time | None, "end": time | None, "place": str | None,
                    "chair": str | None, "secretary": str | None, "notice_sent_on": date | None,
                    "topic": str | None, "rescheduled_reason": str | None,
                    "guests": [{"name": str, "title": str | None, "organization": str | None}],
                    "attendance": [{"member": str, "status": str, "reason": str | None}],
                    "speeches": [{"member": str, "item": str | None, "summary": str | None}],
                    "votes": [{"kind": str, "subject": str | None, "method": str,
                               "for": int, "against": int, "abstain": int, "invalid": int}],
                    "tasks": [{"assignee": str | None, "description": str | None,
                               "due": date | None, "done_on": date | None}],
                    "conclusion": str | None,
                    "manual_scores": {"preparation": int | None, "conduct": int | None,
                                      "principles": int | None}}],
      "visits": [{"organization": str, "date": date, "visitor": str | None,
                  "committee": str | None}]
    }

A vote's ``invalid`` is ``0`` when omitted or ``null``.  :func:`bundle_to_json` turns a
normalized bundle back into JSON-ready data (ISO dates, ``HH:MM`` times).

Readings chosen where bundle.md is silent (see docs/rules-notes.md): a UTF-8 byte-order mark
is ignored; strings may not contain NUL or lone surrogates; a bundle has exactly one root
organisation; ``null`` is not a valid profile value (leave the key out to inherit).

Streaming (``chibo audit FILE``)
--------------------------------
:func:`parse_bundle` holds the whole text, the decoded document and the normalized copy at
once: several gigabytes for a province.  :func:`parse_audit_input` serves the audit in bounded
memory instead.  It reads the file through a window of a few megabytes (:class:`_TextStream`)
and decodes the top-level object one value at a time -- each organisation, member, meeting and
visit on its own, with the C decoder of :mod:`json` -- and validates each at once with the
same checker and the same cross-checks (:class:`_Cross`, item by item) as :func:`parse_bundle`.
A member goes into the engine's ``RollIndex``, a meeting into its ``engine.MeetingFacts``
(member codes shared), and the decoded and normalized objects are dropped.

The fast reading only ever *accepts*.  Bad input needs every problem, sorted in document order
by walking the decoded document, which the fast reading no longer has; so at the first sign of
anything unusual -- a problem found by a check, invalid UTF-8 or JSON, a duplicate key, a
``\\u`` escape that may hide a NUL or a lone surrogate, lists in another order than
organisations, members, meetings -- it gives up, and the file is parsed again, whole, by
:func:`parse_bundle`: the error report is the very one of :func:`parse_bundle`, and a valid
bundle in an unusual order is still audited (with the memory of the whole-document reading).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, time
from typing import Any, BinaryIO

from chibo import vocabulary
from chibo.interchange.auditjson import gc_paused as _gc_paused
from chibo.rules.engine import AuditInput, MeetingFacts, RollIndex, bundle_input, meeting_facts
from chibo.rules.profile import validate_profile_value
from chibo.rules.rubric import manual_score_problem

__all__ = [
    "BundleError",
    "DatabaseLimits",
    "parse_bundle",
    "parse_audit_input",
    "validate_document",
    "bundle_to_json",
    "dump_bundle",
    "format_path",
]

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


# ---------------------------------------------------------------------------
# Paths and messages
# ---------------------------------------------------------------------------

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


def format_path(parts: tuple) -> str:
    out = ["$"]
    for p in parts:
        if type(p) is int:
            out.append(f"[{p}]")
        elif _IDENT.fullmatch(p):
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


# ---------------------------------------------------------------------------
# JSON loading (duplicate keys, constants)
# ---------------------------------------------------------------------------


class _Constant(ValueError):
    pass


def _reject_constant(name: str) -> None:
    raise _Constant(name)


_JSON_MESSAGES = {
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên khóa phải nằm trong dấu nháy kép",
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Extra data": "còn dữ liệu thừa sau tài liệu JSON",
    "Unterminated string starting at": "chuỗi chưa được đóng",
    "Invalid control character at": "ký tự điều khiển không hợp lệ trong chuỗi",
    "Invalid \\escape": "chuỗi thoát (\\) không hợp lệ",
    "Invalid \\uXXXX escape": "chuỗi thoát \\uXXXX không hợp lệ",
}


def _load(text: str | bytes) -> tuple[Any, dict[int, tuple[dict, list[str]]], bool]:
    raw_surrogates = False
    if isinstance(text, (bytes, bytearray, memoryview)):
        try:
            text = bytes(text).decode("utf-8")  # strict: never yields a lone surrogate
        except UnicodeDecodeError as exc:
            raise BundleError([("$", f"tài liệu không phải văn bản UTF-8 hợp lệ (byte thứ {exc.start})")]) from None
    elif not isinstance(text, str):
        raise BundleError([("$", "đầu vào phải là văn bản JSON (chuỗi hoặc bytes)")])
    elif not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raw_surrogates = True
    if text.startswith("\ufeff"):
        text = text[1:]
    # A string can hold NUL or a lone surrogate only through a \u escape (raw control characters
    # are invalid JSON) or, for str input, a raw surrogate; when the text has neither, no string
    # needs checking one by one.
    check_chars = raw_surrogates or (
        "\\u" in text and ("\\u0000" in text or _ESCAPED_SURROGATE.search(text) is not None)
    )
    dups: dict[int, tuple[dict, list[str]]] = {}

    def hook(pairs: list[tuple[str, Any]]) -> dict:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            repeated: list[str] = []
            for key, _value in pairs:
                if key in seen and key not in repeated:
                    repeated.append(key)
                seen.add(key)
            dups[id(obj)] = (obj, repeated)  # keep obj alive so its id is never reused
        return obj

    try:
        doc = json.loads(text, object_pairs_hook=hook, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        msg = exc.msg
        for en, vi in _JSON_MESSAGES.items():
            if msg.startswith(en):
                msg = vi
                break
        else:
            msg = _show(msg)
        raise BundleError([("$", f"JSON không hợp lệ ở dòng {exc.lineno}, cột {exc.colno}: {msg}")]) from None
    except _Constant as exc:
        raise BundleError([("$", f"JSON không hợp lệ: giá trị '{_show(str(exc))}' không thuộc chuẩn JSON")]) from None
    except RecursionError:
        raise BundleError([("$", "JSON lồng nhau quá sâu")]) from None
    except (ValueError, OverflowError, MemoryError):  # e.g. an integer with thousands of digits
        raise BundleError([("$", "JSON không đọc được: có số quá lớn hoặc dữ liệu hỏng")]) from None
    return doc, dups, check_chars


# ---------------------------------------------------------------------------
# The schema walker
# ---------------------------------------------------------------------------
#
# Errors are recorded with their path only; the document-order sort key is computed at the
# end by walking the raw document along each path (errors are rare, objects are many).

Parser = Callable[["_Checker", Any, tuple, str, bool], Any]


class _Absent:
    """Marker for a key that is not in the object (parsers return their default)."""


_ABSENT = _Absent()


class _Checker:
    def __init__(self, dups: dict[int, tuple[dict, list[str]]], check_chars: bool = True):
        self.dups = dups
        self.check_chars = check_chars
        self.errors: list[tuple[tuple, str]] = []  # (path, reason)
        self.dates: dict[str, date] = {}  # cache: the same few dates recur millions of times

    def err(self, path: tuple, reason: str) -> None:
        self.errors.append((path, reason))

    def check_dups(self, value: dict, path: tuple) -> None:
        entry = self.dups.get(id(value))
        if entry is not None and entry[0] is value:
            for key in entry[1]:
                self.err(path + (key,), f"khóa '{_show(key)}' xuất hiện nhiều lần trong cùng một đối tượng")

    def obj(self, value: Any, path: tuple, spec: dict[str, tuple[bool, Parser]], what: str) -> dict | None:
        if type(value) is not dict:
            self.err(path, f"phải là một đối tượng JSON ({what}), không phải {_type_name(value)}")
            return None
        if self.dups:
            self.check_dups(value, path)
        if not value.keys() <= spec.keys():
            for key in value:
                if key not in spec:
                    self.err(
                        path + (key,),
                        f"khóa '{_show(key)}' không được phép trong {what} (khóa hợp lệ: {', '.join(spec)})",
                    )
        out: dict[str, Any] = {}
        get = value.get
        for key, (required, parser) in spec.items():
            v = get(key, _ABSENT)
            if v is _ABSENT and required:
                self.err(path + (key,), f"thiếu trường bắt buộc '{key}' của {what}")
            out[key] = parser(self, v, path, key, required)
        return out


def _empty_required(chk: _Checker, path: tuple, key: str) -> None:
    chk.err(path + (key,), "trường bắt buộc, không được để trống")


def _blank(chk, path, key, required):
    """An empty or whitespace-only string: missing (an error only where the key is required)."""
    if required:
        _empty_required(chk, path, key)
    return None


def _not_text(chk, v, path, key, required, expected: str):
    """The shared tail of the text-valued parsers for a value that is not a string: null counts as
    empty, an absent key as absent, anything else is the wrong type: "<expected> không phải <type>"."""
    if v is None:
        return _blank(chk, path, key, required)
    if v is not _ABSENT:
        chk.err(path + (key,), f"{expected} không phải {_type_name(v)}")
    return None


def _p_str(chk, v, path, key, required):
    if type(v) is str:
        if chk.check_chars and _BAD_CHARS.search(v):
            chk.err(path + (key,), _BAD_CHARS_REASON)
            return None
        if not v.strip():
            return _blank(chk, path, key, required)
        return v
    return _not_text(chk, v, path, key, required, "phải là chuỗi ký tự,")


def _p_date(chk, v, path, key, required):
    if type(v) is str:
        d = chk.dates.get(v)
        if d is not None:
            return d
        if not v.strip():
            return _blank(chk, path, key, required)
        m = _DATE_RE.fullmatch(v)
        if m is None:
            chk.err(path + (key,), f"ngày '{_show(v)}' không đúng dạng YYYY-MM-DD")
            return None
        try:
            d = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            chk.err(path + (key,), f"ngày '{_show(v)}' không tồn tại")
            return None
        chk.dates[v] = d
        return d
    return _not_text(chk, v, path, key, required, "phải là ngày dạng YYYY-MM-DD,")


def _p_time(chk, v, path, key, required):
    if type(v) is str:
        if not v.strip():
            return None
        m = _TIME_RE.fullmatch(v)
        if m is None:
            chk.err(path + (key,), f"giờ '{_show(v)}' không đúng dạng HH:MM (00:00 đến 23:59)")
            return None
        return time(int(m[1]), int(m[2]))
    if v is None or v is _ABSENT:
        return None
    chk.err(path + (key,), f"phải là giờ dạng HH:MM, không phải {_type_name(v)}")
    return None


def _enum(values: tuple[str, ...]) -> Parser:
    allowed = frozenset(values)
    listing = ", ".join(values)

    def parse(chk, v, path, key, required):
        if type(v) is str:
            if v in allowed:
                return v
            if not v.strip():
                return _blank(chk, path, key, required)
            chk.err(path + (key,), f"giá trị '{_show(v)}' không hợp lệ; chỉ chấp nhận: {listing}")
            return None
        return _not_text(chk, v, path, key, required, f"phải là một trong: {listing};")

    parse.allowed = allowed  # type: ignore[attr-defined]  # used by _fast_list
    return parse


def _const(expected: object, reason: str) -> Parser:
    def parse(chk, v, path, key, required):
        if v is _ABSENT:
            return None
        if type(v) is not type(expected) or v != expected:
            chk.err(path + (key,), reason)
            return None
        return v

    return parse


def _type_or_value(v: object) -> str:
    if type(v) is int:
        return str(v) if abs(v) < 10**30 else "số quá lớn"
    return _type_name(v)


def _p_count(chk, v, path, key, required):
    if type(v) is int and v >= 0:
        return v
    if v is None or v is _ABSENT:
        if required and v is None:
            _empty_required(chk, path, key)
        return None if required else 0
    chk.err(path + (key,), f"phải là số nguyên không âm (≥ 0), không phải {_show(_type_or_value(v))}")
    return None


def _list(spec: dict[str, tuple[bool, Parser]], what: str, item_what: str) -> Parser:
    def parse(chk, v, path, key, required):
        if type(v) is list:
            p = path + (key,)
            obj = chk.obj
            return [obj(x, p + (j,), spec, item_what) for j, x in enumerate(v)]
        if v is None or v is _ABSENT:
            if required and v is None:
                _empty_required(chk, path, key)
            return []
        chk.err(path + (key,), f"phải là một danh sách ({what}), không phải {_type_name(v)}")
        return []

    return parse


def _fast_list(spec: dict[str, tuple[bool, Parser]], what: str, item_what: str) -> Parser:
    """Like :func:`_list` for objects of strings and enumerations only, with a fast path for
    the (overwhelmingly common) valid row; any row the fast path does not accept goes through
    the full checker, which reports its problems."""
    slow = _list(spec, what, item_what)
    fields: list[tuple[str, bool, frozenset | None]] = []
    for k, (req, parser) in spec.items():
        if parser is _p_str:
            fields.append((k, req, None))
        else:
            fields.append((k, req, parser.allowed))  # type: ignore[attr-defined]
    keys = spec.keys()
    obj_spec = spec

    def parse(chk, v, path, key, required):
        if type(v) is not list or chk.check_chars or chk.dups:
            return slow(chk, v, path, key, required)
        out = []
        append = out.append
        for j, row in enumerate(v):
            if type(row) is dict and row.keys() <= keys:
                item = {}
                for k, req, allowed in fields:
                    x = row.get(k)
                    if type(x) is str:
                        if allowed is not None:
                            if x not in allowed:
                                break
                        elif not x.strip():
                            if req:
                                break
                            x = None
                    elif x is not None or req:
                        break
                    item[k] = x
                else:
                    append(item)
                    continue
            append(chk.obj(row, path + (key, j), obj_spec, item_what))
        return out

    return parse


def _manual_score(chk, v, path, key, required):
    if v is _ABSENT or v is None:
        return None
    reason = manual_score_problem(key, v)
    if reason is not None:
        chk.err(path + (key,), reason)
        return None
    return v


_MANUAL_SPEC: dict[str, tuple[bool, Parser]] = {
    "preparation": (False, _manual_score),
    "conduct": (False, _manual_score),
    "principles": (False, _manual_score),
}


def _p_manual(chk, v, path, key, required):
    if v is None or v is _ABSENT:
        return {k: None for k in _MANUAL_SPEC}
    out = chk.obj(v, path + (key,), _MANUAL_SPEC, "điểm chấm tay")
    return out if out is not None else {k: None for k in _MANUAL_SPEC}


def _p_profiles(chk, v, path, key, required):
    if v is None or v is _ABSENT:
        return {}
    p = path + (key,)
    if type(v) is not dict:
        chk.err(p, f"phải là một đối tượng (mã tổ chức → tham số), không phải {_type_name(v)}")
        return {}
    chk.check_dups(v, p)
    out: dict[str, dict] = {}
    for org, values in v.items():
        pp = p + (org,)
        if type(values) is not dict:
            chk.err(pp, f"phải là một đối tượng (tham số → giá trị), không phải {_type_name(values)}")
            continue
        chk.check_dups(values, pp)
        good: dict[str, Any] = {}
        for name, value in values.items():
            reason = validate_profile_value(name, value)
            if reason is not None:
                chk.err(pp + (name,), reason)
            else:
                good[name] = value
        out[org] = good
    return out


_R, _O = True, False

_ORG_SPEC = {
    "code": (_R, _p_str),
    "name": (_R, _p_str),
    "kind": (_R, _enum(ORG_KINDS)),
    "parent": (_O, _p_str),
    "established_on": (_O, _p_date),
}
_MEMBERSHIP_SPEC = {"organization": (_R, _p_str), "from": (_R, _p_date), "to": (_O, _p_date)}
_PERIOD_SPEC = {"from": (_R, _p_date), "to": (_O, _p_date), "reason": (_O, _p_str)}
_MEMBER_SPEC = {
    "code": (_R, _p_str),
    "full_name": (_R, _p_str),
    "gender": (_O, _enum(GENDERS)),
    "birth_date": (_O, _p_date),
    "joined_on": (_O, _p_date),
    "official_on": (_O, _p_date),
    "memberships": (_O, _list(_MEMBERSHIP_SPEC, "kỳ sinh hoạt", "kỳ sinh hoạt")),
    "exempt": (_O, _list(_PERIOD_SPEC, "kỳ miễn sinh hoạt", "kỳ miễn sinh hoạt")),
    "away": (_O, _list(_PERIOD_SPEC, "kỳ vắng mặt", "kỳ vắng mặt")),
}
_GUEST_SPEC = {"name": (_R, _p_str), "title": (_O, _p_str), "organization": (_O, _p_str)}
_ATTENDANCE_SPEC = {"member": (_R, _p_str), "status": (_R, _enum(STATUSES)), "reason": (_O, _p_str)}
_SPEECH_SPEC = {"member": (_R, _p_str), "item": (_O, _p_str), "summary": (_O, _p_str)}
_VOTE_SPEC = {
    "kind": (_R, _enum(VOTE_KINDS)),
    "subject": (_O, _p_str),
    "method": (_R, _enum(VOTE_METHODS)),
    "for": (_R, _p_count),
    "against": (_R, _p_count),
    "abstain": (_R, _p_count),
    "invalid": (_O, _p_count),
}
_TASK_SPEC = {"assignee": (_O, _p_str), "description": (_O, _p_str), "due": (_O, _p_date), "done_on": (_O, _p_date)}
_MEETING_SPEC = {
    "id": (_R, _p_str),
    "organization": (_R, _p_str),
    "kind": (_R, _enum(MEETING_KINDS)),
    "date": (_R, _p_date),
    "start": (_O, _p_time),
    "end": (_O, _p_time),
    "place": (_O, _p_str),
    "chair": (_O, _p_str),
    "secretary": (_O, _p_str),
    "notice_sent_on": (_O, _p_date),
    "topic": (_O, _p_str),
    "rescheduled_reason": (_O, _p_str),
    "guests": (_O, _fast_list(_GUEST_SPEC, "khách mời", "khách mời")),
    "attendance": (_O, _fast_list(_ATTENDANCE_SPEC, "điểm danh", "dòng điểm danh")),
    "speeches": (_O, _fast_list(_SPEECH_SPEC, "ý kiến phát biểu", "ý kiến phát biểu")),
    "votes": (_O, _list(_VOTE_SPEC, "biểu quyết", "biểu quyết")),
    "tasks": (_O, _list(_TASK_SPEC, "nhiệm vụ", "nhiệm vụ")),
    "conclusion": (_O, _p_str),
    "manual_scores": (_O, _p_manual),
}
_VISIT_SPEC = {
    "organization": (_R, _p_str),
    "date": (_R, _p_date),
    "visitor": (_O, _p_str),
    "committee": (_O, _p_str),
}
_TOP_SPEC = {
    "format": (_R, _const("chibo-bundle", 'phải là "chibo-bundle"')),
    "version": (_R, _const(1, "phiên bản không được hỗ trợ: chỉ chấp nhận số nguyên 1")),
    "profiles": (_O, _p_profiles),
    "organizations": (_R, _list(_ORG_SPEC, "tổ chức", "tổ chức")),
    "members": (_O, _list(_MEMBER_SPEC, "đảng viên", "đảng viên")),
    "meetings": (_O, _list(_MEETING_SPEC, "cuộc họp", "cuộc họp")),
    "visits": (_O, _list(_VISIT_SPEC, "lần dự sinh hoạt", "lần cấp trên dự sinh hoạt")),
}


# ---------------------------------------------------------------------------
# Cross-checks (references, periods, roll)
# ---------------------------------------------------------------------------


def _not_on_roll(code: str, cell: str, day: date) -> str:
    return f"thành viên '{_show(code)}' không có trong danh sách chi bộ '{_show(cell)}' ngày {_vi_date(day)}"


class _Cross:
    def __init__(self, chk: _Checker, doc: dict, norm: dict):
        self.chk = chk
        self.doc = doc
        self.norm = norm
        self.org_kind: dict[str, str | None] = {}
        self.member_ms: dict[str, list[tuple[str, date, date]]] = {}
        # When a whole list is unusable, references into it cannot be judged: skip them rather
        # than report every reference as a second, misleading problem.
        self.orgs_known = type(doc.get("organizations")) is list
        self.members_known = doc.get("members") is None or type(doc.get("members")) is list
        self.some_member_broken = False  # a member entry whose code is unreadable
        self.roll_unknown: set[str] = set()  # members with an unreadable membership
        self.member_first: dict[str, int] = {}  # code -> index of its first entry
        self.meeting_first: dict[str, int] = {}  # id -> index of its first entry

    def run(self) -> None:
        self.organizations()
        self.members()
        self.meetings()
        self.visits()
        self.profiles()

    # -- organisations -----------------------------------------------------
    def organizations(self) -> None:
        err = self.chk.err
        orgs = self.norm["organizations"]
        first: dict[str, int] = {}
        for j, org in enumerate(orgs):
            if org is None or org["code"] is None:
                continue
            code = org["code"]
            if code in first:
                err(
                    ("organizations", j, "code"),
                    f"mã tổ chức '{_show(code)}' bị trùng với {format_path(('organizations', first[code]))}",
                )
            else:
                first[code] = j
                self.org_kind[code] = org["kind"]
        roots: list[int] = []
        parent_of: dict[str, str] = {}
        raw_orgs = self.doc["organizations"] if orgs else []
        for j, org in enumerate(orgs):
            if org is None:
                continue
            parent = org["parent"]
            if parent is None:
                raw_parent = raw_orgs[j].get("parent")
                if raw_parent is None or type(raw_parent) is str:  # not a value of the wrong type
                    roots.append(j)
                continue
            if parent not in self.org_kind and self.orgs_known:
                err(("organizations", j, "parent"), f"tổ chức cấp trên '{_show(parent)}' không có trong bundle")
            elif org["code"] is not None and first.get(org["code"]) == j:
                parent_of[org["code"]] = parent
        if len(roots) > 1:
            root_code = orgs[roots[0]]["code"]
            for j in roots[1:]:
                err(
                    ("organizations", j, "parent"),
                    f"bundle chỉ được có một tổ chức gốc (parent null); tổ chức gốc đã là '{_show(root_code)}'",
                )
        # cycles in the parent relation
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done
        in_cycle: dict[str, list[str]] = {}
        for start in parent_of:
            if start in state:
                continue
            path: list[str] = []
            code: str | None = start
            while code is not None and code not in state:
                state[code] = 1
                path.append(code)
                code = parent_of.get(code)
            if code is not None and state.get(code) == 1:
                cycle = path[path.index(code) :]
                for c in cycle:
                    in_cycle[c] = cycle
            for c in path:
                state[c] = 2
        for j, org in enumerate(orgs):
            if org is None or org["code"] not in in_cycle or first.get(org["code"]) != j:
                continue
            cycle = in_cycle[org["code"]]
            k = cycle.index(org["code"])
            ring = cycle[k:] + cycle[:k] + [org["code"]]
            err(
                ("organizations", j, "parent"),
                "quan hệ cấp trên tạo thành vòng lặp: " + " → ".join(_show(c) for c in ring),
            )

    def org_problem(self, code: str) -> str | None:
        """Reason why ``code`` cannot hold members or meetings, or ``None``."""
        kind = self.org_kind.get(code, _ABSENT)
        if kind is _ABSENT:
            if not self.orgs_known:
                return None
            return f"tổ chức '{_show(code)}' không có trong bundle"
        if kind is not None and kind not in CELL_KINDS:  # None: the kind itself is already reported
            return (
                f"tổ chức '{_show(code)}' (loại {kind}) không phải chi bộ; "
                "chỉ chi bộ cơ sở hoặc chi bộ trực thuộc mới có đảng viên và cuộc họp"
            )
        return None

    # -- members -----------------------------------------------------------
    def members(self) -> None:
        for j, mem in enumerate(self.norm["members"]):
            self.member(j, mem)

    def member(self, j: int, mem: dict | None) -> None:
        """Check member ``j`` (members are checked in document order, after the organisations)."""
        err = self.chk.err
        member_ms = self.member_ms
        org_problem = self.org_problem
        first = self.member_first
        if mem is None or mem["code"] is None:
            self.some_member_broken = True
        if mem is None:
            return
        code = mem["code"]
        if code is not None:
            if code in first:
                err(
                    ("members", j, "code"),
                    f"mã đảng viên '{_show(code)}' bị trùng với {format_path(('members', first[code]))}",
                )
            else:
                first[code] = j
        joined, official = mem["joined_on"], mem["official_on"]
        if joined is not None and official is not None and official < joined:
            err(
                ("members", j, "official_on"),
                f"ngày chính thức {_vi_date(official)} trước ngày vào Đảng {_vi_date(joined)}",
            )
        for lname in ("memberships", "exempt", "away"):
            items = mem[lname]
            if items:
                self.periods(items, ("members", j, lname))
        ms_list = member_ms.setdefault(code, []) if code is not None else []
        for k, ms in enumerate(mem["memberships"]):
            if ms is None or ms["organization"] is None or ms["from"] is None:
                if code is not None:
                    self.roll_unknown.add(code)
            if ms is None or ms["organization"] is None:
                continue
            reason = org_problem(ms["organization"])
            if reason is not None:
                err(("members", j, "memberships", k, "organization"), reason)
            if ms["from"] is not None:
                ms_list.append((ms["organization"], ms["from"], ms["to"] or _DATE_MAX))

    def periods(self, items: list, path: tuple) -> None:
        if len(items) == 1:
            per = items[0]
            if per is not None and per["from"] is not None and per["to"] is not None and per["to"] < per["from"]:
                self.chk.err(
                    path + (0, "to"), f"ngày kết thúc {_vi_date(per['to'])} trước ngày bắt đầu {_vi_date(per['from'])}"
                )
            return
        valid: list[tuple[date, date, int]] = []
        for k, per in enumerate(items):
            if per is None or per["from"] is None:
                continue
            start, end = per["from"], per["to"]
            if end is not None and end < start:
                self.chk.err(path + (k, "to"), f"ngày kết thúc {_vi_date(end)} trước ngày bắt đầu {_vi_date(start)}")
                continue
            valid.append((start, end or _DATE_MAX, k))
        if len(valid) < 2:
            return
        valid.sort()
        top_end, top_k = valid[0][1], valid[0][2]
        for start, end, k in valid[1:]:
            if start <= top_end:
                later, other = (k, top_k) if k > top_k else (top_k, k)
                self.chk.err(path + (later,), f"khoảng thời gian chồng lấn với {format_path(path + (other,))}")
            if end > top_end:
                top_end, top_k = end, k

    def on_roll(self, code: str, cell: str, day: date) -> bool:
        """Whether ``code`` is on the roll; ``True`` too when that cannot be judged because the
        member's own record is broken (its problem is reported there)."""
        periods = self.member_ms.get(code)
        if periods is None:
            return self.some_member_broken
        for org, start, end in periods:
            if org == cell and start <= day <= end:
                return True
        return code in self.roll_unknown

    # -- meetings ----------------------------------------------------------
    def meetings(self) -> None:
        for j, mt in enumerate(self.norm["meetings"]):
            self.meeting(j, mt)

    def meeting(self, j: int, mt: dict | None) -> None:
        """Check meeting ``j`` (after all the members)."""
        err = self.chk.err
        on_roll = self.on_roll
        first = self.meeting_first
        if mt is None:
            return
        mid = mt["id"]
        if mid is not None:
            if mid in first:
                err(
                    ("meetings", j, "id"),
                    f"mã cuộc họp '{_show(mid)}' bị trùng với {format_path(('meetings', first[mid]))}",
                )
            else:
                first[mid] = j
        cell, day = mt["organization"], mt["date"]
        cell_ok = False
        if cell is not None:
            reason = self.org_problem(cell)
            if reason is not None:
                err(("meetings", j, "organization"), reason)
            else:
                cell_ok = True
        start, end = mt["start"], mt["end"]
        if start is not None and end is not None and end < start:
            err(
                ("meetings", j, "end"),
                f"giờ kết thúc {end:%H:%M} trước giờ bắt đầu {start:%H:%M} (cuộc họp không kéo dài qua nửa đêm)",
            )
        for k, vote in enumerate(mt["votes"]):
            if vote is not None and vote["method"] == "show_of_hands" and vote["invalid"]:
                err(
                    ("meetings", j, "votes", k, "invalid"),
                    "phiếu không hợp lệ chỉ có khi bỏ phiếu kín; biểu quyết giơ tay phải có invalid = 0",
                )
        if not (cell_ok and day is not None and self.members_known):
            return
        for key in ("chair", "secretary"):
            code = mt[key]
            if code is not None and not on_roll(code, cell, day):
                err(("meetings", j, key), _not_on_roll(code, cell, day))
        seen: dict[str, int] = {}
        for k, row in enumerate(mt["attendance"]):
            if row is None:
                continue
            code = row["member"]
            if code is None:
                continue
            if code in seen:
                err(
                    ("meetings", j, "attendance", k, "member"),
                    f"đảng viên '{_show(code)}' được điểm danh hai lần "
                    f"(đã có ở {format_path(('meetings', j, 'attendance', seen[code]))})",
                )
                continue
            seen[code] = k
            if not on_roll(code, cell, day):
                err(("meetings", j, "attendance", k, "member"), _not_on_roll(code, cell, day))
        for k, sp in enumerate(mt["speeches"]):
            if sp is not None and sp["member"] is not None and not on_roll(sp["member"], cell, day):
                err(("meetings", j, "speeches", k, "member"), _not_on_roll(sp["member"], cell, day))
        for k, task in enumerate(mt["tasks"]):
            if task is not None and task["assignee"] is not None and not on_roll(task["assignee"], cell, day):
                err(("meetings", j, "tasks", k, "assignee"), _not_on_roll(task["assignee"], cell, day))

    # -- visits and profiles -----------------------------------------------
    def visits(self) -> None:
        for j, visit in enumerate(self.norm["visits"]):
            if visit is None or visit["organization"] is None:
                continue
            if visit["organization"] not in self.org_kind and self.orgs_known:
                self.chk.err(
                    ("visits", j, "organization"), f"tổ chức '{_show(visit['organization'])}' không có trong bundle"
                )

    def profiles(self) -> None:
        for org in self.norm["profiles"]:
            if org not in self.org_kind and self.orgs_known:
                self.chk.err(("profiles", org), f"tổ chức '{_show(org)}' không có trong bundle")


# ---------------------------------------------------------------------------
# What the database stores (``chibo import`` only)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DatabaseLimits:
    """What the database and the application accept, checked on top of bundle.md by
    ``parse_bundle(text, limits=...)`` for ``chibo import`` (an audit reads any bundle).

    Lists are named by their path without indexes: ``"meetings"``, ``"meetings.votes"``.
    ``chibo.interchange.db.import_limits`` builds the limits from the models' columns and
    ``chibo.limits``."""

    text: dict[str, dict[str, int]]  # list -> {key: most characters}
    integers: dict[str, dict[str, tuple[int, int]]]  # list -> {key: (least, most)}
    codes: dict[str, tuple[str, ...]]  # list -> keys holding a code (meeting ids too)
    code_pattern: str
    code_message: str
    rows: dict[str, tuple[int, str]]  # "meetings.speeches" -> (most rows of one meeting, label)
    minutes_text: tuple[int, dict[str, tuple[str, ...]]]  # (most characters, {list: keys}) of one meeting
    date_min: date
    date_max: date
    tree_depth: int  # most levels below the root


def _vi_int(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def limit_problems(bundle: dict, limits: DatabaseLimits) -> list[tuple[str, str]]:
    """The problems :class:`DatabaseLimits` finds in a normalized bundle (JSON path, reason)."""
    chk = _Checker({}, check_chars=False)
    _Limits(chk, bundle, limits).run()
    return [(format_path(path), reason) for path, reason in chk.errors]


class _Limits:
    def __init__(self, chk: _Checker, norm: dict, limits: DatabaseLimits):
        self.chk, self.norm, self.limits = chk, norm, limits
        self.code_re = re.compile(limits.code_pattern)

    def run(self) -> None:
        for top in ("organizations", "members", "meetings", "visits"):
            for j, item in enumerate(self.norm.get(top) or []):
                if type(item) is dict:
                    self.item(item, (top, j), top)
        for j, mt in enumerate(self.norm.get("meetings") or []):
            if type(mt) is dict:
                self.meeting_total(mt, ("meetings", j))
        self.depth()

    def item(self, item: dict, path: tuple, name: str) -> None:
        lim, err = self.limits, self.chk.err
        texts, ints, codes = lim.text.get(name, {}), lim.integers.get(name, {}), lim.codes.get(name, ())
        for key, value in item.items():
            kind = type(value)
            if kind is str:
                if key in codes and not self.code_re.match(value):
                    err(path + (key,), f"mã '{_show(value)}' không hợp lệ. {lim.code_message}")
                limit = texts.get(key)
                if limit is not None and len(value) > limit:
                    err(path + (key,), f"dài {len(value)} ký tự, tối đa {limit} ký tự")
            elif kind is date:
                if not lim.date_min <= value <= lim.date_max:
                    err(path + (key,), f"ngày {_vi_date(value)} nằm ngoài khoảng cho phép "
                                       f"(năm {lim.date_min.year} đến {lim.date_max.year})")
            elif kind is int and key in ints:
                least, most = ints[key]
                if value > most:
                    err(path + (key,), f"số {_show(str(value))} quá lớn: tối đa {_vi_int(most)}")
                elif value < least:
                    err(path + (key,), f"số {_show(str(value))} quá nhỏ: tối thiểu {_vi_int(least)}")
            elif kind is list:
                sub = f"{name}.{key}"
                rows = lim.rows.get(sub)
                if rows is not None and len(value) > rows[0]:
                    err(path + (key,), f"quá nhiều {rows[1]} trong một cuộc họp: {_vi_int(len(value))}, "
                                       f"tối đa {_vi_int(rows[0])}")
                for k, row in enumerate(value):
                    if type(row) is dict:
                        self.item(row, path + (key, k), sub)

    def meeting_total(self, mt: dict, path: tuple) -> None:
        most, keys = self.limits.minutes_text
        total = 0
        for name, fields in keys.items():
            rows = [mt] if name == "meetings" else mt.get(name.split(".", 1)[1]) or []
            for row in rows:
                if type(row) is dict:
                    total += sum(len(row[k]) for k in fields if type(row.get(k)) is str)
        if total > most:
            self.chk.err(path, f"biên bản quá dài: kết luận, ý kiến phát biểu và nhiệm vụ cộng lại "
                               f"{_vi_int(total)} ký tự, tối đa {_vi_int(most)} ký tự")

    def depth(self) -> None:
        orgs = [o if type(o) is dict else {} for o in self.norm.get("organizations") or []]
        parent = {o.get("code"): o.get("parent") for o in orgs if o.get("code")}
        for j, org in enumerate(orgs):
            if not org.get("code"):
                continue
            level, code, seen = 0, org.get("parent"), set()
            while code is not None and code in parent and code not in seen and level <= self.limits.tree_depth:
                seen.add(code)
                level, code = level + 1, parent[code]
            if level > self.limits.tree_depth:
                self.chk.err(("organizations", j, "parent"),
                             f"cây tổ chức sâu quá {self.limits.tree_depth} cấp dưới tổ chức gốc")


# ---------------------------------------------------------------------------
# Document order of errors
# ---------------------------------------------------------------------------

_MISSING_KEY = 1 << 30  # a key the object lacks sorts after the keys it has


def _position(doc: Any, path: tuple, cache: dict[int, dict[str, int]]) -> tuple[int, ...]:
    pos: list[int] = []
    node = doc
    for part in path:
        if type(part) is int:
            pos.append(part)
            node = node[part] if type(node) is list and part < len(node) else None
        else:
            if type(node) is dict:
                index = cache.get(id(node))
                if index is None:
                    index = {k: i for i, k in enumerate(node)}
                    cache[id(node)] = index
                pos.append(index.get(part, _MISSING_KEY))
                node = node.get(part)
            else:
                pos.append(_MISSING_KEY)
                node = None
    return tuple(pos)


def _validate(doc: Any, dups: dict[int, tuple[dict, list[str]]], check_chars: bool = True,
              limits: DatabaseLimits | None = None) -> dict:
    if type(doc) is not dict:
        raise BundleError([("$", f"bundle phải là một đối tượng JSON, không phải {_type_name(doc)}")])
    chk = _Checker(dups, check_chars)
    norm = chk.obj(doc, (), _TOP_SPEC, "bundle")
    _Cross(chk, doc, norm).run()
    if limits is not None:
        _Limits(chk, norm, limits).run()
    if chk.errors:
        cache: dict[int, dict[str, int]] = {}
        keyed = [(_position(doc, path, cache), path, reason) for path, reason in chk.errors]
        keyed.sort(key=lambda e: e[0])
        raise BundleError([(format_path(path), reason) for _pos, path, reason in keyed])
    norm["format"] = "chibo-bundle"
    norm["version"] = 1
    return norm


def parse_bundle(text: str | bytes, limits: DatabaseLimits | None = None) -> dict:
    """Parse and validate a bundle; return the normalized dict or raise :class:`BundleError`.

    With ``limits`` (``chibo import``) also check what the database stores: codes in the safe
    alphabet, integers within their columns, text sizes, rows per meeting and dates (see
    :class:`DatabaseLimits`); those problems are reported with the others, in document order."""
    try:
        with _gc_paused():
            doc, dups, check_chars = _load(text)
            return _validate(doc, dups, check_chars, limits)
    except BundleError:
        raise
    except RecursionError:  # pragma: no cover - defensive
        raise BundleError([("$", "JSON lồng nhau quá sâu")]) from None
    except Exception as exc:  # pragma: no cover - defensive: never leak anything else
        raise BundleError([("$", f"không đọc được bundle: {_show(type(exc).__name__)}")]) from None


# ---------------------------------------------------------------------------
# Streaming: a bundle file validated piece by piece, for the audit
# ---------------------------------------------------------------------------


class _Fallback(Exception):
    """The streaming reader cannot vouch for the input: parse it whole (:func:`parse_bundle`)."""


#: A ``\u`` escape that may make a NUL or a lone surrogate (``_load`` then checks every string).
_SUSPECT_ESCAPE = re.compile(r"\\u(?:0000|[dD][89abcdefABCDEF])")
_WS = re.compile(r"[ \t\n\r]*")
_READ_SIZE = 1 << 22  # characters decoded at a time (and the least a buffer grows by)
_NEAR_END = 64  # a decoding error this close to the end of the window may be the window's end


def _strict_hook(pairs: list[tuple[str, Any]]) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):  # a duplicate key: only the whole-document parse reports it
        raise _Fallback
    return obj


class _TextStream:
    """JSON values read one at a time from a UTF-8 byte stream, through a sliding text window.

    Only a window of the text is ever decoded (a few megabytes): a value is decoded with the C
    decoder of :mod:`json` (``raw_decode``) at the current position, and when it runs past the
    end of the window the window grows and the value is decoded again.  Anything unusual --
    invalid UTF-8 or JSON, a duplicate key, a ``\\u`` escape that may hide a NUL or a lone
    surrogate -- raises :class:`_Fallback`.
    """

    def __init__(self, fh: BinaryIO):
        self.fh = fh
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.raw_decode = json.JSONDecoder(object_pairs_hook=_strict_hook, parse_constant=_reject_constant).raw_decode
        self.buf = ""
        self.pos = 0
        self.eof = False
        self._grow(_READ_SIZE)
        if self.buf.startswith("\ufeff"):  # a byte-order mark is ignored (as by parse_bundle)
            self.pos = 1

    def _grow(self, at_least: int) -> bool:
        """Append at least ``at_least`` more characters (fewer at the end); False at the end."""
        if self.eof:
            return False
        pieces = []
        count = 0
        try:
            while count < at_least:
                data = self.fh.read(max(at_least - count, _READ_SIZE))
                text = self.decoder.decode(data, final=not data)
                pieces.append(text)
                count += len(text)
                if not data:
                    self.eof = True
                    break
        except UnicodeDecodeError:
            raise _Fallback from None
        self.buf = self.buf[self.pos :] + "".join(pieces)
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character that is not white space ('' at the end); does not consume it."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._grow(_READ_SIZE):
                return ""

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise _Fallback
        self.pos += 1

    def value(self) -> Any:
        """Decode the JSON value at the current position (growing the window as needed)."""
        self.peek()
        while True:
            try:
                obj, end = self.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                # When the value runs past the window, decoding stops at the end of the window
                # (or, in a string, reports where the string starts): grow the window (at least
                # double what the value has) and decode again.  An error elsewhere is bad input.
                at_end = exc.pos >= len(self.buf) - _NEAR_END or exc.msg.startswith("Unterminated string")
                if at_end and self._grow(max(len(self.buf) - self.pos, _READ_SIZE)):
                    continue
                raise _Fallback from None
            except _Fallback:
                raise
            except Exception:  # NaN and the like, an integer too long, nesting too deep
                raise _Fallback from None
            if end == len(self.buf) and self._grow(_READ_SIZE):
                continue  # a number at the end of the window may go on
            if _SUSPECT_ESCAPE.search(self.buf, self.pos, end):
                raise _Fallback
            self.pos = end
            return obj

    def items(self) -> Iterator[Any]:
        """The elements of the array at the current position."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            char = self.peek()
            self.pos += 1
            if char == "]":
                return
            if char != ",":
                raise _Fallback

    def members(self) -> Iterator[str]:
        """The keys of the object at the current position (read each value before the next key)."""
        self.take("{")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            key = self.value()
            if type(key) is not str:
                raise _Fallback
            self.take(":")
            yield key
            char = self.peek()
            self.pos += 1
            if char == "}":
                return
            if char != ",":
                raise _Fallback


_LISTS = {
    "organizations": (_ORG_SPEC, "tổ chức"),
    "members": (_MEMBER_SPEC, "đảng viên"),
    "meetings": (_MEETING_SPEC, "cuộc họp"),
    "visits": (_VISIT_SPEC, "lần cấp trên dự sinh hoạt"),
}


def _stream_audit_input(fh: BinaryIO, date_from: date, date_to: date) -> AuditInput:
    """The streaming reading behind :func:`parse_audit_input`; raises :class:`_Fallback`."""
    stream = _TextStream(fh)
    chk = _Checker({}, check_chars=False)
    raw_orgs: list = []
    doc: dict[str, Any] = {"organizations": raw_orgs}  # what _Cross reads of the raw document
    norm: dict[str, Any] = {"organizations": [], "members": [], "meetings": [], "visits": [], "profiles": {}}
    cross = _Cross(chk, doc, norm)
    rolls = RollIndex()
    codes: dict[str, str] = {}  # member code -> the one string all their rows share
    facts: list[MeetingFacts] = []
    first_year = date_from.year
    seen: list[str] = []
    values: dict[str, Any] = {}
    for key in stream.members():
        if key in seen or key not in _TOP_SPEC:
            raise _Fallback
        seen.append(key)
        if key not in _LISTS:
            values[key] = stream.value()
            continue
        if stream.peek() != "[":
            raise _Fallback  # null or a wrong type: left to parse_bundle
        spec, what = _LISTS[key]
        if key == "members" and "organizations" not in seen:
            raise _Fallback
        if key == "meetings" and not {"organizations", "members"} <= set(seen):
            raise _Fallback
        obj = chk.obj
        for j, raw in enumerate(stream.items()):
            item = obj(raw, (key, j), spec, what)
            if chk.errors:
                raise _Fallback
            if key == "organizations":
                raw_orgs.append(raw)
                norm["organizations"].append(item)
            elif key == "members":
                cross.member(j, item)
                code = codes.setdefault(item["code"], item["code"])
                rolls.add_member(
                    code,
                    item["official_on"],
                    ((ms["organization"], ms["from"], ms["to"]) for ms in item["memberships"]),
                    ((p["from"], p["to"]) for p in item["exempt"]),
                    ((p["from"], p["to"]) for p in item["away"]),
                )
            elif key == "meetings":
                cross.meeting(j, item)
                day = item["date"]
                if day <= date_to and day.year >= first_year:  # what the audit reads (engine.bundle_input)
                    facts.append(meeting_facts(item, codes))
            else:
                norm["visits"].append(item)
            if chk.errors:
                raise _Fallback
        if key == "organizations":
            cross.organizations()
            if chk.errors:
                raise _Fallback
    if stream.peek() != "":
        raise _Fallback  # data after the document
    for key, (required, parser) in _TOP_SPEC.items():
        if key in values:
            parsed = parser(chk, values[key], (), key, required)
            if key == "profiles":
                norm["profiles"] = parsed
        elif required and key not in seen:
            raise _Fallback
    cross.visits()
    cross.profiles()
    if chk.errors:
        raise _Fallback
    facts.sort(key=lambda f: (f.date, f.id))
    return AuditInput(
        norm["organizations"],
        norm["profiles"],
        rolls,
        facts,
        [(v["organization"], v["date"]) for v in norm["visits"]],
    )


def parse_audit_input(fh: BinaryIO, date_from: date, date_to: date) -> AuditInput:
    """Validate the bundle in the binary file ``fh`` and return what an audit of
    [date_from, date_to] reads, as an ``engine.AuditInput``; raise :class:`BundleError` exactly
    as :func:`parse_bundle` does on bad input.

    The file is read piece by piece (see "Streaming" in the module docstring): organisations,
    members and meetings are validated one by one as they are decoded, with the very checks of
    :func:`parse_bundle`, and each meeting is kept only as its ``engine.MeetingFacts``.  When
    the streaming reading cannot vouch for the input (any problem at all, or a document whose
    lists do not come organisations, then members, then meetings), ``fh`` is read again from
    the start and parsed whole by :func:`parse_bundle`, which gives the exact error report (or,
    for a valid document in another order, the bundle).  ``fh`` must be seekable.
    """
    try:
        with _gc_paused():
            return _stream_audit_input(fh, date_from, date_to)
    except _Fallback:
        pass
    except RecursionError:  # pragma: no cover - defensive
        pass
    fh.seek(0)
    bundle = parse_bundle(fh.read())
    return bundle_input(bundle, date_from, date_to)


def validate_document(doc: Any, limits: DatabaseLimits | None = None) -> dict:
    """Validate an already-decoded JSON document (duplicate keys cannot be seen any more)."""
    try:
        return _validate(doc, {}, True, limits)
    except BundleError:
        raise
    except Exception as exc:  # pragma: no cover - defensive
        raise BundleError([("$", f"không đọc được bundle: {_show(type(exc).__name__)}")]) from None


def _jsonable(value: Any) -> Any:
    if type(value) is date:
        return value.isoformat()
    if type(value) is time:
        return f"{value.hour:02d}:{value.minute:02d}"
    if type(value) is dict:
        return {k: _jsonable(v) for k, v in value.items()}
    if type(value) is list:
        return [_jsonable(v) for v in value]
    return value


def bundle_to_json(bundle: dict) -> dict:
    """A normalized bundle as JSON-ready data: ISO dates, ``HH:MM`` times, keys in bundle.md order."""
    return _jsonable(bundle)


def dump_bundle(bundle: dict) -> str:
    """A normalized bundle as UTF-8 JSON text (``indent=1``, non-ASCII kept)."""
    return json.dumps(bundle_to_json(bundle), indent=1, ensure_ascii=False) + "\n"
