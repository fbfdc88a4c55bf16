"""Refreshing the stored results: the rule engine run on one cell's year, its output stored.

`refresh_cell_year` is the unit of work (milliseconds for a cell); `refresh_subtree` runs it for
every cell of a subtree and year; `stale` collects, per transaction, the cell-years a save
touched (chibo.results.signals) and refreshes them once after the commit."""

import calendar
import json
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from chibo.interchange.db import audit_input
from chibo.meetings.models import Meeting
from chibo.orgs.models import CELL_KINDS, Organization
from chibo.results.models import CellYear, MeetingResult, PeriodFinding
from chibo.rules import engine


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _period_dates(period: str) -> tuple[date | None, date | None]:
    """First and last day of 2025-03, 2025-Q1, 2025-H1 or 2025."""
    year = int(period[:4])
    rest = period[5:]
    if not rest:
        return date(year, 1, 1), date(year, 12, 31)
    if rest.startswith("Q"):
        q = int(rest[1:])
        first_month, months = 3 * q - 2, 3
    elif rest.startswith("H"):
        h = int(rest[1:])
        first_month, months = 6 * h - 5, 6
    else:
        first_month, months = int(rest), 1
    last_month = first_month + months - 1
    return date(year, first_month, 1), date(year, last_month, calendar.monthrange(year, last_month)[1])


@transaction.atomic
def refresh_cell_year(cell: Organization, year: int, as_of: date | None = None) -> CellYear:
    """Run the engine on `cell`'s year and store its results (replacing the slice's old ones):
    each meeting's audit entry and the cell's findings as of `as_of` (default: today)."""
    as_of = as_of or timezone.localdate()
    first, last = date(year, 1, 1), date(year, 12, 31)
    run = engine.AuditRun(audit_input(cell, first, last), first, last, as_of)
    pk_of = dict(Meeting.objects.filter(organization=cell, date__year=year).values_list("ident", "pk"))
    results = []
    for f, entry, threshold, unexcused in run.evaluated():
        results.append(MeetingResult(
            meeting_id=pk_of[f.id], organization=cell, ident=f.id, date=f.date, kind=f.kind,
            entry=json.dumps(entry, ensure_ascii=False), score_total=entry["score"]["total"],
            grade=entry["score"]["grade"], meets_framework=entry["meets_framework"],
            expected=entry["attendance"]["expected"], present=entry["attendance"]["present"],
            rescheduled=f.rescheduled, removal_threshold=threshold, unexcused=list(unexcused),
            tasks=[[assignee, _iso(due), _iso(done)] for assignee, due, done in f.tasks]))
    findings = []
    overdue = 0
    for item in run.findings():
        code = item["code"]
        if code == "TASK_OVERDUE":
            overdue += 1
            findings.append(PeriodFinding(organization=cell, year=year, code=code, meeting_id=pk_of[item["meeting"]],
                                          task=item["task"], member=item["member"] or ""))
            continue
        period_first, period_last = _period_dates(item["period"])
        findings.append(PeriodFinding(organization=cell, year=year, code=code, period=item["period"],
                                      first=period_first, last=period_last, member=item.get("member", "")))
    MeetingResult.objects.filter(organization=cell, date__year=year).delete()
    PeriodFinding.objects.filter(organization=cell, year=year).delete()
    MeetingResult.objects.bulk_create(results)
    PeriodFinding.objects.bulk_create(findings)
    slice_, _created = CellYear.objects.update_or_create(
        organization=cell, year=year, defaults={"as_of": as_of, "meetings": len(results), "overdue_tasks": overdue})
    return slice_


def cells_of(org: Organization) -> list[Organization]:
    """The cells of `org`'s subtree (itself if a cell), in path order."""
    return list(Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).order_by("path"))


def refresh_subtree(org: Organization, years: Iterable[int], as_of: date | None = None) -> int:
    """Refresh every cell-year of `org`'s subtree for `years`; returns the number of slices."""
    count = 0
    for cell in cells_of(org):
        for year in years:
            refresh_cell_year(cell, year, as_of)
            count += 1
    return count


def years_with_meetings(org: Organization) -> list[int]:
    """The years in which `org`'s subtree has meetings (what `chibo refresh` covers by default)."""
    dates = Meeting.objects.filter(organization__in=Organization.objects.filter(org.subtree_q())).dates("date", "year")
    return [d.year for d in dates]


def refresh_roots(codes: Iterable[str], as_of: date | None = None) -> int:
    """Refresh the subtrees of the organisations `codes` for the years with meetings and the
    as-of day's year (after a bulk load: `chibo import`, `chibo demo`); returns the slices."""
    as_of = as_of or timezone.localdate()
    total = 0
    for root in Organization.objects.filter(code__in=list(codes)).order_by("path"):
        total += refresh_subtree(root, sorted(set(years_with_meetings(root)) | {as_of.year}), as_of)
    return total
