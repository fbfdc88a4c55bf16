"""The stored results carry version 2 (issue 14): each meeting's entry by its rulebook (HD 42's
findings and frame score, the official grade counted once decided), the HD 42 cell findings, the
party-fee findings (FEE_UNPAID_REVIEW, FEE_RELIEF_TOO_LONG) and monthly totals; saves of the new
records (preparation dates, quality records, scorers, fee records and reliefs) re-audit their
cell-years; and, after random edits of those fields, the stored results are the version-2 audit
of the cell (`chibo audit --org --version 2`) as of the same day."""

import json
from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.commands import BadInput
from chibo.fees.models import FeeRecord, Relief
from chibo.interchange import auditjson
from chibo.interchange.db import audit_input
from chibo.meetings.models import Attendance, Meeting, QualityRecord, Task
from chibo.meetings.recording import services_quality
from chibo.results import services
from chibo.results.models import CellYear, MeetingResult, PeriodFinding
from chibo.results.selectors import stored_audit
from chibo.rules import engine
from chibo.rules.models import RuleProfile

pytestmark = pytest.mark.django_db

DAYS = [date(2025, 10, 6), date(2025, 11, 4), date(2025, 12, 9), date(2026, 1, 5), date(2026, 2, 3)]
FEE_MONTHS = [date(2025, 10, 1), date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1),
              date(2026, 3, 1)]


@pytest.fixture
def cell(tree):
    """C1 (M1, M2, M3) with a regular meeting a month from October 2025 (judged by HD 12) to
    February 2026 (by HD 42), a task of December's due in January, and a fee ledger of 10 000 đ a
    month from October 2025 to March 2026, unpaid; stored as of today."""
    c1 = tree["C1"]
    for i, day in enumerate(DAYS):
        m = Meeting.objects.create(ident=f"C1-{day:%Y-%m}", organization=c1, kind="regular", date=day, status="held",
                                   start=time(19, 0), end=time(21, 0), place="Nhà văn hóa", chair=tree["M1"],
                                   secretary=tree["M2"], notice_sent_on=day - timedelta(days=2))
        for j, code in enumerate(("M1", "M2", "M3")):
            Attendance.objects.create(meeting=m, member=tree[code], position=j, status="present")
        if i == 2:
            Task.objects.create(meeting=m, position=0, assignee=tree["M3"], description="Rà soát hộ nghèo",
                                due=date(2026, 1, 2))
    FeeRecord.objects.bulk_create([FeeRecord(member=tree[code], month=month, due=10000)
                                   for code in ("M1", "M2", "M3") for month in FEE_MONTHS])
    services.refresh_subtree(c1, [2025, 2026], as_of=timezone.localdate())
    return c1


def computed(org, date_from, date_to, as_of) -> dict:
    return engine.audit(audit_input(org, date_from, date_to, 2), date_from, date_to, as_of)


def assert_stored_is_the_audit(org):
    """The stored audit, its rows (meeting columns, period findings, fee totals) of each year:
    those of `chibo audit --org --version 2` as of today (the day the saves refreshed them)."""
    today = timezone.localdate()
    whole = computed(org, date(2025, 1, 1), date(2026, 12, 31), today)
    assert auditjson.dump_audit(stored_audit(org, date(2025, 1, 1), date(2026, 12, 31), today)) == \
        auditjson.dump_audit(whole)
    for year in (2025, 2026):
        audit = computed(org, date(year, 1, 1), date(year, 12, 31), today)
        rows = list(MeetingResult.objects.filter(organization=org, date__year=year).order_by("date").values_list(
            "entry", "score_total", "grade", "meets_framework"))
        assert [json.loads(e) for e, *_ in rows] == audit["meetings"]
        assert [tuple(r[1:]) for r in rows] == [
            (m["score"]["total"], m["score"].get("official_grade") or m["score"]["grade"], m["meets_framework"])
            for m in audit["meetings"]]
        found = PeriodFinding.objects.filter(organization=org, year=year).order_by("pk")
        assert [(f.code, f.period or None, f.member or None, f.months) for f in found if f.code != "TASK_OVERDUE"] == [
            (f["code"], f.get("period", f"{year}" if f["code"] == "FEE_RELIEF_TOO_LONG" else None), f.get("member"),
             [f["months"]] if f["code"] == "FEE_RELIEF_TOO_LONG" else f.get("months", []))
            for f in audit["findings"] if f["code"] != "TASK_OVERDUE"]
        assert CellYear.objects.get(organization=org, year=year).fees == [
            {k: v for k, v in t.items() if k != "organization"} for t in audit["fees"]]


