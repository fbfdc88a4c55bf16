"""What a version-2 bundle adds (bundle-v2.md): the shapes of the new keys and their cross-checks.

A version-1 bundle never reaches this module: its keys are checked by ``schema._TOP_SPEC`` and
``cross._Cross`` exactly as before.  Paths name rubric ids and months as object keys
(``$.rubrics.an-phu-2025.groups[2].max``, ``$.fees[0].months.2026-03.paid``): see :class:`Key`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from chibo import vocabulary
from chibo.interchange.validate.cross import _Cross, _not_on_roll
from chibo.interchange.validate.messages import Key, _show, _type_name, _vi_date, format_path
from chibo.interchange.validate.schema import (
    _ABSENT,
    _MEETING_SPEC,
    _O,
    _R,
    _TOP_SPEC,
    _blank,
    _Checker,
    _empty_required,
    _enum,
    _list,
    _not_text,
    _p_date,
    _p_str,
)
from chibo.rules.engine.frame import (
    RESERVED_RUBRIC_IDS,
    entered_groups,
    frame_rubric,
    frame_rubric_id,
    rubric_problems,
)
from chibo.rules.profile import ProfileResolver

QUALITY_STATUSES = vocabulary.QUALITY_STATUSES.codes
GRADES = vocabulary.GRADES.codes
FEE_CHANNELS = vocabulary.FEE_CHANNELS.codes
RELIEF_KINDS = vocabulary.RELIEF_KINDS.codes
RELIEF_BASES = vocabulary.RELIEF_BASES.codes
AMOUNT_MAX = 10**12
_MONTH_RE = re.compile(r"([0-9]{4})-([0-9]{2})")


def month_problem(value: str) -> str | None:
    """Why ``value`` is not a month ``YYYY-MM`` (year 0001-9999, month 01-12), or ``None``."""
    m = _MONTH_RE.fullmatch(value)
    if m is None:
        return f"tháng '{_show(value)}' không đúng dạng YYYY-MM"
    if not (1 <= int(m[1]) and 1 <= int(m[2]) <= 12):
        return f"tháng '{_show(value)}' không tồn tại"
    return None


def _p_month(chk, v, path, key, required):
    if type(v) is str:
        if not v.strip():
            return _blank(chk, path, key, required)
        reason = month_problem(v)
        if reason is not None:
            chk.err(path + (key,), reason)
            return None
        return v
    return _not_text(chk, v, path, key, required, "phải là tháng dạng YYYY-MM,")


def _p_secret(chk, v, path, key, required):
    if v is _ABSENT or v is None:
        return False
    if type(v) is bool:
        return v
    chk.err(path + (key,), f"phải là true, false hoặc null, không phải {_type_name(v)}")
    return False


def _amount_text(v: object) -> str:
    if type(v) is int:
        return str(v) if abs(v) < 10**30 else "số quá lớn"
    return _type_name(v)


def _p_amount(chk, v, path, key, required):
    if type(v) is int and 0 <= v <= AMOUNT_MAX:
        return v
    if v is None or v is _ABSENT:
        if required:
            if v is None:
                _empty_required(chk, path, key)
            return None
        return 0
    chk.err(path + (key,), f"phải là số nguyên từ 0 đến {AMOUNT_MAX} (đồng), không phải {_show(_amount_text(v))}")
    return None


def _p_raw_groups(chk, v, path, key, required):
    if v is _ABSENT or v is None:
        return {}
    if type(v) is not dict:
        chk.err(path + (key,), f"phải là một đối tượng (mã nhóm tiêu chí → điểm), không phải {_type_name(v)}")
        return {}
    chk.check_dups(v, path + (key,))
    return v


_QUALITY_SPEC = {
    "scorer": (_O, _p_str),
    "status": (_O, _enum(QUALITY_STATUSES)),
    "groups": (_O, _p_raw_groups),
    "official_grade": (_O, _enum(GRADES)),
}


def _p_quality(chk, v, path, key, required):
    if v is _ABSENT or v is None:
        return None
    p = path + (key,)
    out = chk.obj(v, p, _QUALITY_SPEC, "phiếu chấm chất lượng")
    if out is None:
        return None
    status_ok = out["status"] is not None or _empty(v.get("status"))  # a bad status is reported itself
    if out["status"] is None:
        out["status"] = "self"
    if status_ok:
        if out["status"] == "official" and out["official_grade"] is None and _empty(v.get("official_grade")):
            chk.err(p + ("official_grade",), "bắt buộc khi trạng thái là 'official' (cấp trên đã quyết định xếp loại)")
        elif out["status"] != "official" and out["official_grade"] is not None:
            chk.err(p + ("official_grade",), "chỉ ghi khi trạng thái là 'official' (cấp trên đã quyết định xếp loại)")
    return out


def _empty(value: object) -> bool:
    return value is None or (type(value) is str and not value.strip())


def _p_rubrics(chk, v, path, key, required):
    if v is _ABSENT or v is None:
        return {}
    p = path + (key,)
    if type(v) is not dict:
        chk.err(p, f"phải là một đối tượng (mã bộ tiêu chí → bộ tiêu chí), không phải {_type_name(v)}")
        return {}
    chk.check_dups(v, p)
    out: dict[str, Any] = {}
    for rid, rubric in v.items():
        rp = p + (Key.of(rid),)
        if not rid.strip():
            chk.err(rp, "mã bộ tiêu chí không được để trống")
            continue
        if rid in RESERVED_RUBRIC_IDS:
            chk.err(rp, f"không được định nghĩa lại bộ tiêu chí có sẵn '{rid}'")
            continue
        problems = rubric_problems(rubric)
        for parts, reason in problems:
            chk.err(rp + parts, reason)
        if not problems:
            out[rid] = rubric
    return out


_FEE_RECORD_SPEC = {
    "due": (_R, _p_amount),
    "paid": (_O, _p_amount),
    "paid_on": (_O, _p_date),
    "channel": (_O, _enum(FEE_CHANNELS)),
}


def _p_months(chk, v, path, key, required):
    if v is _ABSENT or v is None:
        return {}
    p = path + (key,)
    if type(v) is not dict:
        chk.err(p, f"phải là một đối tượng (tháng YYYY-MM → khoản đảng phí), không phải {_type_name(v)}")
        return {}
    chk.check_dups(v, p)
    out: dict[str, dict] = {}
    for month, record in v.items():
        mp = p + (Key.of(month),)
        reason = month_problem(month)
        if reason is not None:
            chk.err(mp, reason)
            continue
        rec = chk.obj(record, mp, _FEE_RECORD_SPEC, "khoản đảng phí của tháng")
        if rec is None:
            continue
        if rec["paid"] == 0:
            for field in ("paid_on", "channel"):
                if rec[field] is not None:
                    chk.err(mp + (field,), "chỉ ghi khi đã nộp (paid lớn hơn 0)")
        out[month] = rec
    return out


_RELIEF_SPEC = {
    "kind": (_R, _enum(RELIEF_KINDS)),
    "basis": (_R, _enum(RELIEF_BASES)),
    "from": (_R, _p_month),
    "to": (_O, _p_month),
    "reason": (_O, _p_str),
}
_LEDGER_SPEC = {
    "member": (_R, _p_str),
    "months": (_O, _p_months),
    "reliefs": (_O, _list(_RELIEF_SPEC, "quyết định giảm, miễn đảng phí", "quyết định giảm, miễn đảng phí")),
}


def _p_version(chk, v, path, key, required):
    if v is _ABSENT:
        return None
    if type(v) is not int or v not in (1, 2):
        chk.err(path + (key,), "phiên bản không được hỗ trợ: chỉ chấp nhận số nguyên 1 hoặc 2")
        return None
    return v


MEETING_SPEC_V2 = {
    **_MEETING_SPEC,
    "superior_notified_on": (_O, _p_date),
    "docs_posted_on": (_O, _p_date),
    "committee_prepared_on": (_O, _p_date),
    "results_posted_on": (_O, _p_date),
    "secret_content": (_O, _p_secret),
    "quality": (_O, _p_quality),
}


def _with_meetings(spec: dict) -> dict:
    out = {}
    for k, item in spec.items():
        if k == "version":
            out[k] = (_R, _p_version)
        elif k == "profiles":
            out[k] = item
            out["rubrics"] = (_O, _p_rubrics)
        elif k == "meetings":
            out[k] = (_O, _list(MEETING_SPEC_V2, "cuộc họp", "cuộc họp"))
        else:
            out[k] = item
    out["fees"] = (_O, _list(_LEDGER_SPEC, "sổ đảng phí", "sổ đảng phí của đảng viên"))
    return out


TOP_SPEC_V2 = _with_meetings(_TOP_SPEC)


def is_version_2(doc: Any) -> bool:
    version = doc.get("version") if type(doc) is dict else None
    return type(version) is int and version == 2


def prepare_checker(chk: _Checker, doc: dict) -> None:
    """Tell the checker the bundle is version 2: its profiles take the keys of rules-v2.md §6 and
    may name the bundle's rubrics."""
    chk.version = 2
    rubrics = doc.get("rubrics")
    chk.rubric_ids = frozenset(rubrics) if type(rubrics) is dict else frozenset()


