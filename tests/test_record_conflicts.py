"""No lost updates on the live recording page (chibo.meetings.recording): rows keyed by a client
UUID, a version on every record, stale edits refused with the current value (HTTP 409), replays
answered as applied; the sanity checks of the recording services (a speaker must be present, a
vote's counts fit the members present, a meeting ends after it starts), each with nothing changed;
and, on PostgreSQL, requests at once from separate connections."""

import threading
import uuid
from datetime import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client

from chibo.meetings.models import Attendance, Meeting, Speech, Task, Vote
from chibo.meetings.recording import services
from tests.access_matrix import snapshot

URL = "/sinh-hoat/C1-2025-01/ghi/"
K1, K2, K3 = (uuid.UUID(int=n) for n in (1, 2, 3))


def speeches(meeting):
    return list(Speech.objects.filter(meeting=meeting).order_by("position").values_list(
        "position", "key", "version", "member__code", "summary"))


# --- client keys -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_rows_added_with_client_keys_each_keep_their_own_position(meeting, tree):
    # Two phones had both chosen position 0 for their new row: the key decides, not the position.
    services.speech_save(meeting, 0, member=tree["M1"], summary="Máy một", key=K1, version=0)
    services.speech_save(meeting, 0, member=tree["M2"], summary="Máy hai", key=K2, version=0)
    services.task_save(meeting, 7, description="Việc", key=K3, version=0)
    assert speeches(meeting) == [(0, K1, 1, "M1", "Máy một"), (1, K2, 1, "M2", "Máy hai")]
    assert list(Task.objects.values_list("position", "key", "version")) == [(0, K3, 1)]


@pytest.mark.django_db
def test_a_save_sent_twice_adds_one_row(meeting, tree):
    for _ in range(2):
        speech = services.speech_save(meeting, member=tree["M1"], summary="Một lần", key=K1, version=0)
    assert speech.version == 1
    assert speeches(meeting) == [(0, K1, 1, "M1", "Một lần")]
    assert services.speech_delete(meeting, key=K1) == 1
    assert services.speech_delete(meeting, key=K1) == 0  # the delete replayed: nothing more
    assert speeches(meeting) == []


@pytest.mark.django_db
def test_the_client_key_is_unique_per_meeting_in_the_database(meeting, tree):
    Speech.objects.create(meeting=meeting, position=0, member=tree["M1"], key=K1)
    other = Meeting.objects.create(ident="C1-2025-02", organization=tree["C1"], kind="regular", date=meeting.date)
    Speech.objects.create(meeting=other, position=0, member=tree["M1"], key=K1)  # another meeting: allowed
    with pytest.raises(IntegrityError), transaction.atomic():
        Speech.objects.create(meeting=meeting, position=1, member=tree["M2"], key=K1)
    assert Speech.objects.filter(meeting=meeting).count() == 1


# --- versions ----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_stale_row_edit_is_refused_with_the_current_value_and_changes_nothing(meeting, tree):
    services.speech_save(meeting, member=tree["M1"], summary="Ý kiến", key=K1, version=0)
    services.speech_save(meeting, member=tree["M2"], summary="Sửa trên máy một", key=K1, version=1)
    before = snapshot()
    with pytest.raises(services.Conflict) as exc:
        services.speech_save(meeting, member=tree["M1"], summary="Sửa trên máy hai", key=K1, version=1)
    assert exc.value.messages == [
        "Ý kiến này vừa được sửa trên máy khác, hiện là: Trần Thị Bình, «Sửa trên máy một». "
        "Thay đổi của bạn chưa được lưu; sửa lại nếu vẫn muốn đổi."]
    assert exc.value.current == {"version": 2}
    assert snapshot() == before
    # Told, the second person edits again on top of version 2: applied.
    services.speech_save(meeting, member=tree["M1"], summary="Sửa trên máy hai", key=K1, version=2)
    assert speeches(meeting) == [(0, K1, 3, "M1", "Sửa trên máy hai")]


@pytest.mark.django_db
def test_an_edit_replayed_after_it_was_applied_is_answered_as_applied(meeting, tree):
    services.vote_record(meeting, kind="resolution", method="show_of_hands", votes_for=1, key=K1, version=0)
    edit = {"kind": "resolution", "method": "show_of_hands", "subject": "Nghị quyết", "votes_for": 2, "key": K1,
            "version": 1}
    services.vote_record(meeting, **edit)
    vote = services.vote_record(meeting, **edit)  # the answer was lost, the queue sends it again
    assert vote.version == 2
    assert list(Vote.objects.values_list("key", "version", "subject", "votes_for")) == [(K1, 2, "Nghị quyết", 2)]


