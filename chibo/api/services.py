"""Writes for personal API tokens: create (the secret returned once, its SHA-256 stored), revoke,
revoke all of a user's (deactivation, a role removed or changed), and the lookup behind every
API request. Each write is one transaction; bad input raises ValidationError in Vietnamese."""

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chibo.api.models import ApiToken

PREFIX = "chibo_"
NAME_MAX = 80
TOKENS_MAX = 20  # active tokens per user
#: last_used_at is written at most this often per token (not on every request).
USE_GRANULARITY = timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(user, name: str) -> tuple[ApiToken, str]:
    """A new token of `user` named `name`: (the row, the secret). The secret is not stored: the
    caller shows it once."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Đặt tên cho khóa (ví dụ: tên hệ thống sẽ dùng khóa)."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Tên khóa dài quá {NAME_MAX} ký tự."})
    get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()  # one create at a time per user
    if ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).count() >= TOKENS_MAX:
        raise ValidationError({"name": f"Mỗi tài khoản có tối đa {TOKENS_MAX} khóa còn hiệu lực: "
                                       "thu hồi khóa không dùng nữa trước."})
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user_id=user.pk, name=name, prefix=secret[:12], secret_hash=secret_hash(secret))
    return token, secret


@transaction.atomic
def token_revoke(token: ApiToken) -> ApiToken:
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise ValidationError("Khóa này đã bị thu hồi.")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    return locked


def revoke_all(user_id: int) -> int:
    """Revoke every active token of the user (deactivated, or a role removed or changed): the
    tokens were issued under rights the user no longer has. Returns how many."""
    return ApiToken.objects.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=timezone.now())


def token_user(secret: str):
    """The active user behind an active token, or None. Notes the use (at most once a minute).
    One query, plus one write when the use is noted."""
    if not secret or not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = (ApiToken.objects.filter(secret_hash=secret_hash(secret), revoked_at__isnull=True)
             .select_related("user").first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USE_GRANULARITY:
        # A plain update: the use of a token is not a change to log.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
