"""Recording a meeting: the services with exact values, the autosave endpoints, the recording
page (absence notices pre-fill the roll; a constant number of queries whatever the roll size),
the engine's verdict on the meeting page, and the quality scores."""

import uuid
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.meetings import selectors
from chibo.meetings.models import (
    AbsenceNotice,
    AgendaItem,
    Attendance,
    Meeting,
    ScoreConfirmation,
    Speech,
    Task,
    Vote,
)
from chibo.meetings.recording import services
from chibo.orgs import services as org_services
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords are hashed with PBKDF2 otherwise: seconds per test for nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

URL = "/sinh-hoat/C1-2025-01/"


def attendance(meeting):
    return dict(Attendance.objects.filter(meeting=meeting).values_list("member__code", "status"))


# --- services ----------------------------------------------------------------------------------

def test_attendance_set_replaces_the_status_and_keeps_reasons_only_for_excused(meeting, tree):
    row = services.attendance_set(meeting, tree["M2"], "absent_excused", "  Ốm  ")
    assert (row.status, row.reason) == ("absent_excused", "Ốm")
    services.attendance_set(meeting, tree["M2"], "present", "không dùng")
    assert list(Attendance.objects.filter(meeting=meeting).order_by("position").values_list(
        "member__code", "status", "reason")) == [("M1", "present", ""), ("M2", "present", ""), ("M3", "present", "")]


def test_attendance_of_a_member_not_on_the_roll_is_refused(meeting, tree):
    with pytest.raises(ValidationError) as exc:
        services.attendance_set(meeting, tree["M4"], "present")
    # never in the cell: not named (the named refusal for a former member is in test_separation_of_duties)
    assert exc.value.message_dict == {"member": ["Không tìm thấy đảng viên này."]}
    assert attendance(meeting) == {"M1": "present", "M2": "present", "M3": "present"}


def test_attendance_position_follows_the_roll(tree):
    m = Meeting.objects.create(ident="C1-2025-02", organization=tree["C1"], kind="regular", date=date(2025, 2, 3))
    services.attendance_set(m, tree["M3"], "present")
    services.attendance_set(m, tree["M1"], "late")
    # Roll order (Vietnamese sort by given name): An (M1), Bình (M2), Cường (M3).
    assert list(Attendance.objects.filter(meeting=m).order_by("position").values_list("member__code", "position")) == [
        ("M1", 0), ("M3", 2)]


def test_header_fields(meeting, tree):
    services.meeting_field_set(meeting, "place", "  Hội trường xã ")
    services.meeting_field_set(meeting, "chair", tree["M2"])
    services.meeting_field_set(meeting, "notice_sent_on", date(2024, 12, 30))
    services.meeting_field_set(meeting, "start", None)
    m = Meeting.objects.get(pk=meeting.pk)
    assert (m.place, m.chair_id, m.notice_sent_on, m.start) == ("Hội trường xã", tree["M2"].pk, date(2024, 12, 30),
                                                                None)


def test_end_before_start_is_refused(meeting):
    with pytest.raises(ValidationError) as exc:
        services.meeting_field_set(meeting, "end", time(19, 0))
    assert exc.value.message_dict == {"end": ["Giờ kết thúc (19:00) phải sau giờ bắt đầu (19:30)."]}
    assert Meeting.objects.get(pk=meeting.pk).end == time(21, 5)


def test_chair_must_be_on_the_roll(meeting, tree):
    with pytest.raises(ValidationError) as exc:
        services.meeting_field_set(meeting, "chair", tree["M5"])
    assert exc.value.message_dict == {"chair": ["Không tìm thấy đảng viên này."]}


