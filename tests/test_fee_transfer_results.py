"""A member moved in the middle of a month (issue 14, rules-v2.md §8.1): the month's fee record
belongs to the cell whose membership covers the month's latest day, so it is counted in exactly
one cell's stored monthly totals, whether each cell is refreshed alone (after a save) or with its
province, and the member's FEE_UNPAID_REVIEW of the year is kept once (in the cell of their last
day on a roll in it); the stored results are those of `chibo audit --org` of the parent."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.fees.models import FeeRecord
from chibo.interchange.db import audit_input
from chibo.meetings.facts import subtree_record
from chibo.orgs import services as org_services
from chibo.reports.dashboard import dashboard
from chibo.results import services
from chibo.results.models import CellYear, PeriodFinding
from chibo.rules import engine
from chibo.rules.models import RuleProfile

pytestmark = pytest.mark.django_db

MONTHS = [date(2026, m, 1) for m in (1, 2, 3, 4, 5)]
YEAR = (date(2026, 1, 1), date(2026, 12, 31))


@pytest.fixture
def ledgers(tree):
    """Jan-May 2026, 10 000 đ a month: M1 (C1) and M4 (C2) paid everything; M2 paid May only."""
    paid = {"M1": MONTHS, "M4": MONTHS, "M2": MONTHS[4:]}
    FeeRecord.objects.bulk_create([
        FeeRecord(member=tree[code], month=month, due=10_000, paid=10_000 if month in paid[code] else 0,
                  paid_on=month.replace(day=5) if month in paid[code] else None,
                  channel="cash" if month in paid[code] else "")
        for code in ("M1", "M2", "M4") for month in MONTHS])
    services.refresh_subtree(tree["P"], [2026], as_of=timezone.localdate())


def _parent_audit(parent) -> dict:
    today = timezone.localdate()
    return engine.audit(audit_input(parent, *YEAR, 2), *YEAR, today)


def assert_stored_is_the_parent_audit(tree):
    """Every cell's stored fee totals are its part of the province's audit; the stored fee
    findings of all cells are the audit's, each once."""
    audit = _parent_audit(tree["P"])
    for code in ("C1", "C2", "C3"):
        assert CellYear.objects.get(organization=tree[code], year=2026).fees == [
            {k: v for k, v in t.items() if k != "organization"} for t in audit["fees"] if t["organization"] == code]
    stored = PeriodFinding.objects.filter(year=2026, code__startswith="FEE_")
    assert sorted((f.code, f.member, f.months) for f in stored) == sorted(
        (f["code"], f["member"], f["months"]) for f in audit["findings"] if f["code"].startswith("FEE_"))


def _state(tree):
    return {code: (CellYear.objects.get(organization=tree[code], year=2026).fees,
                   sorted(PeriodFinding.objects.filter(organization=tree[code], year=2026).values_list(
                       "code", "member", "months")))
            for code in ("C1", "C2", "C3")}


def test_a_month_of_a_transfer_is_counted_in_one_cell_only(tree, ledgers, django_capture_on_commit_callbacks):
    assert [t["month"] for t in CellYear.objects.get(organization=tree["C1"], year=2026).fees] == [
        "2026-01", "2026-02", "2026-03", "2026-04", "2026-05"]
    # M2 moves from C1 to C2 on 20/03/2026: the transfer re-audits both cells' 2026
    with django_capture_on_commit_callbacks(execute=True):
        org_services.member_transfer(tree["M2"], to=tree["C2"], on=date(2026, 3, 20))
    c1 = CellYear.objects.get(organization=tree["C1"], year=2026).fees
    c2 = CellYear.objects.get(organization=tree["C2"], year=2026).fees
    assert c1 == [{"month": "2026-01", "due": 20_000, "paid": 10_000, "unpaid": ["M2"]},
                  {"month": "2026-02", "due": 20_000, "paid": 10_000, "unpaid": ["M2"]},
                  {"month": "2026-03", "due": 10_000, "paid": 10_000, "unpaid": []},
                  {"month": "2026-04", "due": 10_000, "paid": 10_000, "unpaid": []},
                  {"month": "2026-05", "due": 10_000, "paid": 10_000, "unpaid": []}]
    assert c2 == [{"month": "2026-01", "due": 10_000, "paid": 10_000, "unpaid": []},
                  {"month": "2026-02", "due": 10_000, "paid": 10_000, "unpaid": []},
                  {"month": "2026-03", "due": 20_000, "paid": 10_000, "unpaid": ["M2"]},
                  {"month": "2026-04", "due": 20_000, "paid": 10_000, "unpaid": ["M2"]},
                  {"month": "2026-05", "due": 20_000, "paid": 20_000, "unpaid": []}]
    # M2's year: four unpaid months over both cells, one finding, kept by C2 (where the year ends)
    assert list(PeriodFinding.objects.filter(code="FEE_UNPAID_REVIEW").values_list(
        "organization__code", "member", "months")) == [("C2", "M2", ["2026-01", "2026-02", "2026-03", "2026-04"])]
    assert_stored_is_the_parent_audit(tree)
    after_transfer = _state(tree)
    # each cell refreshed alone, in either order, then the province: the same slices
    for org in (tree["C1"], tree["C2"], tree["C1"], tree["P"]):
        services.refresh_year(org, 2026, timezone.localdate())
        assert _state(tree) == after_transfer
    assert_stored_is_the_parent_audit(tree)
    assert dashboard(tree["P"], *YEAR)["total"].findings["FEE_UNPAID_REVIEW"] == 1
    # the old cell's own record (what `chibo export`/`chibo audit --org C1` read) has no March of M2
    c1_fees = {ledger["member"]: sorted(ledger["months"]) for ledger in subtree_record(tree["C1"], version=2)["fees"]}
    assert c1_fees["M2"] == ["2026-01", "2026-02"]
    c2_fees = {ledger["member"]: sorted(ledger["months"]) for ledger in subtree_record(tree["C2"], version=2)["fees"]}
    assert c2_fees["M2"] == ["2026-03", "2026-04", "2026-05"]


