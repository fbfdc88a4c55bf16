"""Roles and logins from a member's page (chibo/orgs/views_accounts.py): the persona matrix of
every route (a refused change changes nothing), then the attacker's cases one by one (a
secretary or committee staff wanting more rights), each refusal with its Vietnamese message
next to the field and the database unchanged."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.accounts.models import AccountState
from chibo.api import services as api_services
from chibo.api.models import ApiToken
from chibo.changelog.models import LogEntry
from chibo.orgs import services
from chibo.orgs.models import Member, Role
from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot

pytestmark = pytest.mark.django_db

User = get_user_model()
STAFF = {"admin", "staff", "designated"}  # administrators and committee staff of G (C1, C2 below it)

# (url name, path, personas allowed)
READS = [
    ("member_role_add", "/dang-vien/M2/vai-tro/", STAFF),
    ("member_login_create", "/dang-vien/M3/tai-khoan/tao/", STAFF),
]

# (url name, path, data, personas allowed, status of the allowed answer); {role} is the pk of the
# secretary's role on C1 (login 'secretary', member M1); M2 is the login 'member' (no role), M3
# has no login.
WRITES = [
    ("member_role_add", "/dang-vien/M2/vai-tro/", {"kind": "secretary", "organization": "C1"}, STAFF, 302),
    ("member_role_remove", "/dang-vien/M1/vai-tro/{role}/thu-hoi/", {}, STAFF, 302),
    ("member_login_create", "/dang-vien/M3/tai-khoan/tao/", {"username": "m3"}, STAFF, 200),
    ("member_login_disable", "/dang-vien/M2/tai-khoan/khoa/", {}, STAFF, 302),
    ("member_login_enable", "/dang-vien/M2/tai-khoan/mo-khoa/", {}, STAFF, 302),
]

COVERED = {c[0] for c in READS} | {c[0] for c in WRITES}


def secretary_role(personas, tree):
    return Role.objects.get(user=personas["secretary"], organization=tree["C1"], kind="secretary")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", READS, ids=lambda c: c[0])
def test_reads(personas, client_for, persona, case):
    _name, path, allowed = case
    response = client_for(personas[persona]).get(path)
    if persona in allowed:
        assert response.status_code == 200, (persona, path, response.status_code)
    else:
        assert denied_response(response), (persona, path, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: c[0])
def test_writes(personas, tree, client_for, persona, case):
    name, path, data, allowed, status = case
    if name == "member_login_enable":
        User.objects.filter(username="member").update(is_active=False)
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(path.format(role=secretary_role(personas, tree).pk), data)
    if persona in allowed:
        assert response.status_code == status and allowed_response(response), (
            persona, path, response.status_code, response.content.decode()[:2000])
        assert snapshot() != before
    else:
        assert denied_response(response), (persona, path, response.status_code)
        assert snapshot() == before


@pytest.mark.parametrize("name", ["member_role_remove", "member_login_disable", "member_login_enable"])
def test_the_writes_answer_no_get(personas, tree, client_for, name):
    path = next(c[1] for c in WRITES if c[0] == name).format(role=secretary_role(personas, tree).pk)
    client = client_for(personas["admin"])
    before = snapshot()
    assert client.get(path).status_code == 405
    assert snapshot() == before


# --- giving roles ------------------------------------------------------------------------------

def give(client, code, kind, org):
    return client.post(f"/dang-vien/{code}/vai-tro/", {"kind": kind, "organization": org})


def refused_on_field(response, message, typed):
    """The form again (200), the message next to the organisation field, what was typed kept."""
    html = response.content.decode()
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors == {"organization": [message]}, errors
    assert f'value="{typed}"' in html
    assert message in html


def test_staff_gives_a_secretary_role_on_a_cell_of_the_subtree_logged(personas, tree, client_for):
    response = give(client_for(personas["staff"]), "M2", "secretary", "C1")
    assert response.status_code == 302 and response["Location"] == "/dang-vien/M2/"
    role = Role.objects.get(user=personas["member"])
    assert (role.kind, role.organization.code) == ("secretary", "C1")
    entry = LogEntry.objects.get(content_type__model="role", object_pk=str(role.pk))
    assert (entry.action, entry.actor.username) == (LogEntry.Action.CREATE, "staff")
    assert entry.org_paths.split() == [tree["C1"].path]


@pytest.mark.parametrize("org, message", [
    # the staff's own committee (peers), above it (not even readable), a cell (allowed: strictly below)
    ("G", "Vai trò cán bộ cấp ủy chỉ được giao hoặc thu hồi ở tổ chức thấp hơn cấp ủy của đồng chí "
          "(không ở cấp của mình hay cấp trên)."),
    ("P", "Không tìm thấy tổ chức có mã này trong phạm vi của đồng chí."),
    ("C3", "Không tìm thấy tổ chức có mã này trong phạm vi của đồng chí."),
    ("KHONG-CO", "Không tìm thấy tổ chức có mã này trong phạm vi của đồng chí."),
])
def test_committee_staff_only_strictly_below_the_own_committee(personas, client_for, org, message):
    client = client_for(personas["staff"])
    before = snapshot()
    refused_on_field(give(client, "M2", "committee_staff", org), message, org)
    assert snapshot() == before


def test_committee_staff_below_the_own_committee_is_given(personas, tree, client_for):
    assert give(client_for(personas["staff"]), "M2", "committee_staff", "C1").status_code == 302
    assert list(Role.objects.filter(user=personas["member"]).values_list("kind", "organization__code")) == [
        ("committee_staff", "C1")]


def test_a_secretary_role_sits_on_a_cell(personas, client_for):
    client = client_for(personas["admin"])
    before = snapshot()
    refused_on_field(give(client, "M2", "secretary", "G"),
                     "Vai trò này chỉ giao trên một chi bộ.", "G")
    assert snapshot() == before


def test_nobody_gives_themselves_a_role(personas, tree, client_for):
    Member.objects.filter(pk=tree["M3"].pk).update(user=personas["staff"])
    client = client_for(personas["staff"])
    before = snapshot()
    refused_on_field(give(client, "M3", "secretary", "C1"),
                     "Không ai được tự giao hoặc thu hồi vai trò của chính mình.", "C1")
    assert snapshot() == before
    # an administrator may
    personas["admin"].member = None
    Member.objects.filter(pk=tree["M3"].pk).update(user=personas["admin"])
    assert give(client_for(personas["admin"]), "M3", "secretary", "C1").status_code == 302


def test_designated_only_to_committee_staff_above_the_cell(personas, tree, client_for):
    client = client_for(personas["staff"])
    before = snapshot()
    refused_on_field(give(client, "M2", "designated", "C1"),
                     "Chỉ phân công ghi biên bản cho cán bộ cấp ủy cấp trên của chi bộ này (thuộc cấp ủy của "
                     "đồng chí).", "C1")
    assert snapshot() == before
    # 'designated' is committee staff of G: may be designated on C2 too (linked to M3 for the page)
    Member.objects.filter(pk=tree["M3"].pk).update(user=personas["designated"])
    assert give(client, "M3", "designated", "C2").status_code == 302
    assert Role.objects.filter(user=personas["designated"], organization=tree["C2"], kind="designated").exists()


def test_the_same_role_twice_is_refused(personas, client_for):
    client = client_for(personas["staff"])
    before = snapshot()
    refused_on_field(give(client, "M1", "secretary", "C1"),
                     "Tài khoản đã có vai trò này tại Chi bộ thôn Đông.", "C1")
    assert snapshot() == before


@pytest.mark.parametrize("persona, status", [("secretary", 403), ("member", 403), ("sibling", 404),
                                              ("rival", 404)])
def test_secretaries_members_and_other_committees_grant_nothing(personas, client_for, persona, status):
    client = client_for(personas[persona])
    before = snapshot()
    response = give(client, "M2", "secretary", "C1")
    assert response.status_code == status
    assert snapshot() == before


def test_a_secretary_is_refused_by_the_service_too(personas, tree):
    from django.core.exceptions import ValidationError

    from chibo.orgs import services_accounts

    with pytest.raises(ValidationError) as exc:
        services_accounts.role_give(personas["secretary"], tree["M2"], kind="secretary", organization=tree["C1"])
    assert exc.value.messages == ["Chỉ cán bộ cấp ủy và quản trị viên được quản lý tài khoản và vai trò."]
    assert not Role.objects.filter(user=personas["member"]).exists()


def test_a_member_transferred_out_of_the_subtree_gets_no_role_from_the_old_committee(personas, tree, client_for):
    from datetime import date

    services.member_transfer(tree["M2"], to=tree["C3"], on=date(2025, 6, 1))
    client = client_for(personas["staff"])
    before = snapshot()
    response = give(client, "M2", "secretary", "C1")
    assert response.status_code == 403
    assert "Đảng viên không còn sinh hoạt tại chi bộ thuộc phạm vi của đồng chí." in response.content.decode()
    assert snapshot() == before


# --- withdrawing roles ---------------------------------------------------------------------------

def withdraw(client, code, role):
    return client.post(f"/dang-vien/{code}/vai-tro/{role.pk}/thu-hoi/")


def test_staff_withdraw_a_secretary_role_sessions_end(personas, tree, client_for):
    role = secretary_role(personas, tree)
    response = withdraw(client_for(personas["staff"]), "M1", role)
    assert response.status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    assert AccountState.objects.get(user=personas["secretary"]).session_epoch == 1
    entry = LogEntry.objects.get(content_type__model="role", object_pk=str(role.pk), action=LogEntry.Action.DELETE)
    assert entry.actor.username == "staff"


def test_no_withdrawing_a_peer_or_oneself(personas, tree, client_for):
    Member.objects.filter(pk=tree["M3"].pk).update(user=personas["designated"])
    peer = Role.objects.get(user=personas["designated"], kind="committee_staff")
    client = client_for(personas["staff"])
    before = snapshot()
    response = withdraw(client, "M3", peer)
    assert response.status_code == 403
    assert ("Vai trò cán bộ cấp ủy chỉ được giao hoặc thu hồi ở tổ chức thấp hơn cấp ủy của đồng chí"
            in response.content.decode())
    assert snapshot() == before
    own = Role.objects.get(user=personas["designated"], kind="designated")
    client = client_for(personas["designated"])
    before = snapshot()
    response = withdraw(client, "M3", own)
    assert response.status_code == 403
    assert "Không ai được tự giao hoặc thu hồi vai trò của chính mình." in response.content.decode()
    assert snapshot() == before
    assert withdraw(client_for(personas["admin"]), "M3", peer).status_code == 302
    assert not Role.objects.filter(pk=peer.pk).exists()


def test_a_role_of_another_login_is_not_found_through_this_member(personas, tree, client_for):
    role = secretary_role(personas, tree)
    client = client_for(personas["staff"])
    before = snapshot()
    assert withdraw(client, "M2", role).status_code == 404
    assert snapshot() == before


def test_the_old_committee_withdraws_a_role_after_a_transfer(personas, tree, client_for):
    """The member moved to another committee's cell but still holds the secretary role of C1:
    C1's committee may withdraw it (the role lies in its subtree)."""
    from datetime import date

    services.member_transfer(tree["M1"], to=tree["C3"], on=date(2025, 6, 1))
    role = secretary_role(personas, tree)
    assert withdraw(client_for(personas["staff"]), "M1", role).status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()


