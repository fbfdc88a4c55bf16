"""Attendance: counts and rate of one meeting, and the repeated-excused-absence runs of a
cell's year (rules.md §3)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NamedTuple

from chibo.rules.engine.common import REGULAR_KINDS, _as_date, format_rate
from chibo.rules.engine.roll import Roll

Statuses = dict[str, tuple[str, Any]]


def attendance_statuses(meeting: Mapping[str, Any]) -> Statuses:
    """``{member: (status, reason)}`` from the meeting's attendance rows."""
    return {row["member"]: (row["status"], row.get("reason")) for row in meeting.get("attendance") or ()}


class _Att(NamedTuple):
    summary: dict[str, Any]
    expected: int
    present: int
    missing: list[str]
    unexcused: list[str]
    excused: list[str]


def _attendance(statuses: Statuses, roll: Roll) -> _Att:
    present = 0
    missing: list[str] = []
    unexcused: list[str] = []
    excused: list[str] = []
    get = statuses.get
    for m in roll.expected:
        st = get(m)
        if st is None:
            missing.append(m)
            continue
        s = st[0]
        if s == "present" or s == "late":
            present += 1
        elif s == "absent_excused":
            excused.append(m)
        elif s == "absent_unexcused":
            unexcused.append(m)
        else:  # an unknown status: treat as not recorded
            missing.append(m)
    expected = len(roll.expected)
    away = len(roll.away)
    summary = {
        "on_roll": len(roll.on_roll),
        "exempt": len(roll.exempt - roll.away) if roll.away else len(roll.exempt),
        "away": away,
        "expected": expected,
        "present": present,
        "absent_excused": len(excused),
        "absent_unexcused": len(unexcused),
        "missing": len(missing),
        "rate": format_rate(present, expected),
    }
    return _Att(summary, expected, present, missing, unexcused, excused)


def summarize_attendance(meeting: Mapping[str, Any], roll: Roll, statuses: Statuses | None = None) -> dict:
    """The audit's ``attendance`` object for one meeting (counts and ``rate`` string)."""
    if statuses is None:
        statuses = attendance_statuses(meeting)
    return _attendance(statuses, roll).summary


#: The keys of a member's tally (:func:`member_tally`), in the order a year-end sheet shows them.
TALLY_KEYS = ("expected", "present", "late", "absent_excused", "absent_unexcused", "missing")


def member_tally(meetings: Iterable[tuple[Roll, Statuses]]) -> dict[str, dict[str, int]]:
    """For each member expected at any of ``meetings`` (each its roll on the day and its
    attendance statuses), how many of them the member was expected at and how each was recorded:
    present (on time), late, absent with and without a reason, or not recorded (missing). The
    same roll and statuses as :func:`summarize_attendance`: a member exempt, away, not yet joined
    or gone on the day is not expected and not counted."""
    tally: dict[str, dict[str, int]] = {}
    for roll, statuses in meetings:
        for member in roll.expected:
            counts = tally.get(member)
            if counts is None:
                counts = tally[member] = dict.fromkeys(TALLY_KEYS, 0)
            counts["expected"] += 1
            status = statuses.get(member)
            key = status[0] if status is not None else "missing"
            counts[key if key in counts and key != "expected" else "missing"] += 1
    return tally



class ExcusedRuns(NamedTuple):
    """Runs of consecutive ``absent_excused`` at a cell's regular/combined meetings in ``year``.

    ``runs``: ``{member: length}`` (members with no current run are absent).
    """

    year: int | None
    runs: dict[str, int]


def _advance(prior: ExcusedRuns | Mapping[str, int] | None, kind: str, day: date, roll: Roll, statuses: Statuses):
    if kind not in REGULAR_KINDS:
        return prior if isinstance(prior, ExcusedRuns) or prior is None else ExcusedRuns(day.year, dict(prior))
    if prior is None:
        runs: dict[str, int] = {}
    elif isinstance(prior, ExcusedRuns):
        runs = dict(prior.runs) if prior.year == day.year else {}
    else:  # a bare mapping is taken to be the state of the meeting's own year
        runs = dict(prior)
    get = statuses.get
    for m in roll.expected:
        st = get(m)
        if st is not None and st[0] == "absent_excused":
            runs[m] = runs.get(m, 0) + 1
        elif m in runs:
            del runs[m]
    return ExcusedRuns(day.year, runs)


def advance_excused_runs(
    prior: ExcusedRuns | Mapping[str, int] | None,
    meeting: Mapping[str, Any],
    roll: Roll,
    statuses: Statuses | None = None,
) -> ExcusedRuns | None:
    """The run state after ``meeting`` (which must come after the meetings folded into ``prior``).

    Only regular and combined meetings extend or break runs; at them an expected member's
    ``absent_excused`` extends the run, any other status (or none) breaks it, and members not
    expected keep their run.  A meeting in another calendar year than ``prior.year`` starts
    afresh.  A bare ``{member: length}`` mapping is read as the state of the meeting's year.
    """
    if statuses is None:
        statuses = attendance_statuses(meeting)
    return _advance(prior, meeting["kind"], _as_date(meeting["date"]), roll, statuses)


def fold_excused_runs(history: Iterable[tuple[Mapping[str, Any], Roll]]) -> ExcusedRuns | None:
    """Fold ``(meeting, roll)`` pairs of one cell, sorted by date then id, into the run state."""
    state: ExcusedRuns | None = None
    for meeting, roll in history:
        state = advance_excused_runs(state, meeting, roll)
    return state
