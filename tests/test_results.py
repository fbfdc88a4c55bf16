"""Stored audit results (chibo.results): after a refresh, the audit rebuilt from the stored
slices is byte-identical to the version-2 audit the engine computes over the record
(`chibo audit --org --version 2`), for any window and as-of day, on the whole tree and on a
subtree, also after random edits through the services (each save refreshes its cell-years
after the commit); a version-1 bundle's data (no meeting judged by HD 42) gives the version-1
audit from the same slices; the commands and their refusals. The new fields of version 2:
tests/test_results_v2.py."""

from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chibo.commands import BadInput
from chibo.interchange import auditjson
from chibo.interchange.db import audit_input
from chibo.interchange.generate import generate_province
from chibo.meetings.models import Attendance, Meeting, Task
from chibo.meetings.recording import services as meeting_services
from chibo.orgs.models import CELL_KINDS, Member, Membership, Organization
from chibo.results import services
from chibo.results.models import CellYear, MeetingResult, PeriodFinding
from chibo.results.selectors import missing_slices, stored_audit
from chibo.rules import engine
from chibo.rules.models import RuleProfile
from chibo.supervision.models import Visit

pytestmark = pytest.mark.django_db

WINDOWS = [  # (from, to, as of)
    (date(2025, 1, 1), date(2025, 12, 31), None),
    (date(2025, 1, 1), date(2025, 12, 31), date(2025, 7, 15)),
    (date(2025, 3, 1), date(2025, 8, 31), None),
    (date(2025, 4, 10), date(2025, 6, 20), date(2025, 9, 1)),
    (date(2025, 2, 1), date(2025, 2, 28), date(2026, 1, 1)),
]


def computed(org, date_from, date_to, as_of, version=2) -> str:
    return auditjson.dump_audit(engine.audit(audit_input(org, date_from, date_to, version), date_from, date_to, as_of))


def stored(org, date_from, date_to, as_of, version=2) -> str:
    return auditjson.dump_audit(stored_audit(org, date_from, date_to, as_of, version))


@pytest.fixture
def province(db):
    generate_province(members=240, cells=8, seed=7, months=12, year=2025)
    root = Organization.objects.get(code="T01")
    services.refresh_subtree(root, [2025], as_of=date(2025, 12, 31))
    return root


def assert_same(orgs, windows=WINDOWS, version=2):
    for org in orgs:
        for date_from, date_to, as_of in windows:
            expected = computed(org, date_from, date_to, as_of, version)
            assert stored(org, date_from, date_to, as_of, version) == expected, (org.code, date_from, date_to, as_of)


def test_stored_audit_is_the_computed_audit(province):
    cells = Organization.objects.filter(kind__in=CELL_KINDS).order_by("path")
    district = Organization.objects.filter(depth=1).order_by("path").first()
    assert CellYear.objects.count() == cells.count() == 8
    assert MeetingResult.objects.count() == Meeting.objects.filter(date__year=2025).count() > 80
    full = computed(province, date(2025, 1, 1), date(2025, 12, 31), None)
    assert '"code": "MISSING_REGULAR_MEETING"' in full or '"code": "LATE_REGULAR_MEETING"' in full
    assert '"rulebook": "hd42-2025"' in full and '"rulebook": "hd12-2018"' in full  # meetings on both sides
    assert_same([province, district, cells.first()])


def version_1_only() -> None:
    """What a version-1 bundle holds of the generated province: no fee ledger, no HD 42 field."""
    from chibo.fees.models import FeeRecord, Relief
    from chibo.meetings.models import QualityRecord
    from chibo.rules.models import ScoringSheet

    for model in (FeeRecord, Relief, QualityRecord, ScoringSheet):
        model.objects.all().delete()
    Meeting.objects.update(superior_notified_on=None, docs_posted_on=None, committee_prepared_on=None,
                           results_posted_on=None, secret_content=False)


@pytest.fixture
def before_hd42(db):
    """A version-1 bundle's data: every meeting before 28/10/2025, no field of version 2."""
    generate_province(members=240, cells=8, seed=7, months=9, year=2025)
    version_1_only()
    root = Organization.objects.get(code="T01")
    services.refresh_subtree(root, [2025], as_of=date(2025, 12, 31))
    return root


