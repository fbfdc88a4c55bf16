"""Finalizing the minutes (refused while required elements are missing), the lock that follows,
and amendments with their history."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.meetings.models import Amendment, Attendance, Meeting, Speech
from chibo.meetings.recording import services
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords are hashed with PBKDF2 otherwise: seconds per test for nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

URL = "/sinh-hoat/C1-2025-01/"


@pytest.fixture
def complete(meeting, tree):
    Speech.objects.create(meeting=meeting, position=0, member=tree["M2"], item="Tình hình", summary="Nhất trí.")
    Meeting.objects.filter(pk=meeting.pk).update(conclusion="Chi bộ thống nhất.")
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def numbering_calls(monkeypatch):
    """Record the calls of the numbering service instead of numbering."""
    from chibo.meetings.recording import numbering

    calls = []
    monkeypatch.setattr(numbering, "assign_resolution_number", lambda m: calls.append(m.ident))
    return calls


def test_finalize_is_refused_with_the_exact_missing_list(personas, meeting):
    with pytest.raises(ValidationError) as exc:
        services.meeting_finalize(meeting, personas["secretary"])
    assert exc.value.messages == ["Chưa thể hoàn tất biên bản, còn thiếu: Ý kiến phát biểu, Kết luận."]
    m = Meeting.objects.get(pk=meeting.pk)
    assert (m.status, m.finalized_at, m.finalized_by) == ("held", None, None)


def test_an_empty_thematic_meeting_misses_everything(personas, tree):
    m = Meeting.objects.create(ident="C1-2025-T1", organization=tree["C1"], kind="thematic", date=date(2025, 2, 10))
    services.attendance_set(m, tree["M1"], "present")
    services.attendance_set(m, tree["M2"], "absent_excused", "")
    with pytest.raises(ValidationError) as exc:
        services.meeting_finalize(m, personas["secretary"])
    assert exc.value.messages == [
        "Chưa thể hoàn tất biên bản, còn thiếu: Người chủ trì, Thư ký, Địa điểm, Giờ bắt đầu, Giờ kết thúc, "
        "Điểm danh đầy đủ đảng viên, Lý do vắng mặt, Ý kiến phát biểu, Kết luận, Chủ đề sinh hoạt chuyên đề."]


def test_finalize_view_shows_the_refusal(personas, meeting, client_for):
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(URL + "hoan-tat/", {"confirm": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert ('<p class="banner" id="finalize-refusal">Chưa thể hoàn tất biên bản, còn thiếu: Ý kiến phát biểu, '
            'Kết luận.</p>') in html
    assert 'id="finalize-confirm"' not in html
    assert snapshot() == before


def test_finalize_locks_and_numbers(personas, complete, numbering_calls):
    m = services.meeting_finalize(complete, personas["secretary"])
    assert numbering_calls == ["C1-2025-01"]
    stored = Meeting.objects.get(pk=complete.pk)
    assert (stored.status, stored.finalized_by) == ("finalized", personas["secretary"])
    assert stored.finalized_at == m.finalized_at and stored.finalized_at is not None
    with pytest.raises(ValidationError) as exc:
        services.meeting_finalize(stored, personas["secretary"])
    assert exc.value.messages == [services.FINALIZED_MESSAGE]
    assert numbering_calls == ["C1-2025-01"]


def test_finalize_locks_the_meeting_row(personas, complete, numbering_calls):
    with CaptureQueriesContext(connection) as ctx:
        services.meeting_finalize(complete, personas["secretary"])
    queries = [q["sql"] for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert queries[0].startswith('SELECT "meetings_meeting"."id"')  # the meeting row comes first, locked
    if connection.features.has_select_for_update:  # PostgreSQL; SQLite serializes writers instead
        # only the meeting's row: its organisation is read with it (the change log's path), not locked
        assert queries[0].endswith('FOR UPDATE OF "meetings_meeting"')


def test_finalize_view(personas, complete, client_for, numbering_calls):
    response = client_for(personas["secretary"]).post(URL + "hoan-tat/", {"confirm": "1"}, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    html = response.content.decode()
    assert "Đã hoàn tất và khóa biên bản." in html
    assert 'id="meeting-status">Đã hoàn tất biên bản</span>' in html
    assert "Đính chính biên bản</a>" in html and "Ghi biên bản</a>" not in html


# --- after finalization ------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda m, t: services.attendance_set(m, t["M2"], "late"),
    lambda m, t: services.meeting_field_set(m, "place", "Nơi khác"),
    lambda m, t: services.speech_save(m, 5, member=t["M1"], summary="x"),
    lambda m, t: services.speech_delete(m, 0),
    lambda m, t: services.vote_record(m, 0, kind="resolution", method="show_of_hands", votes_for=1),
    lambda m, t: services.task_save(m, 0, description="x"),
    lambda m, t: services.task_delete(m, 0),
    lambda m, t: services.vote_delete(m, 0),
])
def test_services_refuse_changes_to_finalized_minutes(personas, complete, tree, numbering_calls, call):
    services.meeting_finalize(complete, personas["secretary"])
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        call(complete, tree)
    assert exc.value.messages == ["Biên bản đã hoàn tất và bị khóa; mọi sửa đổi phải làm bằng đính chính "
                                  "(ghi rõ lý do)."]
    assert snapshot() == before


@pytest.mark.parametrize("path,data", [
    ("ghi/diem-danh/", {"member": "M2", "status": "late"}),
    ("ghi/thong-tin/", {"field": "place", "value": "Nơi khác"}),
    ("ghi/phat-bieu/", {"position": "0", "delete": "1"}),
    ("ghi/bieu-quyet/", {"position": "0", "kind": "resolution", "method": "show_of_hands"}),
    ("ghi/nhiem-vu/", {"position": "0", "description": "x"}),
])
def test_endpoints_refuse_changes_to_finalized_minutes(personas, complete, client_for, numbering_calls, path, data):
    services.meeting_finalize(complete, personas["secretary"])
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(URL + path, data)
    assert response.status_code == 409
    assert response.json() == {"ok": False, "field": None, "error": services.FINALIZED_MESSAGE}
    assert snapshot() == before


def test_recording_page_of_finalized_minutes_is_read_only(personas, complete, client_for, numbering_calls):
    services.meeting_finalize(complete, personas["secretary"])
    html = client_for(personas["secretary"]).get(URL + "ghi/").content.decode()
    assert '<fieldset class="rec-body" disabled>' in html
    assert "Biên bản đã hoàn tất và bị khóa." in html
    assert 'id="finalize-form"' not in html


# --- amendments ---------------------------------------------------------------------------------

def test_amend_records_who_when_why_and_what(personas, complete, tree, numbering_calls):
    services.meeting_finalize(complete, personas["secretary"])
    amendment = services.meeting_amend(complete, personas["secretary"], "Ghi nhầm địa điểm và giờ kết thúc", {
        "place": "Hội trường UBND xã", "end": time(21, 30), "chair": tree["M2"], "conclusion": "Chi bộ thống nhất.",
        ("attendance", "M3"): ("absent_excused", "Ốm"),
    })
    assert amendment.author == personas["secretary"]
    assert amendment.reason == "Ghi nhầm địa điểm và giờ kết thúc"
    assert amendment.changes == {
        "place": {"label": "Địa điểm", "old": "Nhà văn hóa thôn Đông", "new": "Hội trường UBND xã"},
        "end": {"label": "Giờ kết thúc", "old": "21:05", "new": "21:30"},
        "chair": {"label": "Chủ trì", "old": "Nguyễn Văn An (M1)", "new": "Trần Thị Bình (M2)"},
        "attendance:M3": {"label": "Điểm danh Lê Văn Cường", "old": "Có mặt", "new": "Vắng có lý do (Ốm)"},
    }
    m = Meeting.objects.get(pk=complete.pk)
    assert (m.status, m.place, m.end, m.chair_id) == ("finalized", "Hội trường UBND xã", time(21, 30), tree["M2"].pk)
    assert Attendance.objects.get(meeting=m, member=tree["M3"]).reason == "Ốm"


@pytest.mark.parametrize("reason,changes,expected", [
    ("", {"place": "X"}, {"reason": ["Ghi lý do đính chính."]}),
    ("Sửa", {"place": "Nhà văn hóa thôn Đông"}, ["Không có thay đổi nào so với biên bản hiện tại."]),
    ("Sửa", {"end": time(18, 0)}, {"end": ["Giờ kết thúc (18:00) phải sau giờ bắt đầu (19:30)."]}),
    ("Sửa", {("attendance", "M4"): ("present", "")}, {"attendance": ["Đảng viên M4 không có trong danh sách chi bộ."]}),
])
def test_bad_amendments_change_nothing(personas, complete, numbering_calls, reason, changes, expected):
    services.meeting_finalize(complete, personas["secretary"])
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.meeting_amend(complete, personas["secretary"], reason, changes)
    assert (exc.value.message_dict if isinstance(expected, dict) else exc.value.messages) == expected
    assert snapshot() == before


def test_amend_before_finalization_is_refused(personas, complete):
    with pytest.raises(ValidationError) as exc:
        services.meeting_amend(complete, personas["secretary"], "Sửa", {"place": "X"})
    assert exc.value.messages == ["Biên bản chưa hoàn tất: hãy sửa trực tiếp trên trang ghi biên bản."]
    assert not Amendment.objects.exists()


def test_amend_page_and_history(personas, complete, client_for, numbering_calls):
    services.meeting_finalize(complete, personas["secretary"])
    client = client_for(personas["secretary"])
    form = client.get(URL + "dinh-chinh/").content.decode()
    assert 'value="Nhà văn hóa thôn Đông"' in form and 'value="19:30"' in form
    data = {"place": "Hội trường UBND xã", "start": "19:30", "end": "21:05", "chair": "M1", "secretary": "M2",
            "notice_sent_on": "01/01/2025", "conclusion": "Chi bộ thống nhất.", "reason": "Ghi nhầm địa điểm",
            "attendance_member": "M2", "attendance_status": "late"}
    response = client.post(URL + "dinh-chinh/", data, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    amendment = Amendment.objects.get()
    assert amendment.changes == {
        "place": {"label": "Địa điểm", "old": "Nhà văn hóa thôn Đông", "new": "Hội trường UBND xã"},
        "attendance:M2": {"label": "Điểm danh Trần Thị Bình", "old": "Có mặt", "new": "Đến muộn"},
    }
    html = response.content.decode()
    assert "Lý do: Ghi nhầm địa điểm" in html
    assert "Địa điểm: <del>Nhà văn hóa thôn Đông</del> → <ins>Hội trường UBND xã</ins>" in html
    assert "Điểm danh Trần Thị Bình: <del>Có mặt</del> → <ins>Đến muộn</ins>" in html

    # Without a reason: the form says so and nothing changes.
    before = snapshot()
    response = client.post(URL + "dinh-chinh/", {**data, "place": "Nơi khác", "reason": ""})
    assert response.status_code == 200
    assert "Trường này bắt buộc." in response.content.decode()
    assert snapshot() == before


def test_amend_page_of_minutes_not_finalized_sends_to_the_recording_page(personas, complete, client_for):
    response = client_for(personas["secretary"]).get(URL + "dinh-chinh/")
    assert (response.status_code, response["Location"]) == (302, URL + "ghi/")


# --- finalizing is a deliberate step (the confirmation page) ------------------------------------

def test_the_finalize_page_shows_the_engines_findings_and_asks_for_confirmation(personas, complete, tree,
                                                                                client_for):
    services.attendance_set(complete, tree["M2"], "absent_unexcused")
    client = client_for(personas["secretary"])
    before = snapshot()
    html = client.get(URL + "hoan-tat/").content.decode()
    # The engine's verdict through the adapter: the checklist and the rules broken.
    assert '<li class="ok" data-element="speeches"><span class="mark" aria-hidden="true">✓</span> Ý kiến phát biểu' in html
    assert '<li data-code="UNEXCUSED_ABSENCE"><b>Vắng mặt không có lý do</b>: Trần Thị Bình</li>' in html
    assert '<li data-code="LOW_ATTENDANCE"><b>Tỷ lệ dự họp thấp</b></li>' in html
    assert 'data-bar="Có mặt 2/3 · 66,67% · Biểu quyết 1/2"' in html
    assert 'id="finalize-refusal"' not in html
    assert '<input type="checkbox" name="confirm" value="1" id="id_confirm">' in html
    assert snapshot() == before
    # Sent without the confirmation: told next to the box, nothing changes.
    response = client.post(URL + "hoan-tat/", {})
    assert response.status_code == 400
    assert '<span class="err" id="confirm-err" role="alert">Đánh dấu ô xác nhận để hoàn tất biên bản.</span>' in (
        response.content.decode())
    assert snapshot() == before
    assert client.post(URL + "hoan-tat/", {"confirm": "1"}).status_code == 302
    assert Meeting.objects.get(pk=complete.pk).status == "finalized"
    # Finalized: the page sends back to the meeting.
    assert client.get(URL + "hoan-tat/")["Location"] == URL


def test_finalizing_is_refused_before_the_meetings_day(personas, complete, client_for, monkeypatch):
    from chibo.meetings import dates

    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 2))
    with pytest.raises(ValidationError) as exc:
        services.meeting_finalize(complete, personas["secretary"])
    assert exc.value.messages == ["Cuộc họp ngày 03/01/2025 chưa diễn ra: chưa thể hoàn tất biên bản trước ngày họp."]
    client = client_for(personas["secretary"])
    before = snapshot()
    html = client.get(URL + "hoan-tat/").content.decode()
    assert ('<p class="banner" id="finalize-refusal">Cuộc họp ngày 03/01/2025 chưa diễn ra: chưa thể hoàn tất biên '
            'bản trước ngày họp.</p>') in html
    assert 'id="finalize-confirm"' not in html
    assert client.post(URL + "hoan-tat/", {"confirm": "1"}).status_code == 400
    assert snapshot() == before
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 3))  # the day itself: allowed
    assert services.meeting_finalize(complete, personas["secretary"]).status == "finalized"


def test_finalizing_a_meeting_not_held_is_refused_with_the_reason(personas, complete, client_for):
    Meeting.objects.filter(pk=complete.pk).update(status="notified")
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(URL + "hoan-tat/", {"confirm": "1"})
    assert response.status_code == 400
    assert ("Chỉ có thể hoàn tất biên bản của cuộc họp đã diễn ra: hãy đánh dấu đã họp trước."
            in response.content.decode())
    assert snapshot() == before


@pytest.mark.parametrize("persona,status", [("member", 403), ("sibling", 404), ("rival", 404)])
def test_the_finalize_page_is_denied_outside_the_recorders(personas, complete, client_for, persona, status):
    client = client_for(personas[persona])
    before = snapshot()
    assert client.get(URL + "hoan-tat/").status_code == status
    assert client.post(URL + "hoan-tat/", {"confirm": "1"}).status_code == status
    assert snapshot() == before


def test_the_finalize_page_runs_a_constant_number_of_queries(personas, complete, tree, client_for,
                                                             django_assert_num_queries):
    client = client_for(personas["secretary"])
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL + "hoan-tat/").status_code == 200
    for i in range(1, 8):
        Speech.objects.create(meeting=complete, position=i, member=tree["M1"], summary=f"Ý kiến {i}")
    services.vote_record(complete, kind="resolution", method="show_of_hands", votes_for=2, key=None, position=0)
    services.task_save(complete, 0, description="Việc", assignee=tree["M3"])
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(URL + "hoan-tat/").status_code == 200
