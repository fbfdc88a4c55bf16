"""A password someone else chose must be changed at the first login (issue 13, accounts): a login
created from a member's page by committee staff, or a password set by an administrator in the
administration site, sends its owner to the password change page, with why, before anything
else; the API's personal tokens are not held back; the demo logins are not forced (their public
password is documented in the README and printed by scripts/start.sh)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from chibo.accounts.middleware import PASSWORD_CHANGE_MESSAGE
from chibo.accounts.models import AccountState
from chibo.api import services as api_services
from chibo.orgs import services_accounts
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
CHANGE = "/tai-khoan/doi-mat-khau/"


def login(client, username, password):
    return client.post("/dang-nhap/", {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def forced(user) -> bool:
    return AccountState.objects.filter(user=user, must_change_password=True).exists()


@pytest.fixture
def new_login(personas, tree):
    """M3's login created by the committee staff from the member's page: (login, initial password)."""
    return services_accounts.login_create(personas["staff"], tree["M3"], username="m3")


def test_a_login_created_by_staff_changes_its_password_first(new_login, tree):
    user, initial = new_login
    assert forced(user)
    client = Client()
    assert login(client, "m3", initial).status_code == 302
    for url in ("/", "/cua-toi/", f"/dang-vien/{tree['M3'].code}/", "/tai-khoan/"):
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, CHANGE), url
    response = client.get(CHANGE)
    page = response.content.decode()
    assert response.status_code == 200
    assert PASSWORD_CHANGE_MESSAGE in page and 'id="forced-change"' in page
    assert 'href="/tai-khoan/">Hủy</a>' not in page  # no way round it but logging out
    # A form sent elsewhere is not carried out.
    response = client.post(f"/dang-vien/{tree['M3'].code}/tai-khoan/tao/", {"username": "x"})
    assert (response.status_code, response["Location"]) == (302, CHANGE)
    # A refused change keeps the flag.
    response = client.post(CHANGE, {"old_password": initial, "new_password1": "ngan", "new_password2": "ngan"})
    assert response.status_code == 200 and forced(user)
    response = client.post(CHANGE, {"old_password": initial, "new_password1": "Chi-bo-thon-Dong-2025",
                                    "new_password2": "Chi-bo-thon-Dong-2025"})
    assert response.status_code == 302 and not forced(user)
    assert client.get("/").status_code == 200  # the same session goes on
    assert client.get("/cua-toi/").status_code == 200


def test_api_tokens_are_not_held_back(new_login):
    user, _initial = new_login
    _token, secret = api_services.token_create(user, "Báo cáo")
    response = Client().get("/api/v1/orgs", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and forced(user)


def test_logging_out_is_never_held_back(new_login):
    _user, initial = new_login
    client = Client()
    login(client, "m3", initial)
    response = client.post("/dang-xuat/")
    assert response.status_code == 302 and response["Location"] != CHANGE
    assert client.get("/").status_code == 302 and client.get("/")["Location"].startswith("/dang-nhap/")


def test_a_password_set_by_an_administrator_is_changed_at_the_next_login(personas):
    admin = Client()
    admin.force_login(personas["admin"])
    member = personas["member"]
    assert not forced(member)
    url = f"/quan-tri/auth/user/{member.pk}/password/"
    # A refused form changes nothing.
    response = admin.post(url, {"password1": "Mat-khau-moi-2025", "password2": "khac", "usable_password": "true"})
    assert response.status_code == 200 and not forced(member)
    response = admin.post(url, {"password1": "Mat-khau-moi-2025", "password2": "Mat-khau-moi-2025",
                                "usable_password": "true"})
    assert response.status_code == 302 and forced(member)
    client = Client()
    assert login(client, "member", "Mat-khau-moi-2025").status_code == 302
    assert client.get("/")["Location"] == CHANGE
    # An administrator who sets their own password there is not sent to change it.
    response = admin.post(f"/quan-tri/auth/user/{personas['admin'].pk}/password/", {
        "password1": "Quan-tri-moi-2025", "password2": "Quan-tri-moi-2025", "usable_password": "true"})
    assert response.status_code == 302 and not forced(personas["admin"])


def test_a_login_added_in_the_administration_site_is_forced(personas):
    admin = Client()
    admin.force_login(personas["admin"])
    response = admin.post("/quan-tri/auth/user/add/", {
        "username": "canbo-moi", "password1": "Mat-khau-ban-dau-9", "password2": "Mat-khau-ban-dau-9",
        "usable_password": "true"})
    assert response.status_code == 302
    assert forced(get_user_model().objects.get(username="canbo-moi"))


def test_the_reset_by_email_link_ends_the_forced_change(new_login):
    """The owner chose the new password through the e-mailed link: not forced any more."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user, _initial = new_login
    client = Client()
    url = f"/dat-lai-mat-khau/{urlsafe_base64_encode(force_bytes(user.pk))}/{default_token_generator.make_token(user)}/"
    response = client.get(url)
    assert response.status_code == 302
    response = client.post(response["Location"], {"new_password1": "Chi-bo-thon-Dong-2025",
                                                   "new_password2": "Chi-bo-thon-Dong-2025"})
    assert response.status_code == 302 and not forced(user)


def test_the_demo_logins_are_not_forced(settings):
    """The demo's public password (README, scripts/start.sh) logs in straight to the start page."""
    from chibo.orgs.demo import LOGINS, load_demo
    from chibo.orgs.demo import PASSWORD as DEMO_PASSWORD

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(date(2025, 12, 20))
    assert AccountState.objects.filter(must_change_password=True).count() == 0
    for username, _label, _cell in LOGINS:
        client = Client()
        assert login(client, username, DEMO_PASSWORD).status_code == 302, username
        assert client.get("/").status_code == 200, username


def test_personas_with_passwords_are_not_forced(personas):
    client = Client()
    assert login(client, "secretary", PASSWORD).status_code == 302
    assert client.get("/").status_code == 200