def test_the_stored_results_are_the_version_2_audit(cell, tree):
    assert_stored_is_the_audit(cell)
    rows = dict(MeetingResult.objects.filter(organization=cell).values_list("ident", "entry"))
    oct_, nov = json.loads(rows["C1-2025-10"]), json.loads(rows["C1-2025-11"])
    assert (oct_["rulebook"], oct_["score"]["rubric"], nov["rulebook"], nov["score"]["rubric"]) == (
        "hd12-2018", "hd12-default", "hd42-2025", "hd42-frame")
    assert [f["code"] for f in nov["findings"]] == [
        "NOTICE_MISSING", "DOCS_NOT_POSTED", "COMMITTEE_PREP_MISSING", "MINUTES_INCOMPLETE", "RESULTS_NOT_POSTED",
        "QUALITY_NOT_SCORED"]
    assert MeetingResult.objects.get(ident="C1-2025-11").meets_framework is None
    fee = PeriodFinding.objects.get(organization=cell, year=2025, code="FEE_UNPAID_REVIEW", member="M1")
    assert (fee.period, fee.first, fee.last, fee.months) == ("2025", date(2025, 1, 1), date(2025, 12, 31),
                                                             ["2025-10", "2025-11", "2025-12"])
    assert CellYear.objects.get(organization=cell, year=2025).fees[0] == {
        "month": "2025-10", "due": 30000, "paid": 0, "unpaid": ["M1", "M2", "M3"]}


def test_the_official_grade_is_the_stored_grade(cell, tree, django_capture_on_commit_callbacks):
    m = Meeting.objects.get(ident="C1-2025-11")
    computed_grade = MeetingResult.objects.get(meeting=m).grade
    with django_capture_on_commit_callbacks(execute=True):
        QualityRecord.objects.create(meeting=m, groups={"preparation": 10, "organisation": 40, "principles": 5,
                                                        "closing": 5}, status="official", official_grade="kha")
    row = MeetingResult.objects.get(meeting=m)
    entry = json.loads(row.entry)
    assert (computed_grade, entry["score"]["grade"], entry["score"]["official_grade"], row.grade) == (
        "kem", "tot", "kha", "kha")  # the frame's grade is kept in the entry; the official one is counted
    assert_stored_is_the_audit(cell)


@pytest.mark.parametrize("edit", ["notice", "docs", "prep", "posted", "scorer", "quality", "fee", "relief",
                                  "december_task"])
def test_a_save_of_a_new_field_re_audits_its_cell_year(cell, tree, edit, django_capture_on_commit_callbacks):
    """Each kind of save changes the stored results it should, and nothing else is left stale."""
    m = Meeting.objects.get(ident="C1-2025-11")
    before = (sorted(MeetingResult.objects.values_list("ident", "entry")),
              sorted(PeriodFinding.objects.values_list("year", "code", "member", "months")),
              sorted(CellYear.objects.values_list("year", "fees")))
    with django_capture_on_commit_callbacks(execute=True):
        if edit == "notice":
            m.superior_notified_on = m.date - timedelta(days=3)
            m.save()
        elif edit == "docs":
            m.docs_posted_on = m.date - timedelta(days=2)
            m.save()
        elif edit == "prep":
            m.committee_prepared_on = m.date - timedelta(days=1)
            m.save()
        elif edit == "posted":
            m.results_posted_on = m.date + timedelta(days=1)
            m.save()
        elif edit == "scorer":
            RuleProfile.objects.create(organization=tree["C1"], values={"require_scorer": True})
        elif edit == "quality":
            QualityRecord.objects.create(meeting=m, groups={"preparation": 5})
        elif edit == "fee":
            record = FeeRecord.objects.get(member=tree["M1"], month=date(2025, 11, 1))
            record.paid, record.paid_on, record.channel = 10000, date(2025, 11, 20), "cash"
            record.save()
        elif edit == "relief":
            Relief.objects.create(member=tree["M2"], kind="exempt", basis="5.1", from_month=date(2025, 11, 1),
                                  to_month=date(2026, 1, 1), decided_by=tree["C1"])
        elif edit == "december_task":
            Task.objects.filter(meeting__ident="C1-2025-12").update(done_on=date(2025, 12, 30))
            Task.objects.get(meeting__ident="C1-2025-12").save()
    after = (sorted(MeetingResult.objects.values_list("ident", "entry")),
             sorted(PeriodFinding.objects.values_list("year", "code", "member", "months")),
             sorted(CellYear.objects.values_list("year", "fees")))
    assert after != before
    assert_stored_is_the_audit(cell)


