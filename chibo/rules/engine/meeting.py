"""One meeting: duration, notice, on time, minutes elements, the quality score and the
HD 12 framework, and everything the rules say about it (`evaluate_meeting`, rules.md §5–6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any

from chibo.rules.engine.attendance import ExcusedRuns, Statuses, _advance, _attendance
from chibo.rules.engine.common import (
    FRAMEWORK_FINDINGS,
    PRESENT_STATUSES,
    REGULAR_KINDS,
    THEMATIC_KINDS,
    _as_date,
    _as_time,
    is_empty,
)
from chibo.rules.engine.facts import MeetingFacts, meeting_facts
from chibo.rules.engine.roll import Roll
from chibo.rules.engine.votes import _votes, eligible_voters
from chibo.rules.profile import DEFAULT_PROFILE
from chibo.rules.rubric import CRITERIA_IDS, CRITERIA_MAX, MANUAL_CRITERIA, grade_for


def _duration(start: time | None, end: time | None) -> int | None:
    if start is None or end is None:
        return None
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes if minutes >= 0 else None


def meeting_duration(meeting: Mapping[str, Any]) -> int | None:
    """Whole minutes from ``start`` to ``end``; ``None`` if either is missing (or end < start)."""
    return _duration(_as_time(meeting.get("start")), _as_time(meeting.get("end")))


def minimum_minutes(kind: str, profile: Mapping[str, Any]) -> int | None:
    """The minimum duration of a meeting of ``kind``; ``None`` for extraordinary meetings."""
    if kind == "regular":
        return profile["min_minutes_regular"]
    if kind == "thematic":
        return profile["min_minutes_thematic"]
    if kind == "combined":
        return profile["min_minutes_combined"]
    return None


def _notice_late(kind: str, day: date, sent: date | None, profile: Mapping[str, Any]) -> bool:
    if kind == "extraordinary":
        return False
    if sent is None:
        return True
    return sent.toordinal() > day.toordinal() - profile["notice_days_before"]


def is_notice_late(meeting: Mapping[str, Any], profile: Mapping[str, Any]) -> bool:
    """NOTICE_LATE: not extraordinary, and notice missing or later than date - notice_days_before."""
    if meeting["kind"] == "extraordinary":
        return False
    sent = _as_date(meeting.get("notice_sent_on"))
    return _notice_late(meeting["kind"], None if sent is None else _as_date(meeting["date"]), sent, profile)


def _on_time(kind: str, day: date, rescheduled: bool, profile: Mapping[str, Any]) -> bool:
    if kind not in REGULAR_KINDS:
        return True
    return day.day <= profile["regular_meeting_day"] or rescheduled


def is_on_time(meeting: Mapping[str, Any], profile: Mapping[str, Any]) -> bool:
    """The ``on_time`` criterion (rules.md §5 and §7.10)."""
    if meeting["kind"] not in REGULAR_KINDS:
        return True
    return _on_time(
        meeting["kind"], _as_date(meeting["date"]), not is_empty(meeting.get("rescheduled_reason")), profile
    )


def _missing_elements(f: MeetingFacts, any_attendance_missing: bool, any_reason_missing: bool) -> list[str]:
    missing = []
    if not f.has_chair:
        missing.append("chair")
    if not f.has_secretary:
        missing.append("secretary")
    if not f.has_place:
        missing.append("place")
    if f.start is None:
        missing.append("start")
    if f.end is None:
        missing.append("end")
    if any_attendance_missing:
        missing.append("attendance")
    if any_reason_missing:
        missing.append("absence_reasons")
    if not f.has_speeches:
        missing.append("speeches")
    if not f.has_conclusion:
        missing.append("conclusion")
    if f.kind in THEMATIC_KINDS and not f.has_topic:
        missing.append("topic")
    return missing


def minutes_missing_elements(
    meeting: Mapping[str, Any], any_attendance_missing: bool, any_reason_missing: bool
) -> list[str]:
    """Elements of MINUTES_INCOMPLETE, in the order of rules.md §2."""
    return _missing_elements(meeting_facts(meeting), any_attendance_missing, any_reason_missing)


def _attendance_points(present: int, expected: int) -> int:
    if expected <= 0:
        return 0
    p100 = present * 100
    if p100 >= 90 * expected:
        return CRITERIA_MAX["attendance_rate"]
    if p100 > 85 * expected:
        return 10
    if p100 >= 75 * expected:
        return 5
    return 0


def _duration_points(kind: str, duration: int | None, profile: Mapping[str, Any]) -> int:
    if duration is None:
        return 0
    minimum = minimum_minutes(kind, profile)
    if minimum is None or duration >= minimum:
        return CRITERIA_MAX["duration"]
    if duration * 4 >= minimum * 3:
        return 5
    return 0


def _speaker_points(speakers: Iterable[str], roll: Roll, statuses: Statuses) -> int:
    away = roll.away
    on = roll.on_roll
    present = {m for m, st in statuses.items() if st[0] in PRESENT_STATUSES and m in on and m not in away}
    if not present:
        return 0
    spoke = present.intersection(speakers)
    n, p = len(spoke), len(present)
    if n * 2 > p:
        return CRITERIA_MAX["speakers"]
    if n * 10 >= p * 3:
        return 6
    if n > 0:
        return 3
    return 0


def _tasks_points(tasks: Iterable[tuple[Any, Any, Any]]) -> int:
    for assignee, due, _done in tasks:
        if assignee is not None and due is not None:
            return CRITERIA_MAX["tasks"]
    return 0


def _score(manual: Iterable[Any], auto: Mapping[str, int]) -> dict[str, Any]:
    """``manual``: the manual scores in ``MANUAL_CRITERIA`` order (``None`` = not scored)."""
    given = dict(zip(MANUAL_CRITERIA, manual, strict=True))
    criteria: dict[str, int] = {}
    provisional = False
    for cid in CRITERIA_IDS:
        if cid in given:
            value = given[cid]
            if value is None:
                provisional = True
                value = 0
            criteria[cid] = value
        else:
            criteria[cid] = auto[cid]
    total = sum(criteria.values())
    return {"total": total, "grade": grade_for(total, criteria), "provisional": provisional, "criteria": criteria}


def score_meeting(
    meeting: Mapping[str, Any],
    auto: Mapping[str, int],
) -> dict[str, Any]:
    """Combine the automatic criteria ``auto`` with the meeting's manual scores.

    Returns the audit's ``score`` object: ``total``, ``grade``, ``provisional``, ``criteria``.
    A manual score that is missing (``None``) counts 0 and makes the score provisional.
    """
    manual = meeting.get("manual_scores") or {}
    return _score([manual.get(c) for c in MANUAL_CRITERIA], auto)


def meets_framework(finding_codes: Iterable[str], on_time: bool) -> bool:
    """HD 12 framework: none of FRAMEWORK_FINDINGS and the meeting is on time."""
    return on_time and not any(code in FRAMEWORK_FINDINGS for code in finding_codes)




def _evaluate(
    f: MeetingFacts,
    roll: Roll,
    profile: Mapping[str, Any],
    prior: ExcusedRuns | Mapping[str, int] | None,
) -> tuple[dict[str, Any], ExcusedRuns | None, list[str]]:
    kind = f.kind
    day = f.date
    statuses = f.statuses
    att = _attendance(statuses, roll)
    runs_after = _advance(prior, kind, day, roll, statuses)

    findings: list[dict[str, Any]] = []
    append = findings.append
    for m in sorted(att.missing):
        append({"code": "ATTENDANCE_MISSING", "member": m})
    reason_missing = sorted(
        m for m, (status, reason) in statuses.items() if status == "absent_excused" and is_empty(reason)
    )
    for m in reason_missing:
        append({"code": "ABSENCE_REASON_MISSING", "member": m})
    unexcused = sorted(att.unexcused)
    for m in unexcused:
        append({"code": "UNEXCUSED_ABSENCE", "member": m})
    if kind in REGULAR_KINDS and att.excused:
        limit = profile["max_consecutive_excused"]
        runs = runs_after.runs
        for m in sorted(att.excused):
            if runs.get(m, 0) > limit:
                append({"code": "REPEATED_EXCUSED_ABSENCE", "member": m})
    expected, present = att.expected, att.present
    if expected == 0:
        append({"code": "EMPTY_ROLL"})  # rules.md §7.4: instead of LOW_ATTENDANCE
    elif not present * 100 > profile["min_attendance_rate"] * expected:
        append({"code": "LOW_ATTENDANCE"})
    duration = _duration(f.start, f.end)
    minimum = minimum_minutes(kind, profile)
    if duration is not None and minimum is not None and duration < minimum:
        append({"code": "SHORT_MEETING"})
    notice_late = _notice_late(kind, day, f.notice_sent_on, profile)
    if notice_late:
        append({"code": "NOTICE_LATE"})
    missing_elements = _missing_elements(f, bool(att.missing), bool(reason_missing))
    if missing_elements:
        append({"code": "MINUTES_INCOMPLETE", "missing": missing_elements})
    eligible, eligible_present = eligible_voters(roll, statuses)
    votes, inconsistent, method_invalid = _votes(f.votes, len(eligible), len(eligible_present))
    for i in inconsistent:
        append({"code": "VOTE_COUNTS_INCONSISTENT", "vote": i})
    for i in method_invalid:
        append({"code": "VOTE_METHOD_INVALID", "vote": i})

    on_time = _on_time(kind, day, f.rescheduled, profile)
    if kind == "extraordinary":
        notice_points = CRITERIA_MAX["notice"]
    elif notice_late or (kind in THEMATIC_KINDS and not f.has_topic):
        notice_points = 0
    else:
        notice_points = CRITERIA_MAX["notice"]
    auto = {
        "notice": notice_points,
        "attendance_rate": _attendance_points(present, expected),
        "no_unexcused": 0 if (att.unexcused or att.missing) else CRITERIA_MAX["no_unexcused"],
        "on_time": CRITERIA_MAX["on_time"] if on_time else 0,
        "duration": _duration_points(kind, duration, profile),
        "speakers": _speaker_points(f.speakers, roll, statuses),
        "resolution": CRITERIA_MAX["resolution"] if any(
            v["kind"] == "resolution" and v["passed"] is True for v in votes) else 0,
        "tasks": _tasks_points(f.tasks),
        "minutes": 0 if missing_elements else CRITERIA_MAX["minutes"],
    }
    score = _score(f.manual, auto)
    result = {
        "id": f.id,
        "organization": f.organization,
        "kind": kind,
        "date": day.isoformat(),
        "attendance": att.summary,
        "duration_minutes": duration,
        "votes": votes,
        "findings": findings,
        "score": score,
        "meets_framework": meets_framework((x["code"] for x in findings), on_time),
    }
    return result, runs_after, unexcused


def evaluate_meeting(
    meeting: Mapping[str, Any] | MeetingFacts,
    roll: Roll,
    profile: Mapping[str, Any] | None = None,
    prior_runs: ExcusedRuns | Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Everything the rules say about one meeting, shaped as one entry of the audit's ``meetings``.

    ``meeting``: a normalized meeting (or its :class:`MeetingFacts`).
    ``roll``: the roll facts of the meeting's cell on its date (:class:`Roll`).
    ``profile``: the cell's effective profile (default profile if ``None``).
    ``prior_runs``: the repeated-excused-absence state built from the cell's earlier regular and
    combined meetings (:func:`fold_excused_runs`); ``None`` means no earlier meeting.
    """
    if profile is None:
        profile = DEFAULT_PROFILE
    if not isinstance(meeting, MeetingFacts):
        meeting = meeting_facts(meeting)
    return _evaluate(meeting, roll, profile, prior_runs)[0]