@pytest.mark.django_db
def test_stale_vote_and_task_edits_say_what_is_recorded_now(meeting, tree):
    services.vote_record(meeting, kind="resolution", method="show_of_hands", subject="Nghị quyết tháng 1",
                         votes_for=2, key=K1, version=0)
    services.vote_record(meeting, kind="resolution", method="show_of_hands", subject="Nghị quyết tháng 1",
                         votes_for=2, votes_against=1, key=K1, version=1)
    with pytest.raises(services.Conflict) as exc:
        services.vote_record(meeting, kind="resolution", method="show_of_hands", subject="Nghị quyết tháng 1",
                             votes_for=3, key=K1, version=1)
    assert exc.value.messages == [
        "Biểu quyết này vừa được sửa trên máy khác, hiện là: «Nghị quyết tháng 1», 2 tán thành, "
        "1 không tán thành, 0 không biểu quyết. Thay đổi của bạn chưa được lưu; sửa lại nếu vẫn muốn đổi."]
    services.task_save(meeting, description="Thu đảng phí", key=K2, version=0)
    services.task_save(meeting, description="Thu đảng phí quý I", assignee=tree["M2"], key=K2, version=1)
    with pytest.raises(services.Conflict) as exc:
        services.task_save(meeting, description="Thu đảng phí tháng 1", key=K2, version=1)
    assert exc.value.messages == [
        "Nhiệm vụ này vừa được sửa trên máy khác, hiện là: «Thu đảng phí quý I», giao Trần Thị Bình. "
        "Thay đổi của bạn chưa được lưu; sửa lại nếu vẫn muốn đổi."]
    assert list(Vote.objects.values_list("votes_for", "votes_against", "version")) == [(2, 1, 2)]
    assert list(Task.objects.values_list("description", "version")) == [("Thu đảng phí quý I", 2)]


@pytest.mark.django_db
def test_header_edits_of_the_same_field_conflict_and_of_other_fields_do_not(meeting):
    assert meeting.version == 1
    # Phone one changes the place (version 1 -> 2).
    services.meeting_field_set(meeting, "place", "Hội trường xã", version=1, was="Nhà văn hóa thôn Đông")
    # Phone two, still on version 1, changes the conclusion: another field, applied (3).
    services.meeting_field_set(meeting, "conclusion", "Nhất trí", version=1, was="")
    before = snapshot()
    # Phone two then changes the place it saw: refused, with what phone one wrote.
    with pytest.raises(services.Conflict) as exc:
        services.meeting_field_set(meeting, "place", "Nhà bác Ba", version=1, was="Nhà văn hóa thôn Đông")
    assert exc.value.message_dict == {"place": [
        "Địa điểm vừa được sửa trên máy khác thành «Hội trường xã». Thay đổi của bạn chưa được lưu; "
        "sửa lại nếu vẫn muốn đổi."]}
    assert exc.value.current == {"version": 3, "value": "Hội trường xã"}
    assert snapshot() == before
    # Phone one's save replayed: answered as applied, nothing more changes.
    services.meeting_field_set(meeting, "place", "Hội trường xã", version=1, was="Nhà văn hóa thôn Đông")
    assert snapshot() == before
    m = Meeting.objects.get(pk=meeting.pk)
    assert (m.place, m.conclusion, m.version) == ("Hội trường xã", "Nhất trí", 3)


@pytest.mark.django_db
def test_a_stale_member_or_time_field_names_the_current_value(meeting, tree):
    services.meeting_field_set(meeting, "chair", tree["M2"], version=1, was=tree["M1"])
    with pytest.raises(services.Conflict) as exc:
        services.meeting_field_set(meeting, "chair", tree["M3"], version=1, was=tree["M1"])
    assert exc.value.message_dict["chair"][0].startswith("Chủ trì vừa được sửa trên máy khác thành «Trần Thị Bình».")
    assert exc.value.current == {"version": 2, "value": "M2"}
    services.meeting_field_set(meeting, "end", None, version=2, was=time(21, 5))
    with pytest.raises(services.Conflict) as exc:
        services.meeting_field_set(meeting, "end", time(21, 30), version=2, was=time(21, 5))
    assert exc.value.message_dict["end"][0].startswith("Giờ kết thúc vừa được sửa trên máy khác thành để trống.")
    m = Meeting.objects.get(pk=meeting.pk)
    assert (m.chair_id, m.end, m.version) == (tree["M2"].pk, None, 3)


