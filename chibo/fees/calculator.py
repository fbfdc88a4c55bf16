"""The party fee calculator (rules-v2.md §8.4) and the month arithmetic of the ledger. Pure Python.

The rates are data: `rates.json` beside this module is rules-v2.md §8.4's table exactly, one
schedule per rule (`qd342-2010` for months up to 2026-01, `qd01-2026` from 2026-02), chosen by
the fee month. A category gives `floor(base * rate_bp / 10000)` VND, or a `fixed` amount, or
nothing: the cell enters the amount by hand, within `min..max` when given. A category marked
`confirmed: false` (no read source supports an amount) is shown as "chưa có căn cứ" and never
filled in.

The calculator only proposes; the cell approves `due` (Điều 7.4). The audit never computes a due
from income (rules-v2.md §8).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

from chibo.rules.engine.fees import due_after_relief as engine_due_after_relief
from chibo.rules.engine.fees import record_cell

RATES_FILE = Path(__file__).with_name("rates.json")

#: Shown instead of an amount for a category no read source supports (rules-v2.md §8.4).
NO_BASIS = "chưa có căn cứ"

#: rules-v2.md reading 34.
MAX_AMOUNT = 10**12

# --- months --------------------------------------------------------------------------------

def first_day(day: date) -> date:
    return day.replace(day=1)


def month_key(month: date) -> str:
    """'YYYY-MM', the bundle's month (four-digit years)."""
    return f"{month.year:04d}-{month.month:02d}"


def parse_month(text: str) -> date:
    """'YYYY-MM' (or 'MM/YYYY', as typed on a page) -> the first day; ValueError otherwise."""
    text = (text or "").strip()
    if "/" in text:
        m, _, y = text.partition("/")
    else:
        y, _, m = text.partition("-")
    if not (y.isdigit() and m.isdigit() and len(y) == 4 and 1 <= len(m) <= 2):
        raise ValueError(text)
    year, month = int(y), int(m)
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        raise ValueError(text)
    return date(year, month, 1)


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def last_day(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


def months_covered(start: date, end: date | None) -> int | None:
    """How many months `start`..`end` covers (inclusive); None when open-ended."""
    if end is None:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def cell_of_month(memberships, month: date):
    """The organisation a member's month belongs to (rules-v2.md §8.1): of the days of the month
    on which the member is on some roll, the latest; `memberships` are (organisation, start, end
    or None). None when no membership covers a day of the month. The engine's rule
    (`engine.record_cell`), for a month given as its first day."""
    return record_cell(memberships, month_key(month))


# --- the rate table ------------------------------------------------------------------------

def load_rates(path: Path = RATES_FILE) -> dict:
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    if data.get("format") != "chibo-fee-rates" or data.get("version") != 1:
        raise ValueError("not a chibo-fee-rates version 1 file")
    return data


RATES = load_rates()


def schedule_for(month: date, rates: dict = RATES) -> dict:
    """The schedule in force for `month` (by its `from_month`..`to_month`, inclusive)."""
    key = month_key(month)
    for schedule in rates["schedules"]:
        if (schedule["from_month"] is None or schedule["from_month"] <= key) and \
                (schedule["to_month"] is None or key <= schedule["to_month"]):
            return schedule
    raise LookupError(f"no fee schedule for {key}")


def category_codes(month: date, rates: dict = RATES) -> tuple[str, ...]:
    return tuple(c["code"] for c in schedule_for(month, rates)["categories"])


@dataclass(frozen=True)
class Proposal:
    """What the calculator says for one member's month."""

    schedule: str  # the schedule's id
    category: str
    amount: int | None  # the proposed due; None when the cell enters it by hand
    confirmed: bool
    needs_base: bool  # a percentage of an income the cell must enter
    rate_bp: int | None = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def note(self) -> str:
        """The Vietnamese line the ledger shows when there is no amount."""
        if not self.confirmed:
            return NO_BASIS
        if self.needs_base and self.amount is None:
            return "chưa nhập thu nhập"
        return ""


def _categories(schedule: dict) -> tuple[dict, dict]:
    return schedule, {c["code"]: c for c in schedule["categories"]}


@lru_cache(maxsize=1024)
def _schedule_categories(month: date) -> tuple[dict, dict]:
    """The built-in table's schedule of `month` and its categories by code (cached: asked for
    every record `chibo generate` writes, some millions)."""
    return _categories(schedule_for(month))


def propose(month: date, category: str, base: int | None, rates: dict = RATES) -> Proposal:
    """The proposed due for `category` in `month` from the income `base` (whole VND).
    KeyError when the category is not in the month's schedule."""
    schedule, found = _schedule_categories(month) if rates is RATES else _categories(schedule_for(month, rates))
    if category not in found:
        raise KeyError(category)
    c = found[category]
    confirmed = bool(c.get("confirmed"))
    common = dict(schedule=schedule["id"], category=category, confirmed=confirmed,
                  minimum=c.get("min"), maximum=c.get("max"))
    if not confirmed:
        return Proposal(amount=None, needs_base=False, **common)
    if c.get("rate_bp") is not None:
        amount = None if base is None else base * c["rate_bp"] // 10000
        return Proposal(amount=amount, needs_base=True, rate_bp=c["rate_bp"], **common)
    if c.get("fixed") is not None:
        return Proposal(amount=c["fixed"], needs_base=False, **common)
    return Proposal(amount=None, needs_base=False, **common)


def due_refusal(month: date, category: str, due: int, rates: dict = RATES) -> str | None:
    """Why `due` may not be entered for `category` in `month` (Vietnamese), None when it may:
    outside 0..10^12, or, for a category entered by hand, outside its `min..max`."""
    if not 0 <= due <= MAX_AMOUNT:
        return "Số tiền phải từ 0 đến 1.000.000.000.000 đồng."
    if not category:
        return None
    schedule = schedule_for(month, rates)
    found = {c["code"]: c for c in schedule["categories"]}
    if category not in found:
        return f"Đối tượng này không có trong biểu mức đảng phí áp dụng cho tháng {month:%m/%Y}."
    c = found[category]
    low, high = c.get("min"), c.get("max")
    if c.get("rate_bp") is None and c.get("fixed") is None and due != 0:
        if low is not None and due < low:
            return f"Mức đóng của đối tượng này từ {low:,} đến {high:,} đồng.".replace(",", ".")
        if high is not None and due > high:
            return f"Mức đóng của đối tượng này từ {low:,} đến {high:,} đồng.".replace(",", ".")
    return None


# --- relief --------------------------------------------------------------------------------

def due_after_relief(due: int, relief_kind: str | None) -> int:
    """rules-v2.md §8.2: the due with the month's relief applied, rounded down (reading 29); the
    engine's `due_after_relief`."""
    return engine_due_after_relief(due, relief_kind)


def relief_of_month(reliefs, month: date):
    """The relief (an object with `from_month`, `to_month`) covering `month`, or None."""
    for r in reliefs:
        if r.from_month <= month and (r.to_month is None or month <= r.to_month):
            return r
    return None


def periods_overlap(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def is_unpaid(due_after: int, paid: int) -> bool:
    """rules-v2.md §8.2: due after relief above 0 and paid below it."""
    return due_after > 0 and paid < due_after