def test_speech_saved_twice_at_one_position_is_one_row(meeting, tree):
    services.speech_save(meeting, 0, member=tree["M1"], item="Tình hình", summary="Lần đầu")
    services.speech_save(meeting, 0, member=tree["M2"], item="Tình hình", summary="Sửa lại")
    services.speech_save(meeting, 1, member=tree["M3"], summary="Ý kiến khác")
    assert list(Speech.objects.filter(meeting=meeting).order_by("position").values_list(
        "position", "member__code", "item", "summary")) == [(0, "M2", "Tình hình", "Sửa lại"),
                                                            (1, "M3", "", "Ý kiến khác")]
    assert services.speech_delete(meeting, 0) == 1
    assert Speech.objects.filter(meeting=meeting).count() == 1


def test_invalid_ballots_only_in_a_secret_ballot(meeting):
    with pytest.raises(ValidationError) as exc:
        services.vote_record(meeting, 0, kind="resolution", method="show_of_hands", votes_for=2, votes_invalid=1)
    assert exc.value.message_dict == {"votes_invalid": ["Chỉ bỏ phiếu kín mới có phiếu không hợp lệ."]}
    assert not Vote.objects.exists()


def test_vote_counts_above_the_voters_present_are_kept_and_reported(meeting):
    services.vote_record(meeting, 0, kind="resolution", method="show_of_hands", votes_for=3)
    verdict = selectors.meeting_verdict(Meeting.objects.get(pk=meeting.pk))
    # M1, M2 official (eligible 2, both present); M3 probationary does not vote.
    assert verdict["votes"][0]["eligible"] == 2
    assert verdict["votes"][0]["threshold"] == 2
    assert verdict["votes"][0]["passed"] is None
    assert verdict["votes"][0]["problems"] == ["Số phiếu biểu quyết không khớp với số đảng viên dự họp"]


def test_task_due_before_the_meeting_is_refused(meeting, tree):
    with pytest.raises(ValidationError) as exc:
        services.task_save(meeting, 0, description="Thu đảng phí", assignee=tree["M2"], due=date(2025, 1, 2))
    assert exc.value.message_dict == {"due": ["Hạn hoàn thành phải từ ngày họp (03/01/2025) trở đi."]}
    with pytest.raises(ValidationError) as exc:
        services.task_save(meeting, 0, description="  ", assignee=tree["M2"])
    assert exc.value.message_dict == {"description": ["Ghi nội dung nhiệm vụ."]}
    task = services.task_save(meeting, 0, description="Thu đảng phí", assignee=tree["M2"], due=date(2025, 1, 31))
    assert (task.position, task.assignee_id, task.due) == (0, tree["M2"].pk, date(2025, 1, 31))


# --- the verdict --------------------------------------------------------------------------------

def test_verdict_of_the_fixture_meeting(meeting):
    v = selectors.meeting_verdict(meeting)
    assert v["attendance"] == {"on_roll": 3, "exempt": 0, "away": 0, "expected": 3, "present": 3,
                               "absent_excused": 0, "absent_unexcused": 0, "missing": 0, "rate": "100.00"}
    assert (v["rate_text"], v["eligible"], v["eligible_present"]) == ("100,00%", 2, 2)
    assert v["missing"] == ["speeches", "conclusion"]
    assert v["missing_labels"] == ["Ý kiến phát biểu", "Kết luận"]
    assert [(c["code"], c["ok"]) for c in v["checklist"]] == [
        ("chair", True), ("secretary", True), ("place", True), ("start", True), ("end", True),
        ("attendance", True), ("absence_reasons", True), ("speeches", False), ("conclusion", False)]
    assert v["findings"] == []
    assert v["score"]["criteria"] == {"notice": 5, "preparation": 0, "attendance_rate": 15, "no_unexcused": 5,
                                      "on_time": 5, "duration": 10, "speakers": 0, "conduct": 0, "principles": 0,
                                      "resolution": 0, "tasks": 0, "minutes": 0}
    assert (v["score"]["total"], v["score"]["grade_label"], v["score"]["provisional"]) == (40, "Kém", True)
    assert v["meets_framework"] is False


