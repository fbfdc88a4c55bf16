"""The superior committees' work on their cells: visits to cell meetings, and the monthly
orientation of the cells' meetings and which cells took it up."""

from django.conf import settings
from django.db import models
from django.db.models import Q

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


class Orientation(models.Model):
    """A committee's orientation of its cells' meetings for one month (định hướng nội dung sinh
    hoạt chi bộ): the topics and documents every cell below should take up. Published by the
    committee's staff (`chibo.supervision.services.orientation_publish`); a cell takes it up by
    adding it to a meeting's agenda (`OrientationUptake`)."""

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="orientations",
                                     verbose_name="cấp ủy ban hành")
    year = models.PositiveSmallIntegerField("năm")
    month = models.PositiveSmallIntegerField("tháng")
    title = models.CharField("chủ đề", max_length=255)
    content = models.TextField("nội dung định hướng", blank=True)
    documents = models.TextField("tài liệu nghiên cứu", blank=True)  # one per line
    published_at = models.DateTimeField("ban hành lúc", auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="người ban hành")

    class Meta:
        verbose_name = "định hướng sinh hoạt chi bộ"
        ordering = ["organization", "-year", "-month", "id"]
        indexes = [models.Index(fields=["organization", "year", "month"])]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="orientation_month_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="orientation_has_title"),
        ]

    def __str__(self):
        return f"{self.title} ({self.month:02d}/{self.year})"

    @property
    def document_lines(self) -> list[str]:
        return [line.strip() for line in self.documents.splitlines() if line.strip()]


class OrientationUptake(models.Model):
    """A cell took an orientation up: it is an item of that meeting's agenda. One per cell."""

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="uptakes")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="chi bộ")
    # A string reference: supervision imports nothing of meetings (docs/architecture.md, rule 3).
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+",
                                verbose_name="cuộc họp")
    taken_at = models.DateTimeField("đưa vào chương trình lúc", auto_now_add=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="người thực hiện")

    class Meta:
        verbose_name = "chi bộ tiếp thu định hướng"
        constraints = [models.UniqueConstraint(fields=["orientation", "organization"],
                                               name="one_uptake_per_cell")]
