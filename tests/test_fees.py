"""The fee ledger in the database (chibo/fees): constraints, services, the cell of a month across a
transfer, the pages and their figures, the import and the books (.xlsx, PDF), the change log.
Access refusals are in tests/test_access_fees.py."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from chibo.changelog.models import LogEntry
from chibo.fees import selectors, services
from chibo.fees.models import FeeRecord, Relief
from chibo.orgs import services as org_services
from chibo.orgs.models import Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

MARCH, FEB = date(2026, 3, 1), date(2026, 2, 1)


@pytest.fixture
def keeper(personas, tree):
    """M3 is C1's committee member in charge of fees (login 'keeper')."""
    user = get_user_model().objects.create_user("keeper", password=PASSWORD)
    tree["M3"].user = user
    tree["M3"].save()
    Role.objects.create(user=user, organization=tree["C1"], kind=Role.Kind.FEES)
    return user


@pytest.fixture
def march(tree):
    """C1's March 2026: M1 (bhxh, 6 843 210 of income: 68 432, paid in cash), M2 (pension 5 555 555:
    27 777, halved by a relief: 13 888, paid 10 000 on the portal: unpaid), M3 (student 5 000, not
    paid). C2's M4 (bhxh 9 000 000: 90 000, paid)."""
    s = services.fee_record_save
    s(cell=tree["C1"], member=tree["M1"], month=MARCH, category="bhxh", base=6_843_210, paid=68_432,
      paid_on=date(2026, 3, 3), channel="cash", collector=tree["M1"])
    services.relief_save(cell=tree["C1"], member=tree["M2"], kind="reduce_50", basis="5.2", from_month=MARCH,
                         to_month=date(2026, 8, 1), decided_by=tree["G"], reason="Ốm nặng", decision_number="12-QĐ/ĐU")
    s(cell=tree["C1"], member=tree["M2"], month=MARCH, category="pension", base=5_555_555, paid=10_000,
      paid_on=date(2026, 3, 5), channel="portal")
    s(cell=tree["C1"], member=tree["M3"], month=MARCH, category="student")
    s(cell=tree["C2"], member=tree["M4"], month=MARCH, category="bhxh", base=9_000_000, paid=90_000,
      paid_on=date(2026, 3, 4), channel="portal")
    return tree


def test_the_march_sheet(march):
    sheet = selectors.ledger(march["C1"], MARCH)
    got = [(r.member.code, r.record.due, r.relief.kind if r.relief else None, r.due_after, r.record.paid, r.unpaid)
           for r in sheet.rows]
    assert got == [("M1", 68_432, None, 68_432, 68_432, False), ("M2", 27_777, "reduce_50", 13_888, 10_000, True),
                   ("M3", 5000, None, 5000, 0, True)]
    assert (sheet.total_due, sheet.total_due_after, sheet.total_paid) == (101_209, 87_320, 78_432)
    assert [r.member.code for r in sheet.unpaid_rows] == ["M2", "M3"]


# --- constraints -------------------------------------------------------------------------------

@pytest.mark.parametrize("fields", [
    {"due": -1}, {"due": 10**12 + 1}, {"paid": -5}, {"paid": 10**12 + 1}, {"base": -1},
    {"paid": 0, "paid_on": date(2026, 3, 3)}, {"paid": 0, "channel": "cash"}, {"channel": "bank"}])