def test_version_1_data_stores_what_it_stored_before(before_hd42):
    """No meeting judged by HD 42: the stored columns and period findings are the version-1
    audit's, and the stored audit of version 1 is, byte for byte, `chibo audit --org --version 1`."""
    import json

    assert not Meeting.objects.filter(date__gte=engine.SWITCH_DATE).exists()
    cells = Organization.objects.filter(kind__in=CELL_KINDS).order_by("path")
    district = Organization.objects.filter(depth=1).order_by("path").first()
    assert_same([before_hd42, district, cells.first()], version=1)
    assert_same([before_hd42], WINDOWS[:1])
    v1 = engine.audit(audit_input(before_hd42, date(2025, 1, 1), date(2025, 12, 31)), date(2025, 1, 1),
                      date(2025, 12, 31), date(2025, 12, 31))
    by_id = {m["id"]: m for m in v1["meetings"]}
    rows = list(MeetingResult.objects.values_list("ident", "score_total", "grade", "meets_framework", "entry"))
    assert len(rows) == len(by_id) > 80
    for ident, total, grade, framework, entry in rows:
        old = by_id[ident]
        assert (total, grade, framework) == (old["score"]["total"], old["score"]["grade"], old["meets_framework"])
        stored_entry = json.loads(entry)
        assert stored_entry.pop("rulebook") == "hd12-2018" and stored_entry["score"].pop("rubric") == "hd12-default"
        assert stored_entry == old
    for cell in cells:
        audit = engine.audit(audit_input(cell, date(2025, 1, 1), date(2025, 12, 31)), date(2025, 1, 1),
                             date(2025, 12, 31), date(2025, 12, 31))
        assert [(r.code, r.period or None, r.member or None) for r in PeriodFinding.objects.filter(
            organization=cell).order_by("pk")] == [(f["code"], f.get("period"), f.get("member")) for f in audit["findings"]]
    assert CellYear.objects.filter(fees=[]).count() == 8


def _stored_rows():
    return (sorted(MeetingResult.objects.values_list("ident", "organization__code", "entry", "unexcused", "tasks")),
            sorted(PeriodFinding.objects.values_list("organization__code", "code", "period", "meeting__ident", "task",
                                                     "member")),
            sorted(CellYear.objects.values_list("organization__code", "year", "meetings", "overdue_tasks")))


def test_a_slice_is_the_same_alone_or_in_a_batch(province, monkeypatch):
    whole = _stored_rows()
    assert services.batches(province) == [province]
    monkeypatch.setattr(services, "BATCH_CELLS", 3)
    parts = services.batches(province)
    assert len(parts) > 2 and sum(
        Organization.objects.filter(p.subtree_q(), kind__in=CELL_KINDS).count() for p in parts) == 8
    assert services.refresh_subtree(province, [2025], as_of=date(2025, 12, 31)) == 8
    assert _stored_rows() == whole
    for cell in Organization.objects.filter(kind__in=CELL_KINDS):
        services.refresh_cell_year(cell, 2025, as_of=date(2025, 12, 31))
    assert _stored_rows() == whole


def test_stored_columns_match_the_entries(province):
    import json

    for row in MeetingResult.objects.all()[:50]:
        entry = json.loads(row.entry)
        assert (row.ident, row.date.isoformat(), row.kind) == (entry["id"], entry["date"], entry["kind"])
        assert (row.score_total, row.grade, row.meets_framework) == (
            entry["score"]["total"], entry["score"]["grade"], entry["meets_framework"])
        assert (row.expected, row.present) == (entry["attendance"]["expected"], entry["attendance"]["present"])
        assert row.unexcused == [f["member"] for f in entry["findings"] if f["code"] == "UNEXCUSED_ABSENCE"]
    cell = Organization.objects.filter(kind__in=CELL_KINDS).order_by("path").first()
    audit = engine.audit(audit_input(cell, date(2025, 1, 1), date(2025, 12, 31), 2), date(2025, 1, 1),
                         date(2025, 12, 31), date(2025, 12, 31))
    rows = PeriodFinding.objects.filter(organization=cell, year=2025).order_by("pk")
    assert [(r.code, r.period or None, r.member or None) for r in rows] == [
        (f["code"], f.get("period", "2025" if f["code"] == "FEE_RELIEF_TOO_LONG" else None), f.get("member"))
        for f in audit["findings"]]
    assert CellYear.objects.get(organization=cell).overdue_tasks == sum(
        f["code"] == "TASK_OVERDUE" for f in audit["findings"])


