"""Accounts (issue 7, point 5): login throttling with a lockout an administrator lifts, password
change and reset by e-mail, the optional TOTP second factor and the administrators' requirement,
and feeds and sessions that end with the user's rights."""

import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts.models import SecurityPolicy
from chibo.meetings.models import CalendarToken
from chibo.meetings.planning import services as planning_services
from chibo.orgs.models import Member, Role
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Tạm khóa đăng nhập"


def login(client, username, password, ip="10.0.0.1", **extra):
    return client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def logged_in(client) -> bool:
    return client.get("/to-chuc/").status_code == 200


# --- throttling ---------------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_and_a_reset_lifts_it(personas):
    client = Client()
    for i in range(4):
        response = login(client, "member", f"sai-{i}")
        assert response.status_code == 200 and "không đúng" in response.content.decode()
    response = login(client, "member", "sai-4")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    response = login(client, "member", PASSWORD)  # the right password, refused
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert "quản trị viên" in response.content.decode() and "trong 60 phút" in response.content.decode()
    assert not logged_in(client)
    call_command("axes_reset_username", "member")
    assert login(client, "member", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_account_is_locked_whatever_the_address(personas):
    client = Client()
    for i in range(5):
        login(client, "member", "sai", ip=f"10.0.1.{i}")
    assert login(client, "member", PASSWORD, ip="10.0.9.9").status_code == 429
    assert login(Client(), "other", PASSWORD, ip="10.0.9.9").status_code == 302  # other accounts work


def test_the_address_is_locked_whatever_the_account(personas):
    for i in range(5):
        login(Client(), f"khong-co-{i}", "sai", ip="10.0.2.1")
    assert login(Client(), "other", PASSWORD, ip="10.0.2.1").status_code == 429
    assert login(Client(), "other", PASSWORD, ip="10.0.2.2").status_code == 302


def test_an_administrator_lifts_the_lockout_in_the_admin(personas, client_for):
    from axes.models import AccessAttempt

    for i in range(5):
        login(Client(), "member", "sai", ip=f"10.0.3.{i}")
    assert login(Client(), "member", PASSWORD).status_code == 429
    admin = client_for(personas["admin"])
    page = admin.get("/quan-tri/axes/accessattempt/").content.decode()
    assert "member" in page
    ids = [str(pk) for pk in AccessAttempt.objects.filter(username="member").values_list("pk", flat=True)]
    response = admin.post("/quan-tri/axes/accessattempt/",
                          {"action": "delete_selected", "_selected_action": ids, "post": "yes"})
    assert response.status_code == 302
    assert login(Client(), "member", PASSWORD).status_code == 302


def test_a_successful_login_forgets_earlier_mistakes(personas):
    client = Client()
    for _ in range(4):
        login(client, "member", "sai")
    assert login(client, "member", PASSWORD).status_code == 302
    client.post("/dang-xuat/")
    for _ in range(4):
        assert login(client, "member", "sai").status_code == 200
    assert login(client, "member", PASSWORD).status_code == 302


def test_code_logins_without_a_request_still_work(personas):
    """client.login() (and a shell) call authenticate() without a request: not throttled, not broken."""
    client = Client()
    assert client.login(username="member", password=PASSWORD)
    assert logged_in(client)
    assert not Client().login(username="member", password="sai")


# --- passwords ----------------------------------------------------------------------------------------

def test_login_page_and_top_bar_links(personas, client_for):
    page = Client().get("/dang-nhap/").content.decode()
    assert 'href="/quen-mat-khau/"' in page and "Quên mật khẩu?" in page
    page = client_for(personas["member"]).get("/to-chuc/").content.decode()
    assert 'href="/tai-khoan/"' in page and "Tài khoản" in page
    page = client_for(personas["member"]).get("/tai-khoan/").content.decode()
    assert 'href="/tai-khoan/doi-mat-khau/"' in page and 'href="/tai-khoan/hai-lop/"' in page


def test_password_change(personas, client_for):
    client = client_for(personas["member"])
    page = client.get("/tai-khoan/doi-mat-khau/").content.decode()
    for label in ("Mật khẩu hiện tại", "Mật khẩu mới", "Nhập lại mật khẩu mới"):
        assert label in page
    assert 'for="id_old_password"' in page
    response = client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": "sai", "new_password1": "mat-khau-moi-1", "new_password2": "mat-khau-moi-1"})
    assert response.status_code == 200 and "Mật khẩu hiện tại không đúng." in response.content.decode()
    response = client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": PASSWORD, "new_password1": "mat-khau-moi-1", "new_password2": "mat-khau-moi-2"})
    assert "Hai lần nhập mật khẩu mới không khớp." in response.content.decode()
    response = client.post("/tai-khoan/doi-mat-khau/", {
        "old_password": PASSWORD, "new_password1": "mat-khau-moi-1", "new_password2": "mat-khau-moi-1"})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/doi-mat-khau/xong/"
    assert logged_in(client)  # this session goes on
    assert login(Client(), "member", "mat-khau-moi-1").status_code == 302
    assert login(Client(), "member", PASSWORD, ip="10.0.4.1").status_code == 200


def test_password_reset_by_email(personas, django_capture_on_commit_callbacks):
    get_user_model().objects.filter(username="member").update(email="binh@example.vn")
    client = Client()
    page = client.get("/quen-mat-khau/").content.decode()
    assert "Email của tài khoản" in page
    with django_capture_on_commit_callbacks(execute=True):  # the mail job runs on commit
        response = client.post("/quen-mat-khau/", {"email": "khong-co@example.vn"})
    assert response.status_code == 302 and response["Location"] == "/quen-mat-khau/da-gui/"
    assert len(mail.outbox) == 0  # same answer, no mail: nothing tells whether the address exists
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        client.post("/quen-mat-khau/", {"email": "binh@example.vn"})
    assert len(jobs) == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["binh@example.vn"] and message.subject == "Chibo: đặt lại mật khẩu"
    assert not getattr(message, "alternatives", None)  # plain text only
    assert "<" not in message.body and "tài khoản member" in message.body
    link = re.search(r"http://testserver(/dat-lai-mat-khau/\S+/)", message.body).group(1)
    response = client.get(link)
    assert response.status_code == 302  # to the same address without the token in it
    form_url = response["Location"]
    assert "Đặt mật khẩu mới" in client.get(form_url).content.decode()
    response = client.post(form_url, {"new_password1": "mat-khau-moi-9", "new_password2": "mat-khau-moi-9"})
    assert response.status_code == 302 and response["Location"] == "/dat-lai-mat-khau/xong/"
    assert login(Client(), "member", "mat-khau-moi-9").status_code == 302
    # The link works once.
    page = Client().get(link, follow=True).content.decode()
    assert "không hợp lệ hoặc đã được dùng" in page


def test_reset_ignores_the_member_record_email(personas, django_capture_on_commit_callbacks):
    """A secretary can edit a member's e-mail; the reset link never goes there."""
    Member.objects.filter(user=personas["member"]).update(email="ke-gian@example.vn")
    with django_capture_on_commit_callbacks(execute=True) as jobs:
        Client().post("/quen-mat-khau/", {"email": "ke-gian@example.vn"})
    assert (len(jobs), len(mail.outbox)) == (0, 0)


# --- second factor ------------------------------------------------------------------------------------

def code(device, steps_ahead=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device):
    right = {code(device, k) for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def unthrottle(device):
    """After a wrong code django-otp makes the next try wait (1 s, then 2 s, 4 s...)."""
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)


def enrol(client, user):
    client.post("/tai-khoan/hai-lop/", {"action": "start"})
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post("/tai-khoan/hai-lop/", {"action": "confirm", "code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_enrolment_shows_the_secret_and_needs_a_right_code(personas, client_for):
    client = client_for(personas["member"])
    page = client.get("/tai-khoan/hai-lop/").content.decode()
    assert "Bật xác thực hai lớp" in page
    assert client.post("/tai-khoan/hai-lop/", {"action": "start"}).status_code == 302
    device = TOTPDevice.objects.get(user=personas["member"])
    assert not device.confirmed
    page = client.get("/tai-khoan/hai-lop/").content.decode()
    from chibo.accounts.services import secret_base32

    assert secret_base32(device) in page
    assert "otpauth://totp/" in page and 'src="data:image/svg+xml' in page
    assert "<script" not in page and "<svg" not in page
    response = client.post("/tai-khoan/hai-lop/", {"action": "confirm", "code": wrong_code(device)})
    assert response.status_code == 200
    assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    response = client.post("/tai-khoan/hai-lop/", {"action": "confirm", "code": code(device)})
    assert "Nhập sai quá nhiều lần" in response.content.decode()  # throttled right after a wrong code
    unthrottle(device)
    response = client.post("/tai-khoan/hai-lop/", {"action": "confirm", "code": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert logged_in(client)  # the session that enrolled is verified


def test_login_asks_for_the_code(personas, client_for):
    device = enrol(client_for(personas["member"]), personas["member"])
    client = Client()
    response = login(client, "member", PASSWORD)
    assert response.status_code == 302
    response = client.get("/to-chuc/?q=1")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/xac-thuc/?next=")
    assert client.get("/api/orgs").status_code == 403
    assert client.get("/cua-toi/").status_code == 302
    page = client.get("/tai-khoan/xac-thuc/?next=/to-chuc/").content.decode()
    assert "Nhập mã xác thực" in page and 'for="id_code"' in page
    response = client.post("/tai-khoan/xac-thuc/", {"code": "12345x", "next": "/to-chuc/"})
    assert response.status_code == 200 and "Mã xác thực không đúng" in response.content.decode()
    assert not logged_in(client)
    unthrottle(device)
    # The enrolment used this time step's code; the next step's is accepted (tolerance of one step).
    response = client.post("/tai-khoan/xac-thuc/", {"code": code(device, 1), "next": "/to-chuc/"})
    assert response.status_code == 302 and response["Location"] == "/to-chuc/"
    assert logged_in(client)
    assert client.get("/api/orgs").status_code == 200


def test_verification_refuses_a_foreign_next(personas, client_for):
    device = enrol(client_for(personas["member"]), personas["member"])
    client = Client()
    login(client, "member", PASSWORD)
    response = client.post("/tai-khoan/xac-thuc/", {"code": code(device, 1), "next": "https://ke-gian.example/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_removing_the_second_factor_needs_a_code(personas, client_for):
    client = client_for(personas["member"])
    device = enrol(client, personas["member"])
    response = client.post("/tai-khoan/hai-lop/", {"action": "remove", "code": ""})
    assert response.status_code == 200 and "Xin nhập mã xác thực." in response.content.decode()
    assert TOTPDevice.objects.filter(user=personas["member"]).exists()
    response = client.post("/tai-khoan/hai-lop/", {"action": "remove", "code": code(device, 1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas["member"]).exists()
    assert login(Client(), "member", PASSWORD).status_code == 302


def test_administrators_can_require_the_second_factor(personas, client_for):
    SecurityPolicy.objects.create(require_2fa_committee_staff=True)
    client = client_for(personas["staff"])
    response = client.get("/to-chuc/G/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/hai-lop/?next=")
    page = client.get(response["Location"]).content.decode()
    assert "Quản trị viên yêu cầu tài khoản của đồng chí dùng xác thực hai lớp" in page
    assert client.get("/api/orgs").status_code == 403
    assert logged_in(client_for(personas["member"]))  # members are not concerned
    assert logged_in(client_for(personas["admin"]))  # nor administrators, unless asked
    client = client_for(personas["staff"])
    device = enrol(client, personas["staff"])
    assert client.get("/to-chuc/G/").status_code == 200
    response = client.post("/tai-khoan/hai-lop/", {"action": "remove", "code": code(device, 1)})
    assert "không tắt được" in response.content.decode()
    assert TOTPDevice.objects.filter(user=personas["staff"], confirmed=True).exists()

    SecurityPolicy.objects.update(require_2fa_admins=True)
    response = client_for(personas["admin"]).get("/quan-tri/")
    assert response.status_code == 302 and response["Location"].startswith("/tai-khoan/hai-lop/")


# --- sessions and feeds end with the user's rights ----------------------------------------------------

@pytest.fixture
def feeds(personas, tree, client_for):
    """The secretary's cell feed (C1) and personal feed (M1), made from the pages."""
    client = client_for(personas["secretary"])
    assert client.post("/to-chuc/C1/lich/").status_code == 302
    assert client.post("/cua-toi/lich/").status_code == 302
    return {"cell": CalendarToken.objects.get(user=personas["secretary"], organization=tree["C1"]),
            "own": CalendarToken.objects.get(user=personas["secretary"], member=tree["M1"])}


def feed_status(token):
    return Client().get(f"/lich/{token.token}.ics").status_code


def test_deactivation_ends_feeds_and_sessions(personas, feeds, client_for):
    client = client_for(personas["secretary"])
    assert feed_status(feeds["cell"]) == feed_status(feeds["own"]) == 200
    user = get_user_model().objects.get(username="secretary")
    user.is_active = False
    user.save()
    assert feed_status(feeds["cell"]) == feed_status(feeds["own"]) == 404
    assert CalendarToken.objects.filter(user=user, revoked_at__isnull=True).count() == 0
    response = client.get("/to-chuc/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    # Reactivated: the old addresses stay dead; the session too.
    user.is_active = True
    user.save()
    assert feed_status(feeds["cell"]) == 404
    assert client.get("/to-chuc/").status_code == 302


def test_role_removal_ends_the_cell_feed_and_the_sessions(personas, feeds, client_for):
    client = client_for(personas["secretary"])
    assert logged_in(client)
    Role.objects.filter(user=personas["secretary"], kind=Role.Kind.SECRETARY).delete()
    assert feed_status(feeds["cell"]) == 404
    assert feed_status(feeds["own"]) == 200  # still member M1: the personal feed goes on
    response = client.get("/to-chuc/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Phiên đăng nhập đã kết thúc" in page
    assert client.login(username="secretary", password=PASSWORD)  # a new login works, with the new rights
    assert logged_in(client)


def test_role_moved_to_another_cell_ends_the_old_cell_feed(personas, feeds, tree):
    role = Role.objects.get(user=personas["secretary"], kind=Role.Kind.SECRETARY)
    role.organization = tree["C2"]
    role.save()
    assert feed_status(feeds["cell"]) == 404


def test_the_feed_checks_rights_at_every_request(personas, feeds, tree):
    """Changes that send no signal (QuerySet.update) are caught by the feed itself."""
    Member.objects.filter(pk=tree["M1"].pk).update(user=None)
    assert feed_status(feeds["own"]) == 404
    Role.objects.filter(user=personas["secretary"]).update(organization=tree["C2"])
    assert feed_status(feeds["cell"]) == 404
    get_user_model().objects.filter(username="secretary").update(is_active=False)
    Role.objects.filter(user=personas["secretary"]).update(organization=tree["C1"])
    assert feed_status(feeds["cell"]) == 404


def test_staff_losing_the_committee_role_loses_the_cell_feed(personas, tree):
    staff = personas["staff"]
    token = planning_services.calendar_token_get(user=staff, organization=tree["C2"])
    assert feed_status(token) == 200
    Role.objects.filter(user=staff).delete()
    assert feed_status(token) == 404


def test_administrators_list_and_revoke_feeds(personas, feeds, client_for):
    admin = client_for(personas["admin"])
    page = admin.get("/tai-khoan/lich/tat-ca/").content.decode()
    assert "secretary" in page and "Lịch chi bộ – Chi bộ thôn Đông" in page
    assert feeds["cell"].token not in page  # the secret is not shown to others
    response = admin.post(f"/tai-khoan/lich/{feeds['cell'].pk}/thu-hoi/", {"back": "all"})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/lich/tat-ca/"
    assert feed_status(feeds["cell"]) == 404 and feed_status(feeds["own"]) == 200
    assert "Đã thu hồi" in admin.get("/tai-khoan/lich/tat-ca/").content.decode()


def test_users_see_revoke_and_reissue_their_own_feeds(personas, feeds, client_for):
    client = client_for(personas["secretary"])
    page = client.get("/tai-khoan/lich/").content.decode()
    assert f"/lich/{feeds['own'].token}.ics" in page and f"/lich/{feeds['cell'].token}.ics" in page
    client.post(f"/tai-khoan/lich/{feeds['own'].pk}/thu-hoi/")
    assert feed_status(feeds["own"]) == 404
    assert "Đã thu hồi" in client.get("/tai-khoan/lich/").content.decode()
    # The cell page offers a new address; the old secret never comes back.
    assert f"/lich/{feeds['cell'].token}.ics" in client.get("/to-chuc/C1/sinh-hoat/").content.decode()
    client.post(f"/tai-khoan/lich/{feeds['own'].pk}/cap-lai/")
    new = CalendarToken.objects.get(pk=feeds["own"].pk)
    assert new.token != feeds["own"].token and new.revoked_at is None
    assert feed_status(new) == 200 and feed_status(feeds["own"]) == 404


def test_each_user_has_their_own_cell_feed(personas, tree):
    mine = planning_services.calendar_token_get(user=personas["secretary"], organization=tree["C1"])
    theirs = planning_services.calendar_token_get(user=personas["staff"], organization=tree["C1"])
    assert mine.token != theirs.token
    planning_services.calendar_token_revoke(theirs)
    assert feed_status(mine) == 200 and feed_status(theirs) == 404