def test_verdict_names_members_in_findings(meeting, tree):
    services.attendance_set(meeting, tree["M2"], "absent_unexcused")
    services.attendance_set(meeting, tree["M3"], "absent_excused", "")
    v = selectors.meeting_verdict(meeting)
    assert [(g["label"], g["details"]) for g in v["finding_groups"]] == [
        ("Vắng có lý do nhưng không ghi lý do", ["Lê Văn Cường"]),
        ("Vắng mặt không có lý do", ["Trần Thị Bình"]),
        ("Tỷ lệ dự họp thấp", []),
    ]


# --- autosave endpoints -----------------------------------------------------------------------

def test_attendance_endpoint_answers_the_new_counts(personas, meeting, client_for):
    client = client_for(personas["secretary"])
    response = client.post(URL + "ghi/diem-danh/", {"member": "M2", "status": "absent_excused", "reason": "Ốm"})
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert 'data-bar="Có mặt 2/3 · 66,67% · Biểu quyết 1/2"' in body["panel"]
    assert '<li data-code="LOW_ATTENDANCE"><b>Tỷ lệ dự họp thấp</b></li>' in body["panel"]
    assert Attendance.objects.get(meeting=meeting, member__code="M2").reason == "Ốm"


def test_attendance_with_panel_0_answers_without_running_the_checks(personas, meeting, client_for,
                                                                    django_assert_num_queries):
    """record.js sends panel=0 and asks ghi/kiem-tra/ when the minute-taker pauses: the save's answer
    is the version only, in fewer queries than with the panel (which reads the cell's year)."""
    client = client_for(personas["secretary"])
    client.post(URL + "ghi/diem-danh/", {"member": "M2", "status": "present"})  # warm the session
    with django_assert_num_queries(13) as lean:
        response = client.post(URL + "ghi/diem-danh/", {"member": "M2", "status": "absent_excused", "reason": "Ốm",
                                                        "version": "1", "panel": "0"})
    assert response.json() == {"ok": True, "version": 2}
    assert Attendance.objects.get(meeting=meeting, member__code="M2").reason == "Ốm"
    with django_assert_num_queries(len(lean) + 14):
        full = client.post(URL + "ghi/diem-danh/", {"member": "M2", "status": "present", "version": "2"}).json()
    assert full["version"] == 3 and 'data-bar="Có mặt 3/3 · 100,00% · Biểu quyết 2/2"' in full["panel"]


def test_a_first_tap_reads_the_roll_and_the_row_in_one_query(personas, meeting, tree, client_for,
                                                              django_assert_num_queries):
    """A member's first roll tap: the roll check, the member's place in the roll and the (absent)
    attendance row are one query (ROLL_TAP), then the insert: 11 queries, 2 fewer than a re-tap
    (13, above: it reads the row to update it, and the change log diffs the update); 2 fewer than
    before ROLL_TAP (the roll check, the row and the place in the roll were 3 queries)."""
    client = client_for(personas["secretary"])
    client.post(URL + "ghi/diem-danh/", {"member": "M2", "status": "present", "panel": "0"})  # warm the session
    Attendance.objects.filter(meeting=meeting, member__code="M3").delete()
    with django_assert_num_queries(11):
        response = client.post(URL + "ghi/diem-danh/", {"member": "M3", "status": "present", "version": "0",
                                                        "panel": "0"})
    assert response.json() == {"ok": True, "version": 1}
    roll = sorted(tree[code].sort_key for code in ("M1", "M2", "M3"))
    assert Attendance.objects.get(meeting=meeting, member__code="M3").position == roll.index(tree["M3"].sort_key)