def test_the_record_constraints(tree, fields):
    values = {"member": tree["M1"], "month": MARCH, "due": 1000, **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeRecord.objects.create(**values)
    assert FeeRecord.objects.count() == 0


def test_one_record_per_member_and_month(tree):
    FeeRecord.objects.create(member=tree["M1"], month=MARCH, due=10**12, paid=10**12, paid_on=MARCH, channel="cash")
    with pytest.raises(IntegrityError), transaction.atomic():
        FeeRecord.objects.create(member=tree["M1"], month=MARCH, due=1)
    assert FeeRecord.objects.get().due == 10**12


def test_a_relief_by_right_only_exempts(tree):
    with pytest.raises(IntegrityError), transaction.atomic():
        Relief.objects.create(member=tree["M1"], kind="reduce_50", basis="5.1", from_month=MARCH, decided_by=tree["C1"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Relief.objects.create(member=tree["M1"], kind="exempt", basis="5.2", from_month=MARCH, to_month=FEB,
                              decided_by=tree["C1"])
    Relief.objects.create(member=tree["M1"], kind="exempt", basis="5.1", from_month=MARCH, decided_by=tree["C1"])
    assert Relief.objects.count() == 1


def test_overlapping_reliefs(tree):
    """The service refuses on both databases; PostgreSQL's exclusion constraint refuses a direct
    insert too, SQLite has none (migration fees 0002)."""
    services.relief_save(cell=tree["C1"], member=tree["M1"], kind="reduce_30", basis="5.2", from_month=FEB,
                         to_month=date(2026, 4, 1), decided_by=tree["C1"])
    with pytest.raises(ValidationError) as err:
        services.relief_save(cell=tree["C1"], member=tree["M1"], kind="exempt", basis="5.1",
                             from_month=date(2026, 4, 1), to_month=None, decided_by=tree["C1"])
    assert err.value.message_dict == {"from_month": [
        "Trùng thời gian với quyết định giảm 30% đảng phí từ 02/2026 đến 04/2026: kết thúc quyết định đó trước."]}
    services.relief_save(cell=tree["C1"], member=tree["M1"], kind="exempt", basis="5.1",
                         from_month=date(2026, 5, 1), to_month=None, decided_by=tree["C1"])
    services.relief_save(cell=tree["C1"], member=tree["M2"], kind="exempt", basis="5.1",
                         from_month=FEB, to_month=None, decided_by=tree["C1"])  # another member
    assert Relief.objects.count() == 3
    direct = dict(member=tree["M1"], kind="reduce_50", basis="5.2", from_month=date(2027, 1, 1), decided_by=tree["C1"])
    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Relief.objects.create(**direct)
        assert Relief.objects.count() == 3
    else:
        Relief.objects.create(**direct)
        assert Relief.objects.count() == 4


def test_relief_refusals(tree):
    base = dict(cell=tree["C1"], member=tree["M1"], kind="reduce_50", basis="5.1", from_month=MARCH, to_month=FEB,
                decided_by=tree["G2"])
    with pytest.raises(ValidationError) as err:
        services.relief_save(**base)
    assert err.value.message_dict == {
        "kind": ["Theo khoản 1 Điều 5 chỉ được miễn đảng phí, không giảm."],
        "to_month": ["Tháng kết thúc phải từ tháng bắt đầu trở đi."],
        "decided_by": ["Tổ chức quyết định phải là chi bộ hoặc cấp ủy cấp trên trực tiếp của chi bộ."]}
    with pytest.raises(ValidationError) as err:
        services.relief_save(**{**base, "member": tree["M4"], "basis": "5.2", "to_month": None,
                                "decided_by": tree["G"]})
    assert err.value.messages == ["Đồng chí này không sinh hoạt tại chi bộ."]
    assert Relief.objects.count() == 0


def test_a_relief_is_decided_by_the_cell_or_the_committee_directly_above_it(tree):
    """The province (above the cell's đảng ủy cơ sở) may not decide; the cell and G may."""
    assert [o.code for o in services.deciding_orgs(tree["C1"])] == ["C1", "G"]
    base = dict(cell=tree["C1"], member=tree["M1"], kind="reduce_50", basis="5.2", from_month=MARCH,
                to_month=date(2026, 5, 1), reason="Ốm nặng")
    with pytest.raises(ValidationError) as err:
        services.relief_save(**base, decided_by=tree["P"])
    assert err.value.message_dict == {
        "decided_by": ["Tổ chức quyết định phải là chi bộ hoặc cấp ủy cấp trên trực tiếp của chi bộ."]}
    assert Relief.objects.count() == 0
    assert services.relief_save(**base, decided_by=tree["G"]).decided_by == tree["G"]
    assert services.relief_save(**{**base, "from_month": date(2026, 6, 1), "to_month": None},
                                decided_by=tree["C1"]).decided_by == tree["C1"]
    assert Relief.objects.count() == 2


# --- the record service ------------------------------------------------------------------------

def test_the_due_comes_from_the_calculator_when_left_empty(tree):
    r = services.fee_record_save(cell=tree["C1"], member=tree["M1"], month=date(2026, 3, 17), category="bhxh",
                                 base=6_843_210)
    assert (r.month, r.due, r.paid, r.paid_on, r.channel) == (MARCH, 68_432, 0, None, "")
    r = services.fee_record_save(cell=tree["C1"], member=tree["M1"], month=MARCH, category="bhxh", base=6_843_210,
                                 due=70_000)  # the cell approves another amount
    assert r.due == 70_000 and FeeRecord.objects.count() == 1


def test_record_refusals(tree):
    def refused(**kw):
        with pytest.raises(ValidationError) as err:
            services.fee_record_save(cell=tree["C1"], member=tree["M1"], **kw)
        return err.value.message_dict

    assert refused(month=MARCH, category="other") == {"due": [
        "Nhập số phải đóng (đối tượng này chưa có căn cứ để tính, hoặc chưa nhập thu nhập)."]}
    assert refused(month=MARCH, category="bhxh") == {"due": [
        "Nhập số phải đóng (đối tượng này chưa có căn cứ để tính, hoặc chưa nhập thu nhập)."]}
    assert refused(month=date(2025, 6, 1), category="other", due=1000) == {"due": [
        "Mức đóng của đối tượng này từ 2.000 đến 30.000 đồng."]}
    assert refused(month=MARCH, category="salary", due=1000) == {"category": [
        "Đối tượng này không có trong biểu mức đảng phí áp dụng cho tháng 03/2026."]}
    assert refused(month=MARCH, due=1000, paid=0, channel="cash") == {"paid": [
        "Chưa nộp (số đã nộp bằng 0) thì không ghi ngày nộp, hình thức nộp."]}
    assert refused(month=MARCH, due=1000, paid=1000, channel="cash", paid_on=MARCH, collector=tree["M4"]) == {
        "collector": ["Người thu phải là đảng viên của chi bộ."]}
    with pytest.raises(ValidationError) as err:
        services.fee_record_save(cell=tree["C2"], member=tree["M1"], month=MARCH, due=1000)
    assert err.value.messages == ["Tháng 03/2026 của đồng chí Nguyễn Văn An không thuộc sổ đảng phí của Chi bộ "
                                  "thôn Tây (theo ngày sinh hoạt cuối cùng trong tháng)."]
    assert FeeRecord.objects.count() == 0


def test_a_payment_needs_the_due_first(tree):
    pay = dict(cell=tree["C1"], member=tree["M1"], month=MARCH, paid=68_000, paid_on=date(2026, 3, 3), channel="cash")
    with pytest.raises(ValidationError) as err:
        services.fee_payment_record(**pay)
    assert err.value.messages == ["Tháng 03/2026 chưa có số phải đóng: ghi số phải đóng trước khi ghi nộp."]
    services.fee_record_save(cell=tree["C1"], member=tree["M1"], month=MARCH, due=68_000)
    with pytest.raises(ValidationError) as err:
        services.fee_payment_record(**{**pay, "paid_on": None, "channel": ""})
    assert err.value.message_dict == {"paid_on": ["Ghi ngày nộp."], "channel": ["Chọn hình thức nộp."]}
    r = services.fee_payment_record(**pay, collector=tree["M1"])
    assert (r.due, r.paid, r.paid_on, r.channel, r.collector_id) == (68_000, 68_000, date(2026, 3, 3), "cash",
                                                                      tree["M1"].pk)


# --- a transfer in the middle of the year --------------------------------------------------------

def test_a_transfer_moves_the_month_to_the_new_cell(tree):
    """M2 moves from C1 to C2 on 15/03/2026: February is C1's, March and April are C2's."""
    org_services.member_transfer(tree["M2"], to=tree["C2"], on=date(2026, 3, 15))
    services.fee_record_save(cell=tree["C1"], member=tree["M2"], month=FEB, due=20_000, paid=20_000,
                             paid_on=date(2026, 2, 2), channel="cash")
    with pytest.raises(ValidationError):
        services.fee_record_save(cell=tree["C1"], member=tree["M2"], month=MARCH, due=20_000)
    services.fee_record_save(cell=tree["C2"], member=tree["M2"], month=MARCH, due=20_000)
    services.fee_record_save(cell=tree["C2"], member=tree["M2"], month=date(2026, 4, 1), due=21_000, paid=21_000,
                             paid_on=date(2026, 4, 2), channel="portal")
    assert [r.member.code for r in selectors.ledger(tree["C1"], FEB).rows] == ["M1", "M2", "M3"]
    assert [r.member.code for r in selectors.ledger(tree["C1"], MARCH).rows] == ["M1", "M3"]
    assert [r.member.code for r in selectors.ledger(tree["C2"], MARCH).rows] == ["M2", "M4", "M5"]
    assert [r.member.code for r in selectors.ledger(tree["C2"], FEB).rows] == ["M4", "M5"]
    totals = {t.cell.code: {m.month: (m.records, m.due_after, m.paid, m.unpaid) for m in t.months.values()}
              for t in selectors.subtree_totals(tree["P"], 2026)}
    assert totals == {"C1": {FEB: (1, 20_000, 20_000, 0)},
                      "C2": {MARCH: (1, 20_000, 0, 1), date(2026, 4, 1): (1, 21_000, 21_000, 0)},
                      "C3": {}}
    months, _reliefs = selectors.member_months(tree["M2"], 2026)
    assert [(m.month, m.cell.code, m.due_after, m.unpaid) for m in months] == [
        (FEB, "C1", 20_000, False), (MARCH, "C2", 20_000, True), (date(2026, 4, 1), "C2", 21_000, False)]
    year = selectors.cell_year(tree["C1"], 2026)
    assert [(x.month.month, [r.member.code for r in x.recorded]) for x in year if x.recorded] == [(2, ["M2"])]
    assert [r.member.code for r in year[2].rows] == ["M1", "M3"]


# --- the change log ------------------------------------------------------------------------------

def test_changes_are_logged_with_the_amounts_masked(tree):
    services.fee_record_save(cell=tree["C1"], member=tree["M1"], month=MARCH, category="bhxh", base=6_843_210)
    entry = LogEntry.objects.filter(content_type__app_label="fees").get()
    assert entry.changes_dict["base"] == ["••••••••", "••••••••"]
    assert entry.changes_dict["due"] == ["••••••••", "••••••••"]
    assert "6843210" not in str(entry.changes) and "68432" not in str(entry.changes)
    assert entry.changes_dict["category"] == ["None", "bhxh"]
    assert tree["C1"].path in entry.org_paths
    relief = services.relief_save(cell=tree["C1"], member=tree["M1"], kind="exempt", basis="5.1", from_month=MARCH,
                                  to_month=None, decided_by=tree["C1"])
    services.relief_delete(relief)
    assert list(LogEntry.objects.filter(content_type__model="relief").order_by("pk").values_list("action", flat=True)) \
        == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
