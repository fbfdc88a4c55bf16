"""Superior committees attending cell meetings."""

from django.db import models

from chibo.orgs.models import Organization


class Visit(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="visits")
    date = models.DateField("ngày dự")
    visitor = models.CharField("người dự", max_length=120, blank=True)
    committee = models.CharField("cấp ủy", max_length=120, blank=True)
    remarks = models.TextField("ý kiến chỉ đạo", blank=True)

    class Meta:
        verbose_name = "dự sinh hoạt"
        ordering = ["organization", "date", "id"]
        indexes = [models.Index(fields=["organization", "date"])]