def test_vote_endpoint_answers_threshold_and_verdict(personas, meeting, client_for):
    client = client_for(personas["secretary"])
    response = client.post(URL + "ghi/bieu-quyet/", {"position": "4", "kind": "resolution", "method": "show_of_hands",
                                                     "subject": "Thông qua nghị quyết", "votes_for": "2",
                                                     "votes_against": "", "votes_abstain": "0"})
    body = response.json()
    assert list(body["votes"]) == ["4"]
    assert "cần ít nhất <b>2</b> phiếu tán thành (quá nửa)" in body["votes"]["4"]
    assert '<span class="outcome pass">Thông qua</span>' in body["votes"]["4"]
    assert list(Vote.objects.values_list("position", "kind", "votes_for", "votes_against")) == [
        (4, "resolution", 2, 0)]
    # Typing a second figure updates the same vote.
    client.post(URL + "ghi/bieu-quyet/", {"position": "4", "kind": "recognition", "method": "show_of_hands",
                                          "votes_for": "1", "votes_against": "1"})
    body = client.post(URL + "ghi/bieu-quyet/", {"position": "4", "kind": "recognition", "method": "show_of_hands",
                                                 "votes_for": "1", "votes_against": "1"}).json()
    assert "cần ít nhất <b>2</b> phiếu tán thành (ít nhất hai phần ba)" in body["votes"]["4"]
    assert '<span class="outcome fail">Không thông qua</span>' in body["votes"]["4"]
    assert Vote.objects.count() == 1


@pytest.mark.parametrize("path,data,error", [
    ("ghi/thong-tin/", {"field": "end", "value": "25:99"}, "Giờ không hợp lệ (định dạng hh:mm, ví dụ 19:30)."),
    ("ghi/thong-tin/", {"field": "notice_sent_on", "value": "32/01/2025"}, "Ngày không hợp lệ (định dạng dd/mm/yyyy)."),
    ("ghi/thong-tin/", {"field": "status", "value": "finalized"}, "Trường không được phép sửa."),
    ("ghi/thong-tin/", {"field": "end", "value": "19:00"}, "Giờ kết thúc (19:00) phải sau giờ bắt đầu (19:30)."),
    ("ghi/diem-danh/", {"member": "M9", "status": "present"}, "Không tìm thấy đảng viên này."),
    ("ghi/diem-danh/", {"member": "M2", "status": "here"}, "Trạng thái điểm danh không hợp lệ."),
    ("ghi/bieu-quyet/", {"position": "0", "kind": "resolution", "method": "show_of_hands", "votes_for": "-1"},
     "Số phiếu tán thành không được âm."),
    # a member of another cell reads like an unknown code: no name leaks out of the cell
    ("ghi/phat-bieu/", {"position": "0", "member": "M4", "summary": "x"}, "Không tìm thấy đảng viên này."),
    ("ghi/nhiem-vu/", {"position": "0", "description": "x", "due": "2/2"}, "Ngày không hợp lệ (định dạng dd/mm/yyyy)."),
])
def test_bad_input_is_a_vietnamese_400_and_changes_nothing(personas, meeting, client_for, path, data, error):
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(URL + path, data)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert snapshot() == before


def test_header_endpoint_parses_times_and_dates(personas, meeting, client_for):
    client = client_for(personas["secretary"])
    for field, value in (("start", "19h00"), ("end", "2115"), ("notice_sent_on", "31/12/2024"), ("chair", "M2"),
                         ("secretary", "")):
        assert client.post(URL + "ghi/thong-tin/", {"field": field, "value": value}).json()["ok"] is True
    m = Meeting.objects.get(pk=meeting.pk)
    assert (m.start, m.end, m.notice_sent_on, m.chair.code, m.secretary) == (
        time(19, 0), time(21, 15), date(2024, 12, 31), "M2", None)


def test_speech_and_task_endpoints(personas, meeting, client_for):
    client = client_for(personas["secretary"])
    client.post(URL + "ghi/phat-bieu/", {"position": "0", "member": "M2", "item": "Tình hình", "summary": "Đồng ý"})
    client.post(URL + "ghi/phat-bieu/", {"position": "0", "member": "M2", "item": "Tình hình", "summary": "Đồng ý."})
    client.post(URL + "ghi/nhiem-vu/", {"position": "0", "assignee": "M3", "description": "Viết báo cáo",
                                        "due": "15/01/2025"})
    client.post(URL + "ghi/nhiem-vu/", {"position": "1", "assignee": "", "description": "Dọn hội trường", "due": ""})
    assert list(Speech.objects.values_list("position", "member__code", "item", "summary")) == [
        (0, "M2", "Tình hình", "Đồng ý.")]
    assert list(Task.objects.order_by("position").values_list("position", "assignee__code", "description", "due")) == [
        (0, "M3", "Viết báo cáo", date(2025, 1, 15)), (1, None, "Dọn hội trường", None)]
    assert client.post(URL + "ghi/nhiem-vu/", {"position": "1", "delete": "1"}).json()["ok"] is True
    assert Task.objects.count() == 1


