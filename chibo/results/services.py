"""Refreshing the stored results: the rule engine run on one cell's year, its output stored.

`refresh_cell_year` is the unit of work (milliseconds for a cell); `refresh_subtree` runs it for
every cell of a subtree and year; `stale` collects, per transaction, the cell-years a save
touched (chibo.results.signals) and refreshes them once after the commit."""

import calendar
import os
from collections import defaultdict
from collections.abc import Iterable
from datetime import date

import orjson
from django.db import transaction
from django.utils import timezone

from chibo.bulk import RowWriter
from chibo.interchange.auditjson import entry_text
from chibo.interchange.db import audit_input
from chibo.meetings.models import Meeting
from chibo.orgs.models import CELL_KINDS, Organization
from chibo.results.models import CellYear, MeetingResult, PeriodFinding
from chibo.rules import engine
from chibo.rules.services import effective_profiles_for
from chibo.supervision.models import Visit


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


#: The columns written for each stored row, in the order of the tuples below.
RESULT_FIELDS = ("meeting", "organization", "ident", "date", "kind", "entry", "score_total", "grade",
                 "meets_framework", "expected", "present", "rescheduled", "removal_threshold", "unexcused", "tasks", "results_due", "codes")
FINDING_FIELDS = ("organization", "year", "code", "period", "first", "last", "meeting", "task", "member", "months")
#: The version of the audit the stored results are (bundle-v2.md): each meeting by its rulebook.
VERSION = 2


def _json(value) -> str:
    """A JSON column's value as the database takes it from a COPY or an INSERT: its text."""
    return orjson.dumps(value).decode()


def _write(model, fields: tuple[str, ...], rows: list[tuple]) -> None:
    """The rows in with COPY on PostgreSQL (chibo.bulk): model instances and Django's bulk INSERT
    (its arrays of entry texts quoted one by one) took about a third of a refresh."""
    writer = RowWriter(model, fields)
    for row in rows:
        writer.add(row)
        writer.flush()
    writer.flush(force=True)


def _finding_row(cell_id: int, year: int, item: dict, pk_of: dict[str, int], date_of: dict[str, date]) -> tuple:
    """A row of FINDING_FIELDS."""
    code = item["code"]
    if code == "TASK_OVERDUE":  # counted in the period of its meeting's day
        day = date_of[item["meeting"]]
        return (cell_id, year, code, "", day, day, pk_of[item["meeting"]], item["task"], item["member"] or "", "[]")
    if code == "FEE_RELIEF_TOO_LONG":  # the relief (its index in the member's ledger) in the slice's year
        return (cell_id, year, code, f"{year:04d}", date(year, 1, 1), date(year, 12, 31), None, item["relief"],
                item["member"], _json([item["months"]]))  # [null]: open-ended
    period_first, period_last = _period_dates(item["period"])
    return (cell_id, year, code, item["period"], period_first, period_last, None, None, item.get("member", ""),
            _json(item.get("months", [])))


def _results_due(f: engine.MeetingFacts, entry: dict, resolve) -> date | None:
    """The last day to post the results of a meeting judged by HD 42 that has not posted them
    (the one finding of an entry that depends on the as-of day), else None."""
    if entry.get("rulebook") != engine.HD42:
        return None
    extra = f.hd42
    return engine.results_deadline(f.kind, f.date, extra.results_posted_on, extra.secret_content,
                                   resolve(f.organization)["post_days_after"])


def finding_codes(entry: dict) -> str:
    """The `codes` column of an entry: its findings' codes, once each, each between spaces."""
    codes = dict.fromkeys(f["code"] for f in entry["findings"])
    return f" {' '.join(codes)} " if codes else ""


def stored_grade(entry: dict) -> str:
    """The grade a stored meeting counts with: the superior's official grade once decided (HD 42's
    quality record, rules-v2.md §5.3), else the score's."""
    score = entry["score"]
    return score.get("official_grade") or score["grade"]


def _fee_resolver(resolve, fee_cells: dict[str, list], cells: dict[str, int]):
    """`resolve` (the subtree's profiles) extended to the cells outside the subtree where its
    members' records lie (a member who moved): FEE_UNPAID_REVIEW's threshold is the smallest
    among the cells of the counted records (rules-v2.md §8.3). Two queries when there are such
    cells, none otherwise."""
    foreign = {cell for periods in fee_cells.values() for cell, _start, _end in periods} - set(cells)
    if not foreign:
        return resolve
    code_of = dict(Organization.objects.filter(code__in=sorted(foreign)).values_list("pk", "code"))
    profiles = {code_of[pk]: profile for pk, profile in effective_profiles_for(code_of).items()}
    return lambda code: profiles[code] if code in profiles else resolve(code)


