"""The fee calculator (chibo/fees/calculator.py, pure): the rate table of rules-v2.md §8.4, the
schedule by month, the amounts, relief arithmetic (§8.2, reading 29) and the cell of a month
(§8.1). No database."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from chibo.fees import calculator as calc

ROOT = Path(__file__).resolve().parent.parent

#: rules-v2.md §8.4, as written there.
SPEC_TABLE = {"format": "chibo-fee-rates", "version": 1, "schedules": [
    {"id": "qd342-2010", "rule": "QĐ 342-QĐ/TW 28/12/2010", "from_month": None, "to_month": "2026-01",
     "categories": [
         {"code": "salary", "base": "salary", "rate_bp": 100, "confirmed": True, "source": "phapluat24h.org/?p=13771"},
         {"code": "pension", "base": "pension", "rate_bp": 50, "confirmed": True,
          "source": "phapluat24h.org/?p=13771"},
         {"code": "other", "base": None, "min": 2000, "max": 30000, "confirmed": False,
          "source": "phapluat24h.org/?p=13771 (the range only; the amount of each category is not captured)"}]},
    {"id": "qd01-2026", "rule": "QĐ 01-QĐ/TW 3/2/2026, Điều 4", "from_month": "2026-02", "to_month": None,
     "categories": [
         {"code": "bhxh", "base": "insured_salary_previous_month", "rate_bp": 100, "confirmed": True,
          "source": "dantri; thanhnien; baophutho; vietnamnet"},
         {"code": "bhxh_leave", "base": "bhxh_allowance", "rate_bp": 100, "confirmed": True, "source": "same"},
         {"code": "pension", "base": "pension", "rate_bp": 50, "confirmed": True, "source": "same"},
         {"code": "student", "base": None, "fixed": 5000, "confirmed": True, "source": "same"},
         {"code": "other", "base": None, "confirmed": False, "source": "not captured (sources-2025.md F2 note 1)"},
         {"code": "abroad", "base": None, "confirmed": False, "source": "not captured"}]}]}


def test_the_rate_table_is_the_spec_s():
    assert calc.load_rates() == SPEC_TABLE


@pytest.mark.parametrize(("month", "schedule"), [
    (date(2010, 1, 1), "qd342-2010"), (date(2025, 12, 1), "qd342-2010"), (date(2026, 1, 1), "qd342-2010"),
    (date(2026, 2, 1), "qd01-2026"), (date(2031, 7, 1), "qd01-2026")])
def test_the_schedule_follows_the_month(month, schedule):
    assert calc.schedule_for(month)["id"] == schedule


def test_percentages_round_down_to_the_dong():
    p = calc.propose(date(2026, 3, 1), "bhxh", 6_843_210)
    assert (p.amount, p.rate_bp, p.confirmed, p.note) == (68_432, 100, True, "")
    assert calc.propose(date(2026, 3, 1), "pension", 5_555_555).amount == 27_777
    assert calc.propose(date(2026, 3, 1), "bhxh_leave", 99).amount == 0
    assert calc.propose(date(2026, 1, 1), "salary", 7_000_099).amount == 70_000
    assert calc.propose(date(2026, 1, 1), "pension", 4_000_001).amount == 20_000


def test_a_percentage_without_income_proposes_nothing():
    p = calc.propose(date(2026, 3, 1), "bhxh", None)
    assert (p.amount, p.needs_base, p.note) == (None, True, "chưa nhập thu nhập")


def test_fixed_and_unconfirmed_categories():
    assert calc.propose(date(2026, 2, 1), "student", 9_000_000).amount == 5000
    for month, code in ((date(2026, 2, 1), "other"), (date(2026, 2, 1), "abroad"), (date(2025, 6, 1), "other")):
        p = calc.propose(month, code, 10_000_000)
        assert (p.amount, p.confirmed, p.note) == (None, False, "chưa có căn cứ")
    assert calc.propose(date(2025, 6, 1), "other", None).minimum == 2000


def test_a_category_of_the_other_schedule_is_unknown():
    with pytest.raises(KeyError):
        calc.propose(date(2026, 2, 1), "salary", 1_000_000)
    with pytest.raises(KeyError):
        calc.propose(date(2026, 1, 1), "bhxh", 1_000_000)
    assert calc.category_codes(date(2026, 1, 1)) == ("salary", "pension", "other")


def test_a_hand_entered_amount_stays_within_min_and_max():
    june = date(2025, 6, 1)
    message = "Mức đóng của đối tượng này từ 2.000 đến 30.000 đồng."
    assert calc.due_refusal(june, "other", 1999) == message
    assert calc.due_refusal(june, "other", 30_001) == message
    assert calc.due_refusal(june, "other", 2000) is None
    assert calc.due_refusal(june, "other", 30_000) is None
    assert calc.due_refusal(june, "other", 0) is None  # nothing owed (e.g. detained, Lào Cai Q11)
    assert calc.due_refusal(date(2026, 3, 1), "other", 1) is None  # no range given by QĐ 01's table
    assert calc.due_refusal(june, "", 10**12) is None
    assert calc.due_refusal(june, "", 10**12 + 1) == "Số tiền phải từ 0 đến 1.000.000.000.000 đồng."
    assert calc.due_refusal(date(2026, 3, 1), "salary", 5) == \
        "Đối tượng này không có trong biểu mức đảng phí áp dụng cho tháng 03/2026."


@pytest.mark.parametrize(("kind", "after"), [
    (None, 68_433), ("exempt", 0), ("reduce_30", 47_903), ("reduce_50", 34_216), ("reduce_70", 20_529)])
def test_due_after_relief_rounds_down(kind, after):
    assert calc.due_after_relief(68_433, kind) == after


def test_unpaid():
    assert calc.is_unpaid(100, 99) and not calc.is_unpaid(100, 100) and not calc.is_unpaid(0, 0)
    assert not calc.is_unpaid(100, 150)


def test_the_cell_of_a_month_is_that_of_its_latest_day_on_a_roll():
    old, new = "C1", "C2"
    moved_on_15 = [(old, date(2020, 1, 1), date(2026, 3, 14)), (new, date(2026, 3, 15), None)]
    assert calc.cell_of_month(moved_on_15, date(2026, 3, 1)) == new
    assert calc.cell_of_month(moved_on_15, date(2026, 2, 1)) == old
    left_on_20 = [(old, date(2020, 1, 1), date(2026, 3, 20))]
    assert calc.cell_of_month(left_on_20, date(2026, 3, 1)) == old
    assert calc.cell_of_month(left_on_20, date(2026, 4, 1)) is None
    assert calc.cell_of_month([(new, date(2026, 3, 31), None)], date(2026, 3, 1)) == new
    assert calc.cell_of_month([], date(2026, 3, 1)) is None


def test_months():
    assert calc.parse_month("2026-03") == calc.parse_month("03/2026") == calc.parse_month("3/2026") == date(2026, 3, 1)
    for bad in ("2026-13", "2026-00", "26-03", "abc", "", "0000-01"):
        with pytest.raises(ValueError):
            calc.parse_month(bad)
    assert calc.add_months(date(2026, 11, 1), 3) == date(2027, 2, 1)
    assert calc.add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert calc.last_day(date(2028, 2, 1)) == date(2028, 2, 29)
    assert calc.month_key(date(999, 1, 1)) == "0999-01"
    assert calc.months_covered(date(2026, 4, 1), date(2027, 3, 1)) == 12
    assert calc.months_covered(date(2026, 4, 1), None) is None
    assert calc.periods_overlap(date(2026, 1, 1), date(2026, 3, 1), date(2026, 3, 1), None)
    assert not calc.periods_overlap(date(2026, 1, 1), date(2026, 3, 1), date(2026, 4, 1), None)
    assert calc.periods_overlap(date(2026, 5, 1), None, date(2026, 1, 1), date(2026, 6, 1))


def test_the_calculator_imports_no_django():
    code = "import sys, chibo.fees.calculator; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