def test_a_save_refreshes_its_cell_year_after_the_commit(province, django_capture_on_commit_callbacks):
    meeting = Meeting.objects.filter(date__year=2025, attendance__status="present").order_by("date", "ident").first()
    row = Attendance.objects.filter(meeting=meeting, status="present").order_by("position").first()
    before = MeetingResult.objects.get(meeting=meeting).entry
    with django_capture_on_commit_callbacks(execute=True):
        Attendance.objects.filter(pk=row.pk).update(status="absent_unexcused")  # no signal: not refreshed
    assert MeetingResult.objects.get(meeting=meeting).entry == before
    with django_capture_on_commit_callbacks(execute=True):
        row.refresh_from_db()
        row.save()  # through the model: its cell-year is refreshed
    after = MeetingResult.objects.get(meeting=meeting).entry
    assert after != before and f'"member": "{row.member.code}"' in after
    assert_same([province], WINDOWS[:1])


def test_a_rolled_back_save_refreshes_nothing(province, django_capture_on_commit_callbacks):
    meeting = Meeting.objects.filter(date__year=2025).order_by("date", "ident").first()
    refreshed_at = CellYear.objects.get(organization=meeting.organization).refreshed_at
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                meeting.place = "Hội trường mới"
                meeting.save()
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []
    assert CellYear.objects.get(organization=meeting.organization).refreshed_at == refreshed_at


def test_moving_a_meeting_to_another_year_refreshes_both(province, django_capture_on_commit_callbacks):
    meeting = Meeting.objects.filter(date__year=2025).order_by("-date", "ident").first()
    with django_capture_on_commit_callbacks(execute=True):
        meeting.date = date(2026, 1, 5)
        meeting.save()
    assert not MeetingResult.objects.filter(meeting=meeting, date__year=2025).exists()
    assert MeetingResult.objects.get(meeting=meeting).date == date(2026, 1, 5)
    assert CellYear.objects.filter(organization=meeting.organization, year=2026).exists()
    assert_same([province], WINDOWS[:1] + [(date(2025, 6, 1), date(2026, 3, 31), None)])


# --- random edits -------------------------------------------------------------------------------

EDITS = st.lists(st.tuples(st.sampled_from(["attendance", "move", "task", "visit", "profile", "leave", "cancel",
                                            "official"]),
                           st.integers(min_value=0, max_value=10_000)), min_size=1, max_size=6)


def _apply(edit: str, n: int) -> None:
    meetings = list(Meeting.objects.filter(date__year=2025).exclude(status="cancelled").order_by("date", "ident"))
    m = meetings[n % len(meetings)]
    if edit == "attendance":
        rows = list(Attendance.objects.filter(meeting=m).order_by("position"))
        if rows:
            row = rows[n % len(rows)]
            row.status = ["present", "late", "absent_excused", "absent_unexcused"][n % 4]
            row.reason = "Ốm" if row.status == "absent_excused" and n % 3 else ""
            row.save()
    elif edit == "move":
        moved = date(2025, 1 + n % 12, 1 + n % 28)
        if m.results_posted_on:  # HD 42's results posted (chibo generate): never before the meeting
            m.results_posted_on += moved - m.date
        m.date = moved
        m.rescheduled_reason = "Trùng lịch" if n % 2 else ""
        m.save()
    elif edit == "task":
        Task.objects.create(meeting=m, position=1000 + Task.objects.filter(meeting=m).count(), assignee=None, description="Việc",
                            due=m.date + timedelta(days=n % 60), done_on=None if n % 2 else m.date + timedelta(days=3))
    elif edit == "visit":
        Visit.objects.create(organization=m.organization, date=m.date, visitor="Đoàn công tác")
    elif edit == "profile":
        profile, _ = RuleProfile.objects.get_or_create(organization=m.organization, defaults={"values": {}})
        profile.values = {"regular_meeting_day": 1 + n % 28, "removal_unexcused_months": 1 + n % 3}
        profile.save()
    elif edit == "leave":
        membership = Membership.objects.filter(organization=m.organization, end__isnull=True).order_by("pk").first()
        if membership is not None:
            membership.end = max(membership.start, date(2025, 1 + n % 12, 15))
            membership.save()
    elif edit == "cancel":
        Meeting.objects.filter(pk=m.pk).update(status="planned", finalized_at=None, resolution_number=None,
                                               resolution_year=None)
        meeting_services.meeting_cancel(Meeting.objects.get(pk=m.pk), None, "Mưa bão")
    elif edit == "official":
        member = Member.objects.order_by("pk")[n % Member.objects.count()]
        member.official_on = None if n % 2 else max(date(2025, 1 + n % 12, 1), member.joined_on or date.min)
        member.save()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(edits=EDITS)
def test_after_random_edits_the_stored_audit_is_still_the_computed_one(province, django_capture_on_commit_callbacks,
                                                                        edits):
    sid = transaction.savepoint()
    try:
        for edit, n in edits:
            with django_capture_on_commit_callbacks(execute=True):
                with transaction.atomic():
                    _apply(edit, n)
        assert_same([province], [WINDOWS[0], WINDOWS[3]])
    finally:
        transaction.savepoint_rollback(sid)


