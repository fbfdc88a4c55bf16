"""Personal API tokens: a user creates them on the account page and the API acts with that user's
scope. Only the SHA-256 of the secret is stored (the secret is shown once, when it is created)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens",
                             verbose_name="người tạo")
    name = models.CharField("tên", max_length=80)
    prefix = models.CharField("đầu khóa", max_length=16)  # shown in lists, so a user tells tokens apart
    secret_hash = models.CharField("mã băm của khóa", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    last_used_at = models.DateTimeField("dùng lần cuối", null=True, blank=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        app_label = "api"
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="api_token_named"),
        ]

    def __str__(self) -> str:
        return f"Khóa API “{self.name}” ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
