"""Writes for accounts: ending a user's sessions, revoking calendar feeds, the second factor.
Each function is one transaction; bad input raises ValidationError with a Vietnamese message."""

from base64 import b32encode

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts.models import AccountState, SecurityPolicy

EPOCH_SESSION_KEY = "chibo_session_epoch"
DEVICE_NAME = "Ứng dụng xác thực"


# --- sessions -----------------------------------------------------------------------------------

def session_epoch(user) -> int:
    return AccountState.objects.filter(user=user).values_list("session_epoch", flat=True).first() or 0


@transaction.atomic
def end_sessions(user) -> None:
    """Every session of the user ends at its next request (the account middleware compares the
    session's epoch with the user's)."""
    AccountState.objects.get_or_create(user=user)
    AccountState.objects.filter(user=user).update(session_epoch=F("session_epoch") + 1)


# --- passwords chosen by someone else ----------------------------------------------------------------

@transaction.atomic
def password_change_require(user) -> None:
    """The user's password was chosen by someone else (a login created by committee staff, a
    password set by an administrator): the account middleware sends the user to change it before
    anything else. The API's personal tokens are not concerned."""
    AccountState.objects.update_or_create(user=user, defaults={"must_change_password": True})


@transaction.atomic
def password_changed(user) -> None:
    """The user chose their own password (changed it, or reset it through the e-mailed link)."""
    AccountState.objects.filter(user=user, must_change_password=True).update(must_change_password=False)


def must_change_password(user) -> bool:
    flag = getattr(user, "chibo_must_change_password", None)
    if flag is None:
        flag = AccountState.objects.filter(user=user, must_change_password=True).exists()
    return flag


# --- calendar feeds -------------------------------------------------------------------------------

@transaction.atomic
def revoke_calendar_tokens(user, *, lost_rights_only: bool = False) -> int:
    """Revoke the user's active feed tokens; with lost_rights_only, only those the user's current
    rights no longer cover (after a role was removed). Returns how many were revoked."""
    from chibo.meetings.models import CalendarToken
    from chibo.meetings.planning.services import calendar_token_allowed

    tokens = list(CalendarToken.objects.select_for_update(of=("self",)).filter(user=user, revoked_at__isnull=True)
                  .select_related("organization"))
    if lost_rights_only:
        fresh = type(user)._default_manager.get(pk=user.pk)  # rights as they are now, one scope
        for t in tokens:
            t.user = fresh
    ids = [t.pk for t in tokens if not lost_rights_only or not calendar_token_allowed(t)]
    return CalendarToken.objects.filter(pk__in=ids).update(revoked_at=timezone.now())


# --- second factor --------------------------------------------------------------------------------

def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_committee_staff(user) -> bool:
    from chibo.orgs.models import Role

    return Role.objects.filter(user=user, kind__in=[Role.Kind.COMMITTEE_STAFF, Role.Kind.DESIGNATED]).exists()


def second_factor_required(user) -> bool:
    """Whether the administrators' policy requires a second factor of this user."""
    require_admins = getattr(user, "chibo_require_admins", None)
    require_staff = getattr(user, "chibo_require_staff", None)
    if require_admins is None or require_staff is None:
        policy = SecurityPolicy.current()
        require_admins, require_staff = policy.require_2fa_admins, policy.require_2fa_committee_staff
    if require_admins and (user.is_superuser or user.is_staff):
        return True
    return bool(require_staff) and is_committee_staff(user)


def pending_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def secret_base32(device: TOTPDevice) -> str:
    """The key as authenticator apps take it when typed in."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


@transaction.atomic
def totp_start(user) -> TOTPDevice:
    """A new, unconfirmed device with a fresh secret (replacing an unconfirmed one)."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError("Tài khoản đã bật xác thực hai lớp.")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def _verify(device: TOTPDevice, code: str) -> str | None:
    """None when the code is right, else the message. The device's failure count (throttling)
    is saved either way, so callers must not roll it back by raising inside their transaction."""
    code = (code or "").strip().replace(" ", "")
    allowed, _data = device.verify_is_allowed()
    if not allowed:
        return "Nhập sai quá nhiều lần. Xin chờ một lát rồi thử lại."
    if not device.verify_token(code):  # counts the failure (throttling) itself
        return "Mã xác thực không đúng hoặc đã hết hạn."
    return None


def totp_confirm(user, code: str) -> TOTPDevice:
    """Confirm the pending device with a code from the app: from now on logins ask for a code."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("-pk").first()
        if device is None:
            raise ValidationError("Chưa bắt đầu bật xác thực hai lớp.")
        error = _verify(device, code)
        if error is None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
    if error:
        raise ValidationError({"code": error})
    return device


def totp_verify(user, code: str) -> TOTPDevice:
    """The second step of a login: the code of the user's confirmed device."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise ValidationError("Tài khoản chưa bật xác thực hai lớp.")
        error = _verify(device, code)
    if error:
        raise ValidationError({"code": error})
    return device


def totp_remove(user, code: str) -> None:
    """Turn the second factor off (a current code proves the phone is at hand), unless the
    administrators require it of this user."""
    if second_factor_required(user):
        raise ValidationError("Quản trị viên yêu cầu tài khoản này dùng xác thực hai lớp; không thể tắt.")
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
        if device is None:
            raise ValidationError("Tài khoản chưa bật xác thực hai lớp.")
        error = _verify(device, code)
        if error is None:
            TOTPDevice.objects.filter(user=user).delete()
    if error:
        raise ValidationError({"code": error})