# --- logins ----------------------------------------------------------------------------------------

def test_create_a_login_the_password_shown_once(personas, tree, client_for):
    client = client_for(personas["staff"])
    page = client.get("/dang-vien/M3/tai-khoan/tao/")
    assert 'value="m3"' in page.content.decode()
    response = client.post("/dang-vien/M3/tai-khoan/tao/", {"username": "cuong.le"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    password = response.context["password"]
    assert len(password) == 14 and password.count("-") == 2
    assert f'value="{password}"' in response.content.decode()
    login = User.objects.get(username="cuong.le")
    assert (login.is_active, login.is_superuser, login.is_staff, login.first_name, login.email) == (
        True, False, False, "Lê Văn Cường", "")
    assert login.check_password(password)
    assert Member.objects.get(code="M3").user_id == login.pk
    # on the change log: the login created (administrators read it) and linked to the member (the
    # committee reads it: the entry belongs to the member's cell)
    created = LogEntry.objects.get(content_type__model="user", object_pk=str(login.pk))
    assert (created.action, created.actor.username) == (LogEntry.Action.CREATE, "staff")
    assert "password" in created.changes and password not in str(created.changes)
    linked = LogEntry.objects.filter(content_type__model="member", object_pk=str(tree["M3"].pk)).latest("pk")
    assert (linked.action, linked.actor.username, linked.changes["user"]) == (
        LogEntry.Action.UPDATE, "staff", ["None", "cuong.le"])
    assert linked.org_paths.split() == [tree["C1"].path]
    # never shown again: the member page has the login, not the password
    again = client.get("/dang-vien/M3/").content.decode()
    assert "cuong.le" in again and password not in again
    assert client.get("/dang-vien/M3/tai-khoan/tao/").status_code == 302


@pytest.mark.parametrize("typed, message", [
    ("ADMIN", "Tên đăng nhập “ADMIN” đã có người dùng."),
    ("lê.cường", "Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và các ký tự @ . + - _."),
    ("có dấu cách", "Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và các ký tự @ . + - _."),
    ("", "Trường này bắt buộc."),
    ("x" * 151, "Tên đăng nhập dài tối đa 150 ký tự."),
])
def test_a_bad_username_is_refused_next_to_the_field(personas, client_for, typed, message):
    client = client_for(personas["staff"])
    before = snapshot()
    response = client.post("/dang-vien/M3/tai-khoan/tao/", {"username": typed})
    assert response.status_code == 200
    assert response.context["form"].errors == {"username": [message]}
    assert "password" not in response.context
    assert snapshot() == before


def test_the_suggested_username_avoids_a_taken_one(personas, client_for):
    User.objects.create_user("m3")
    User.objects.create_user("M3-2")
    assert client_for(personas["staff"]).get("/dang-vien/M3/tai-khoan/tao/").context["form"].initial == {
        "username": "m3-3"}


def test_disable_ends_sessions_and_revokes_tokens_then_enable(personas, tree, client_for):
    token, _secret = api_services.token_create(personas["member"], "điện thoại")
    client = client_for(personas["staff"])
    assert client.post("/dang-vien/M2/tai-khoan/khoa/").status_code == 302
    member = User.objects.get(username="member")
    assert member.is_active is False
    assert AccountState.objects.get(user=member).session_epoch == 1
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    entry = LogEntry.objects.filter(content_type__model="user", object_pk=str(member.pk)).latest("pk")
    assert (entry.actor.username, entry.changes["is_active"]) == ("staff", ["True", "False"])
    assert tree["C1"].path in entry.org_paths.split()
    page = client.get("/dang-vien/M2/").content.decode()
    assert "Đã khóa" in page and "Mở khóa tài khoản" in page
    assert client.post("/dang-vien/M2/tai-khoan/mo-khoa/").status_code == 302
    assert User.objects.get(username="member").is_active is True


@pytest.mark.parametrize("who, code, message", [
    # a peer committee staff (committee_staff on G), linked to M3
    ("designated", "M3", "Tài khoản có vai trò “Cán bộ cấp ủy (giám sát cấp dưới)” tại Đảng bộ xã Tân Thành, "
                         "ngoài phạm vi đồng chí được quản lý."),
    ("staff", "M3", "Không thể tự khóa hoặc mở khóa tài khoản của chính mình."),
    ("admin", "M3", "Chỉ quản trị viên được khóa hoặc mở khóa tài khoản quản trị."),
])
def test_disable_refused(personas, tree, client_for, who, code, message):
    Member.objects.filter(pk=tree[code].pk).update(user=personas[who])
    client = client_for(personas["staff"])
    before = snapshot()
    response = client.post(f"/dang-vien/{code}/tai-khoan/khoa/")
    assert response.status_code == 403
    assert message in response.content.decode()
    assert snapshot() == before


def test_staff_disable_a_cell_secretary_of_the_subtree(personas, client_for):
    assert client_for(personas["staff"]).post("/dang-vien/M5/tai-khoan/khoa/").status_code == 302
    assert User.objects.get(username="sibling").is_active is False


def test_an_administrator_cannot_disable_themselves(personas, tree, client_for):
    Member.objects.filter(pk=tree["M3"].pk).update(user=personas["admin"])
    client = client_for(personas["admin"])
    before = snapshot()
    response = client.post("/dang-vien/M3/tai-khoan/khoa/")
    assert response.status_code == 403
    assert "Không thể tự khóa hoặc mở khóa tài khoản của chính mình." in response.content.decode()
    assert snapshot() == before


# --- the member page's section ---------------------------------------------------------------------

def test_the_section_shows_only_what_the_user_may_do(personas, tree, client_for):
    Member.objects.filter(pk=tree["M3"].pk).update(user=personas["designated"])
    staff_page = client_for(personas["staff"]).get("/dang-vien/M3/").content.decode()
    assert "Tài khoản và vai trò" in staff_page and "Giao vai trò" in staff_page
    assert "Thu hồi" in staff_page  # the designation on C1
    assert staff_page.count(">Thu hồi</button>") == 1  # not the peer's committee_staff on G
    assert "Khóa tài khoản" not in staff_page
    admin_page = client_for(personas["admin"]).get("/dang-vien/M3/").content.decode()
    assert admin_page.count(">Thu hồi</button>") == 2 and "Khóa tài khoản" in admin_page
    secretary_page = client_for(personas["secretary"]).get("/dang-vien/M3/").content.decode()
    assert "Tài khoản và vai trò" not in secretary_page


def member_page_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona, expected", [("admin", 10), ("staff", 14)])  # with the top bar's counts
def test_the_member_page_runs_the_same_queries_whatever_the_roles(personas, tree, client_for, persona,
                                                                  expected):
    """The section reads the login and its roles in two queries (staff: one more, whether the
    member is on a roll of their subtree), however many roles the login holds."""
    client = client_for(personas[persona])
    first = member_page_queries(client, "/dang-vien/M1/")
    from chibo.orgs.services import org_create

    for i in range(6):
        cell = org_create(code=f"CX{i}", name=f"Chi bộ thêm {i}", kind="chi_bo", parent=tree["G"])
        Role.objects.create(user=personas["secretary"], organization=cell, kind="secretary")
    client = client_for(personas[persona])
    assert member_page_queries(client, "/dang-vien/M1/") == first == expected
    assert "Chi bộ thêm 5" in client.get("/dang-vien/M1/").content.decode()