@pytest.mark.django_db
def test_a_stale_attendance_tap_is_refused(meeting, tree):
    # The fixture's rows are version 1. Phone one marks M2 absent with a reason (2).
    services.attendance_set(meeting, tree["M2"], "absent_excused", "Ốm", version=1)
    with pytest.raises(services.Conflict) as exc:
        services.attendance_set(meeting, tree["M2"], "late", version=1)
    assert exc.value.message_dict == {"status": [
        "Trần Thị Bình vừa được điểm danh trên máy khác là «Vắng có lý do (Ốm)». Thay đổi của bạn chưa được lưu; "
        "sửa lại nếu vẫn muốn đổi."]}
    services.attendance_set(meeting, tree["M2"], "absent_excused", "Ốm", version=1)  # replayed: applied
    assert list(Attendance.objects.filter(member=tree["M2"]).values_list("status", "reason", "version")) == [
        ("absent_excused", "Ốm", 2)]


# --- the endpoints -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_endpoints_answer_versions_and_409_with_the_current_value(personas, meeting, client_for):
    client = client_for(personas["secretary"])
    key = str(K1)
    body = client.post(URL + "phat-bieu/", {"key": key, "version": "0", "member": "M2", "summary": "Đồng ý"}).json()
    assert (body["ok"], body["key"], body["position"], body["version"]) == (True, key, 0, 1)
    again = client.post(URL + "phat-bieu/", {"key": key, "version": "0", "member": "M2", "summary": "Đồng ý"}).json()
    assert (again["ok"], again["version"]) == (True, 1)
    client.post(URL + "phat-bieu/", {"key": key, "version": "1", "member": "M2", "summary": "Đồng ý."})
    before = snapshot()
    response = client.post(URL + "phat-bieu/", {"key": key, "version": "1", "member": "M1", "summary": "Khác"})
    assert response.status_code == 409
    assert response.json() == {
        "ok": False, "field": None, "current": {"version": 2},
        "error": "Ý kiến này vừa được sửa trên máy khác, hiện là: Trần Thị Bình, «Đồng ý.». "
                 "Thay đổi của bạn chưa được lưu; sửa lại nếu vẫn muốn đổi."}
    assert snapshot() == before

    body = client.post(URL + "thong-tin/", {"field": "place", "value": "Hội trường", "version": "1",
                                            "was": "Nhà văn hóa thôn Đông"}).json()
    assert (body["ok"], body["version"]) == (True, 2)
    response = client.post(URL + "thong-tin/", {"field": "place", "value": "Sân đình", "version": "1",
                                                "was": "Nhà văn hóa thôn Đông"})
    assert response.status_code == 409
    assert response.json()["current"] == {"version": 2, "value": "Hội trường"}
    assert response.json()["field"] == "place"
    body = client.post(URL + "diem-danh/", {"member": "M3", "status": "late", "version": "1"}).json()
    assert (body["ok"], body["version"]) == (True, 2)
    assert client.post(URL + "phat-bieu/", {"key": key, "delete": "1"}).json()["ok"] is True
    assert client.post(URL + "phat-bieu/", {"key": key, "delete": "1"}).json()["ok"] is True
    assert Speech.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("persona,status", [("sibling", 404), ("member", 403), ("anonymous", 302)])
def test_keyed_saves_are_denied_outside_the_recorders_and_change_nothing(personas, meeting, client_for, persona,
                                                                         status):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(URL + "phat-bieu/", {"key": str(K1), "version": "0", "member": "M2", "summary": "x"})
    assert response.status_code == status
    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("data,error", [
    ({"key": "not-a-uuid", "version": "0", "member": "M2"}, "Mã dòng không hợp lệ."),
    ({"key": str(K1), "version": "-1", "member": "M2"}, "Phiên bản không hợp lệ."),
    ({"member": "M2", "summary": "x"}, "Số thứ tự không hợp lệ."),  # neither key nor position
])
def test_bad_keys_and_versions_are_a_vietnamese_400(personas, meeting, client_for, data, error):
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(URL + "phat-bieu/", data)
    assert (response.status_code, response.json()["error"]) == (400, error)
    assert snapshot() == before


# --- sanity checks (issue 13.5) ----------------------------------------------------------------

