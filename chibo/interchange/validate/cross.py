"""Cross-checks of a bundle: references, periods, the roll of each meeting."""

from __future__ import annotations

from datetime import date

from chibo.interchange.validate.messages import _DATE_MAX, CELL_KINDS, _show, _vi_date, format_path
from chibo.interchange.validate.schema import _ABSENT, _Checker


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