def test_status_endpoint(personas, meeting, client_for):
    body = client_for(personas["designated"]).get(URL + "ghi/kiem-tra/").json()
    assert body["ok"] is True and 'data-bar="Có mặt 3/3 · 100,00% · Biểu quyết 2/2"' in body["panel"]


# --- the recording page ---------------------------------------------------------------------------

def test_absence_notices_prefill_the_roll_once(personas, meeting, tree, client_for):
    Attendance.objects.filter(meeting=meeting, member__in=[tree["M2"], tree["M3"]]).delete()
    AbsenceNotice.objects.create(meeting=meeting, member=tree["M2"], reason="Đi công tác Hà Nội")
    AbsenceNotice.objects.create(meeting=meeting, member=tree["M1"], reason="Ốm")  # M1 already recorded present
    client = client_for(personas["secretary"])
    html = client.get(URL + "ghi/").content.decode()
    assert list(Attendance.objects.filter(meeting=meeting).order_by("position").values_list(
        "member__code", "status", "reason")) == [("M1", "present", ""), ("M2", "absent_excused", "Đi công tác Hà Nội")]
    assert 'value="Đi công tác Hà Nội"' in html
    services.attendance_set(meeting, tree["M2"], "present")
    client.get(URL + "ghi/")
    assert attendance(meeting) == {"M1": "present", "M2": "present"}


def test_recording_page_shows_the_roll_and_the_rows(personas, meeting, tree, client_for):
    AgendaItem.objects.create(meeting=meeting, position=0, title="Đánh giá tháng trước")
    services.speech_save(meeting, 0, member=tree["M2"], item="Đánh giá tháng trước", summary="Nhất trí")
    speech = services.speech_save(meeting, 3, member=tree["M3"], item="Việc khác", summary="Đề xuất")
    services.speech_save(meeting, 3, member=tree["M3"], item="Việc khác", summary="Đề xuất thêm")
    vote = services.vote_record(meeting, 2, kind="resolution", method="show_of_hands", votes_for=2)
    html = client_for(personas["secretary"]).get(URL + "ghi/").content.decode()
    assert html.count('class="roll-row"') == 3
    # Rows carry their client key, version and position; the page, the header's version.
    assert f'data-key="speech:{speech.key}" data-row="{speech.key}" data-version="2" data-position="3"' in html
    assert f'data-key="vote:{vote.key}" data-row="{vote.key}" data-version="1" data-position="2"' in html
    assert 'data-version="1">' in html
    assert 'data-member="M2" data-status="present" data-version="1"' in html
    assert '<h3>Đánh giá tháng trước</h3>' in html and '<h3>Ý kiến khác</h3>' in html
    assert 'value="Việc khác"' in html
    assert 'aria-pressed="true">Có mặt</button>' in html
    assert '<span class="outcome pass">Thông qua</span>' in html
    assert "vendor/" not in html or "cdn" not in html.lower()