def test_a_corrected_relief_re_audits_the_years_it_no_longer_covers(cell, tree, django_capture_on_commit_callbacks):
    """A relief moved out of 2025 (11/2025-01/2026 corrected to 01-02/2026): 2025's fee totals
    count M2's November and December due again, as the audit does."""
    with django_capture_on_commit_callbacks(execute=True):
        relief = Relief.objects.create(member=tree["M2"], kind="exempt", basis="5.1", from_month=date(2025, 11, 1),
                                       to_month=date(2026, 1, 1), decided_by=tree["C1"])
    covered = CellYear.objects.get(organization=cell, year=2025).fees
    with django_capture_on_commit_callbacks(execute=True):
        relief.from_month, relief.to_month = date(2026, 1, 1), date(2026, 2, 1)
        relief.save()
    assert CellYear.objects.get(organization=cell, year=2025).fees != covered
    assert_stored_is_the_audit(cell)


def test_stored_version_1_is_refused_with_hd42_meetings(cell, capsys):
    before = sorted(MeetingResult.objects.values_list("ident", "entry"))
    with pytest.raises(BadInput) as exc:
        call_command("audit", "--org", "C1", "--from", "2025-11-01", "--to", "2026-02-28", "--stored",
                     "--version", "1")
    assert str(exc.value) == (
        "Đảng viên M1: 6 tháng đảng phí chỉ có ở phiên bản 2.\nĐảng viên M2: 6 tháng đảng phí chỉ có ở phiên bản 2.\n"
        "Đảng viên M3: 6 tháng đảng phí chỉ có ở phiên bản 2.\nKhông dùng được phiên bản 1: 3 lý do; dùng --version 2.")
    FeeRecord.objects.all().delete()
    with pytest.raises(BadInput) as exc:
        call_command("audit", "--org", "C1", "--from", "2025-11-01", "--to", "2026-02-28", "--stored",
                     "--version", "1")
    assert str(exc.value) == ("4 cuộc họp được đánh giá theo HD 42 (C1-2025-11, C1-2025-12, C1-2026-01, C1-2026-02):"
                              " phiên bản 1 không có; dùng --version 2.")
    assert sorted(MeetingResult.objects.values_list("ident", "entry")) == before
    call_command("audit", "--org", "C1", "--from", "2025-10-01", "--to", "2025-10-31", "--stored", "--version", "1")
    stored_text = capsys.readouterr().out
    call_command("audit", "--org", "C1", "--from", "2025-10-01", "--to", "2025-10-31", "--version", "1")
    assert stored_text == capsys.readouterr().out and '"id": "C1-2025-10"' in stored_text


# --- random edits of the new fields -------------------------------------------------------------

EDITS = st.lists(st.tuples(st.sampled_from(["notice", "superior", "docs", "prep", "posted", "secret", "scorer",
                                            "groups", "status", "unscored", "paid", "relief", "task", "profile"]),
                           st.integers(min_value=0, max_value=10_000)), min_size=1, max_size=5)
GROUPS = {"preparation": 10, "organisation": 40, "principles": 5, "closing": 5}


def _other(choices: list, current, n: int):
    """One of `choices` other than `current` (every edit changes something, whatever `n`)."""
    at = choices.index(current) if current in choices else -1
    return choices[(at + 1 + n % (len(choices) - 1)) % len(choices)]


