"""The audit as one streaming pass over the meetings in (date, id) order (bundle.md,
"Audit output"). Its text is written by chibo.interchange.auditjson."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any, NamedTuple

from chibo.rules.engine.attendance import ExcusedRuns, _advance
from chibo.rules.engine.common import CELL_KINDS, REGULAR_KINDS, _as_date
from chibo.rules.engine.facts import MeetingFacts, meeting_facts
from chibo.rules.engine.fees import fee_audit
from chibo.rules.engine.frame import frame_rubric, frame_rubric_id
from chibo.rules.engine.hd42 import HD12, hd12_entry, hd42_entry, previous_task_counts, rulebook_for
from chibo.rules.engine.meeting import _evaluate
from chibo.rules.engine.periods import PeriodNotes, period_findings
from chibo.rules.engine.roll import RollIndex
from chibo.rules.profile import ProfileResolver


class AuditInput(NamedTuple):
    """What an audit reads, in a form that need not hold a whole bundle in memory.

    ``organizations``: normalized organisation dicts (``code``, ``kind``, ``parent``,
    ``established_on``); ``profiles``: the bundle's profile overrides; ``rolls``: a
    :class:`RollIndex` of the members; ``meetings``: :class:`MeetingFacts` **in order of date,
    then id** (any iterable, e.g. a generator that reads a database month by month; meetings
    outside [1 January of from's year, to] are skipped); ``visits``: ``(organization, date)``
    pairs.  :func:`bundle_input` makes one from a normalized bundle.

    Version 2 (rules-v2.md): ``version`` 2, the bundle's valid ``rubrics`` and its fee ``fees``
    ledgers; its meetings include those of earlier years too (the previous meeting's tasks of
    the frame rubric look back across the year).
    """

    organizations: Iterable[Mapping[str, Any]]
    profiles: Mapping[str, Mapping[str, Any]]
    rolls: RollIndex
    meetings: Iterable[MeetingFacts]
    visits: Iterable[tuple[str, date]]
    version: int = 1
    rubrics: Mapping[str, Mapping[str, Any]] = {}
    fees: Iterable[Mapping[str, Any]] = ()


def bundle_input(bundle: Mapping[str, Any], date_from: date | str, date_to: date | str) -> AuditInput:
    """The :class:`AuditInput` of a normalized bundle for an audit of [date_from, date_to].

    Only the meetings the audit reads (from 1 January of from's year through ``to``: runs
    reset with each calendar year) are sorted and turned into facts, one at a time.
    """
    date_to = _as_date(date_to)
    version = bundle.get("version", 1)
    first_year = _as_date(date_from).year if version == 1 else 1
    wanted = []
    for meeting in bundle.get("meetings") or ():
        day = _as_date(meeting["date"])
        if day <= date_to and day.year >= first_year:
            wanted.append((day, meeting["id"], meeting))
    wanted.sort(key=lambda t: (t[0], t[1]))
    return AuditInput(
        bundle.get("organizations") or [],
        bundle.get("profiles") or {},
        RollIndex(bundle.get("members") or []),
        (meeting_facts(meeting) for _day, _id, meeting in wanted),
        ((v["organization"], _as_date(v["date"])) for v in bundle.get("visits") or ()),
        version,
        bundle.get("rubrics") or {},
        bundle.get("fees") or (),
    )



class AuditRun:
    """The audit as one pass over the meetings in (date, id) order.

    :meth:`entries` evaluates each meeting (or only advances its cell's excused-absence runs
    when it lies before ``from``) and notes the little the cell findings need
    (:class:`PeriodNotes`); :meth:`findings` then lists them (:func:`period_findings`).
    Nothing else of a meeting is kept, so the meeting entries can be written out as they come.
    """

    def __init__(self, source: AuditInput, date_from: date, date_to: date, as_of: date):
        self.date_from, self.date_to, self.as_of = date_from, date_to, as_of
        orgs = list(source.organizations)
        self.resolve = ProfileResolver({o["code"]: o.get("parent") for o in orgs}, source.profiles or {})
        self.established = {o["code"]: _as_date(o.get("established_on")) for o in orgs}
        self.cells = sorted(o["code"] for o in orgs if o.get("kind") in CELL_KINDS)
        self.source = source
        self.first_year = date_from.year
        self.runs: dict[str, ExcusedRuns | None] = {}
        self.notes = PeriodNotes()
        self.version = source.version
        self.previous_tasks: dict[str, tuple] = {}  # version 2: the cell's last regular meeting's tasks

    def entries(self) -> Iterator[dict[str, Any]]:
        """The audit's ``meetings`` entries, in order (consumes ``source.meetings``)."""
        for _facts, result, _threshold, _unexcused in self.evaluated():
            yield result

    def evaluated(self) -> Iterator[tuple[MeetingFacts, dict[str, Any], int, list[str]]]:
        """(facts, audit entry, the cell's removal threshold, the members absent without reason)
        of each meeting audited, in order, each noted in ``self.notes`` (consumes
        ``source.meetings``). The stored results (``chibo.results``) keep these."""
        last: tuple[date, str] | None = None
        date_from, date_to, first_year, as_of = self.date_from, self.date_to, self.first_year, self.as_of
        if self.version == 2:
            yield from self._evaluated_v2()
            return
        rolls, resolve, runs, note = self.source.rolls, self.resolve, self.runs, self.notes.note
        for f in self.source.meetings:
            day = f.date
            if day > date_to or day.year < first_year:
                continue
            key = (day, f.id)
            if last is not None and key < last:
                raise ValueError(f"meetings out of (date, id) order: {key} after {last}")
            last = key
            cell, kind = f.organization, f.kind
            if day < date_from:
                if kind in REGULAR_KINDS:
                    runs[cell] = _advance(runs.get(cell), kind, day, rolls.roll(cell, day), f.statuses)
                continue
            profile = resolve(cell)
            result, runs[cell], unexcused = _evaluate(f, rolls.roll(cell, day), profile, runs.get(cell))
            threshold = profile["removal_unexcused_months"]
            note(f.id, cell, kind, day, f.rescheduled, threshold, unexcused, f.tasks, as_of)
            yield f, result, threshold, unexcused

    def _evaluated_v2(self) -> Iterator[tuple[MeetingFacts, dict[str, Any], int, list[str]]]:
        """:meth:`evaluated` of a version-2 audit (rules-v2.md): each meeting by its rulebook."""
        last: tuple[date, str] | None = None
        date_from, date_to, first_year, as_of = self.date_from, self.date_to, self.first_year, self.as_of
        rolls, resolve, runs, note = self.source.rolls, self.resolve, self.runs, self.notes.note
        previous_tasks, rubrics = self.previous_tasks, self.source.rubrics
        frames: dict[str, tuple[str, Mapping[str, Any]]] = {}
        for f in self.source.meetings:
            day = f.date
            if day > date_to:
                continue
            key = (day, f.id)
            if last is not None and key < last:
                raise ValueError(f"meetings out of (date, id) order: {key} after {last}")
            last = key
            cell, kind = f.organization, f.kind
            previous = previous_task_counts(previous_tasks.get(cell), day)
            if kind in REGULAR_KINDS:
                previous_tasks[cell] = f.tasks
            if day < date_from:
                if kind in REGULAR_KINDS and day.year >= first_year:
                    runs[cell] = _advance(runs.get(cell), kind, day, rolls.roll(cell, day), f.statuses)
                continue
            profile = resolve(cell)
            result, runs[cell], unexcused = _evaluate(f, rolls.roll(cell, day), profile, runs.get(cell))
            if rulebook_for(profile, day) == HD12:
                entry = hd12_entry(result)
            else:
                frame = frames.get(cell)
                if frame is None:
                    rid = frame_rubric_id(profile["rubric"], rubrics)
                    frame = frames[cell] = (rid, frame_rubric(rid, rubrics))
                entry = hd42_entry(f, result, profile, frame[0], frame[1], previous, as_of)
            threshold = profile["removal_unexcused_months"]
            note(f.id, cell, kind, day, f.rescheduled, threshold, unexcused, f.tasks, as_of)
            yield f, entry, threshold, unexcused

    def findings(self) -> list[dict[str, Any]]:
        """The cell findings (call after :meth:`entries` is exhausted; consumes ``source.visits``)."""
        found = period_findings(self.notes, self.cells, self.established, self.resolve, self.source.visits,
                                self.date_from, self.date_to, self.as_of, version=self.version)
        if self.version == 2:
            unpaid, too_long, self.fee_totals = fee_audit(
                self.source.fees, self.source.rolls.memberships(), self.resolve, self.date_from, self.date_to,
                self.as_of)
            found += unpaid + too_long
        return found

    def tail(self) -> dict[str, Any]:
        """The keys after ``findings`` (call after :meth:`findings`): version 2's ``fees``."""
        if self.version == 2:
            return {"fees": self.fee_totals}
        return {}



def audit_header(date_from: date, date_to: date, as_of: date, version: int = 1) -> dict[str, Any]:
    """The audit's first keys (format, version, from, to, as_of)."""
    return {
        "format": "chibo-audit",
        "version": version,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "as_of": as_of.isoformat(),
    }


def audit_dates(date_from: date | str, date_to: date | str, as_of: date | str | None) -> tuple[date, date, date]:
    """An audit's (from, to, as_of) as dates (ISO strings accepted); ``as_of`` defaults to ``to``."""
    date_from, date_to = _as_date(date_from), _as_date(date_to)
    return date_from, date_to, date_to if as_of is None else _as_date(as_of)


def audit(
    bundle: Mapping[str, Any] | AuditInput,
    date_from: date | str,
    date_to: date | str,
    as_of: date | str | None = None,
) -> dict[str, Any]:
    """Audit a normalized bundle (or an :class:`AuditInput`) over [date_from, date_to] as of
    ``as_of`` (default: date_to).

    Returns the audit object of bundle.md ("Audit output"), ready for ``chibo.interchange.auditjson.dump_audit``;
    ``auditjson.write_audit`` writes the same text without holding the whole object.
    """
    date_from, date_to, as_of = audit_dates(date_from, date_to, as_of)
    source = bundle if isinstance(bundle, AuditInput) else bundle_input(bundle, date_from, date_to)
    run = AuditRun(source, date_from, date_to, as_of)
    result = audit_header(date_from, date_to, as_of, source.version)
    result["meetings"] = list(run.entries())
    result["findings"] = run.findings()
    result.update(run.tail())
    return result
