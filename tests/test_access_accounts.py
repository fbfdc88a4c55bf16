"""Every account URL (password change and reset, second factor, calendar feeds) for the personas:
who may see and who may change what; a refused change changes nothing."""

import hashlib

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.meetings.models import CalendarToken
from chibo.meetings.planning import services as planning_services
from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

EVERYONE = set(PERSONAS)
LOGGED_IN = EVERYONE - {"anonymous"}

# (url name, path, personas allowed); {token} is the secretary's C1 feed token
READS = [
    ("account", "/tai-khoan/", LOGGED_IN),
    ("password_change", "/tai-khoan/doi-mat-khau/", LOGGED_IN),
    ("password_change_done", "/tai-khoan/doi-mat-khau/xong/", LOGGED_IN),
    ("password_reset", "/quen-mat-khau/", EVERYONE),
    ("password_reset_done", "/quen-mat-khau/da-gui/", EVERYONE),
    ("password_reset_confirm", "/dat-lai-mat-khau/MQ/sai-ma/", EVERYONE),
    ("password_reset_complete", "/dat-lai-mat-khau/xong/", EVERYONE),
    ("otp_setup", "/tai-khoan/hai-lop/", LOGGED_IN),
    ("otp_verify", "/tai-khoan/xac-thuc/", LOGGED_IN),
    ("my_feeds", "/tai-khoan/lich/", LOGGED_IN),
    ("feeds_admin", "/tai-khoan/lich/tat-ca/", {"admin"}),
]

# (url name, path, data, personas allowed)
WRITES = [
    ("feed_revoke", "/tai-khoan/lich/{token}/thu-hoi/", {}, {"secretary", "admin"}),
    ("feed_reissue", "/tai-khoan/lich/{token}/cap-lai/", {}, {"secretary"}),
    ("otp_setup", "/tai-khoan/hai-lop/", {"action": "start"}, LOGGED_IN),
    ("password_change", "/tai-khoan/doi-mat-khau/",
     {"old_password": PASSWORD, "new_password1": "mat-khau-moi-2025", "new_password2": "mat-khau-moi-2025"},
     LOGGED_IN),
]

COVERED = {c[0] for c in READS} | {c[0] for c in WRITES}


def state() -> str:
    """The Chibo tables and users (snapshot()) and the second-factor devices."""
    digest = hashlib.sha256(snapshot().encode())
    for row in TOTPDevice.objects.order_by("pk").values_list():
        digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture
def token(personas, tree):
    return planning_services.calendar_token_get(user=personas["secretary"], organization=tree["C1"])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", READS, ids=lambda c: f"{c[0]}:{c[1]}")
def test_reads(personas, token, client_for, persona, case):
    _name, path, allowed = case
    response = client_for(personas[persona]).get(path.format(token=token.pk))
    if persona in allowed:
        assert allowed_response(response), (persona, path, response.status_code)
    else:
        assert denied_response(response), (persona, path, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: f"{c[0]}:{c[1]}")
def test_writes(personas, token, client_for, persona, case):
    _name, path, data, allowed = case
    client = client_for(personas[persona])
    before = state()
    response = client.post(path.format(token=token.pk), data)
    if persona in allowed:
        assert response.status_code == 302 and "/dang-nhap/" not in response["Location"], (
            persona, path, response.status_code)
        assert state() != before, (persona, path)
    else:
        assert denied_response(response), (persona, path, response.status_code)
        assert state() == before, (persona, path)


def test_a_refused_revoke_leaves_the_feed_working(personas, token, client_for):
    """Another user's feed can be neither revoked nor re-issued (404, nothing revealed)."""
    client = client_for(personas["member"])
    assert client.post(f"/tai-khoan/lich/{token.pk}/thu-hoi/").status_code == 404
    assert client.post(f"/tai-khoan/lich/{token.pk}/cap-lai/").status_code == 404
    assert CalendarToken.objects.get(pk=token.pk).revoked_at is None
    assert client.get(f"/lich/{token.token}.ics").status_code == 200
