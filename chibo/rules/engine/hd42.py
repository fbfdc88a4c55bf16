"""Version 2 of the rules on one meeting (rules-v2.md §0, §2, §5): the rulebook of a meeting or
span, the HD 42 findings, and the entry of a meeting in a version-2 audit.

A meeting judged by ``hd12-2018`` gets exactly its version-1 entry, with ``rulebook`` after
``date`` and ``rubric`` first in its score.  A meeting judged by ``hd42-2025`` gets the
version-1 findings without ``NOTICE_LATE``, the new findings in the order of rules-v2.md §2, and
its frame score (``frame.score_frame``); ``meets_framework`` is ``null``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from chibo.rules.engine.common import REGULAR_KINDS
from chibo.rules.engine.facts import MeetingFacts
from chibo.rules.engine.frame import FrameInputs, score_frame
from chibo.rules.rubric import RUBRIC_ID as HD12_RUBRIC_ID

HD12 = "hd12-2018"
HD42 = "hd42-2025"
BY_DATE = "by-date"
#: HD 42-HD/BTCTW's date: ``by-date`` judges meetings from this day on by ``hd42-2025``.
SWITCH_DATE = date(2025, 10, 28)

#: Findings after which the HD 42 preparation findings are listed (rules-v2.md §2 "Order").
_BEFORE_PREPARATION = frozenset({
    "ATTENDANCE_MISSING", "ABSENCE_REASON_MISSING", "UNEXCUSED_ABSENCE", "REPEATED_EXCUSED_ABSENCE",
    "LOW_ATTENDANCE", "EMPTY_ROLL", "SHORT_MEETING",
})


def rulebook_for(profile: Mapping[str, Any], day: date) -> str:
    """The rulebook of a meeting dated ``day`` (or of a span ending on ``day``) of a cell with
    effective ``profile`` (rules-v2.md §0): the pinned one, or by date."""
    pinned = profile.get("rulebook", BY_DATE)
    if pinned == HD12 or pinned == HD42:
        return pinned
    return HD12 if day < SWITCH_DATE else HD42


def notice_missing(kind: str, day: date, members_on: date | None, superior_on: date | None) -> list[str]:
    """``NOTICE_MISSING``'s ``missing`` (``members``, ``superior``), empty when both were in time."""
    if kind == "extraordinary":
        return []
    missing = []
    if members_on is None or members_on > day:
        missing.append("members")
    if superior_on is None or superior_on > day:
        missing.append("superior")
    return missing


def docs_not_posted(kind: str, day: date, posted_on: date | None, days_before: int) -> bool:
    """``DOCS_NOT_POSTED``: not extraordinary, and posted on no day or later than date - N."""
    if kind == "extraordinary":
        return False
    return posted_on is None or posted_on.toordinal() > day.toordinal() - days_before


def committee_prep_missing(kind: str, day: date, prepared_on: date | None) -> bool:
    """``COMMITTEE_PREP_MISSING``: regular or combined, and no agreement on or before the date."""
    return kind in REGULAR_KINDS and (prepared_on is None or prepared_on > day)


def results_not_posted(kind: str, day: date, posted_on: date | None, secret: bool, days_after: int,
                       as_of: date) -> bool:
    """``RESULTS_NOT_POSTED`` (rules-v2.md §2, reading 21): regular or combined, not secret, and
    posted after date + N, or not posted while the deadline is before ``as_of``."""
    if kind not in REGULAR_KINDS or secret:
        return False
    deadline = day.toordinal() + days_after
    if posted_on is not None:
        return posted_on.toordinal() > deadline
    return deadline < as_of.toordinal()


def results_deadline(kind: str, day: date, posted_on: date | None, secret: bool, days_after: int) -> date | None:
    """The last day to post the results when ``RESULTS_NOT_POSTED`` depends on the as-of day
    alone (regular or combined, not secret, not posted yet): it holds from the day after; else
    None (the finding, if any, is the same on every day)."""
    if kind not in REGULAR_KINDS or secret or posted_on is not None:
        return None
    return date.fromordinal(day.toordinal() + days_after)


