"""The schema walker: every key of a bundle checked against bundle.md's shapes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Any

from chibo.interchange.validate.messages import (
    _BAD_CHARS,
    _BAD_CHARS_REASON,
    _DATE_RE,
    _TIME_RE,
    GENDERS,
    MEETING_KINDS,
    ORG_KINDS,
    STATUSES,
    VOTE_KINDS,
    VOTE_METHODS,
    _show,
    _type_name,
)
from chibo.rules.profile import validate_profile_value
from chibo.rules.rubric import manual_score_problem

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
        self.version = 1  # 2: profiles take the keys of rules-v2.md §6 (validate.v2.prepare_checker)
        self.rubric_ids: frozenset[str] = frozenset()

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
            reason = validate_profile_value(name, value, version=chk.version, rubric_ids=chk.rubric_ids)
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
    "version": (_R, _const(1, "phiên bản không được hỗ trợ: chỉ chấp nhận số nguyên 1 hoặc 2")),
    "profiles": (_O, _p_profiles),
    "organizations": (_R, _list(_ORG_SPEC, "tổ chức", "tổ chức")),
    "members": (_O, _list(_MEMBER_SPEC, "đảng viên", "đảng viên")),
    "meetings": (_O, _list(_MEETING_SPEC, "cuộc họp", "cuộc họp")),
    "visits": (_O, _list(_VISIT_SPEC, "lần dự sinh hoạt", "lần cấp trên dự sinh hoạt")),
}
