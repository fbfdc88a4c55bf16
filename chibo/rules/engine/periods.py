"""Cell periods: the months, quarters and half-years audited, overdue tasks, and the findings
of cells and members from the notes of the meetings audited (rules.md §7)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any

from chibo.rules.engine.common import REGULAR_KINDS, THEMATIC_KINDS, _as_date
from chibo.rules.engine.hd42 import HD42, rulebook_for


def _task_overdue(due: date | None, done: date | None, as_of: date) -> bool:
    if due is None:
        return False
    if done is None:
        return due < as_of
    return done > due


def is_task_overdue(task: Mapping[str, Any], as_of: date) -> bool:
    """TASK_OVERDUE (rules.md §4, §7.11): due before as_of and not done, or done after due."""
    return _task_overdue(_as_date(task.get("due")), _as_date(task.get("done_on")), as_of)


def _month_last(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def _spans(date_from: date, date_to: date) -> tuple[list, list, list]:
    """All months, quarters and half-years (key, first, last) touching [from, to]."""
    months, quarters, halves = [], [], []
    if date_from > date_to:
        return months, quarters, halves
    y, m = date_from.year, date_from.month
    while (y, m) <= (date_to.year, date_to.month):
        months.append((f"{y:04d}-{m:02d}", date(y, m, 1), _month_last(y, m)))
        if m in (1, 4, 7, 10):
            q = (m - 1) // 3 + 1
            quarters.append((f"{y:04d}-Q{q}", date(y, m, 1), _month_last(y, m + 2)))
        if m in (1, 7):
            h = 1 if m == 1 else 2
            halves.append((f"{y:04d}-H{h}", date(y, m, 1), _month_last(y, m + 5)))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return months, quarters, halves


def cell_spans(
    date_from: date, date_to: date, as_of: date | None = None, established_on: date | None = None
) -> dict[str, list[tuple[str, date, date]]]:
    """The months, quarters and half-years of a cell that are audited (rules.md §7.1).

    A span is audited when it lies wholly inside [from, to], has ended on or before as_of,
    and starts on or after the cell's ``established_on``.  Returns
    ``{"months": [(key, first, last)], "quarters": [...], "half_years": [...]}``.
    """
    date_from, date_to = _as_date(date_from), _as_date(date_to)
    as_of = date_to if as_of is None else _as_date(as_of)
    established_on = _as_date(established_on)
    result = {}
    for name, spans in zip(("months", "quarters", "half_years"), _spans(date_from, date_to), strict=True):
        result[name] = [
            (key, first, last)
            for key, first, last in spans
            if first >= date_from
            and last <= date_to
            and last <= as_of
            and (established_on is None or first >= established_on)
        ]
    return result



class PeriodNotes:
    """What the cell and member findings need of the meetings audited, noted one meeting at a
    time (:meth:`note`): the first regular meeting of each cell and month, the quarters with a
    thematic meeting, the months of unexcused absence per member and year, the overdue tasks.
    The audit notes each meeting as it evaluates it; the stored results (``chibo.results``)
    note the meetings they stored, so both ask :func:`period_findings` the same question."""

    __slots__ = ("first_regular", "thematic_quarters", "removal", "overdue")

    def __init__(self) -> None:
        self.first_regular: dict[tuple[str, int, int], tuple[date, bool]] = {}  # -> (day, rescheduled)
        self.thematic_quarters: set[tuple[str, int, int]] = set()
        self.removal: dict[tuple[str, int], list] = {}  # (member, year) -> [set of months, min threshold]
        self.overdue: list[tuple[bool, str, str, int]] = []

    def note(self, meeting_id: str, cell: str, kind: str, day: date, rescheduled: bool, removal_threshold: int,
             unexcused: Iterable[str], tasks: Iterable[tuple[Any, date | None, date | None]], as_of: date) -> None:
        """Note one audited meeting; meetings come in (date, id) order. ``unexcused``: the members
        absent without reason (its UNEXCUSED_ABSENCE findings); ``tasks``: (assignee, due, done)
        in the meeting's order; ``removal_threshold``: its cell's ``removal_unexcused_months``."""
        if kind in REGULAR_KINDS:
            key = (cell, day.year, day.month)
            if key not in self.first_regular:
                self.first_regular[key] = (day, rescheduled)
            removal = self.removal
            for m in unexcused:
                entry = removal.get((m, day.year))
                if entry is None:
                    removal[(m, day.year)] = [{day.month}, removal_threshold]
                else:
                    entry[0].add(day.month)
                    if removal_threshold < entry[1]:
                        entry[1] = removal_threshold
        if kind in THEMATIC_KINDS:
            self.thematic_quarters.add((cell, day.year, (day.month - 1) // 3 + 1))
        for index, (assignee, due, done) in enumerate(tasks):
            if _task_overdue(due, done, as_of):
                no_assignee = assignee is None
                self.overdue.append((no_assignee, "" if no_assignee else assignee, meeting_id, index))


def period_findings(
    notes: PeriodNotes,
    cells: Iterable[str],
    established: Mapping[str, date | None],
    resolve: Callable[[str], Mapping[str, Any]],
    visits: Iterable[tuple[str, date]],
    date_from: date,
    date_to: date,
    as_of: date,
    version: int = 1,
) -> list[dict[str, Any]]:
    """The audit's ``findings`` (cells' months, quarters and half-years, members' removal review,
    overdue tasks) from the notes of the meetings audited in [date_from, date_to], the cells
    (sorted codes), their ``established_on``, their effective profiles and the visits.

    ``version`` 2: a month judged by ``hd42-2025`` (rules-v2.md §0, §4) is late when its first
    regular meeting is after ``regular_meeting_day`` and either after
    ``regular_meeting_latest_day`` or without a reason."""
    counted: dict[tuple[str, int, int], int] = defaultdict(int)
    for org, day in visits:
        if date_from <= day <= date_to:
            counted[(org, day.year, 1 if day.month <= 6 else 2)] += 1

    months, quarters, halves = _spans(date_from, date_to)

    def audited_spans(spans, est):
        return [
            (key, first)
            for key, first, last in spans
            if first >= date_from and last <= date_to and last <= as_of and (est is None or first >= est)
        ]

    missing_regular, late_regular, missing_thematic, no_visit = [], [], [], []
    for cell in cells:
        est = established.get(cell)
        profile = resolve(cell)
        day_limit = profile["regular_meeting_day"]
        latest_day = profile["regular_meeting_latest_day"] if version == 2 else None
        for key, first in audited_spans(months, est):
            found = notes.first_regular.get((cell, first.year, first.month))
            if found is None:
                missing_regular.append({"code": "MISSING_REGULAR_MEETING", "organization": cell, "period": key})
            elif found[0].day > day_limit and (
                not found[1]
                or (latest_day is not None and found[0].day > latest_day
                    and rulebook_for(profile, _month_last(first.year, first.month)) == HD42)
            ):
                late_regular.append({"code": "LATE_REGULAR_MEETING", "organization": cell, "period": key})
        for key, first in audited_spans(quarters, est):
            if (cell, first.year, (first.month - 1) // 3 + 1) not in notes.thematic_quarters:
                missing_thematic.append({"code": "MISSING_THEMATIC_MEETING", "organization": cell, "period": key})
        minimum_visits = profile["min_superior_visits_per_half_year"]
        for key, first in audited_spans(halves, est):
            if counted.get((cell, first.year, 1 if first.month <= 6 else 2), 0) < minimum_visits:
                no_visit.append({"code": "NO_SUPERIOR_VISIT", "organization": cell, "period": key})

    removal_findings = [
        {"code": "REMOVAL_REVIEW", "member": member, "period": f"{year:04d}"}
        for (member, year), (month_set, limit) in sorted(notes.removal.items())
        if len(month_set) >= limit
    ]
    task_findings = [
        {"code": "TASK_OVERDUE", "meeting": mid, "task": index, "member": None if no_assignee else assignee}
        for no_assignee, assignee, mid, index in sorted(notes.overdue)
    ]
    return missing_regular + late_regular + missing_thematic + no_visit + removal_findings + task_findings
