"""The reads of the fee pages, each in a fixed number of queries (tests/test_fees_pages.py).

Which cell a member's month belongs to is rules-v2.md §8.1's (`calculator.cell_of_month`: the
latest day of the month on a roll), computed from every membership of the members concerned, so
a member who moved on the 15th is on the new cell's sheet for that month and not on the old one's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q

from chibo import vocabulary
from chibo.fees import calculator
from chibo.fees.models import FeeRecord, Relief
from chibo.orgs.models import CELL_KINDS, Member, Membership, Organization


@dataclass
class LedgerRow:
    member: Member
    record: FeeRecord | None
    relief: Relief | None
    proposal: calculator.Proposal | None  # from the record's category and income
    due_after: int | None  # None without a record

    @property
    def unpaid(self) -> bool:
        return self.record is not None and calculator.is_unpaid(self.due_after, self.record.paid)

    @property
    def category_label(self) -> str:
        return vocabulary.FEE_CATEGORIES.labels.get(self.record.category, "") if self.record else ""


@dataclass
class Ledger:
    cell: Organization
    month: date
    rows: list[LedgerRow]
    schedule: dict

    @property
    def recorded(self) -> list[LedgerRow]:
        return [r for r in self.rows if r.record is not None]

    @property
    def total_due(self) -> int:
        return sum(r.record.due for r in self.recorded)

    @property
    def total_due_after(self) -> int:
        return sum(r.due_after for r in self.recorded)

    @property
    def total_paid(self) -> int:
        return sum(r.record.paid for r in self.recorded)

    @property
    def unpaid_rows(self) -> list[LedgerRow]:
        return [r for r in self.rows if r.unpaid]

    @property
    def missing(self) -> list[LedgerRow]:
        return [r for r in self.rows if r.record is None]


def _memberships_by_member(member_filter: Q) -> dict[int, list[tuple[int, date, date | None]]]:
    by_member = defaultdict(list)
    for member_id, org_id, start, end in Membership.objects.filter(member_filter).values_list(
            "member_id", "organization_id", "start", "end"):
        by_member[member_id].append((org_id, start, end))
    return by_member


def _reliefs_by_member(member_filter: Q, first: date, last: date) -> dict[int, list[Relief]]:
    by_member = defaultdict(list)
    for relief in Relief.objects.filter(member_filter & Q(from_month__lte=last) & (
            Q(to_month__isnull=True) | Q(to_month__gte=first))).select_related("decided_by"):
        by_member[relief.member_id].append(relief)
    return by_member


def _row(member, record, reliefs, month) -> LedgerRow:
    relief = calculator.relief_of_month(reliefs, month)
    proposal = None
    due_after = None
    if record is not None:
        if record.category:
            try:
                proposal = calculator.propose(month, record.category, record.base)
            except KeyError:  # a category of the other schedule (the month was corrected)
                proposal = None
        due_after = calculator.due_after_relief(record.due, relief.kind if relief else None)
    return LedgerRow(member=member, record=record, relief=relief, proposal=proposal, due_after=due_after)


def ledger(cell: Organization, month: date) -> Ledger:
    """The cell's sheet for `month`: every member whose month belongs to the cell, with their
    record (or none yet), relief and due after relief. Four queries."""
    month = calculator.first_day(month)
    first, last = month, calculator.last_day(month)
    on_roll = Q(organization=cell, start__lte=last) & (Q(end__isnull=True) | Q(end__gte=first))
    members = {m.member_id: m.member for m in Membership.objects.filter(on_roll).select_related("member")}
    in_cell = Q(member_id__in=Membership.objects.filter(on_roll).values("member_id"))
    spans = _memberships_by_member(in_cell)
    ids = [mid for mid in members if calculator.cell_of_month(spans[mid], month) == cell.pk]
    records = {r.member_id: r for r in FeeRecord.objects.filter(in_cell, month=month).select_related("collector")}
    reliefs = _reliefs_by_member(in_cell, first, first)
    rows = [_row(members[mid], records.get(mid), reliefs.get(mid, []), month) for mid in ids]
    rows.sort(key=lambda r: (r.member.sort_key, r.member.code))
    return Ledger(cell=cell, month=month, rows=rows, schedule=calculator.schedule_for(month))


def ledger_row(cell: Organization, member: Member, month: date) -> LedgerRow | None:
    """One member's month on the cell's sheet (None: the month does not belong to the cell).
    Three queries."""
    month = calculator.first_day(month)
    spans = _memberships_by_member(Q(member=member))
    if calculator.cell_of_month(spans[member.pk], month) != cell.pk:
        return None
    record = FeeRecord.objects.filter(member=member, month=month).select_related("collector").first()
    reliefs = _reliefs_by_member(Q(member=member), month, month)
    return _row(member, record, reliefs.get(member.pk, []), month)


@dataclass
class MonthTotal:
    month: date
    records: int = 0
    due_after: int = 0
    paid: int = 0
    unpaid: int = 0  # members whose record is unpaid


@dataclass
class CellTotals:
    cell: Organization
    months: dict[date, MonthTotal] = field(default_factory=dict)

    def for_month(self, month: date) -> MonthTotal | None:
        return self.months.get(month)

    @property
    def year_due_after(self) -> int:
        return sum(t.due_after for t in self.months.values())

    @property
    def year_paid(self) -> int:
        return sum(t.paid for t in self.months.values())


def subtree_totals(org: Organization, year: int) -> list[CellTotals]:
    """Per cell of `org`'s subtree and month of `year`: records, total due after relief, total
    paid, members unpaid (rules-v2.md §8.3's monthly totals; no member's amount or income).
    Five queries whatever the size of the subtree."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    cells = {c.pk: c for c in Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).order_by("code")}
    touched = Q(member_id__in=Membership.objects.filter(
        Q(organization__in=list(cells)) & Q(start__lte=last) & (Q(end__isnull=True) | Q(end__gte=first))
    ).values("member_id"))
    spans = _memberships_by_member(touched)
    reliefs = _reliefs_by_member(touched, first, date(year, 12, 1))
    totals = {pk: CellTotals(cell=c) for pk, c in cells.items()}
    for member_id, month, due, paid in FeeRecord.objects.filter(touched, month__range=(first, last)).values_list(
            "member_id", "month", "due", "paid"):
        cell_id = calculator.cell_of_month(spans[member_id], month)
        if cell_id not in totals:
            continue
        relief = calculator.relief_of_month(reliefs.get(member_id, []), month)
        after = calculator.due_after_relief(due, relief.kind if relief else None)
        t = totals[cell_id].months.setdefault(month, MonthTotal(month))
        t.records += 1
        t.due_after += after
        t.paid += paid
        t.unpaid += calculator.is_unpaid(after, paid)
    return list(totals.values())


