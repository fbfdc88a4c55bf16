"""`chibo audit --stored --version 2` reads the party-fee findings and monthly totals back as the
slices store them (issue 14's benchmark: recomputing them from a province's 2.3 million records
took most of its time) when that is what the engine computes: whole calendar years, slices
counting the same ended months, no member of the subtree on a roll outside it. Otherwise they
are recomputed from the records. Either way the output is `chibo audit --org`'s, byte for byte."""

from datetime import date

import pytest

from chibo.fees.models import FeeRecord, Relief
from chibo.interchange import auditjson
from chibo.interchange.db import audit_input
from chibo.meetings import facts
from chibo.orgs import services as org_services
from chibo.results import selectors, services
from chibo.rules import engine

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


@pytest.fixture
def ledgers(tree):
    """2025 and 2026, 10 000 đ a month: M2 pays nothing (flagged both years), M4 pays 2025 only;
    M5 has a 5.2 reduction of 14 months over both years (too long, found in each year's slice)."""
    months = [date(y, m, 1) for y in (2025, 2026) for m in range(1, 13)]
    FeeRecord.objects.bulk_create([
        FeeRecord(member=tree[code], month=month, due=10_000,
                  paid=10_000 if code == "M1" or (code == "M4" and month.year == 2025) else 0)
        for code in ("M1", "M2", "M4", "M5") for month in months])
    Relief.objects.create(member=tree["M5"], kind="reduce_50", basis="5.2", from_month=date(2025, 11, 1),
                          to_month=date(2026, 12, 1), decided_by=tree["C2"])
    services.refresh_subtree(tree["P"], [2025, 2026], as_of=TODAY)
    return tree


def _audit(org, first, last, as_of=TODAY) -> str:
    return auditjson.dump_audit(engine.audit(audit_input(org, first, last, 2), first, last, as_of))


def _stored(org, first, last, as_of=TODAY) -> str:
    return auditjson.dump_audit(selectors.stored_audit(org, first, last, as_of))


def _compare(calls: list, org, first, last, as_of=TODAY) -> int:
    """Assert the stored audit is the audit; the times it recomputed the fees from the records."""
    expected = _audit(org, first, last, as_of)
    calls.clear()
    assert _stored(org, first, last, as_of) == expected
    return len(calls)


@pytest.fixture
def recomputed(monkeypatch):
    """The calls of `facts.read_fees` (the fees recomputed from the records) during the test."""
    calls = []
    real = facts.read_fees
    monkeypatch.setattr(facts, "read_fees", lambda *args, **kwargs: calls.append(1) or real(*args, **kwargs))
    return calls


def test_whole_years_read_the_stored_fees_back(ledgers, recomputed):
    first, last = date(2025, 1, 1), date(2026, 12, 31)
    stored = selectors.stored_fees(ledgers["P"], first, last, TODAY)
    assert stored is not None
    found, totals = stored
    assert found == [
        {"code": "FEE_UNPAID_REVIEW", "member": "M2", "period": "2025", "months": [f"2025-{m:02d}" for m in range(1, 13)]},
        {"code": "FEE_UNPAID_REVIEW", "member": "M2", "period": "2026", "months": [f"2026-{m:02d}" for m in range(1, 12)]},
        {"code": "FEE_UNPAID_REVIEW", "member": "M4", "period": "2026", "months": [f"2026-{m:02d}" for m in range(1, 12)]},
        {"code": "FEE_UNPAID_REVIEW", "member": "M5", "period": "2025", "months": [f"2025-{m:02d}" for m in range(1, 13)]},
        {"code": "FEE_UNPAID_REVIEW", "member": "M5", "period": "2026", "months": [f"2026-{m:02d}" for m in range(1, 12)]},
        {"code": "FEE_RELIEF_TOO_LONG", "member": "M5", "relief": 0, "months": 14}]
    # as of 04/12/2026 December is not over: 11 months of 2026, 12 of 2025, in C1 and C2
    assert len(totals) == 2 * 23
    assert totals[0] == {"organization": "C1", "month": "2025-01", "due": 20_000, "paid": 10_000, "unpaid": ["M2"]}
    assert totals[-1] == {"organization": "C2", "month": "2026-11", "due": 15_000, "paid": 0, "unpaid": ["M4", "M5"]}
    assert [list(t) for t in totals[:1]] == [["organization", "month", "due", "paid", "unpaid"]]
    assert _compare(recomputed, ledgers["P"], first, last) == 0
    assert _compare(recomputed, ledgers["G"], date(2026, 1, 1), last) == 0


@pytest.mark.parametrize(("first", "last", "as_of"), [
    (date(2025, 1, 1), date(2026, 6, 30), TODAY),  # half a year
    (date(2025, 2, 1), date(2025, 12, 31), TODAY),  # from February
    (date(2026, 1, 1), date(2026, 12, 31), date(2026, 10, 30)),  # the slices count October, the audit not
])
def test_other_windows_recompute_the_fees(ledgers, recomputed, first, last, as_of):
    assert selectors.stored_fees(ledgers["P"], first, last, as_of) is None
    assert _compare(recomputed, ledgers["P"], first, last, as_of) == 1


def test_the_same_ended_months_read_them_back(ledgers, recomputed):
    """Slices as of 04/12/2026 and an audit as of 30/11/2026 both count January to November."""
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    assert _compare(recomputed, ledgers["P"], first, last, date(2026, 11, 30)) == 0


def test_a_member_on_a_roll_outside_the_subtree_recomputes_them(ledgers, recomputed, django_capture_on_commit_callbacks):
    """M2 moved from C1 to C3 (another committee): G's slices place M2's months by both memberships,
    G's audit by those inside it; the audit of the province still reads them back."""
    with django_capture_on_commit_callbacks(execute=True):
        org_services.member_transfer(ledgers["M2"], to=ledgers["C3"], on=date(2026, 5, 20))
    first, last = date(2026, 1, 1), date(2026, 12, 31)
    assert selectors.stored_fees(ledgers["G"], first, last, TODAY) is None
    assert _compare(recomputed, ledgers["G"], first, last) == 1
    assert _compare(recomputed, ledgers["P"], first, last) == 0


@pytest.mark.parametrize(("year", "day", "ended"), [
    (2026, date(2025, 12, 31), 0), (2026, date(2026, 1, 30), 0), (2026, date(2026, 1, 31), 1),
    (2026, date(2026, 2, 28), 2), (2024, date(2024, 2, 28), 1), (2024, date(2024, 2, 29), 2),
    (2026, date(2026, 12, 30), 11), (2026, date(2026, 12, 31), 12), (2026, date(2027, 1, 1), 12)])
def test_ended_months(year, day, ended):
    assert engine.ended_months(year, day) == ended
