"""The meeting notice: e-mailed to each member on the roll with an address and to the superior's
committee staff; recorded; late notices warned."""

from datetime import date, time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.meetings import dates
from chibo.meetings.models import Meeting, Notice
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from chibo.orgs.models import Member, Membership, Role
from chibo.rules.services import profile_update


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The personas are created with passwords: a cheap hasher keeps this module fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SUBJECT = "Thông báo: Chi bộ thôn Đông sinh hoạt thường kỳ ngày 03/02/2025"


@pytest.fixture(autouse=True)
def setup(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """`notice_send` as a request runs it: the notice job (chibo.jobs) runs when it commits."""
    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return preparation_services.notice_send(*args, **kwargs)
    return run


@pytest.fixture
def planned(tree, personas):
    Member.objects.filter(code="M1").update(email="an@example.vn")
    Member.objects.filter(code="M2").update(email="binh@example.vn")
    Member.objects.filter(code="M4").update(email="dung@example.vn")  # another cell
    personas["staff"].email = "staff@example.vn"
    personas["staff"].first_name, personas["staff"].last_name = "Hùng", "Võ Văn"
    personas["staff"].save()
    User = get_user_model()
    province = User.objects.create_user("tinhuy", email="tinh@example.vn")
    Role.objects.create(user=province, organization=tree["P"], kind=Role.Kind.COMMITTEE_STAFF)
    return planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=time(19, 30),
                                        place="Nhà văn hóa thôn Đông")


def test_notice_recipients_subject_and_record(send, tree, personas, planned):
    result = send(planned, personas["secretary"], base_url="https://chibo.example", on=date(2025, 1, 25))
    assert [m.to for m in mail.outbox] == [["an@example.vn"], ["binh@example.vn"], ["staff@example.vn"]]
    assert {m.subject for m in mail.outbox} == {SUBJECT}
    assert result.warning is None
    assert result.notice.recipients == [
        {"name": "Nguyễn Văn An", "email": "an@example.vn", "role": "member", "code": "M1"},
        {"name": "Trần Thị Bình", "email": "binh@example.vn", "role": "member", "code": "M2"},
        {"name": "Hùng Võ Văn", "email": "staff@example.vn", "role": "committee", "code": "staff"},
    ]
    planned.refresh_from_db()
    assert (planned.status, planned.notice_sent_on) == ("notified", date(2025, 1, 25))
    assert Notice.objects.get().sent_by == personas["secretary"]
    body = mail.outbox[0].body
    assert body.startswith("Kính gửi đồng chí Nguyễn Văn An,\n\nChi bộ thôn Đông thông báo sinh hoạt thường kỳ:\n"
                           "- Thời gian: 19:30, thứ hai ngày 03/02/2025\n- Địa điểm: Nhà văn hóa thôn Đông\n")
    assert "  1. Tuyên bố lý do, mục đích cuộc họp; giới thiệu đại biểu\n" in body
    assert "https://chibo.example/sinh-hoat/C1-2025-02/chuan-bi/" in body
    html, mime = mail.outbox[0].alternatives[0]
    assert mime == "text/html" and "<li>Thông qua biên bản cuộc họp</li>" in html


def test_nearest_committee_with_an_address_is_used(send, tree, personas, planned):
    # G's staff has no address: the province's committee staff gets the notice.
    personas["staff"].email = ""
    personas["staff"].save()
    send(planned, personas["secretary"], on=date(2025, 1, 25))
    assert [m.to for m in mail.outbox] == [["an@example.vn"], ["binh@example.vn"], ["tinh@example.vn"]]


def test_documents_links_in_the_notice(send, tree, personas, planned):
    doc = preparation_services.document_add(planned, title="Dự thảo nghị quyết", file=SimpleUploadedFile("d.pdf", b"%PDF"))
    send(planned, personas["secretary"], base_url="https://chibo.example/", on=date(2025, 1, 25))
    assert (f"  - Dự thảo nghị quyết: https://chibo.example/sinh-hoat/C1-2025-02/tai-lieu/{doc.pk}/\n"
            in mail.outbox[0].body)


