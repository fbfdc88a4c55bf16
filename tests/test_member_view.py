"""The member's own page: upcoming meetings with materials, absence notices sent ahead, own tasks
marked done with a note, attendance history."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.meetings import dates
from chibo.meetings.models import AbsenceNotice, Meeting, Task
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from tests.access_matrix import snapshot


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The personas are created with passwords: a cheap hasher keeps this module fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

TODAY = date(2025, 1, 20)


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(dates, "today", lambda: TODAY)


@pytest.fixture
def upcoming(tree):
    feb = planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), place="Nhà văn hóa")
    preparation_services.document_add(feb, title="Báo cáo tháng 1", file=SimpleUploadedFile("bc.pdf", b"%PDF"))
    planning_services.meeting_create(tree["C2"], kind="regular", date=date(2025, 2, 3))  # another cell
    Meeting.objects.create(ident="C1-2024-12", organization=tree["C1"], kind="regular", date=date(2024, 12, 3),
                           status="planned")  # past
    return feb


@pytest.fixture
def task(tree, meeting):
    return Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description="Thu đảng phí",
                               due=date(2025, 1, 31))


def test_my_page_shows_own_cell_materials_tasks_and_history(personas, tree, meeting, upcoming, task, client_for):
    page = client_for(personas["member"]).get("/cua-toi/").content.decode()
    assert page.count('class="card upcoming"') == 1
    assert 'data-ident="C1-2025-02"' in page and "C2-2025-02" not in page and "C1-2024-12" not in page
    assert "03/02/2025 · Nhà văn hóa" in page
    assert "Tuyên bố lý do, mục đích cuộc họp; giới thiệu đại biểu" in page
    doc = upcoming.documents.get()
    assert f'<a href="/sinh-hoat/C1-2025-02/tai-lieu/{doc.pk}/">Báo cáo tháng 1</a>' in page
    assert "Thu đảng phí" in page and "hạn 31/01/2025" in page
    assert 'href="/sinh-hoat/C1-2025-01/">03/01/2025</a></td><td>Thường kỳ</td><td>Có mặt' in page


def test_absence_send_and_withdraw(personas, tree, upcoming, client_for):
    client = client_for(personas["member"])
    response = client.post("/sinh-hoat/C1-2025-02/bao-vang/", {"reason": "Đi công tác Hà Nội"})
    assert response.status_code == 302 and response["Location"] == "/cua-toi/"
    assert list(AbsenceNotice.objects.values_list("meeting__ident", "member__code", "reason")) == [
        ("C1-2025-02", "M2", "Đi công tác Hà Nội")]
    client.post("/sinh-hoat/C1-2025-02/bao-vang/", {"reason": "Ốm"})  # replaces the reason
    assert list(AbsenceNotice.objects.values_list("reason", flat=True)) == ["Ốm"]
    page = client.get("/cua-toi/").content.decode()
    assert "Đã báo vắng: <i>Ốm</i>" in page and "Rút báo vắng" in page
    client.post("/sinh-hoat/C1-2025-02/bao-vang/rut/")
    assert AbsenceNotice.objects.count() == 0


def test_absence_rules(tree, upcoming, meeting):
    with pytest.raises(ValidationError) as exc:
        preparation_services.absence_notice_send(upcoming, tree["M2"], "  ")
    assert exc.value.message_dict == {"reason": ["Nhập lý do vắng mặt."]}
    with pytest.raises(ValidationError) as exc:
        preparation_services.absence_notice_send(upcoming, tree["M4"], "Bận")
    assert exc.value.messages == ["Đồng chí không có trong danh sách chi bộ ngày họp."]
    with pytest.raises(ValidationError) as exc:
        preparation_services.absence_notice_send(meeting, tree["M2"], "Bận")  # held
    assert exc.value.messages == ["Cuộc họp đã diễn ra; không thể gửi hoặc rút báo vắng."]
    preparation_services.absence_notice_send(upcoming, tree["M2"], "Bận")
    with pytest.raises(ValidationError):
        preparation_services.absence_notice_withdraw(upcoming, tree["M2"], on=date(2025, 2, 4))  # after the meeting
    assert preparation_services.absence_notice_withdraw(upcoming, tree["M2"], on=date(2025, 2, 3)) == 1  # the day itself
    with pytest.raises(ValidationError) as exc:
        preparation_services.absence_notice_withdraw(upcoming, tree["M2"])
    assert exc.value.messages == ["Đồng chí chưa gửi báo vắng cho cuộc họp này."]


def test_absence_only_by_the_member_of_the_cell(personas, tree, upcoming, client_for):
    for persona in ("admin", "staff", "other"):
        client = client_for(personas[persona])
        before = snapshot()
        response = client.post("/sinh-hoat/C1-2025-02/bao-vang/", {"reason": "Thay mặt"})
        assert response.status_code == 404, persona
        assert snapshot() == before


def test_task_mark_done(tree, task):
    with pytest.raises(ValidationError) as exc:
        preparation_services.task_mark_done(task, tree["M1"], "Xong", TODAY)
    assert exc.value.messages == ["Chỉ người được giao nhiệm vụ mới được báo hoàn thành."]
    with pytest.raises(ValidationError) as exc:
        preparation_services.task_mark_done(task, tree["M2"], " ", TODAY)
    assert exc.value.message_dict == {"note": ["Ghi kết quả thực hiện nhiệm vụ."]}
    with pytest.raises(ValidationError) as exc:
        preparation_services.task_mark_done(task, tree["M2"], "Xong", date(2025, 1, 21))
    assert exc.value.message_dict == {"on": ["Ngày hoàn thành không được sau hôm nay."]}
    with pytest.raises(ValidationError) as exc:
        preparation_services.task_mark_done(task, tree["M2"], "Xong", date(2025, 1, 2))
    assert exc.value.message_dict == {"on": ["Ngày hoàn thành không được trước ngày giao nhiệm vụ (03/01/2025)."]}
    done = preparation_services.task_mark_done(task, tree["M2"], "Đã thu đủ 12 đồng chí", date(2025, 1, 15))
    assert (done.done_on, done.done_note) == (date(2025, 1, 15), "Đã thu đủ 12 đồng chí")
    with pytest.raises(ValidationError) as exc:
        preparation_services.task_mark_done(task, tree["M2"], "Lại", TODAY)
    assert exc.value.messages == ["Nhiệm vụ đã được báo hoàn thành ngày 15/01/2025."]


def test_task_done_from_the_page_only_by_the_assignee(personas, tree, task, client_for):
    for persona in ("secretary", "other", "admin"):
        client = client_for(personas[persona])
        before = snapshot()
        response = client.post(f"/nhiem-vu/{task.pk}/hoan-thanh/", {"note": "Xong", "on": "20/01/2025"})
        assert response.status_code == 404, persona
        assert snapshot() == before
    response = client_for(personas["member"]).post(f"/nhiem-vu/{task.pk}/hoan-thanh/",
                                                   {"note": "Đã nộp", "on": "19/01/2025"}, follow=True)
    assert "Đã báo hoàn thành nhiệm vụ." in response.content.decode()
    task.refresh_from_db()
    assert (task.done_on, task.done_note) == (date(2025, 1, 19), "Đã nộp")


def test_my_page_constant_queries(personas, tree, meeting, upcoming, task, client_for, django_assert_num_queries):
    client = client_for(personas["member"])
    # session, user, the scope: 1 query (roles, member id, member's cells, with their ids: not read
    # again); upcoming meetings, their agenda, documents and the member's absence notices; notices not
    # opened; tasks, attendance, token; the top bar's count of notices not opened; the member's planned
    # visits (chibo.supervision)
    with django_assert_num_queries(13):
        assert client.get("/cua-toi/").status_code == 200
    for i in range(3):
        m = planning_services.meeting_create(tree["C1"], kind="extraordinary", date=date(2025, 3, 10 + i))
        preparation_services.document_add(m, title=f"TL {i}", file=SimpleUploadedFile(f"{i}.pdf", b"%PDF"))
        preparation_services.absence_notice_send(m, tree["M2"], "Bận")
        Task.objects.create(meeting=meeting, position=i + 1, assignee=tree["M2"], description=f"Việc {i}")
        preparation_services.notice_send(m, personas["secretary"])
    with django_assert_num_queries(13):
        assert client.get("/cua-toi/").status_code == 200
