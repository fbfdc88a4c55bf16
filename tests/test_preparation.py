"""Preparing a meeting: the order of business (template up the tree, per meeting), open tasks on
the agenda, thematic preparation and approval, contributions, documents behind access."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chibo.meetings import dates
from chibo.meetings.models import (
    AgendaItem,
    AgendaTemplate,
    Contribution,
    Meeting,
    MeetingDocument,
    Task,
    ThematicPrep,
)
from chibo.meetings.planning import services as planning_services
from chibo.meetings.planning import yearplan
from chibo.meetings.preparation import services as preparation_services


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The personas are created with passwords: a cheap hasher keeps this module fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))
    return tmp_path


@pytest.fixture
def planned(tree):
    return planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=time(19, 30),
                                        place="Nhà văn hóa thôn Đông")


@pytest.fixture
def thematic(tree):
    return planning_services.meeting_create(tree["C1"], kind="thematic", date=date(2025, 2, 20), topic="Chuyển đổi số")


def titles(meeting):
    return list(AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("section", "title"))


# --- order of business -------------------------------------------------------------------------------

def test_nearest_template_up_the_tree_wins(tree):
    assert planning_services.agenda_template_for(tree["C1"]) == (list(yearplan.ORDER_OF_BUSINESS), None)
    planning_services.agenda_template_save(tree["P"], [("opening", "Khai mạc"), ("closing", "Bế mạc")])
    planning_services.agenda_template_save(tree["G"], [("closing", "Kết luận"), ("opening", "Điểm danh"),
                                                   ("body", "Nội dung xã")])
    items, source = planning_services.agenda_template_for(tree["C1"])
    assert (items, source) == ([("opening", "Điểm danh"), ("body", "Nội dung xã"), ("closing", "Kết luận")], tree["G"])
    assert planning_services.agenda_template_for(tree["P"])[1] == tree["P"]
    m = planning_services.meeting_create(tree["C1"], kind="combined", date=date(2025, 3, 3), topic="Nông thôn mới")
    assert titles(m) == [("opening", "Điểm danh"), ("body", "Nội dung xã"),
                         ("body", "Trình bày đề dẫn chuyên đề: Nông thôn mới"),
                         ("body", "Tham luận, thảo luận chuyên đề"), ("closing", "Kết luận")]
    assert planning_services.agenda_template_save(tree["G"], []) is None  # back to the province's
    assert planning_services.agenda_template_for(tree["C1"]) == ([("opening", "Khai mạc"), ("closing", "Bế mạc")],
                                                             tree["P"])
    assert AgendaTemplate.objects.count() == 1


def test_template_page_for_committee_staff(personas, tree, client_for):
    client = client_for(personas["staff"])
    data = {"mau-TOTAL_FORMS": "3", "mau-INITIAL_FORMS": "0",
            "mau-0-order": "2", "mau-0-section": "opening", "mau-0-title": "Cử thư ký",
            "mau-1-order": "1", "mau-1-section": "opening", "mau-1-title": "Khai mạc",
            "mau-2-order": "", "mau-2-section": "body", "mau-2-title": ""}
    response = client.post("/to-chuc/G/chuong-trinh-mau/", data)
    assert response.status_code == 302
    assert AgendaTemplate.objects.get(organization=tree["G"]).items == [
        {"section": "opening", "title": "Khai mạc"}, {"section": "opening", "title": "Cử thư ký"}]
    page = client_for(personas["secretary"]).get("/to-chuc/C1/chuong-trinh-mau/").content.decode()
    assert "Đang dùng mẫu của Đảng bộ xã Tân Thành." in page and "Khai mạc" in page
    assert 'name="mau-0-title"' not in page  # read only for the cell


def test_meeting_agenda_copied_and_edited(personas, tree, planned, client_for):
    assert titles(planned) == list(yearplan.ORDER_OF_BUSINESS)
    client = client_for(personas["secretary"])
    data = {"ct-TOTAL_FORMS": "3", "ct-INITIAL_FORMS": "0",
            "ct-0-order": "1", "ct-0-section": "closing", "ct-0-title": "Thông qua biên bản", "ct-0-notes": "",
            "ct-1-order": "2", "ct-1-section": "opening", "ct-1-title": "Khai mạc", "ct-1-notes": "Bí thư",
            "ct-2-order": "", "ct-2-section": "body", "ct-2-title": "  ", "ct-2-notes": ""}
    assert client.post(f"/sinh-hoat/{planned.ident}/chuan-bi/chuong-trinh/", data).status_code == 302
    assert list(AgendaItem.objects.filter(meeting=planned).order_by("position").values_list(
        "position", "section", "title", "notes")) == [(0, "opening", "Khai mạc", "Bí thư"),
                                                      (1, "closing", "Thông qua biên bản", "")]
    assert client.post(f"/sinh-hoat/{planned.ident}/chuan-bi/chuong-trinh/lay-mau/").status_code == 302
    assert titles(planned) == list(yearplan.ORDER_OF_BUSINESS)


def test_agenda_locked_when_finalized(tree, planned):
    Meeting.objects.filter(pk=planned.pk).update(status="finalized", finalized_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        preparation_services.agenda_save(planned, [("body", "X", "")])
    assert exc.value.messages == [preparation_services.FINALIZED]
    with pytest.raises(ValidationError):
        preparation_services.agenda_from_template(planned)


def test_open_tasks_of_earlier_meetings_on_the_agenda(personas, tree, meeting, planned, client_for):
    Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description="Thu đảng phí quý I",
                        due=date(2025, 1, 31))
    Task.objects.create(meeting=meeting, position=1, assignee=tree["M1"], description="Đã làm xong",
                        done_on=date(2025, 1, 10))
    c2 = Meeting.objects.create(ident="C2-2025-01", organization=tree["C2"], kind="regular", date=date(2025, 1, 3))
    Task.objects.create(meeting=c2, position=0, assignee=tree["M4"], description="Việc chi bộ khác")
    from chibo.meetings import selectors

    assert [t.description for t in selectors.open_tasks_before(planned)] == ["Thu đảng phí quý I"]
    page = client_for(personas["member"]).get(f"/sinh-hoat/{planned.ident}/chuan-bi/").content.decode()
    assert "Nhiệm vụ còn tồn đọng từ các cuộc họp trước" in page
    assert "Thu đảng phí quý I — Trần Thị Bình, hạn 31/01/2025" in page
    assert "Đã làm xong" not in page and "Việc chi bộ khác" not in page
    assert page.index("Phương hướng, nhiệm vụ tháng tới") < page.index("Thu đảng phí quý I") < page.index(
        "Kết luận của chủ trì")


def test_prep_page_constant_queries(personas, tree, planned, meeting, client_for, django_assert_num_queries):
    client = client_for(personas["member"])
    # session, user, the scope: 1 query (roles, member id, member's cells), meeting, agenda, open tasks,
    # documents, thematic preparation, contributions, notices, absence notices, the quality record (HD 42's
    # scorer); the member's notice opened
    # (chibo.notices) and the top bar's count of notices not opened; the previous meeting's day and the
    # recommendations sent up that await an answer or were answered since (chibo.supervision); the
    # cell's effective rule profile (2: whether HD 42's section applies)
    with django_assert_num_queries(19):
        client.get(f"/sinh-hoat/{planned.ident}/chuan-bi/")
    for i in range(4):
        Task.objects.create(meeting=meeting, position=i, assignee=tree["M2"], description=f"Việc {i}")
        preparation_services.document_add(planned, title=f"Tài liệu {i}", file=SimpleUploadedFile(f"t{i}.pdf", b"%PDF"))
    preparation_services.absence_notice_send(planned, tree["M2"], "Đi công tác")
    preparation_services.notice_send(planned, personas["secretary"])
    with django_assert_num_queries(19):
        client.get(f"/sinh-hoat/{planned.ident}/chuan-bi/")


# --- thematic preparation -------------------------------------------------------------------------

def test_thematic_prep_upload_and_approval(personas, tree, thematic, client_for, media,
                                          django_capture_on_commit_callbacks):
    client = client_for(personas["secretary"])
    upload = SimpleUploadedFile("de-dan.docx", b"PK bai de dan", content_type="application/octet-stream")
    response = client.post(f"/sinh-hoat/{thematic.ident}/chuan-bi/chuyen-de/",
                           {"topic": "Chuyển đổi số trong công tác Đảng", "presenter": "M1", "presentation": upload})
    assert response.status_code == 302
    prep = ThematicPrep.objects.get(meeting=thematic)
    thematic.refresh_from_db()
    assert (thematic.topic, prep.presenter, prep.approved_at) == ("Chuyển đổi số trong công tác Đảng", tree["M1"], None)
    assert ("body", "Trình bày đề dẫn chuyên đề: Chuyển đổi số trong công tác Đảng") in titles(thematic)
    assert prep.presentation.name.startswith("presentations/")
    assert (media / prep.presentation.name).read_bytes() == b"PK bai de dan"
    assert client.post(f"/sinh-hoat/{thematic.ident}/chuan-bi/chuyen-de/duyet/").status_code == 302
    prep.refresh_from_db()
    assert prep.approved_by == personas["secretary"] and prep.approved_at is not None
    with pytest.raises(ValidationError) as exc:
        preparation_services.thematic_prep_approve(thematic, personas["admin"])
    assert exc.value.messages == ["Bài đề dẫn đã được duyệt."]
    # A new presentation withdraws the approval; the old file goes.
    old = prep.presentation.name
    with django_capture_on_commit_callbacks(execute=True):
        preparation_services.thematic_prep_save(thematic, topic="Chuyển đổi số trong công tác Đảng", presenter=tree["M1"],
                                         presentation=SimpleUploadedFile("v2.pdf", b"%PDF v2"))
    prep.refresh_from_db()
    assert prep.approved_at is None and prep.approved_by is None
    assert not (media / old).exists()
    response = client_for(personas["member"]).get(f"/sinh-hoat/{thematic.ident}/chuan-bi/chuyen-de/bai-de-dan/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF v2"


def test_thematic_prep_rules(tree, planned, thematic):
    with pytest.raises(ValidationError) as exc:
        preparation_services.thematic_prep_approve(thematic, None)
    assert exc.value.messages == ["Cần có tên chuyên đề và bài đề dẫn trước khi duyệt."]
    with pytest.raises(ValidationError) as exc:
        preparation_services.thematic_prep_save(planned, topic="X", presenter=None)
    assert exc.value.messages == ["Chỉ sinh hoạt chuyên đề (hoặc kết hợp chuyên đề) mới có phần chuẩn bị chuyên đề."]
    with pytest.raises(ValidationError) as exc:
        preparation_services.thematic_prep_save(thematic, topic="X", presenter=tree["M4"])
    assert exc.value.message_dict == {"presenter": ["Đồng chí Phạm Văn Dũng không có trong danh sách chi bộ ngày "
                                                    "20/02/2025."]}


def test_contributions(personas, tree, thematic, client_for):
    client = client_for(personas["secretary"])
    client.post(f"/sinh-hoat/{thematic.ident}/chuan-bi/tham-luan/", {"member": "M2", "title": "Kinh nghiệm ở thôn"})
    assert list(Contribution.objects.values_list("member__code", "title")) == [("M2", "Kinh nghiệm ở thôn")]
    with pytest.raises(ValidationError) as exc:
        preparation_services.contribution_add(thematic, tree["M2"], "Lần hai")
    assert exc.value.message_dict == {"member": ["Đồng chí Trần Thị Bình đã được phân công tham luận."]}
    response = client.post(f"/sinh-hoat/{thematic.ident}/chuan-bi/tham-luan/", {"member": "M4", "title": "X"})
    assert response.status_code == 400 and Contribution.objects.count() == 1  # M4 is not a choice
    pk = Contribution.objects.get().pk
    client.post(f"/sinh-hoat/{thematic.ident}/chuan-bi/tham-luan/{pk}/xoa/")
    assert Contribution.objects.count() == 0


# --- documents ------------------------------------------------------------------------------------

def test_documents_behind_access(personas, tree, planned, client_for, media, django_capture_on_commit_callbacks):
    client = client_for(personas["secretary"])
    response = client.post(f"/sinh-hoat/{planned.ident}/tai-lieu/",
                           {"title": "Dự thảo nghị quyết", "file": SimpleUploadedFile("du-thao.docx", b"DOCX")})
    assert response.status_code == 302
    doc = MeetingDocument.objects.get()
    url = f"/sinh-hoat/{planned.ident}/tai-lieu/{doc.pk}/"
    for persona in ("admin", "staff", "secretary", "member"):
        response = client_for(personas[persona]).get(url)
        assert response.status_code == 200, persona
        assert b"".join(response.streaming_content) == b"DOCX"
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''D%E1%BB%B1%20th%E1%BA%A3o%20ngh%E1%BB%8B%20quy%E1%BA%BFt.docx")
    assert client_for(personas["other"]).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    page = client_for(personas["member"]).get(f"/sinh-hoat/{planned.ident}/chuan-bi/").content.decode()
    assert url in page and "/media/" not in page
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once the row is gone
        client_for(personas["secretary"]).post(f"/sinh-hoat/{planned.ident}/tai-lieu/{doc.pk}/xoa/")
    assert MeetingDocument.objects.count() == 0 and not (media / doc.file.name).exists()


def test_document_type_refused(personas, tree, planned, client_for):
    response = client_for(personas["secretary"]).post(
        f"/sinh-hoat/{planned.ident}/tai-lieu/", {"title": "X", "file": SimpleUploadedFile("x.exe", b"MZ")},
        follow=True)
    assert MeetingDocument.objects.count() == 0
    assert "Chỉ nhận tệp văn bản" in response.content.decode()


def test_schedule_edit(personas, tree, planned, client_for):
    client_for(personas["secretary"]).post(f"/sinh-hoat/{planned.ident}/chuan-bi/thoi-gian/", {
        "date": "05/02/2025", "start": "08:00", "place": "Trụ sở", "rescheduled_reason": "Trùng Tết"})
    planned.refresh_from_db()
    assert (planned.date, planned.start, planned.place, planned.rescheduled_reason) == (
        date(2025, 2, 5), time(8, 0), "Trụ sở", "Trùng Tết")