def test_late_notice_warns_and_resend_keeps_the_first_date(send, tree, personas, planned):
    result = send(planned, personas["secretary"], on=date(2025, 2, 3))
    assert result.warning == ("Thông báo gửi muộn: theo quy định phải gửi trước ngày họp ít nhất 1 ngày, tức chậm "
                              "nhất ngày 02/02/2025.")
    Meeting.objects.filter(pk=planned.pk).update(notice_sent_on=date(2025, 1, 31))  # as if sent earlier
    result = send(planned, personas["secretary"], on=date(2025, 2, 3))
    assert result.warning is None
    planned.refresh_from_db()
    assert planned.notice_sent_on == date(2025, 1, 31)
    assert Notice.objects.count() == 2 and len(mail.outbox) == 6


def test_profile_notice_days(send, tree, personas, planned):
    profile_update(tree["G"], user=None, values={"notice_days_before": 7})
    result = send(planned, personas["secretary"], on=date(2025, 1, 27))
    assert result.warning is None  # 03/02 - 7 days = 27/01: just in time
    planned.refresh_from_db()
    assert planned.notice_sent_on == date(2025, 1, 27)
    Meeting.objects.filter(pk=planned.pk).update(notice_sent_on=None, status="planned")
    result = send(planned, personas["secretary"], on=date(2025, 1, 28))
    assert result.warning == ("Thông báo gửi muộn: theo quy định phải gửi trước ngày họp ít nhất 7 ngày, tức chậm "
                              "nhất ngày 27/01/2025.")


def test_extraordinary_meeting_never_late(send, tree, personas, planned):
    Meeting.objects.filter(pk=planned.pk).update(kind="extraordinary")
    planned.refresh_from_db()
    assert send(planned, personas["secretary"], on=date(2025, 2, 3)).warning is None
    assert mail.outbox[0].subject == "Thông báo: Chi bộ thôn Đông sinh hoạt bất thường ngày 03/02/2025"


def test_refusals_change_nothing(send, tree, personas, planned, meeting):
    with pytest.raises(ValidationError) as exc:
        send(meeting, personas["secretary"])  # held
    assert exc.value.messages == [preparation_services.NOT_UPCOMING]
    with pytest.raises(ValidationError) as exc:
        send(planned, personas["secretary"], on=date(2025, 2, 4))
    assert exc.value.messages == ["Ngày họp 03/02/2025 đã qua; không gửi thông báo được."]
    Membership.objects.filter(organization=tree["C1"]).update(start=date(2025, 3, 1))  # nobody on the roll
    with pytest.raises(ValidationError) as exc:
        send(planned, personas["secretary"], on=date(2025, 1, 25))
    assert exc.value.messages == ["Không có ai để gửi: danh sách chi bộ chưa có đảng viên nào vào ngày họp."]
    planned.refresh_from_db()
    assert (planned.status, planned.notice_sent_on, Notice.objects.count(), len(mail.outbox)) == (
        "planned", None, 0, 0)


def test_notice_page_preview_and_send(django_capture_on_commit_callbacks, tree, personas, planned, client_for):
    client = client_for(personas["secretary"])
    page = client.get(f"/sinh-hoat/{planned.ident}/thong-bao/").content.decode()
    assert ("Thông báo đến cả 3 đảng viên của chi bộ trong ứng dụng (trang “Của tôi”); qua e-mail 3 địa chỉ:"
            in page and "staff@example.vn" in page and "dung@example.vn" not in page)
    assert "Hạn gửi thông báo: chậm nhất ngày 02/02/2025." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/sinh-hoat/{planned.ident}/thong-bao/", follow=True)
    assert response.redirect_chain == [(f"/sinh-hoat/{planned.ident}/thong-bao/", 302)]
    assert ("Đã gửi thông báo đến 3 đảng viên trong ứng dụng, 2 đảng viên qua e-mail. 1 đảng viên không có "
            "e-mail: in thông báo để gửi tay.") in response.content.decode()
    assert [m.to for m in mail.outbox] == [["an@example.vn"], ["binh@example.vn"], ["staff@example.vn"]]
    assert mail.outbox[0].body.count("http://testserver/sinh-hoat/C1-2025-02/chuan-bi/") == 1
