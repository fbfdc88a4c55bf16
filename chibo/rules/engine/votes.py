"""Votes: who may vote, thresholds, and the verdict of each vote (rules.md §4)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from chibo.rules.engine.attendance import Statuses, attendance_statuses
from chibo.rules.engine.common import PRESENT_STATUSES, SECRET_BALLOT_KINDS, TWO_THIRDS_KINDS
from chibo.rules.engine.facts import _vote_row
from chibo.rules.engine.roll import Roll


def vote_threshold(kind: str, eligible: int) -> int:
    """The smallest ``for`` count that passes a vote of ``kind`` with ``eligible`` voters."""
    if kind in TWO_THIRDS_KINDS:
        return (2 * eligible + 2) // 3  # smallest f with 3f >= 2e
    return eligible // 2 + 1  # smallest f with 2f > e


def vote_passes(kind: str, votes_for: int, eligible: int) -> bool:
    if kind in TWO_THIRDS_KINDS:
        return votes_for * 3 >= eligible * 2
    return votes_for * 2 > eligible


def eligible_voters(roll: Roll, statuses: Statuses) -> tuple[set[str], set[str]]:
    """(eligible voters, eligible voters present) per rules.md §3."""
    eligible: set[str] = set()
    present: set[str] = set()
    exempt = roll.exempt
    away = roll.away
    for m in roll.official:
        if m in away:
            continue
        st = statuses.get(m)
        is_present = st is not None and st[0] in PRESENT_STATUSES
        if m in exempt and not is_present:
            continue
        eligible.add(m)
        if is_present:
            present.add(m)
    return eligible, present


def _votes(votes: Iterable[tuple], eligible: int, eligible_present: int) -> tuple[list, list, list]:
    """Votes given as ``(kind, method, for, against, abstain, invalid)`` (see MeetingFacts)."""
    results = []
    inconsistent = []
    method_invalid = []
    for index, (kind, method, votes_for, against, abstain, invalid) in enumerate(votes):
        total = votes_for + against + abstain + (invalid or 0)
        bad = total > eligible_present
        if bad:
            inconsistent.append(index)
        if kind in SECRET_BALLOT_KINDS and method != "secret_ballot":
            method_invalid.append(index)
        results.append(
            {
                "index": index,
                "kind": kind,
                "eligible": eligible,
                "eligible_present": eligible_present,
                "threshold": vote_threshold(kind, eligible),
                "passed": None if bad else vote_passes(kind, votes_for, eligible),
            }
        )
    return results, inconsistent, method_invalid


def evaluate_votes(meeting: Mapping[str, Any], roll: Roll, statuses: Statuses | None = None) -> list[dict]:
    """The audit's ``votes`` list (index, kind, eligible, eligible_present, threshold, passed)."""
    if statuses is None:
        statuses = attendance_statuses(meeting)
    eligible, present = eligible_voters(roll, statuses)
    return _votes([_vote_row(v) for v in meeting.get("votes") or ()], len(eligible), len(present))[0]
