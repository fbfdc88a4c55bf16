"""Personal API tokens: created and revoked on the account page, shown once, stored hashed, revoked
with the user's deactivation or a role's removal or change, acting with the user's scope."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from chibo.api import services
from chibo.api.models import ApiToken
from chibo.changelog.models import LogEntry
from chibo.orgs.models import Role

pytestmark = pytest.mark.django_db

UNAUTHORIZED = {"detail": "Cần đăng nhập, hoặc gửi khóa API hợp lệ trong tiêu đề Authorization: Bearer <khóa>.",
                "errors": []}


def call(client, secret, url="/api/v1/orgs"):
    return client.get(url, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_create_on_the_account_page_shows_the_secret_once(client, personas):
    client.force_login(personas["secretary"])
    response = client.post("/tai-khoan/khoa-api/", {"name": "Hệ thống báo cáo huyện"})
    assert (response.status_code, response["Cache-Control"]) == (200, "no-store")
    secret = re.search(r'id="api-secret" readonly value="(chibo_[A-Za-z0-9_-]{43})"', response.content.decode())[1]
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.prefix, token.secret_hash, token.revoked_at, token.last_used_at) == (
        personas["secretary"], "Hệ thống báo cáo huyện", secret[:12], hashlib.sha256(secret.encode()).hexdigest(),
        None, None)
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    page = client.get("/tai-khoan/").content.decode()
    assert "Hệ thống báo cáo huyện" in page and f"{secret[:12]}…" in page and secret not in page
    # The token acts as the secretary: C1 only.
    client.logout()
    assert [o["code"] for o in call(client, secret).json()["items"]] == ["C1"]
    # Created and logged without its secret's hash.
    entry = LogEntry.objects.filter(content_type__model="apitoken").get()
    assert sorted(entry.changes) == ["created_at", "name", "prefix", "revoked_at", "user"]


def test_bad_name_is_refused_next_to_the_field(client, personas):
    client.force_login(personas["member"])
    response = client.post("/tai-khoan/khoa-api/", {"name": "   "})
    assert response.status_code == 400
    assert "Đặt tên cho khóa (ví dụ: tên hệ thống sẽ dùng khóa)." in response.content.decode()
    response = client.post("/tai-khoan/khoa-api/", {"name": "x" * 81})
    assert (response.status_code, "Tên khóa dài quá 80 ký tự." in response.content.decode()) == (400, True)
    assert 'value="' + "x" * 81 + '"' in response.content.decode()  # the form keeps what was typed
    assert ApiToken.objects.count() == 0


def test_anonymous_creates_nothing(client, personas):
    response = client.post("/tai-khoan/khoa-api/", {"name": "x"})
    assert (response.status_code, response["Location"].split("?")[0]) == (302, "/dang-nhap/")
    assert ApiToken.objects.count() == 0


def test_revoke_own_and_not_anothers(client, personas):
    mine, my_secret = services.token_create(personas["secretary"], "Khóa riêng")
    theirs, their_secret = services.token_create(personas["member"], "Khóa người khác")
    client.force_login(personas["secretary"])
    response = client.post(f"/tai-khoan/khoa-api/{theirs.pk}/thu-hoi/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    response = client.post(f"/tai-khoan/khoa-api/{mine.pk}/thu-hoi/")
    assert (response.status_code, response["Location"]) == (302, "/tai-khoan/")
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    client.logout()
    assert (call(client, my_secret).status_code, call(client, my_secret).json()) == (401, UNAUTHORIZED)
    assert call(client, their_secret).status_code == 200
    # Revoked tokens leave the account page; a second revoke is refused with a message.
    client.force_login(personas["secretary"])
    assert "Khóa riêng" not in client.get("/tai-khoan/").content.decode()
    client.post(f"/tai-khoan/khoa-api/{mine.pk}/thu-hoi/")
    assert "Khóa này đã bị thu hồi." in client.get("/tai-khoan/").content.decode()


def test_deactivation_revokes(client, personas):
    token, secret = services.token_create(personas["staff"], "Báo cáo")
    user = personas["staff"]
    user.is_active = False
    user.save()
    token.refresh_from_db()
    assert token.revoked_at is not None
    user.is_active = True
    user.save()
    assert call(client, secret).json() == UNAUTHORIZED  # reactivating does not bring tokens back


def test_inactive_user_is_refused_even_without_the_signal(client, personas):
    _token, secret = services.token_create(personas["staff"], "Báo cáo")
    type(personas["staff"]).objects.filter(pk=personas["staff"].pk).update(is_active=False)
    assert (call(client, secret).status_code, call(client, secret).json()) == (401, UNAUTHORIZED)


def test_role_removed_or_changed_revokes(client, personas, tree):
    removed, removed_secret = services.token_create(personas["sibling"], "Một")
    changed, changed_secret = services.token_create(personas["staff"], "Hai")
    kept, kept_secret = services.token_create(personas["rival"], "Ba")
    Role.objects.filter(user=personas["sibling"]).delete()
    role = Role.objects.get(user=personas["staff"])
    role.organization = tree["G2"]
    role.save()
    for token in (removed, changed, kept):
        token.refresh_from_db()
    assert (removed.revoked_at is not None, changed.revoked_at is not None, kept.revoked_at) == (True, True, None)
    assert call(client, removed_secret).status_code == 401
    assert [o["code"] for o in call(client, kept_secret).json()["items"]] == ["G2", "C3"]


def test_bad_tokens(client, personas):
    for header in ("Bearer chibo_nope", "Bearer ", "Basic abc", "Bearer " + "x" * 500):
        response = client.get("/api/v1/orgs", HTTP_AUTHORIZATION=header)
        assert (response.status_code, response.json()) == (401, UNAUTHORIZED), header


def test_last_use_is_noted_once_a_minute(client, personas, django_assert_num_queries):
    token, secret = services.token_create(personas["admin"], "Báo cáo")
    assert call(client, secret).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert call(client, secret).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    call(client, secret)
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=1)
    assert token.last_used_at <= timezone.now()


def test_at_most_twenty_active_tokens(personas):
    from django.core.exceptions import ValidationError

    for i in range(20):
        services.token_create(personas["member"], f"Khóa {i}")
    with pytest.raises(ValidationError) as exc:
        services.token_create(personas["member"], "Khóa 21")
    assert exc.value.message_dict == {"name": ["Mỗi tài khoản có tối đa 20 khóa còn hiệu lực: thu hồi khóa không "
                                               "dùng nữa trước."]}
    assert ApiToken.objects.count() == 20


def test_writes_through_a_token_are_logged_as_its_user(client, personas, meeting):
    _token, secret = services.token_create(personas["secretary"], "Ghi biên bản")
    response = client.put("/api/v1/meetings/C1-2025-01/speeches/0", json.dumps({"member": "M2", "summary": "Đồng ý"}),
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200
    entry = LogEntry.objects.filter(content_type__model="speech").get()
    assert (entry.action, entry.actor, entry.changes["summary"]) == (
        LogEntry.Action.CREATE, personas["secretary"], ["None", "Đồng ý"])


def test_session_writes_need_the_csrf_token(personas, meeting):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(personas["secretary"])
    response = browser.put("/api/v1/meetings/C1-2025-01/speeches/0", json.dumps({"member": "M2"}),
                           content_type="application/json")
    assert (response.status_code, response.json()) == (403, {
        "detail": "Thiếu hoặc sai mã CSRF: khi dùng phiên đăng nhập của trình duyệt, gửi kèm tiêu đề X-CSRFToken; "
                  "hệ thống khác dùng khóa API.", "errors": []})
    from chibo.meetings.models import Speech

    assert Speech.objects.count() == 0