def _month_days(month: str) -> tuple[date, date]:
    year, mon = int(month[:4]), int(month[5:7])
    first = date(year, mon, 1)
    last = date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)
    return first, date.fromordinal(last.toordinal() - 1)


class CrossV2(_Cross):
    """The cross-checks of a version-2 bundle: those of version 1, then results posted, the
    quality record against the cell's frame rubric, and the fee ledgers."""

    def run(self) -> None:
        super().run()
        self.prepare()
        for j, mt in enumerate(self.norm["meetings"]):
            self.meeting_v2(j, mt)
        self.fees()

    def prepare(self) -> None:
        """Ready the quality checks: the cells' profiles and the rubrics (after the organisations,
        the profiles and the rubrics are read; the streaming reader calls it itself)."""
        self.raw_rubric_ids = set(self.doc["rubrics"]) if type(self.doc.get("rubrics")) is dict else set()
        parent_of = {o["code"]: o["parent"] for o in self.norm["organizations"] if o is not None}
        self.profile_of = ProfileResolver(parent_of, self.norm["profiles"])
        # With the rubrics unreadable, or a profile naming a rubric that is not there, a cell's
        # frame rubric is unknown: its quality groups are not judged (the cause is reported).
        self.rubrics_known = self.doc.get("rubrics") is None or type(self.doc["rubrics"]) is dict
        if any(len(path) == 3 and path[0] == "profiles" and path[2] == "rubric" for path, _ in self.chk.errors):
            self.rubrics_known = False

    def meeting_v2(self, j: int, mt: dict | None) -> None:
        if mt is None:
            return
        err = self.chk.err
        day, posted = mt["date"], mt["results_posted_on"]
        if day is not None and posted is not None and posted < day:
            err(("meetings", j, "results_posted_on"),
                f"ngày đăng kết quả {_vi_date(posted)} trước ngày họp {_vi_date(day)}")
        quality, cell = mt["quality"], mt["organization"]
        if quality is None or cell is None or self.org_problem(cell) is not None:
            return
        path = ("meetings", j, "quality")
        if day is not None and self.members_known and quality["scorer"] is not None:
            if not self.on_roll(quality["scorer"], cell, day):
                err(path + ("scorer",), _not_on_roll(quality["scorer"], cell, day))
        if cell not in self.org_kind or not self.rubrics_known:
            return
        rid = frame_rubric_id(self.profile_of(cell).get("rubric"), self.raw_rubric_ids)
        if rid in self.raw_rubric_ids and rid not in self.norm["rubrics"]:
            return  # the rubric itself is bad input, reported there
        rubric = self.norm["rubrics"].get(rid)
        if rubric is None:
            rubric = frame_rubric(rid)
        tops = entered_groups(rubric)
        for gid, value in quality["groups"].items():
            gp = path + ("groups", Key.of(gid))
            top = tops.get(gid)
            if top is None:
                err(gp, f"'{_show(gid)}' không phải nhóm chấm tay của bộ tiêu chí '{_show(rid)}' "
                        f"(nhóm chấm tay: {', '.join(tops) or 'không có'})")
            elif value is not None and (type(value) is not int or not 0 <= value <= top):
                err(gp, f"điểm phải là số nguyên từ 0 đến {top} (hoặc null nếu chưa chấm)")

    def fees(self) -> None:
        err = self.chk.err
        first: dict[str, int] = {}
        for j, ledger in enumerate(self.norm["fees"]):
            if ledger is None:
                continue
            code = ledger["member"]
            if code is not None:
                if code in first:
                    err(("fees", j, "member"),
                        f"đảng viên '{_show(code)}' đã có sổ đảng phí ở {format_path(('fees', first[code]))}")
                else:
                    first[code] = j
                if code not in self.member_ms and self.members_known and not self.some_member_broken:
                    err(("fees", j, "member"), f"đảng viên '{_show(code)}' không có trong bundle")
                elif code in self.member_ms and code not in self.roll_unknown:
                    periods = self.member_ms[code]
                    for month in ledger["months"]:
                        start, end = _month_days(month)
                        if not any(s <= end and start <= e for _org, s, e in periods):
                            err(("fees", j, "months", Key.of(month)),
                                f"tháng {month[5:]}/{month[:4]} đảng viên '{_show(code)}' không sinh hoạt ở "
                                "chi bộ nào trong bundle")
            self.reliefs(ledger["reliefs"], ("fees", j, "reliefs"))

    def reliefs(self, items: list, path: tuple) -> None:
        err = self.chk.err
        valid: list[tuple[str, str, int]] = []
        for k, rel in enumerate(items):
            if rel is None:
                continue
            if rel["basis"] == "5.1" and rel["kind"] is not None and rel["kind"] != "exempt":
                err(path + (k, "kind"), "căn cứ khoản 1 Điều 5 (5.1) chỉ cho miễn đảng phí (exempt)")
            start, end = rel["from"], rel["to"]
            if start is None:
                continue
            if end is not None and end < start:
                err(path + (k, "to"), f"tháng kết thúc {end} trước tháng bắt đầu {start}")
                continue
            valid.append((start, end or "9999-99", k))
        valid.sort()
        if len(valid) < 2:
            return
        top_end, top_k = valid[0][1], valid[0][2]
        for start, end, k in valid[1:]:
            if start <= top_end:
                later, other = (k, top_k) if k > top_k else (top_k, k)
                err(path + (later,), f"thời gian giảm, miễn chồng lấn với {format_path(path + (other,))}")
            if end > top_end:
                top_end, top_k = end, k
