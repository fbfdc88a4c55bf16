"""Roles and logins given from a member's page (/dang-vien/CODE/): give and withdraw a role,
create a login for a member, disable or re-enable it.

Each function is one transaction, checks the actor's rights again with the predicates of the
actor's Scope (chibo/orgs/access.py: the same ones that show the buttons) and raises
ValidationError with a Vietnamese message (on the form's field where there is one) without
changing anything. The change log records every change (orgs.Role, the account, the member's
link to it: chibo/changelog/registry.py); deactivating a login or withdrawing a role ends the
user's sessions and revokes the calendar feeds and API tokens it no longer covers (signals of
chibo/accounts and chibo/api)."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import Signal

from chibo.orgs.access import scope_for
from chibo.orgs.models import Member, Organization, Role

USERNAME_MAX = 150
USERNAME_MESSAGE = "Tên đăng nhập chỉ gồm chữ cái không dấu, chữ số và các ký tự @ . + - _."
#: The initial password: three groups of four characters, without the easily confused ones (0/o,
#: 1/l/i), about 60 bits of chance.
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"

#: Sent (sender: this module's name, `login`) when a login gets a password someone else chose:
#: chibo.accounts makes its owner change it at the first login (the accounts app is above this one).
password_issued = Signal()


def _login_of(member: Member, *, lock: bool = False):
    users = get_user_model()._default_manager
    if lock:
        users = users.select_for_update()
    return users.filter(pk=member.user_id).first() if member.user_id else None


def _locked_member(member: Member) -> Member:
    """The member row re-read under a lock: two changes of one member's login run one after the
    other, each seeing the other's result."""
    return Member.objects.select_for_update().get(pk=member.pk)


def _deny_unless_account_manager(scope, member: Member, field: str | None = None) -> None:
    if not scope.can_administer_accounts():
        raise ValidationError("Chỉ cán bộ cấp ủy và quản trị viên được quản lý tài khoản và vai trò.")
    if not scope.can_manage_account(member):
        message = "Đảng viên không còn sinh hoạt tại chi bộ thuộc phạm vi của đồng chí."
        raise ValidationError({field: message} if field else message)


# --- roles -------------------------------------------------------------------------------------

@transaction.atomic
def role_give(actor, member: Member, *, kind: str, organization: Organization) -> Role:
    """Give the member's login the role `kind` on `organization`."""
    scope = scope_for(actor)
    member = _locked_member(member)
    _deny_unless_account_manager(scope, member)
    login = _login_of(member, lock=True)
    if login is None:
        raise ValidationError("Đảng viên chưa có tài khoản đăng nhập: tạo tài khoản trước.")
    if kind not in Role.Kind.values:
        raise ValidationError({"kind": "Vai trò không hợp lệ."})
    staff_paths = tuple(Role.objects.filter(user=login, kind=Role.Kind.COMMITTEE_STAFF)
                        .values_list("organization__path", flat=True))
    refusal = scope.role_refusal(kind, organization, login, giving=True, grantee_staff_paths=staff_paths)
    if refusal:
        raise ValidationError({"organization": refusal})
    if Role.objects.filter(user=login, organization=organization, kind=kind).exists():
        raise ValidationError({"organization": f"Tài khoản đã có vai trò này tại {organization.name}."})
    return Role.objects.create(user=login, organization=organization, kind=kind)


@transaction.atomic
def role_withdraw(actor, role: Role) -> Role:
    """Withdraw `role` (the user's sessions end, the feeds and API tokens it covered are revoked)."""
    scope = scope_for(actor)
    role = Role.objects.select_for_update(of=("self",)).select_related("organization", "user").filter(
        pk=role.pk).first()
    if role is None:
        raise ValidationError("Vai trò này đã được thu hồi.")
    refusal = scope.role_refusal(role.kind, role.organization, role.user, giving=False)
    if refusal:
        raise ValidationError(refusal)
    role.delete()
    return role


# --- logins ------------------------------------------------------------------------------------

def new_password() -> str:
    return "-".join("".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3))


def suggest_username(member: Member) -> str:
    """The member's code in lower case, with "-2", "-3", ... when taken. One query."""
    base = member.code.lower()[:USERNAME_MAX - 4]
    taken = {u.lower() for u in get_user_model()._default_manager.filter(username__istartswith=base)
             .values_list("username", flat=True)}
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@transaction.atomic
def login_create(actor, member: Member, *, username: str) -> tuple:
    """A login for a member who has none, linked to the member record, with an initial password
    generated here: returns (login, password); the password is shown once to the actor and
    stored only as its hash. The login gets the member's name and no e-mail (a login's e-mail is
    given by an administrator, README "Accounts and security")."""
    scope = scope_for(actor)
    member = _locked_member(member)
    _deny_unless_account_manager(scope, member, "username")
    if member.user_id is not None:
        raise ValidationError({"username": "Đảng viên đã có tài khoản đăng nhập."})
    username = (username or "").strip()
    if not username:
        raise ValidationError({"username": "Nhập tên đăng nhập."})
    if len(username) > USERNAME_MAX:
        raise ValidationError({"username": f"Tên đăng nhập dài tối đa {USERNAME_MAX} ký tự."})
    try:
        ASCIIUsernameValidator()(username)
    except ValidationError:
        raise ValidationError({"username": USERNAME_MESSAGE}) from None
    User = get_user_model()
    if User._default_manager.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"Tên đăng nhập “{username}” đã có người dùng."})
    password = new_password()
    try:
        with transaction.atomic():
            login = User._default_manager.create_user(username=username, password=password,
                                                      first_name=member.full_name[:150])
    except IntegrityError:  # the same name taken at the same moment
        raise ValidationError({"username": f"Tên đăng nhập “{username}” đã có người dùng."}) from None
    member.user = login
    member.save(update_fields=["user"])
    password_issued.send(sender=__name__, login=login)
    return login, password


@transaction.atomic
def login_set_active(actor, member: Member, *, active: bool):
    """Disable (`active=False`: the sessions end, the calendar feeds and API tokens are revoked) or
    re-enable the member's login."""
    scope = scope_for(actor)
    member = _locked_member(member)
    _deny_unless_account_manager(scope, member)
    login = _login_of(member, lock=True)
    if login is None:
        raise ValidationError("Đảng viên chưa có tài khoản đăng nhập.")
    roles = list(Role.objects.filter(user=login).select_related("organization"))
    refusal = scope.login_refusal(login, roles)
    if refusal:
        raise ValidationError(refusal)
    if login.is_active == active:
        raise ValidationError("Tài khoản đang mở." if active else "Tài khoản đã bị khóa.")
    login.is_active = active
    login.save(update_fields=["is_active"])
    return login
