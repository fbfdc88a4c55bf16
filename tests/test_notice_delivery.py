"""The notice reaches every member (chibo.notices): in the application for the whole roll, by e-mail
where an address exists, printed and handed over by the secretary; whether each member opened it;
the warning before sending when members have no e-mail; the printed notice (PDF, Word)."""

import io
from datetime import date, time

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document as open_docx
from pypdf import PdfReader

from chibo.meetings import dates
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from chibo.notices.models import NoticeDelivery
from chibo.orgs import services as org_services
from chibo.orgs.models import Member, Position


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))


@pytest.fixture
def planned(tree, personas):
    """C1's meeting of 03/02/2025: M1 and M2 have an address, M3 none."""
    Member.objects.filter(code="M1").update(email="an@example.vn")
    Member.objects.filter(code="M2").update(email="binh@example.vn")
    personas["staff"].email = "staff@example.vn"
    personas["staff"].save()
    Position.objects.create(organization=tree["C1"], member=tree["M1"], title="bi_thu", start=date(2020, 1, 1))
    meeting = planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=time(19, 30),
                                               place="Nhà văn hóa thôn Đông")
    return meeting


@pytest.fixture
def sent(planned, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        preparation_services.notice_send(planned, personas["secretary"], on=date(2025, 1, 25))
    return planned


def channels(meeting):
    return sorted(NoticeDelivery.objects.filter(meeting=meeting).values_list("member__code", "channel"))


def pdf_text(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def test_in_app_for_the_roll_email_where_an_address_exists(sent):
    assert channels(sent) == [("M1", "app"), ("M1", "email"), ("M2", "app"), ("M2", "email"), ("M3", "app")]
    assert [m.to for m in mail.outbox] == [["an@example.vn"], ["binh@example.vn"], ["staff@example.vn"]]
    assert not NoticeDelivery.objects.filter(opened_at__isnull=False).exists()


def test_sending_again_keeps_the_first_deliveries(sent, personas, django_capture_on_commit_callbacks):
    first = dict(NoticeDelivery.objects.filter(meeting=sent).values_list("pk", "sent_at"))
    with django_capture_on_commit_callbacks(execute=True):
        preparation_services.notice_send(sent, personas["secretary"], on=date(2025, 1, 26))
    assert dict(NoticeDelivery.objects.filter(meeting=sent).values_list("pk", "sent_at")) == first
    assert len(first) == 5 and len(mail.outbox) == 6


def test_no_email_warning_before_sending_offers_the_printed_notice(planned, personas, client_for):
    page = client_for(personas["secretary"]).get(f"/sinh-hoat/{planned.ident}/thong-bao/").content.decode()
    assert "<b>1 đảng viên không có e-mail: in thông báo để gửi tay.</b>" in page
    assert '<p class="muted">Lê Văn Cường</p>' in page
    assert f'href="/sinh-hoat/{planned.ident}/thong-bao.pdf"' in page
    assert f'href="/sinh-hoat/{planned.ident}/thong-bao.docx"' in page
    assert not NoticeDelivery.objects.exists()


def test_paper_copies_recorded_by_the_secretary(sent, tree, personas, client_for):
    client = client_for(personas["secretary"])
    page = client.get(f"/sinh-hoat/{sent.ident}/thong-bao/").content.decode()
    # M3 (no e-mail) is ticked for a printed copy, the others are not
    assert f'<input type="checkbox" name="members" value="{tree["M3"].pk}" checked>' in page
    assert f'<input type="checkbox" name="members" value="{tree["M1"].pk}">' in page
    response = client.post(f"/sinh-hoat/{sent.ident}/thong-bao/ban-in/", {"members": [tree["M3"].pk]}, follow=True)
    assert "Đã ghi nhận 1 bản in gửi tay." in response.content.decode()
    assert channels(sent) == [("M1", "app"), ("M1", "email"), ("M2", "app"), ("M2", "email"), ("M3", "app"),
                              ("M3", "paper")]
    # someone not on the roll: refused, nothing changes
    response = client.post(f"/sinh-hoat/{sent.ident}/thong-bao/ban-in/", {"members": [tree["M4"].pk]}, follow=True)
    assert "Có người không thuộc danh sách chi bộ vào ngày họp." in response.content.decode()
    response = client.post(f"/sinh-hoat/{sent.ident}/thong-bao/ban-in/", {}, follow=True)
    assert "Chọn ít nhất một đảng viên đã nhận bản in." in response.content.decode()
    assert NoticeDelivery.objects.filter(channel="paper").count() == 1


def test_paper_refused_before_the_notice_is_sent(planned, tree, personas, client_for):
    client = client_for(personas["secretary"])
    response = client.post(f"/sinh-hoat/{planned.ident}/thong-bao/ban-in/", {"members": [tree["M3"].pk]}, follow=True)
    assert "Chưa gửi thông báo: gửi thông báo trước, rồi ghi nhận bản in đã gửi tay." in response.content.decode()
    assert not NoticeDelivery.objects.exists()


def test_opened_when_the_member_opens_the_meeting(sent, tree, personas, client_for):
    client = client_for(personas["member"])  # M2
    home = client.get("/cua-toi/").content.decode()
    assert 'title="Thông báo họp chưa xem">1</span>' in home and "Thông báo mới" in home
    client.get(f"/sinh-hoat/{sent.ident}/chuan-bi/")
    opened = dict(NoticeDelivery.objects.filter(meeting=sent, opened_at__isnull=False)
                  .values_list("channel", "member__code"))
    assert opened == {"app": "M2", "email": "M2"}
    home = client.get("/cua-toi/").content.decode()
    assert "Thông báo họp chưa xem" not in home and "Thông báo mới" not in home
    # the meeting page opens it too
    client_for(personas["secretary"]).get(f"/sinh-hoat/{sent.ident}/")
    assert sorted(NoticeDelivery.objects.filter(opened_at__isnull=False).values_list("member__code", "channel")) == [
        ("M1", "app"), ("M1", "email"), ("M2", "app"), ("M2", "email")]
    page = client_for(personas["secretary"]).get(f"/sinh-hoat/{sent.ident}/thong-bao/").content.decode()
    assert "Đã xem: 2/3 đảng viên" in page


def test_email_links_to_the_meeting_that_records_the_opening(sent):
    assert ("Xem thông báo, chương trình và tài liệu (mở đường dẫn này là đã xác nhận nhận thông báo): "
            f"/sinh-hoat/{sent.ident}/chuan-bi/") in mail.outbox[0].body


def test_denied_access_changes_nothing(sent, tree, personas, client_for):
    before = sorted(NoticeDelivery.objects.values_list("member__code", "channel", "opened_at"))
    # a member cannot see the deliveries of the others nor record a printed copy
    client = client_for(personas["member"])
    assert client.get(f"/sinh-hoat/{sent.ident}/thong-bao/").status_code == 403
    assert client.post(f"/sinh-hoat/{sent.ident}/thong-bao/ban-in/", {"members": [tree["M3"].pk]}).status_code == 403
    # a cell outside: not even the meeting
    client = client_for(personas["sibling"])
    assert client.get(f"/sinh-hoat/{sent.ident}/thong-bao/").status_code == 404
    assert client.post(f"/sinh-hoat/{sent.ident}/thong-bao/ban-in/", {"members": [tree["M3"].pk]}).status_code == 404
    assert client.get(f"/sinh-hoat/{sent.ident}/thong-bao.pdf").status_code == 404
    assert client_for(personas["rival"]).get(f"/sinh-hoat/{sent.ident}/thong-bao/").status_code == 404
    assert client_for(None).get(f"/sinh-hoat/{sent.ident}/thong-bao/").status_code == 302
    # M5 (sibling) opened nothing of C1; M4's count shows no notice of another cell
    assert sorted(NoticeDelivery.objects.values_list("member__code", "channel", "opened_at")) == before
    assert "Thông báo họp chưa xem" not in client_for(personas["other"]).get("/cua-toi/").content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_notice_page_and_pdf_constant_queries(sent, tree, personas, client_for):
    client = client_for(personas["secretary"])
    urls = [f"/sinh-hoat/{sent.ident}/thong-bao/", f"/sinh-hoat/{sent.ident}/thong-bao.pdf", "/cua-toi/"]
    small = [_count(client, u) for u in urls]
    for i in range(6):
        m = org_services.member_create(code=f"N{i}", full_name=f"Hoàng Văn Số {i}", organization=tree["C1"],
                                       start=date(2021, 1, 1), joined_on=date(2000, 1, 1), official_on=date(2001, 1, 1))
        if i % 2:
            Member.objects.filter(pk=m.pk).update(email=f"n{i}@example.vn")
        preparation_services.document_add(sent, title=f"TL {i}", file=SimpleUploadedFile(f"{i}.pdf", b"%PDF"))
    preparation_services.notice_send(sent, personas["secretary"], on=date(2025, 1, 26), mail=False)
    assert [_count(client, u) for u in urls] == small


def test_printed_notice_pdf_text(sent, tree, personas, client_for):
    preparation_services.agenda_save(sent, [("opening", "Khai mạc", ""), ("body", "Kiểm điểm nghị quyết tháng 1", ""),
                                            ("closing", "Bế mạc", "")])
    response = client_for(personas["member"]).get(f"/sinh-hoat/{sent.ident}/thong-bao.pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="thong-bao-{sent.ident}.pdf"'
    pages = pdf_text(response.content)
    assert len(pages) == 1
    text = pages[0]
    for part in [
        "ĐẢNG BỘ XÃ TÂN THÀNH", "CHI BỘ THÔN ĐÔNG", "Số -TB/CB",
        "ngày 25 tháng 01 năm 2025",
        "THÔNG BÁO Về việc sinh hoạt chi bộ thường kỳ tháng 02 năm 2025",
        "1. Thời gian: bắt đầu vào lúc 19 giờ 30 phút, ngày 03/02/2025.",
        "2. Địa điểm: Nhà văn hóa thôn Đông.",
        "3. Nội dung: - Khai mạc. - Kiểm điểm nghị quyết tháng 1. - Bế mạc.",
        "4. Thành phần: - Toàn thể đảng viên của chi bộ (3 đồng chí): Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường.",
        "- Mời dự: đồng chí staff, Đảng bộ xã Tân Thành.",
        "T/M CHI ỦY BÍ THƯ", "Nguyễn Văn An",
    ]:
        assert part in text, part
    docx = open_docx(io.BytesIO(client_for(personas["secretary"]).get(f"/sinh-hoat/{sent.ident}/thong-bao.docx").content))
    paragraphs = [p.text for p in docx.paragraphs]
    assert "4. Thành phần:" in paragraphs
    assert "- Toàn thể đảng viên của chi bộ (3 đồng chí): Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường." in paragraphs


def test_no_printed_notice_once_held(meeting, personas, client_for):
    assert client_for(personas["secretary"]).get(f"/sinh-hoat/{meeting.ident}/thong-bao.pdf").status_code == 404