def _cell_with_members(tree, code, n):
    cell = org_services.org_create(code=code, name=f"Chi bộ {code}", kind="chi_bo", parent=tree["G"])
    members = [org_services.member_create(code=f"{code}-{i:02d}", full_name=f"Đảng viên {i:02d}", organization=cell,
                                          start=date(2020, 1, 1), official_on=date(2021, 1, 1) if i % 3 else None)
               for i in range(n)]
    m = Meeting.objects.create(ident=f"{code}-2025-01", organization=cell, kind="regular", date=date(2025, 1, 3),
                               start=time(19, 0), end=time(21, 0), place="Hội trường", chair=members[0],
                               secretary=members[1])
    for i, member in enumerate(members):
        if i % 4:
            services.attendance_set(m, member, "present" if i % 5 else "absent_excused", "Ốm")
    for i in range(3):
        services.speech_save(m, i, member=members[i + 1], summary="Ý kiến")  # 1, 2, 3: present
        services.task_save(m, i, description="Việc", assignee=members[i], due=date(2025, 2, 1))
    services.vote_record(m, 0, kind="resolution", method="show_of_hands", votes_for=2)
    AgendaItem.objects.create(meeting=m, position=0, title="Nội dung")
    for i in range(n // 10):
        services.guest_save(m, name=f"Khách {i}", title="Bí thư Đảng ủy", key=uuid.uuid4(), version=0)
    AbsenceNotice.objects.create(meeting=m, member=members[0], reason="Bận")
    return m


def test_recording_page_runs_a_constant_number_of_queries(personas, tree, client_for, django_assert_num_queries):
    client = client_for(personas["admin"])
    small = _cell_with_members(tree, "S", 10)
    big = _cell_with_members(tree, "B", 40)
    client.get(f"/sinh-hoat/{small.ident}/ghi/")  # the first visit pre-fills from the absence notice
    client.get(f"/sinh-hoat/{big.ident}/ghi/")
    with CaptureQueriesContext(connection) as small_ctx:
        assert client.get(f"/sinh-hoat/{small.ident}/ghi/").status_code == 200
    # session, user (2); the login's member record (1); meeting (1); roll: memberships, periods,
    # positions (3); attendance, guests, speeches, votes, tasks, agenda (6); any absence notice left to
    # pre-fill (1); verdict: the cell's bundle of the
    # year (organisations, two profile reads, memberships, periods, members, guests, attendance,
    # speeches, votes, tasks, meetings, visits: 13), the effective profile (2), vote positions (1);
    # the month's party fees at the opening, for those who keep them (4).
    with django_assert_num_queries(len(small_ctx.captured_queries)):
        response = client.get(f"/sinh-hoat/{big.ident}/ghi/")
    assert response.content.decode().count('class="roll-row"') == 40
    assert len(small_ctx.captured_queries) == 33


def test_the_opening_shows_the_months_fees_to_their_keepers_only(personas, meeting, client_for):
    """The recording page's opening announces the month's party fees (chibo.fees' block) to the
    cell's secretary, not to a committee officer designated to record, who may not see amounts."""
    page = client_for(personas["secretary"]).get(URL + "ghi/").content.decode()
    assert '<h2 id="fee-status-title">Đảng phí tháng 01/2025</h2>' in page
    page = client_for(personas["designated"]).get(URL + "ghi/").content.decode()
    assert "fee-status-title" not in page and 'id="s-diem-danh"' in page


# --- quality scores ---------------------------------------------------------------------------------

def test_scores_out_of_range_are_refused_and_nothing_is_saved(meeting):
    with pytest.raises(ValidationError) as exc:
        services.meeting_scores_set(meeting, preparation=11, conduct=5, principles=-1)
    assert exc.value.message_dict == {"preparation": ["Điểm chuẩn bị phải là số nguyên từ 0 đến 10."],
                                      "principles": ["Điểm nguyên tắc phải là số nguyên từ 0 đến 10."]}
    m = Meeting.objects.get(pk=meeting.pk)
    assert (m.score_preparation, m.score_conduct, m.score_principles) == (None, None, None)


def test_scores_view_refuses_out_of_range(personas, meeting, client_for):
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(URL + "danh-gia/", {"preparation": "12", "conduct": "8", "principles": "8"})
    assert response.status_code == 400
    assert "Điểm chuẩn bị phải là số nguyên từ 0 đến 10." in response.content.decode()
    assert snapshot() == before


def test_scores_proposed_adopted_confirmed(personas, meeting, client_for):
    secretary = client_for(personas["secretary"])
    response = secretary.post(URL + "danh-gia/thong-qua/")
    assert response.status_code == 302
    assert not ScoreConfirmation.objects.filter(meeting=meeting, adopted_at__isnull=False).exists()
    secretary.post(URL + "danh-gia/", {"preparation": "8", "conduct": "9", "principles": "10"})
    secretary.post(URL + "danh-gia/thong-qua/")
    conf = ScoreConfirmation.objects.get(meeting=meeting)
    assert conf.adopted_at is not None and conf.confirmed_at is None
    v = selectors.meeting_verdict(Meeting.objects.get(pk=meeting.pk))
    assert (v["score"]["total"], v["score"]["grade"], v["score"]["provisional"]) == (67, "trung_binh", False)

    # A change after adoption withdraws it.
    secretary.post(URL + "danh-gia/", {"preparation": "7", "conduct": "9", "principles": "10"})
    assert ScoreConfirmation.objects.get(meeting=meeting).adopted_at is None
    secretary.post(URL + "danh-gia/thong-qua/")

    staff = client_for(personas["staff"])
    assert staff.post(URL + "danh-gia/xac-nhan/").status_code == 302
    conf = ScoreConfirmation.objects.get(meeting=meeting)
    assert conf.confirmed_by == personas["staff"] and conf.confirmed_at is not None
    with pytest.raises(ValidationError) as exc:
        services.meeting_scores_set(meeting, preparation=10, conduct=10, principles=10)
    assert exc.value.messages == ["Điểm đánh giá đã được cấp trên xác nhận, không thể sửa."]
    html = staff.get(URL).content.decode()
    assert "Cấp trên đã xác nhận" in html and "danh-gia/xac-nhan/" not in html


def test_adopt_needs_every_manual_score(meeting):
    services.meeting_scores_set(meeting, preparation=8)
    with pytest.raises(ValidationError) as exc:
        services.meeting_scores_adopt(meeting, None)
    assert exc.value.messages == ["Chưa chấm điểm: Điều hành, Nguyên tắc."]
    with pytest.raises(ValidationError) as exc:
        services.meeting_scores_confirm(meeting, None)
    assert exc.value.messages == ["Chi bộ chưa thông qua điểm đánh giá, chưa thể xác nhận."]


# --- the meeting page ---------------------------------------------------------------------------------

def test_meeting_page_shows_checklist_score_and_votes(personas, meeting, client_for):
    services.vote_record(meeting, 0, kind="admission", method="show_of_hands", subject="Kết nạp Lê Thị Hoa",
                         votes_for=1, votes_against=1)
    html = client_for(personas["member"]).get(URL).content.decode()
    assert '<li class="todo" data-element="speeches"><span class="mark" aria-hidden="true">✗</span> Ý kiến phát biểu' in html
    assert '<li class="ok" data-element="chair"><span class="mark" aria-hidden="true">✓</span> Người chủ trì' in html
    assert '<span class="score-total">40/100</span> <span class="grade grade-kem">Kém</span>' in html
    assert "cần ít nhất <b>2</b> phiếu tán thành (ít nhất hai phần ba)" in html
    assert '<span class="outcome fail">Không thông qua</span>' in html
    assert "Ghi biên bản</a>" not in html
    assert 'action="/sinh-hoat/C1-2025-01/danh-gia/"' not in html  # members do not score


def test_notice_date_after_the_meeting_is_refused_and_nothing_changes(meeting):
    before = (meeting.notice_sent_on, meeting.version)
    with pytest.raises(ValidationError) as refused:
        services.meeting_field_set(meeting, "notice_sent_on", meeting.date + timedelta(days=1))
    assert refused.value.message_dict == {"notice_sent_on": [
        f"Ngày gửi thông báo ({meeting.date + timedelta(days=1):%d/%m/%Y}) không được sau ngày họp "
        f"({meeting.date:%d/%m/%Y})."]}
    meeting.refresh_from_db()
    assert (meeting.notice_sent_on, meeting.version) == before
    services.meeting_field_set(meeting, "notice_sent_on", meeting.date)  # on the day: accepted
    meeting.refresh_from_db()
    assert meeting.notice_sent_on == meeting.date