def previous_task_counts(tasks: Iterable[tuple[Any, date | None, date | None]] | None, day: date) -> tuple[int, int]:
    """(counted, done) of the previous regular meeting's ``tasks`` for a meeting dated ``day``
    (rules-v2.md §5.1, reading 26): due on or before ``day``; done on or before ``day``."""
    counted = done = 0
    for _assignee, due, done_on in tasks or ():
        if due is not None and due <= day:
            counted += 1
            if done_on is not None and done_on <= day:
                done += 1
    return counted, done


def hd12_entry(result: Mapping[str, Any]) -> dict[str, Any]:
    """The version-2 entry of a meeting judged by ``hd12-2018`` from its version-1 entry."""
    score = result["score"]
    return {
        "id": result["id"],
        "organization": result["organization"],
        "kind": result["kind"],
        "date": result["date"],
        "rulebook": HD12,
        "attendance": result["attendance"],
        "duration_minutes": result["duration_minutes"],
        "votes": result["votes"],
        "findings": result["findings"],
        "score": {"rubric": HD12_RUBRIC_ID, **score},
        "meets_framework": result["meets_framework"],
    }


def hd42_entry(
    f: MeetingFacts,
    result: Mapping[str, Any],
    profile: Mapping[str, Any],
    rubric_id: str,
    rubric: Mapping[str, Any],
    previous: tuple[int, int],
    as_of: date,
) -> dict[str, Any]:
    """The version-2 entry of a meeting judged by ``hd42-2025`` from its version-1 entry
    ``result`` (same attendance, duration, votes; the findings and score of rules-v2.md)."""
    kind, day, extra = f.kind, f.date, f.hd42
    codes = set()
    head: list[dict[str, Any]] = []
    tail: list[dict[str, Any]] = []
    for finding in result["findings"]:
        code = finding["code"]
        codes.add(code)
        if code == "NOTICE_LATE":
            continue
        (head if code in _BEFORE_PREPARATION else tail).append(finding)
    findings = head
    missing = notice_missing(kind, day, f.notice_sent_on, extra.superior_notified_on)
    if missing:
        findings.append({"code": "NOTICE_MISSING", "missing": missing})
    if docs_not_posted(kind, day, extra.docs_posted_on, profile["docs_days_before"]):
        findings.append({"code": "DOCS_NOT_POSTED"})
    if committee_prep_missing(kind, day, extra.committee_prepared_on):
        findings.append({"code": "COMMITTEE_PREP_MISSING"})
    findings.extend(tail)
    quality = extra.quality
    if results_not_posted(kind, day, extra.results_posted_on, extra.secret_content, profile["post_days_after"],
                          as_of):
        findings.append({"code": "RESULTS_NOT_POSTED"})
    if kind in REGULAR_KINDS:
        if quality is None:
            findings.append({"code": "QUALITY_NOT_SCORED"})
        if profile["require_scorer"] and (quality is None or not quality[0]):
            findings.append({"code": "SCORER_NOT_ASSIGNED"})

    attendance = result["attendance"]
    if kind == "regular":
        minimum = profile["min_minutes_regular"]
    elif kind == "thematic":
        minimum = profile["min_minutes_thematic"]
    elif kind == "combined":
        minimum = profile["min_minutes_combined"]
    else:
        minimum = 0
    counted, done = previous
    frame = score_frame(rubric, FrameInputs(
        kind=kind,
        duration_minutes=result["duration_minutes"],
        minimum_minutes=minimum,
        present=attendance["present"],
        expected=attendance["expected"],
        unexcused_or_missing="UNEXCUSED_ABSENCE" in codes or "ATTENDANCE_MISSING" in codes,
        repeated_excused="REPEATED_EXCUSED_ABSENCE" in codes,
        counted_tasks=counted,
        done_tasks=done,
        entered=None if quality is None else quality[2],
    ))
    status = None if quality is None else quality[1]
    return {
        "id": result["id"],
        "organization": result["organization"],
        "kind": kind,
        "date": result["date"],
        "rulebook": HD42,
        "attendance": attendance,
        "duration_minutes": result["duration_minutes"],
        "votes": result["votes"],
        "findings": findings,
        "score": {
            "rubric": rubric_id,
            "total": frame.total,
            "grade": frame.grade,
            "provisional": frame.provisional,
            "groups": frame.groups,
            "status": status,
            "official_grade": quality[3] if status == "official" else None,
        },
        "meets_framework": None,
    }