def test_the_threshold_of_the_old_cell_counts_across_the_transfer(tree, ledgers, django_capture_on_commit_callbacks):
    """FEE_UNPAID_REVIEW takes the smallest threshold of the cells of the counted months
    (rules-v2.md §8.3): with C2's at 5, C1's 3 still flags M2 (2 months in C1, 2 in C2), the
    finding kept by C2; raising C1's to 5 (a save of C1's profile) clears it in C2."""
    with django_capture_on_commit_callbacks(execute=True):
        RuleProfile.objects.create(organization=tree["C2"], values={"fee_unpaid_months": 5})
        org_services.member_transfer(tree["M2"], to=tree["C2"], on=date(2026, 3, 20))
    assert list(PeriodFinding.objects.filter(code="FEE_UNPAID_REVIEW").values_list(
        "organization__code", "member")) == [("C2", "M2")]
    assert_stored_is_the_parent_audit(tree)
    with django_capture_on_commit_callbacks(execute=True):
        RuleProfile.objects.create(organization=tree["C1"], values={"fee_unpaid_months": 5})
    assert not PeriodFinding.objects.filter(code="FEE_UNPAID_REVIEW").exists()
    assert_stored_is_the_parent_audit(tree)


# --- random transfers and payments -----------------------------------------------------------------

STEPS = st.lists(st.tuples(st.sampled_from(["transfer", "pay"]), st.integers(min_value=0, max_value=10_000)),
                 min_size=1, max_size=4)


def _step(kind: str, n: int, tree, moved: dict) -> None:
    members = [tree[c] for c in ("M1", "M2", "M3", "M4", "M5")]
    member = members[n % 5]
    if kind == "pay":
        record = FeeRecord.objects.filter(member=member).order_by("month")[n // 5 % 5]
        record.paid = 0 if record.paid else record.due
        record.paid_on, record.channel = (record.month.replace(day=9), "cash") if record.paid else (None, "")
        record.save()
        return
    # a transfer on day 2..28 of a month, later than the member's last one, to another cell
    on = max(date(2026, 1 + n // 5 % 5, 2 + n // 25 % 27), moved.get(member.pk, date(2026, 1, 1)) + timedelta(days=1))
    current = member.memberships.get(end__isnull=True).organization.code
    target = [c for c in ("C1", "C2", "C3") if c != current][n // 675 % 2]
    org_services.member_transfer(member, to=tree[target], on=on)
    moved[member.pk] = on


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(steps=STEPS)
def test_after_random_transfers_and_payments_the_stored_results_are_the_parent_audit(
        tree, ledgers, steps, django_capture_on_commit_callbacks):
    """Members moved mid-month between the cells of one committee or of two, and payments changed:
    after each save's re-audit every month is in one cell's stored totals and the stored fee
    findings are the province's audit's, each once."""
    sid = transaction.savepoint()
    moved: dict[int, date] = {}
    try:
        FeeRecord.objects.bulk_create([FeeRecord(member=tree[code], month=month, due=10_000)
                                       for code in ("M3", "M5") for month in MONTHS])
        services.refresh_subtree(tree["P"], [2026], as_of=timezone.localdate())
        for kind, n in steps:
            with django_capture_on_commit_callbacks(execute=True):
                with transaction.atomic():
                    _step(kind, n, tree, moved)
            assert_stored_is_the_parent_audit(tree)
    finally:
        transaction.savepoint_rollback(sid)


@pytest.mark.parametrize(("periods", "year", "cell"), [
    ([("A", date(2020, 1, 1), date(2026, 12, 19)), ("B", date(2026, 12, 20), None)], 2026, "B"),
    ([("A", date(2020, 1, 1), date(2026, 12, 31)), ("B", date(2027, 1, 1), None)], 2026, "A"),
    ([("A", date(2020, 1, 1), date(2026, 12, 31)), ("B", date(2027, 1, 1), None)], 2027, "B"),
    ([("A", date(2020, 1, 1), date(2026, 3, 19))], 2026, "A"),  # left in March: still A's year
    ([("A", date(2020, 1, 1), date(2024, 3, 19))], 2026, "A"),  # gone before the year (an open relief)
    ([("A", date(2027, 2, 1), None), ("B", date(2026, 6, 1), date(2026, 6, 30))], 2025, "B"),  # first membership
    ([], 2026, None)])
def test_the_cell_that_keeps_a_member_s_year(periods, year, cell):
    assert engine.year_cell(periods, year) == cell
