"""What the database stores (``chibo import`` only): sizes of texts and numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from chibo.interchange.validate.messages import _show, _vi_date, format_path
from chibo.interchange.validate.schema import _Checker


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