@dataclass
class MemberMonth:
    month: date
    cell: Organization | None
    record: FeeRecord
    relief: Relief | None
    due_after: int

    @property
    def unpaid(self) -> bool:
        return calculator.is_unpaid(self.due_after, self.record.paid)


def member_months(member: Member, year: int) -> tuple[list[MemberMonth], list[Relief]]:
    """A member's own records of `year` (each with the cell it belongs to and its relief), and
    their relief decisions. Three queries."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    memberships = list(Membership.objects.filter(member=member).select_related("organization"))
    spans = [(m.organization, m.start, m.end) for m in memberships]
    reliefs = list(Relief.objects.filter(member=member).select_related("decided_by").order_by("from_month"))
    rows = []
    for record in FeeRecord.objects.filter(member=member, month__range=(first, last)).order_by("month"):
        relief = calculator.relief_of_month(reliefs, record.month)
        rows.append(MemberMonth(month=record.month, cell=calculator.cell_of_month(spans, record.month),
                                record=record, relief=relief,
                                due_after=calculator.due_after_relief(record.due, relief.kind if relief else None)))
    return rows, reliefs


def collectors(cell: Organization) -> list[Member]:
    """The members on the cell's roll today (who may collect cash). One query."""
    return [m.member for m in Membership.objects.filter(organization=cell, end__isnull=True)
            .select_related("member").order_by("member__sort_key", "member__code")]


def cell_members(cell: Organization) -> list[Member]:
    """The members who are or were on the cell's roll (a relief may concern a former member). One
    query."""
    return list(Member.objects.filter(pk__in=Membership.objects.filter(organization=cell).values("member_id"))
                .order_by("sort_key", "code"))


def cell_reliefs(cell: Organization) -> list[Relief]:
    """The relief decisions of the members who are or were on the cell's roll. One query."""
    return list(Relief.objects.filter(member_id__in=Membership.objects.filter(organization=cell).values("member_id"))
                .select_related("member", "decided_by").order_by("member__sort_key", "from_month"))


def cell_year(cell: Organization, year: int) -> list[Ledger]:
    """The cell's twelve monthly sheets of `year` (the year's book). 4 × 12 queries would do; this
    reads each table once: four queries (`cell_months`)."""
    return cell_months(cell, [date(year, m, 1) for m in range(1, 13)])


def cell_months(cell: Organization, months: list[date]) -> list[Ledger]:
    """The cell's sheets of the given months (first days, in the order given), reading each table
    once over the span of the months: four queries whatever their number."""
    months = [calculator.first_day(m) for m in months]
    if not months:
        return []
    first, last = min(months), calculator.last_day(max(months))
    on_roll = Q(organization=cell, start__lte=last) & (Q(end__isnull=True) | Q(end__gte=first))
    in_cell = Q(member_id__in=Membership.objects.filter(on_roll).values("member_id"))
    members = {m.pk: m for m in Member.objects.filter(pk__in=Membership.objects.filter(on_roll).values("member_id"))}
    spans = _memberships_by_member(in_cell)
    records = {(r.member_id, r.month): r for r in FeeRecord.objects.filter(
        in_cell, month__range=(first, last)).select_related("collector")}
    reliefs = _reliefs_by_member(in_cell, first, max(months))
    sheets = []
    for month in months:
        ids = [mid for mid in members if calculator.cell_of_month(spans[mid], month) == cell.pk]
        rows = [_row(members[mid], records.get((mid, month)), reliefs.get(mid, []), month) for mid in ids]
        rows.sort(key=lambda r: (r.member.sort_key, r.member.code))
        sheets.append(Ledger(cell=cell, month=month, rows=rows, schedule=calculator.schedule_for(month)))
    return sheets


@dataclass
class MonthStatus:
    """The fee status of a cell's month, as the meeting's opening announces it."""

    month: date
    records: int
    due_after: int
    paid: int
    unpaid: list[Member]  # whose record is unpaid, by name
    missing: int  # members of the month without a record


def _status(sheet: Ledger) -> MonthStatus:
    return MonthStatus(month=sheet.month, records=len(sheet.recorded), due_after=sheet.total_due_after,
                       paid=sheet.total_paid, unpaid=[r.member for r in sheet.unpaid_rows], missing=len(sheet.missing))


def month_status(cell: Organization, month: date) -> MonthStatus:
    """Four queries (`ledger`)."""
    return _status(ledger(cell, month))


def month_statuses(cell: Organization, months: list[date]) -> dict[date, MonthStatus]:
    """`month_status` of each of `months` (first days), by month: four queries (`cell_months`), so the
    minutes of one meeting and a year's minutes book read the same."""
    return {sheet.month: _status(sheet) for sheet in cell_months(cell, sorted({calculator.first_day(m) for m in months}))}