def _apply(edit: str, n: int, tree) -> None:
    meetings = list(Meeting.objects.filter(organization=tree["C1"]).order_by("date"))
    m = meetings[n % len(meetings)]
    members = [tree["M1"], tree["M2"], tree["M3"]]
    if edit in ("notice", "superior", "docs", "prep", "posted"):
        field = {"notice": "notice_sent_on", "superior": "superior_notified_on", "docs": "docs_posted_on",
                 "prep": "committee_prepared_on", "posted": "results_posted_on"}[edit]
        days = (0, 1, 2, 5) if edit == "posted" else (-3, -1, 0)
        setattr(m, field, _other([None, *(m.date + timedelta(days=k) for k in days)], getattr(m, field), n))
        m.save()
    elif edit == "secret":
        m.secret_content = not m.secret_content
        m.save()
    elif edit == "scorer":
        try:
            services_quality.quality_scorer_set(m, None if n % 4 == 0 else members[n % 3])
        except ValidationError:  # an official grade keeps its scorer
            pass
    elif edit == "groups":
        record, _ = QualityRecord.objects.get_or_create(meeting=m)
        gid = sorted(GROUPS)[n % 4]
        record.groups = {**record.groups, gid: _other(list(range(GROUPS[gid] + 1)), record.groups.get(gid), n // 4)}
        record.save()
    elif edit == "status":
        record, _ = QualityRecord.objects.get_or_create(meeting=m)
        record.status = _other(["self", "adopted", "official"], record.status, n)
        record.official_grade = vocab_grade(n) if record.status == "official" else ""
        record.save()
    elif edit == "unscored":
        QualityRecord.objects.filter(meeting=m).delete()
    elif edit == "paid":
        record = FeeRecord.objects.get(member=members[n % 3], month=FEE_MONTHS[(n // 3) % len(FEE_MONTHS)])
        record.paid = _other([0, 5000, 10000], record.paid, n // 18)
        record.paid_on, record.channel = (record.month + timedelta(days=9), "cash") if record.paid else (None, "")
        record.save()
    elif edit == "relief":
        member = members[n % 3]
        for relief in Relief.objects.filter(member=member):
            relief.delete()
        if n % 5:
            start = FEE_MONTHS[(n // 3) % len(FEE_MONTHS)]
            kind, basis = (("exempt", "5.1"), ("reduce_50", "5.2"), ("reduce_30", "5.2"))[n % 3]
            Relief.objects.create(member=member, kind=kind, basis=basis, from_month=start,
                                  to_month=None if n % 4 == 0 else date(2026, 3, 1), decided_by=tree["C1"])
    elif edit == "task":
        task = Task.objects.get(meeting__ident="C1-2025-12")
        task.done_on = _other([None, date(2025, 12, 20), date(2026, 1, 4)], task.done_on, n)
        task.save()
    elif edit == "profile":
        profile, _ = RuleProfile.objects.get_or_create(organization=tree["C1"], defaults={"values": {}})
        profile.values = {"require_scorer": bool(n % 2), "post_days_after": 1 + n % 4, "fee_unpaid_months": 1 + n % 3}
        profile.save()


def vocab_grade(n: int) -> str:
    return ("tot", "kha", "trung_binh", "kem")[n % 4]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(edits=EDITS)
def test_after_random_edits_of_the_new_fields_the_stored_results_are_the_audit(cell, tree, edits,
                                                                               django_capture_on_commit_callbacks):
    sid = transaction.savepoint()
    try:
        for edit, n in edits:
            with django_capture_on_commit_callbacks(execute=True):
                with transaction.atomic():
                    _apply(edit, n, tree)
            assert_stored_is_the_audit(cell)
    finally:
        transaction.savepoint_rollback(sid)


def test_refresh_command_stores_the_version_2_audit(cell, capsys):
    """`chibo audit --stored` (version 2 by default) prints `chibo audit --org --version 2`."""
    as_of = timezone.localdate().isoformat()
    call_command("refresh", "--org", "C1", "--as-of", as_of, stdout=StringIO())
    call_command("audit", "--org", "C1", "--from", "2025-01-01", "--to", "2026-12-31", "--as-of", as_of, "--stored")
    stored_text = capsys.readouterr().out
    call_command("audit", "--org", "C1", "--from", "2025-01-01", "--to", "2026-12-31", "--as-of", as_of,
                 "--version", "2")
    assert stored_text == capsys.readouterr().out
    assert '"code": "FEE_UNPAID_REVIEW"' in stored_text and '"code": "QUALITY_NOT_SCORED"' in stored_text


# --- the dashboards ------------------------------------------------------------------------------

def test_the_dashboard_counts_the_new_findings_and_grades(cell, tree, personas, client_for):
    """G's 2025 (C1: October judged by HD 12, November and December by HD 42, no fee paid)."""
    from chibo.reports.dashboard import dashboard, new_finding_rows

    data = dashboard(tree["G"], date(2025, 1, 1), date(2025, 12, 31))
    total = data["total"]
    grades = list(MeetingResult.objects.filter(organization=cell, date__year=2025).order_by("date").values_list(
        "grade", flat=True))
    assert (total.meetings, total.hd12, total.framework) == (3, 1, 0)
    assert total.grades == {g: grades.count(g) for g in ("tot", "kha", "trung_binh", "kem")}
    assert [(code, n, unit) for code, _label, n, unit in new_finding_rows(total)] == [
        ("NOTICE_MISSING", 2, "cuộc họp"), ("DOCS_NOT_POSTED", 2, "cuộc họp"), ("COMMITTEE_PREP_MISSING", 2, "cuộc họp"),
        ("RESULTS_NOT_POSTED", 2, "cuộc họp"), ("QUALITY_NOT_SCORED", 2, "cuộc họp"),
        ("SCORER_NOT_ASSIGNED", 0, "cuộc họp"), ("FEE_UNPAID_REVIEW", 3, "đảng viên, năm"),
        ("FEE_RELIEF_TOO_LONG", 0, "quyết định miễn, giảm")]
    worst = data["worst"][0]
    assert (worst.code, worst.findings["FEE_UNPAID_REVIEW"]) == ("C1", 3)
    page = client_for(personas["staff"]).get("/to-chuc/G/bang-theo-doi/?ky=2025").content.decode()
    assert ('<tr data-finding="FEE_UNPAID_REVIEW"><td>Xem xét: không đóng đảng phí nhiều tháng trong năm</td>'
            '<td class="num">3</td><td>đảng viên, năm</td></tr>') in page
    assert ('<tr data-finding="COMMITTEE_PREP_MISSING"><td>Chi ủy chưa thống nhất nội dung trước buổi sinh hoạt'
            '</td><td class="num">2</td><td>cuộc họp</td></tr>') in page
    assert "<b>0/1</b>Cuộc họp đạt khung HD 12" in page
    assert "<li>Xem xét: không đóng đảng phí nhiều tháng trong năm: 3</li>" in page
    # the official grade counts once decided
    with_official = MeetingResult.objects.get(ident="C1-2025-12")
    QualityRecord.objects.create(meeting=with_official.meeting, status="official", official_grade="tot")
    services.refresh_year(cell, 2025, timezone.localdate())
    assert dashboard(tree["G"], date(2025, 1, 1), date(2025, 12, 31))["total"].grades["tot"] == grades.count(
        "tot") + (grades[2] != "tot")


def test_the_compliance_page_shows_hd42_meetings(cell, personas, client_for):
    page = client_for(personas["staff"]).get("/to-chuc/C1/kiem-tra/?tu=01/01/2025&den=31/12/2025&xet=31/12/2025")
    text = page.content.decode()
    assert page.status_code == 200
    assert '<td>0/1</td>' in text  # one meeting judged by HD 12
    assert text.count("Xem xét: không đóng đảng phí nhiều tháng trong năm") == 3


def test_the_reports_carry_the_new_columns(cell, tree):
    from chibo.reports import export
    from chibo.reports.dashboard import dashboard

    rows = export.table(dashboard(tree["G"], date(2025, 1, 1), date(2025, 12, 31)))
    heading = rows[0]
    at = heading.index("Xem xét: không đóng đảng phí nhiều tháng trong năm")
    assert heading[at - 6:at] == [
        "Chưa thông báo sinh hoạt đến đảng viên hoặc cấp ủy cấp trên (số cuộc họp)",
        "Tài liệu chưa đăng trên Sổ tay đảng viên điện tử đúng hạn (số cuộc họp)",
        "Chi ủy chưa thống nhất nội dung trước buổi sinh hoạt (số cuộc họp)",
        "Kết luận, nghị quyết chưa đăng đúng hạn sau buổi sinh hoạt (số cuộc họp)",
        "Chưa chấm điểm chất lượng buổi sinh hoạt (số cuộc họp)",
        "Chưa phân công người theo dõi, chấm điểm (số cuộc họp)"]
    assert rows[-1][0] == "Tổng cộng" and rows[-1][at - 6:at + 2] == [2, 2, 2, 2, 2, 0, 3, 0]


# --- the year-end sheet ---------------------------------------------------------------------------

def test_the_year_sheet_carries_fees_and_hd42(cell, tree, personas, client_for, django_capture_on_commit_callbacks):
    from chibo.reports import yearsheet

    sheet = yearsheet.year_sheet(cell, 2025, date(2025, 12, 31))
    assert [(r.code, r.fee_unpaid, r.fee_review) for r in sheet.members] == [
        ("M3", 3, 1), ("M1", 3, 1), ("M2", 3, 1)]  # October to December unpaid: 3 months, the threshold
    assert (sheet.totals.fee_unpaid, sheet.totals.fee_review) == (9, 3)
    assert yearsheet.member_table(sheet)[0][-2:] == [
        "Tháng chưa đóng đủ đảng phí", "Xem xét: không đóng đảng phí nhiều tháng trong năm"]
    assert yearsheet.member_table(sheet)[-1][-2:] == [9, 3]
    oct_, nov, _dec = sheet.meetings
    assert (oct_.framework, nov.framework) == (False, None)
    assert nov.findings == [
        "Chưa thông báo sinh hoạt đến đảng viên hoặc cấp ủy cấp trên",
        "Tài liệu chưa đăng trên Sổ tay đảng viên điện tử đúng hạn",
        "Chi ủy chưa thống nhất nội dung trước buổi sinh hoạt", "Biên bản chưa đầy đủ",
        "Kết luận, nghị quyết chưa đăng đúng hạn sau buổi sinh hoạt", "Chưa chấm điểm chất lượng buổi sinh hoạt"]
    assert yearsheet.meeting_table(sheet)[2][6] == "—"  # no HD 12 framework under HD 42
    # as of 05/11/2025 the results of 04/11 are not late yet (two days to post them)
    early = yearsheet.year_sheet(cell, 2025, date(2025, 11, 5))
    assert "Kết luận, nghị quyết chưa đăng đúng hạn sau buổi sinh hoạt" not in early.meetings[1].findings
    # a payment: M1 has 2 months unpaid, under the threshold
    with django_capture_on_commit_callbacks(execute=True):
        record = FeeRecord.objects.get(member=tree["M1"], month=date(2025, 11, 1))
        record.paid, record.paid_on, record.channel = 10000, date(2025, 11, 20), "cash"
        record.save()
    sheet = yearsheet.year_sheet(cell, 2025, date(2025, 12, 31))
    assert [(r.code, r.fee_unpaid, r.fee_review) for r in sheet.members] == [("M3", 3, 1), ("M1", 2, 0),
                                                                             ("M2", 3, 1)]
    page = client_for(personas["secretary"]).get("/to-chuc/C1/tong-hop/2025/").content.decode()
    assert ('<th class="num">Xem xét: không đóng đảng phí nhiều tháng trong năm</th>') in page
    m1 = page[page.index('<tr data-member="M1">'):]
    assert m1[:m1.index("</tr>")].endswith('<td class="num">2</td><td class="num">—</td>')
    m3 = page[page.index('<tr data-member="M3">'):]
    assert m3[:m3.index("</tr>")].endswith('<td class="num">3</td><td class="num">Có</td>')
    assert ('<td class="num">8</td><td class="num">2</td></tr></tfoot>') in page


def test_the_cell_start_page_lists_hd42_and_fee_findings(cell, personas, client_for):
    from chibo.home.selectors import recent_findings

    found = recent_findings(cell, date(2026, 3, 1))
    feb = found[0]
    assert feb["title"] == "Cuộc họp ngày 03/02/2026"
    assert [(f["code"], f["detail"]) for f in feb["findings"]][:3] == [
        ("NOTICE_MISSING", "cấp ủy cấp trên"), ("DOCS_NOT_POSTED", ""), ("COMMITTEE_PREP_MISSING", "")]
    periods = found[-1]
    assert periods["title"] == "Theo tháng, quý của chi bộ"
    assert [(f["code"], f["label"]) for f in periods["findings"] if f["code"] == "FEE_UNPAID_REVIEW"] == [
        ("FEE_UNPAID_REVIEW", "Xem xét: không đóng đảng phí nhiều tháng trong năm")] * 3
    response = client_for(personas["secretary"]).get("/")
    assert response.status_code == 200
