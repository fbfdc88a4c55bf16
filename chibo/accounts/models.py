"""Account security: the administrators' policy for the second factor, and a per-user session epoch.

The session epoch ends every session of a user at once: the login stores the user's epoch in the
session, and the account middleware logs out a session whose epoch is no longer the user's
(after the user was deactivated or lost a role). Django keeps no index of sessions by user, so
this is cheaper and exact where walking the session table is neither.
"""

from django.conf import settings
from django.db import models


class SecurityPolicy(models.Model):
    """One row (pk 1), edited in /quan-tri/: who must use the second factor (TOTP)."""

    require_2fa_committee_staff = models.BooleanField(
        "bắt buộc xác thực hai lớp với cán bộ cấp ủy", default=False,
        help_text="Người có vai trò cán bộ cấp ủy (giám sát hoặc được phân công ghi biên bản).")
    require_2fa_admins = models.BooleanField(
        "bắt buộc xác thực hai lớp với quản trị viên", default=False)

    class Meta:
        verbose_name = "chính sách bảo mật"
        verbose_name_plural = "chính sách bảo mật"

    def __str__(self):
        return "Chính sách bảo mật"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "SecurityPolicy":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


class AccountState(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="tài khoản", on_delete=models.CASCADE,
                                related_name="account_state")
    session_epoch = models.PositiveIntegerField("lượt phiên đăng nhập", default=0)
    # A password someone else chose (a login created from a member's page, a password set by an
    # administrator): the account middleware sends the user to change it before anything else.
    must_change_password = models.BooleanField(
        "phải đổi mật khẩu", default=False,
        help_text="Mật khẩu do người khác đặt: người dùng phải đổi mật khẩu khi đăng nhập.")

    class Meta:
        verbose_name = "trạng thái tài khoản"
        verbose_name_plural = "trạng thái tài khoản"

    def __str__(self):
        return f"Trạng thái tài khoản {self.user.get_username()}"