@pytest.mark.django_db
def test_a_speaker_must_be_present(meeting, tree):
    Attendance.objects.filter(meeting=meeting, member=tree["M3"]).delete()
    services.attendance_set(meeting, tree["M2"], "absent_excused", "Ốm")
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.speech_save(meeting, member=tree["M3"], summary="x", key=K1, version=0)
    assert exc.value.message_dict == {"member": [
        "Người phát biểu Lê Văn Cường chưa được điểm danh: chỉ người có mặt mới phát biểu; hãy điểm danh trước."]}
    with pytest.raises(ValidationError) as exc:
        services.speech_save(meeting, member=tree["M2"], summary="x", key=K1, version=0)
    assert exc.value.message_dict == {"member": [
        "Người phát biểu Trần Thị Bình được điểm danh là vắng có lý do: chỉ người có mặt mới phát biểu."]}
    assert snapshot() == before
    services.attendance_set(meeting, tree["M3"], "late")
    services.speech_save(meeting, member=tree["M3"], summary="Đến muộn vẫn phát biểu", key=K1, version=0)
    assert speeches(meeting) == [(0, K1, 1, "M3", "Đến muộn vẫn phát biểu")]


@pytest.mark.django_db
def test_vote_counts_must_fit_the_members_present(meeting, tree):
    services.attendance_set(meeting, tree["M3"], "absent_unexcused")  # two present: M1, M2
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.vote_record(meeting, kind="resolution", method="show_of_hands", votes_for=1, votes_against=1,
                             votes_abstain=1, key=K1, version=0)
    assert exc.value.message_dict == {"votes_for": [
        "Tổng số phiếu (3) nhiều hơn số đảng viên có mặt (2): hãy kiểm tra lại số phiếu hoặc điểm danh."]}
    assert snapshot() == before
    vote = services.vote_record(meeting, kind="resolution", method="show_of_hands", votes_for=1, votes_against=1,
                                key=K1, version=0)
    assert (vote.votes_for, vote.votes_against, vote.version) == (1, 1, 1)


@pytest.mark.django_db
@pytest.mark.parametrize("field,value,error", [
    ("end", time(19, 0), "Giờ kết thúc (19:00) phải sau giờ bắt đầu (19:30)."),
    ("start", time(22, 0), "Giờ kết thúc (21:05) phải sau giờ bắt đầu (22:00)."),
])
def test_a_meeting_ends_after_it_starts(meeting, field, value, error):
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.meeting_field_set(meeting, field, value, version=1, was=getattr(meeting, field))
    assert exc.value.message_dict == {"end": [error]}
    assert snapshot() == before


@pytest.mark.django_db
def test_refusals_of_the_sanity_checks_reach_the_page_as_a_400(personas, meeting, client_for, tree):
    services.attendance_set(meeting, tree["M3"], "absent_unexcused")
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(URL + "phat-bieu/", {"key": str(K1), "version": "0", "member": "M3", "summary": "x"})
    assert (response.status_code, response.json()) == (400, {
        "ok": False, "field": "member",
        "error": "Người phát biểu Lê Văn Cường được điểm danh là vắng không có lý do: chỉ người có mặt mới phát biểu."})
    response = client.post(URL + "bieu-quyet/", {"key": str(K2), "version": "0", "kind": "resolution",
                                                 "method": "show_of_hands", "votes_for": "3"})
    assert response.status_code == 400
    assert response.json()["error"] == ("Tổng số phiếu (3) nhiều hơn số đảng viên có mặt (2): hãy kiểm tra lại số "
                                        "phiếu hoặc điểm danh.")
    assert snapshot() == before


# --- at once, from separate connections (PostgreSQL) ---------------------------------------------