def _fee_slices(ledgers: list[dict], fee_cells: dict[str, list], resolve, cells: dict[str, int], year: int,
                as_of: date) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """(fee findings, monthly totals) of each cell of `cells` for `year`: the engine's `fee_audit`
    over the whole ledgers of the subtree's members (their records in other cells too), each
    record placed by all of the member's memberships (`fee_cells`), so a month is counted in
    one cell only, and the findings of a member's year kept in one cell (`engine.year_cell`);
    a slice is the same whether its cell is refreshed alone or with its province."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    unpaid, too_long, totals = engine.fee_audit(ledgers, fee_cells, _fee_resolver(resolve, fee_cells, cells),
                                                first, last, as_of)
    found, monthly = defaultdict(list), defaultdict(list)
    for item in unpaid + too_long:
        owner = engine.year_cell(fee_cells.get(item["member"], ()), year)
        if owner in cells:
            found[owner].append(item)
    for total in totals:
        if total["organization"] in cells:
            monthly[total["organization"]].append({k: v for k, v in total.items() if k != "organization"})
    return found, monthly


@transaction.atomic
def refresh_year(org: Organization, year: int, as_of: date | None = None) -> int:
    """Run the engine once over `org`'s subtree for `year` and store, for every cell of it, the
    cell's slice (replacing the old one): each meeting's entry of the version-2 audit (its
    rulebook's: HD 12's entry or HD 42's findings and frame score, rules-v2.md), and the cell's
    findings as of `as_of` (default: today) asked of the engine with the notes of that cell's
    meetings only, its party-fee monthly totals and findings (`_fee_slices`: each record placed
    by all of the member's memberships, also those outside the subtree), so a slice is the same
    whether its cell is refreshed alone (after a save) or with its district (`chibo refresh`). Returns the number of cell-years stored. A fixed number of queries
    whatever the size of the subtree."""
    as_of = as_of or timezone.localdate()
    first, last = date(year, 1, 1), date(year, 12, 31)
    cells = dict(Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).values_list("code", "pk"))
    fee_cells: dict[str, list] = {}
    source = audit_input(org, first, last, VERSION, fee_cells=fee_cells)
    ledgers = list(source.fees)
    run = engine.AuditRun(source._replace(fees=()), first, last, as_of)
    pk_of = dict(Meeting.objects.filter(organization_id__in=cells.values(), date__year=year).values_list("ident", "pk"))
    results, notes, date_of = [], {code: engine.PeriodNotes() for code in cells}, {}
    meetings: dict[int, int] = defaultdict(int)
    for f, entry, threshold, unexcused in run.evaluated():
        cell = f.organization
        date_of[f.id] = f.date
        notes[cell].note(f.id, cell, f.kind, f.date, f.rescheduled, threshold, unexcused, f.tasks, as_of)
        meetings[cells[cell]] += 1
        results.append((
            pk_of[f.id], cells[cell], f.id, f.date, f.kind, entry_text(entry), entry["score"]["total"],
            stored_grade(entry), entry["meets_framework"], entry["attendance"]["expected"],
            entry["attendance"]["present"], f.rescheduled, threshold, _json(list(unexcused)),
            _json([[assignee, _iso(due), _iso(done)] for assignee, due, done in f.tasks]),
            _results_due(f, entry, run.resolve), finding_codes(entry)))
    visits = defaultdict(list)
    for cell_id, day in Visit.objects.filter(organization_id__in=cells.values(), date__year=year).values_list(
            "organization_id", "date"):
        visits[cell_id].append(day)
    fee_found, fee_totals = _fee_slices(ledgers, fee_cells, run.resolve, cells, year, as_of)
    findings, slices = [], []
    for code, cell_id in cells.items():
        found = engine.period_findings(notes[code], [code], run.established, run.resolve,
                                       [(code, day) for day in visits[cell_id]], first, last, as_of, version=VERSION)
        findings.extend(_finding_row(cell_id, year, item, pk_of, date_of) for item in found + fee_found[code])
        slices.append(CellYear(organization_id=cell_id, year=year, as_of=as_of, meetings=meetings[cell_id],
                               overdue_tasks=sum(item["code"] == "TASK_OVERDUE" for item in found),
                               fees=fee_totals[code]))
    ids = list(cells.values())
    MeetingResult.objects.filter(organization_id__in=ids, date__year=year).delete()
    MeetingResult.objects.filter(meeting_id__in=pk_of.values()).delete()  # a meeting moved in from another year
    PeriodFinding.objects.filter(organization_id__in=ids, year=year).delete()
    CellYear.objects.filter(organization_id__in=ids, year=year).delete()
    _write(MeetingResult, RESULT_FIELDS, results)
    _write(PeriodFinding, FINDING_FIELDS, findings)
    CellYear.objects.bulk_create(slices, batch_size=2000)
    return len(slices)


def refresh_cell_year(cell: Organization, year: int, as_of: date | None = None) -> CellYear:
    """Refresh one cell's year (what a save makes stale): `refresh_year` on the cell alone."""
    refresh_year(cell, year, as_of)
    return CellYear.objects.get(organization=cell, year=year)


#: About how many cells one refresh job takes at once (a district, give or take);
#: CHIBO_BATCH_CELLS in the environment changes it (smaller batches share out better between
#: workers, larger ones cost fewer queries).
BATCH_CELLS = int(os.environ.get("CHIBO_BATCH_CELLS", "1500"))


def batches(org: Organization) -> list[Organization]:
    """`org`'s subtree cut into subtrees of at most about BATCH_CELLS cells (whole children at a
    time, so about a district each): the jobs of `chibo refresh`. Two queries per level."""
    count = Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).count()
    if count <= BATCH_CELLS or org.is_cell:
        return [org]
    parts = []
    for child in Organization.objects.filter(parent=org).order_by("path"):
        parts.extend(batches(child))
    return parts


def refresh_subtree(org: Organization, years: Iterable[int], as_of: date | None = None) -> int:
    """Refresh every cell-year of `org`'s subtree for `years`, a batch (about a district) at a
    time; returns the number of cell-years stored."""
    years = list(years)
    return sum(refresh_year(part, year, as_of) for part in batches(org) for year in years)


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
