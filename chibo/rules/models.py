"""Rule profiles: overrides of the rule parameters per organisation, inherited down the tree."""

from django.conf import settings
from django.db import models

from chibo.orgs.models import Organization


class RuleProfile(models.Model):
    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="rule_profile")
    values = models.JSONField(default=dict)

    class Meta:
        verbose_name = "bộ quy tắc"


class RuleProfileChange(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="profile_changes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    changed_at = models.DateTimeField(auto_now_add=True)
    key = models.CharField(max_length=64)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
