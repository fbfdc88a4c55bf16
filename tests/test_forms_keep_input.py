"""Forms tell the truth (issue 13 item 5): every form of the preparation page and its sub-pages
(schedule, agenda, thematic preparation, contributions, documents, notice, cancel) and of the
member's own page (absence notice, task done) that is refused comes back with what was typed and
the Vietnamese message next to the field (status 400, not a redirect that loses the input), and
nothing changed. The sanity checks of the preparation services, each refused with nothing
changed."""

import html
import re
from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.meetings import dates
from chibo.meetings.models import (
    AbsenceNotice,
    AgendaItem,
    Contribution,
    Meeting,
    MeetingDocument,
    Task,
    ThematicPrep,
)
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from chibo.notices.models import NoticeDelivery


@pytest.fixture(autouse=True)
def today(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))


@pytest.fixture
def planned(tree):
    return planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=time(19, 30),
                                            place="Nhà văn hóa thôn Đông")


@pytest.fixture
def thematic(tree):
    return planning_services.meeting_create(tree["C1"], kind="thematic", date=date(2025, 2, 20),
                                            topic="Chuyển đổi số")


def errors_of(page: str, field_id: str) -> list[str]:
    """The messages of the error list beside the field `field_id` (its `<id>_error` list)."""
    found = re.search(rf'<ul class="errorlist" id="{re.escape(field_id)}_error">(.*?)</ul>', page, re.S)
    return [html.unescape(t) for t in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []


def list_errors(page: str, list_id: str) -> list[str]:
    found = re.search(rf'<ul class="errorlist" id="{re.escape(list_id)}">(.*?)</ul>', page, re.S)
    return [html.unescape(t) for t in re.findall(r"<li>(.*?)</li>", found.group(1))] if found else []


def header(meeting):
    meeting.refresh_from_db()
    return (meeting.date, meeting.start, meeting.place, meeting.rescheduled_reason, meeting.status,
            meeting.topic, meeting.cancel_reason)


# --- the preparation page ----------------------------------------------------------------------------

def test_schedule_with_a_bad_date_keeps_what_was_typed(personas, planned, client_for):
    before = header(planned)
    response = client_for(personas["secretary"]).post(f"/sinh-hoat/{planned.ident}/chuan-bi/thoi-gian/", {
        "date": "31/02/2025", "start": "08:15", "place": "Hội trường UBND xã", "rescheduled_reason": "Trùng lịch"})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_of(page, "id_date") == ["Ngày không hợp lệ (định dạng dd/mm/yyyy)."]
    assert 'value="31/02/2025"' in page and 'value="08:15"' in page and 'value="Hội trường UBND xã"' in page
    assert 'value="Trùng lịch"' in page
    assert '<details class="card" open><summary>Sửa thời gian, địa điểm</summary>' in page
    assert header(planned) == before


def test_schedule_refused_by_the_service_shows_its_message_on_the_field(personas, tree, planned, client_for):
    tree["C1"].established_on = date(2020, 5, 1)
    tree["C1"].save()
    before = header(planned)
    response = client_for(personas["secretary"]).post(f"/sinh-hoat/{planned.ident}/chuan-bi/thoi-gian/", {
        "date": "02/01/2019", "start": "", "place": "Trụ sở", "rescheduled_reason": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_of(page, "id_date") == ["Ngày họp phải từ ngày thành lập chi bộ (01/05/2020)."]
    assert 'value="02/01/2019"' in page and 'value="Trụ sở"' in page
    assert header(planned) == before


def test_meeting_not_moved_before_its_notice(personas, planned):
    """Sanity check: a notice date is never after the meeting, so the meeting cannot move before
    the day its notice went out."""
    preparation_services.notice_send(planned, personas["secretary"], on=date(2025, 1, 20), mail=False)
    before = header(planned)
    with pytest.raises(ValidationError) as exc:
        preparation_services.meeting_schedule_set(planned, date=date(2025, 1, 19), start=None, place="Trụ sở")
    assert exc.value.message_dict == {"date": ["Ngày họp không được trước ngày đã gửi thông báo (20/01/2025)."]}
    assert header(planned) == before
    planned.refresh_from_db()
    assert planned.notice_sent_on == date(2025, 1, 20)
    # The day of the notice itself is allowed.
    preparation_services.meeting_schedule_set(planned, date=date(2025, 1, 20), start=None, place="Trụ sở")
    planned.refresh_from_db()
    assert planned.date == date(2025, 1, 20)


def test_agenda_refused_keeps_the_rows(personas, planned, client_for):
    before = list(AgendaItem.objects.filter(meeting=planned).values_list("section", "title", "notes"))
    data = {"ct-TOTAL_FORMS": "2", "ct-INITIAL_FORMS": "0", "ct-MIN_NUM_FORMS": "0", "ct-MAX_NUM_FORMS": "1000",
            "ct-0-order": "1", "ct-0-section": "body", "ct-0-title": "", "ct-0-notes": "Ghi chú giữ lại",
            "ct-1-order": "2", "ct-1-section": "body", "ct-1-title": "", "ct-1-notes": ""}
    response = client_for(personas["secretary"]).post(f"/sinh-hoat/{planned.ident}/chuan-bi/chuong-trinh/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert list_errors(page, "agenda-errors") == ["Chương trình phải có ít nhất một nội dung."]
    assert "Ghi chú giữ lại</textarea>" in page
    assert list(AgendaItem.objects.filter(meeting=planned).values_list("section", "title", "notes")) == before


def test_thematic_prep_without_topic_keeps_the_presenter(personas, thematic, client_for):
    before = list(ThematicPrep.objects.values_list("meeting_id", "presenter_id", "presentation", "approved_at"))
    response = client_for(personas["secretary"]).post(f"/sinh-hoat/{thematic.ident}/chuan-bi/chuyen-de/",
                                                      {"topic": "", "presenter": "M2"})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_of(page, "id_topic") == ["Trường này bắt buộc."]
    assert '<option value="M2" selected>' in page
    assert list(ThematicPrep.objects.values_list("meeting_id", "presenter_id", "presentation", "approved_at")) == before
    thematic.refresh_from_db()
    assert thematic.topic == "Chuyển đổi số"


def test_contribution_refused_keeps_the_title(personas, thematic, client_for):
    client = client_for(personas["secretary"])
    client.post(f"/sinh-hoat/{thematic.ident}/chuan-bi/tham-luan/", {"member": "M2", "title": "Lần đầu"})
    assert list(Contribution.objects.values_list("member__code", "title")) == [("M2", "Lần đầu")]
    # The service refuses a second contribution of the same member: its message on the field.
    response = client.post(f"/sinh-hoat/{thematic.ident}/chuan-bi/tham-luan/",
                           {"member": "M2", "title": "Kinh nghiệm ở thôn"})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_of(page, "id_member") == ["Đồng chí Trần Thị Bình đã được phân công tham luận."]
    assert 'value="Kinh nghiệm ở thôn"' in page
    assert list(Contribution.objects.values_list("member__code", "title")) == [("M2", "Lần đầu")]


def test_document_of_a_refused_type_keeps_the_title(personas, planned, client_for):
    response = client_for(personas["secretary"]).post(
        f"/sinh-hoat/{planned.ident}/tai-lieu/", {"title": "Dự thảo báo cáo", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_of(page, "id_file") == [
        "Chỉ nhận tệp văn bản, bảng tính, trình chiếu, PDF hoặc ảnh (doc, docx, jpeg, jpg, odp, ods, odt, pdf, png, "
        "ppt, pptx, txt, xls, xlsx)."]
    assert 'value="Dự thảo báo cáo"' in page
    assert MeetingDocument.objects.count() == 0


def test_cancel_without_reason_keeps_the_page(personas, planned, client_for):
    before = header(planned)
    response = client_for(personas["secretary"]).post(f"/sinh-hoat/{planned.ident}/huy/", {"reason": "   "})
    assert response.status_code == 400
    assert errors_of(response.content.decode(), "id_reason") == ["Trường này bắt buộc."]
    assert header(planned) == before


def test_notice_paper_refused_keeps_the_ticks(personas, tree, planned, client_for):
    preparation_services.notice_send(planned, personas["secretary"], on=date(2025, 1, 20), mail=False)
    client = client_for(personas["secretary"])
    before = sorted(NoticeDelivery.objects.values_list("member_id", "channel"))
    response = client.post(f"/sinh-hoat/{planned.ident}/thong-bao/ban-in/", {})
    assert response.status_code == 400
    page = response.content.decode()
    assert list_errors(page, "paper-errors") == ["Chọn ít nhất một đảng viên đã nhận bản in."]
    # Nothing ticked was sent: nothing is ticked on the page that comes back.
    assert ' checked>' not in page
    # A member not on the roll ticked with one who is: the one on the roll stays ticked.
    response = client.post(f"/sinh-hoat/{planned.ident}/thong-bao/ban-in/",
                           {"members": [str(tree["M2"].pk), str(tree["M4"].pk)]})
    assert response.status_code == 400
    page = response.content.decode()
    assert list_errors(page, "paper-errors") == ["Có người không thuộc danh sách chi bộ vào ngày họp."]
    assert f'value="{tree["M2"].pk}" checked>' in page and f'value="{tree["M1"].pk}">' in page
    assert sorted(NoticeDelivery.objects.values_list("member_id", "channel")) == before


# --- the member's own page ---------------------------------------------------------------------------

@pytest.mark.parametrize("origin", ["prep", "my_page", "start"])
def test_absence_reason_too_long_is_kept(personas, planned, client_for, origin):
    reason = "Đi công tác " + "x" * 300
    nexts = {"prep": f"/sinh-hoat/{planned.ident}/chuan-bi/", "my_page": "/cua-toi/", "start": "/"}
    response = client_for(personas["member"]).post(f"/sinh-hoat/{planned.ident}/bao-vang/",
                                                   {"reason": reason, "next": nexts[origin]})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_of(page, f"ly-do-{planned.pk}") == ["Giá trị này chỉ có tối đa 255 kí tự (hiện có 312)"]
    assert f'value="{reason}"' in page
    assert ("<h1>Việc của tôi</h1>" in page) == (origin != "prep")
    assert AbsenceNotice.objects.count() == 0


def test_absence_refused_by_the_service_is_shown_on_the_form(personas, planned, client_for):
    """A reason of spaces only passes the form (it strips) but not the service."""
    response = client_for(personas["member"]).post(f"/sinh-hoat/{planned.ident}/bao-vang/",
                                                   {"reason": "Ốm", "next": "/cua-toi/"})
    assert response.status_code == 302
    AbsenceNotice.objects.all().delete()
    Meeting.objects.filter(pk=planned.pk).update(status="held")
    response = client_for(personas["member"]).post(f"/sinh-hoat/{planned.ident}/bao-vang/",
                                                   {"reason": "Ốm", "next": "/cua-toi/"})
    assert response.status_code == 400
    assert AbsenceNotice.objects.count() == 0
    # The meeting is no longer upcoming on the member's page: the message comes as a page message.
    assert "Cuộc họp đã diễn ra; không thể gửi hoặc rút báo vắng." in response.content.decode()


def test_task_done_in_the_future_keeps_the_note(personas, tree, meeting, client_for):
    task = Task.objects.create(meeting=meeting, assignee=tree["M2"], description="Vận động đóng đảng phí")
    response = client_for(personas["member"]).post(f"/nhiem-vu/{task.pk}/hoan-thanh/",
                                                   {"note": "Đã vận động 12 hộ", "on": "01/03/2025"})
    assert response.status_code == 400
    page = response.content.decode()
    assert errors_of(page, f"on-{task.pk}") == ["Ngày hoàn thành không được sau hôm nay."]
    assert "Đã vận động 12 hộ</textarea>" in page and 'value="01/03/2025"' in page
    assert f'<details open><summary>Báo hoàn thành</summary>\n<form method="post" action="/nhiem-vu/{task.pk}/' in page
    task.refresh_from_db()
    assert (task.done_on, task.done_note) == (None, "")
    # Before the meeting that gave it.
    response = client_for(personas["member"]).post(f"/nhiem-vu/{task.pk}/hoan-thanh/",
                                                   {"note": "Đã vận động 12 hộ", "on": "02/01/2025"})
    assert response.status_code == 400
    assert errors_of(response.content.decode(), f"on-{task.pk}") == [
        "Ngày hoàn thành không được trước ngày giao nhiệm vụ (03/01/2025)."]
    # Without a note.
    response = client_for(personas["member"]).post(f"/nhiem-vu/{task.pk}/hoan-thanh/", {"note": "", "on": "20/01/2025"})
    assert response.status_code == 400
    assert errors_of(response.content.decode(), f"note-{task.pk}") == ["Trường này bắt buộc."]
    task.refresh_from_db()
    assert (task.done_on, task.done_note) == (None, "")