def _at_once(n, work):
    """Run work(i) in n threads released together; each thread has its own database connection.
    Returns what each returned (or the exception it raised)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=20)
            results[i] = work(i)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL's row locks (SQLite serializes the whole database)")


@pytest.mark.django_db(transaction=True)
def test_phones_adding_rows_at_once_each_keep_theirs(personas, meeting):
    _needs_postgresql()
    users = get_user_model().objects.filter(username__in=["secretary", "designated", "admin"]).order_by("username")
    clients = []
    for user in users:
        client = Client()
        client.force_login(user)
        clients.append(client)
    keys = [uuid.uuid4() for _ in range(6)]

    def add(i):
        client = clients[i % 3]
        return client.post(URL + "phat-bieu/", {"key": str(keys[i]), "version": "0", "member": f"M{1 + i % 3}",
                                                "position": "0", "summary": f"Ý kiến {i}"}).status_code

    assert _at_once(6, add) == [200] * 6
    rows = list(Speech.objects.filter(meeting=meeting).order_by("position").values_list("position", "key", "summary"))
    assert [p for p, _k, _s in rows] == [0, 1, 2, 3, 4, 5]
    assert sorted((k, s) for _p, k, s in rows) == sorted((keys[i], f"Ý kiến {i}") for i in range(6))
    # The same six saves sent again at once (the offline queues replayed): nothing more.
    assert _at_once(6, add) == [200] * 6
    assert Speech.objects.filter(meeting=meeting).count() == 6


@pytest.mark.django_db(transaction=True)
def test_two_edits_of_one_field_at_once_one_wins_the_other_is_told(personas, meeting):
    _needs_postgresql()
    values = ["Hội trường xã", "Nhà bác Ba"]

    def edit(i):
        try:
            services.meeting_field_set(Meeting.objects.get(pk=meeting.pk), "place", values[i], version=1,
                                       was="Nhà văn hóa thôn Đông")
            return "applied"
        except services.Conflict as exc:
            return exc.current

    results = _at_once(2, edit)
    winner = results.index("applied")
    assert results[1 - winner] == {"version": 2, "value": values[winner]}
    m = Meeting.objects.get(pk=meeting.pk)
    assert (m.place, m.version) == (values[winner], 2)


@pytest.mark.django_db(transaction=True)
def test_a_row_edited_on_two_phones_at_once_keeps_one_edit_whole(meeting, tree):
    _needs_postgresql()
    services.speech_save(meeting, member=tree["M1"], summary="Ý kiến", key=K1, version=0)
    edits = [(tree["M2"], "Sửa trên máy một"), (tree["M3"], "Sửa trên máy hai")]

    def edit(i):
        member, summary = edits[i]
        try:
            return services.speech_save(Meeting.objects.get(pk=meeting.pk), member=member, summary=summary, key=K1,
                                        version=1).version
        except services.Conflict as exc:
            return exc.current

    results = _at_once(2, edit)
    winner = results.index(2)
    assert results[1 - winner] == {"version": 2}
    member, summary = edits[winner]
    assert speeches(meeting) == [(0, K1, 2, member.code, summary)]


# --- guests --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_guests_are_keyed_rows_with_versions(personas, meeting, client_for):
    client = client_for(personas["secretary"])
    body = client.post(URL + "khach-moi/", {"key": str(K1), "version": "0", "name": " Hoàng Văn Khách ",
                                            "title": "Phó Bí thư Đảng ủy", "organization": "Đảng ủy xã"}).json()
    assert (body["ok"], body["position"], body["version"]) == (True, 0, 1)
    client.post(URL + "khach-moi/", {"key": str(K2), "version": "0", "name": "Lê Thị Mời"})
    client.post(URL + "khach-moi/", {"key": str(K1), "version": "1", "name": "Hoàng Văn Khách",
                                     "title": "Bí thư Đảng ủy", "organization": "Đảng ủy xã"})
    before = snapshot()
    response = client.post(URL + "khach-moi/", {"key": str(K1), "version": "1", "name": "Hoàng Văn Khách"})
    assert (response.status_code, response.json()["error"]) == (409, (
        "Khách mời này vừa được sửa trên máy khác, hiện là: Hoàng Văn Khách (Bí thư Đảng ủy, Đảng ủy xã). "
        "Thay đổi của bạn chưa được lưu; sửa lại nếu vẫn muốn đổi."))
    response = client.post(URL + "khach-moi/", {"key": str(K3), "version": "0", "name": "  "})
    assert (response.status_code, response.json()["error"]) == (400, "Ghi họ tên khách mời.")
    response = client.post(URL + "khach-moi/", {"key": str(K3), "version": "0", "name": "x" * 121})
    assert (response.status_code, response.json()["error"]) == (400, "Họ tên dài quá 120 ký tự.")
    assert snapshot() == before
    assert list(meeting.guests.order_by("position").values_list("position", "key", "version", "name", "title")) == [
        (0, K1, 2, "Hoàng Văn Khách", "Bí thư Đảng ủy"), (1, K2, 1, "Lê Thị Mời", "")]
    assert client.post(URL + "khach-moi/", {"key": str(K2), "delete": "1"}).json()["ok"] is True
    html = client.get(URL).content.decode()
    assert f'data-key="guest:{K1}" data-row="{K1}" data-version="2" data-position="0"' in html
    assert 'value="Bí thư Đảng ủy"' in html and "Lê Thị Mời" not in html
