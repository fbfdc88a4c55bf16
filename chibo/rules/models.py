"""Rule profiles: overrides of the rule parameters per organisation, inherited down the tree."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from chibo.orgs.models import Organization


class RuleProfile(models.Model):
    organization = models.OneToOneField(Organization, verbose_name="tổ chức", on_delete=models.CASCADE,
                                        related_name="rule_profile")
    values = models.JSONField("giá trị", default=dict)

    class Meta:
        verbose_name = "bộ quy tắc"
        verbose_name_plural = "bộ quy tắc"

    def __str__(self):
        return f"Bộ quy tắc — {self.organization.name}"


class RuleProfileChange(models.Model):
    organization = models.ForeignKey(Organization, verbose_name="tổ chức", on_delete=models.CASCADE,
                                     related_name="profile_changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người sửa", null=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField("lúc", auto_now_add=True)
    key = models.CharField("tham số", max_length=64)
    old_value = models.JSONField("giá trị cũ", null=True)
    new_value = models.JSONField("giá trị mới", null=True)

    class Meta:
        verbose_name = "thay đổi bộ quy tắc"
        verbose_name_plural = "thay đổi bộ quy tắc"
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        when = timezone.localtime(self.changed_at).strftime("%d/%m/%Y %H:%M") if self.changed_at else ""
        return f"Bộ quy tắc — {self.organization.name} — {self.key} ({when})"