# --- commands ----------------------------------------------------------------------------------

def test_refresh_and_stored_audit_commands(db, capsys):
    generate_province(members=120, cells=4, seed=3, months=6, year=2025)
    version_1_only()  # --stored --version 1 is refused with fee ledgers (tests/test_results_v2.py)
    cells = sorted(Organization.objects.filter(kind__in=CELL_KINDS).values_list("code", flat=True))
    with pytest.raises(BadInput) as exc:
        call_command("audit", "--org", "T01", "--from", "2025-01-01", "--to", "2025-06-30", "--stored")
    assert str(exc.value) == (f"Chưa có kết quả đã lưu của 4 chi bộ-năm ({', '.join(f'{c} năm 2025' for c in cells)}):"
                              " chạy 'chibo refresh --org T01' trước.")
    out = StringIO()
    call_command("refresh", "--as-of", "2025-07-01", stdout=out)
    assert out.getvalue() == "Đã tính lại 4 kết quả chi bộ-năm (tính đến 01/07/2025).\n"
    root = Organization.objects.get(code="T01")
    assert missing_slices(root, date(2025, 1, 1), date(2025, 6, 30)) == []
    assert missing_slices(root, date(2024, 12, 1), date(2025, 6, 30)) == [(c, 2024) for c in cells]
    for version in ("2", "1"):
        call_command("audit", "--org", "T01", "--from", "2025-01-01", "--to", "2025-06-30", "--stored",
                     *(["--version", "1"] if version == "1" else []))
        from_stored = capsys.readouterr().out
        call_command("audit", "--org", "T01", "--from", "2025-01-01", "--to", "2025-06-30", "--version", version)
        assert from_stored == capsys.readouterr().out
        assert from_stored.startswith('{\n  "format": "chibo-audit",\n  "version": ' + version)
    for args, message in [(["--org", "NOPE"], "Không có tổ chức mã 'NOPE'."),
                          (["--as-of", "2025-13-01"], "--as-of: ngày không hợp lệ '2025-13-01' (định dạng YYYY-MM-DD)"),
                          (["--year", "20250"], "Năm '20250' không hợp lệ.")]:
        before = CellYear.objects.order_by("pk").values_list("pk", "refreshed_at")
        with pytest.raises(BadInput) as exc:
            call_command("refresh", *args, stdout=StringIO())
        assert str(exc.value) == message
        assert list(CellYear.objects.order_by("pk").values_list("pk", "refreshed_at")) == list(before)
    with pytest.raises(BadInput) as exc:
        call_command("audit", "x.json", "--from", "2025-01-01", "--to", "2025-06-30", "--stored")
    assert str(exc.value) == "--stored chỉ dùng với --org."


def test_a_meeting_saved_by_a_service_is_current(db, tree, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = Meeting.objects.create(ident="C1-X", organization=tree["C1"], kind="regular", date=date(2025, 3, 3),
                                   status="held", start=time(19, 0), end=time(21, 0))
    assert MeetingResult.objects.get(meeting=m).score_total == engine.audit(
        audit_input(tree["C1"], date(2025, 1, 1), date(2025, 12, 31)), date(2025, 1, 1),
        date(2025, 12, 31))["meetings"][0]["score"]["total"]
    with django_capture_on_commit_callbacks(execute=True):
        meeting_services.attendance_set(m, tree["M3"], "absent_unexcused")
    assert MeetingResult.objects.get(meeting=m).unexcused == ["M3"]


def test_refresh_as_jobs_in_the_embedded_default(db, monkeypatch):
    """Without a broker the batches run in-process, one job each, and store what chibo refresh stores."""
    generate_province(members=120, cells=4, seed=3, months=6, year=2025)
    out = StringIO()
    call_command("refresh", "--as-of", "2025-07-01", stdout=out)
    whole = _stored_rows()
    CellYear.objects.all().delete()
    MeetingResult.objects.all().delete()
    PeriodFinding.objects.all().delete()
    monkeypatch.setattr(services, "BATCH_CELLS", 2)
    out = StringIO()
    call_command("refresh", "--as-of", "2025-07-01", "--jobs", stdout=out)
    batches = len(services.batches(Organization.objects.get(code="T01")))
    assert batches >= 2
    assert out.getvalue() == f"Đã gửi {batches} công việc tính lại (mỗi cụm chi bộ một năm, tính đến 01/07/2025).\n"
    assert _stored_rows() == whole
