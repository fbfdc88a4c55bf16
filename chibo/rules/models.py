"""Rule profiles: overrides of the rule parameters per organisation, inherited down the tree."""

from django.conf import settings
from django.core.validators import RegexValidator
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


class ScoringSheet(models.Model):
    """A committee's own frame rubric (rules-v2.md §5.1; bundle-v2.md `rubrics`): the sheet its
    subtree's meetings judged by HD 42 are scored by once its rule profile's `rubric` names `code`.
    `data` holds the rubric's `groups`, `bands` and `tot_requires_max` (`name` and `source` are the
    fields), checked by the rule engine's `rubric_errors` in the service that saves it."""

    organization = models.ForeignKey(Organization, verbose_name="tổ chức", on_delete=models.CASCADE,
                                     related_name="scoring_sheets")
    code = models.CharField("mã phiếu", max_length=64, unique=True, validators=[RegexValidator(
        r"^[a-z0-9][a-z0-9-]{0,63}$", "Mã phiếu gồm chữ thường không dấu, chữ số và dấu gạch ngang.")])
    name = models.CharField("tên phiếu", max_length=255)
    source = models.CharField("căn cứ", max_length=500, blank=True)
    data = models.JSONField("nội dung phiếu", default=dict)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người tạo", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("sửa lúc", auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người sửa", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "phiếu chấm điểm sinh hoạt chi bộ"
        verbose_name_plural = "phiếu chấm điểm sinh hoạt chi bộ"
        ordering = ["organization", "code"]
        constraints = [
            # The built-in rubrics cannot be redefined (rules-v2.md §5.2); a code is never empty.
            models.CheckConstraint(condition=~models.Q(code__in=("hd12-default", "hd42-frame")) & ~models.Q(code=""),
                                   name="scoring_sheet_code_not_builtin"),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def rubric(self) -> dict:
        """The sheet as the rule engine reads a frame rubric."""
        return {"name": self.name, "source": self.source, **self.data}
