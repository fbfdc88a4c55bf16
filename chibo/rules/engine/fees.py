"""Party fees (rules-v2.md §8): the cell of a fee record, reliefs, the audited months, the
findings FEE_UNPAID_REVIEW and FEE_RELIEF_TOO_LONG and the monthly totals of each cell.

Pure Python, integers only.  Ledgers are those of a normalized version-2 bundle's ``fees``:
``{"member", "months": {"YYYY-MM": {"due", "paid", ...}}, "reliefs": [{"kind", "basis", "from",
"to"}]}`` (months as ``"YYYY-MM"`` strings, which sort as the months do).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from functools import lru_cache
from typing import Any

#: The share of ``due`` left to pay under each relief kind, in percent (rules-v2.md §8.2).
RELIEF_REMAINS: dict[str, int] = {"exempt": 0, "reduce_30": 70, "reduce_50": 50, "reduce_70": 30}
#: A 5.2 relief may cover at most this many months (QĐ 01 Điều 5.2).
RELIEF_MAX_MONTHS = 12
_OPEN = "9999-99"


@lru_cache(maxsize=4096)
def month_bounds(month: str) -> tuple[date, date]:
    """First and last day of ``YYYY-MM`` (cached: asked once per fee record, some millions of
    times over a province's year, of a few dozen months)."""
    year, mon = int(month[:4]), int(month[5:7])
    first = date(year, mon, 1)
    if mon == 12:
        return first, date(year, 12, 31)
    return first, date.fromordinal(date(year, mon + 1, 1).toordinal() - 1)


def months_between(first: str, last: str) -> int:
    """Months from ``first`` to ``last``, both included."""
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:7]) - int(first[5:7]) + 1


def due_after_relief(due: int, relief_kind: str | None) -> int:
    """A record's due after the relief of its month (rounded down to the đồng, reading 29)."""
    if relief_kind is None:
        return due
    return due * RELIEF_REMAINS[relief_kind] // 100


def relief_of(reliefs: Iterable[Mapping[str, Any]], month: str) -> str | None:
    """The kind of the relief covering ``month``, or ``None`` (reliefs never overlap)."""
    for relief in reliefs:
        if relief["from"] <= month <= (relief["to"] or _OPEN):
            return relief["kind"]
    return None


def record_cell(periods: Iterable[tuple[str, date, date | None]], month: str) -> str | None:
    """The cell a record of ``month`` belongs to (rules-v2.md §8.1): of the month's days on which
    the member is on some cell's roll, the latest; ``None`` when no membership covers any day."""
    first, last = month_bounds(month)
    return _latest_cell(periods, first, last)


def year_cell(periods: Iterable[tuple[str, date, date | None]], year: int) -> str | None:
    """The cell that keeps a member's fee findings of ``year`` in the stored results (one cell,
    so a member who moved is counted once): the cell of the member's last day on a roll in or
    before that year, else (every membership starts later) of the first membership."""
    periods = list(periods)
    found = _latest_cell(periods, date.min, date(year, 12, 31))
    if found is None and periods:
        found = min(periods, key=lambda p: p[1])[0]
    return found


def _latest_cell(periods: Iterable[tuple[str, date, date | None]], first: date, last: date) -> str | None:
    best: tuple[date, str] | None = None
    for cell, start, end in periods:
        if start > last or (end is not None and end < first):
            continue
        latest = last if end is None or end > last else end
        if best is None or latest > best[0]:
            best = (latest, cell)
    return None if best is None else best[1]


def audited_month(month: str, date_from: date, date_to: date, as_of: date) -> bool:
    """A month's records are audited when it lies wholly inside [from, to] and has ended by as_of."""
    first, last = month_bounds(month)
    return first >= date_from and last <= date_to and last <= as_of


def ended_months(year: int, day: date) -> int:
    """How many months of ``year`` an audit of the whole year as of ``day`` counts (`audited_month`)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    return sum(audited_month(f"{year:04d}-{m:02d}", first, last, day) for m in range(1, 13))


def fee_audit(
    ledgers: Iterable[Mapping[str, Any]],
    memberships: Mapping[str, list[tuple[str, date, date | None]]],
    resolve: Callable[[str], Mapping[str, Any]],
    date_from: date,
    date_to: date,
    as_of: date,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """(FEE_UNPAID_REVIEW findings, FEE_RELIEF_TOO_LONG findings, monthly totals) of the ledgers.

    ``memberships``: each member's ``(cell, from, to)``; ``resolve``: a cell's effective profile.
    """
    totals: dict[tuple[str, str], list] = {}  # (cell, month) -> [due, paid, unpaid members]
    unpaid_by_year: dict[tuple[str, str], list] = {}  # (member, year) -> [months, threshold]
    too_long: list[tuple[str, int, int | None]] = []
    first_month, last_month = f"{date_from.year:04d}-{date_from.month:02d}", f"{date_to.year:04d}-{date_to.month:02d}"
    for ledger in ledgers:
        member = ledger["member"]
        reliefs = ledger.get("reliefs") or []
        periods = memberships.get(member, [])
        for month in sorted(ledger.get("months") or {}):
            if not audited_month(month, date_from, date_to, as_of):
                continue
            record = ledger["months"][month]
            cell = record_cell(periods, month)
            if cell is None:  # bad input, refused by the validation
                continue
            due = due_after_relief(record["due"], relief_of(reliefs, month))
            paid = record.get("paid") or 0
            entry = totals.get((cell, month))
            if entry is None:
                entry = totals[(cell, month)] = [0, 0, []]
            entry[0] += due
            entry[1] += paid
            if due > 0 and paid < due:
                entry[2].append(member)
                threshold = resolve(cell)["fee_unpaid_months"]
                key = (member, month[:4])
                noted = unpaid_by_year.get(key)
                if noted is None:
                    unpaid_by_year[key] = [[month], threshold]
                else:
                    noted[0].append(month)
                    noted[1] = min(noted[1], threshold)
        for index, relief in enumerate(reliefs):
            if relief["basis"] != "5.2":
                continue
            start, end = relief["from"], relief["to"]
            months = None if end is None else months_between(start, end)
            if months is not None and months <= RELIEF_MAX_MONTHS:
                continue
            if start <= last_month and (end is None or end >= first_month):
                too_long.append((member, index, months))
    unpaid = [
        {"code": "FEE_UNPAID_REVIEW", "member": member, "period": year, "months": months}
        for (member, year), (months, threshold) in sorted(unpaid_by_year.items())
        if len(months) >= threshold
    ]
    reliefs_found = [
        {"code": "FEE_RELIEF_TOO_LONG", "member": member, "relief": index, "months": months}
        for member, index, months in sorted(too_long, key=lambda t: (t[0], t[1]))
    ]
    monthly = [
        {"organization": cell, "month": month, "due": due, "paid": paid, "unpaid": sorted(members)}
        for (cell, month), (due, paid, members) in sorted(totals.items())
    ]
    return unpaid, reliefs_found, monthly
