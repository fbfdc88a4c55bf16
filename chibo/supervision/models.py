"""The superior committees' work on their cells: visits to cell meetings and their plan, the
monthly orientation of the cells' meetings and which cells took it up, and the recommendations
the cells send upward with their answers.

Meetings, speeches and agenda items are named by their model label (`"meetings.Meeting"`): this
app ranks below meetings and imports none of its code (docs/architecture.md, rule 3)."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from chibo import vocabulary
from chibo.orgs.models import Member, Organization

RecommendationStatus = models.TextChoices("RecommendationStatus", vocabulary.RECOMMENDATION_STATUSES.members(),
                                          module=__name__)
RecommendationTopic = models.TextChoices("RecommendationTopic", vocabulary.RECOMMENDATION_TOPICS.members(),
                                         module=__name__)


class VisitPlan(models.Model):
    """A committee plans that one of its members attends a cell's meeting in a half-year (kế
    hoạch dự sinh hoạt chi bộ): the cell, the member and, once known, the meeting. A plan is not a
    visit: only a recorded `Visit` counts for the rule engine."""

    committee = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="visit_plans",
                                  verbose_name="cấp ủy")
    cell = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="chi bộ")
    assignee = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="visit_plans",
                                 verbose_name="người được phân công")
    year = models.PositiveSmallIntegerField("năm")
    half = models.PositiveSmallIntegerField("6 tháng (1: đầu năm, 2: cuối năm)")
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="cuộc họp dự kiến dự")
    note = models.CharField("ghi chú", max_length=255, blank=True)
    created_at = models.DateTimeField("phân công lúc", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="người phân công")

    class Meta:
        verbose_name = "kế hoạch dự sinh hoạt"
        verbose_name_plural = "kế hoạch dự sinh hoạt"
        ordering = ["committee", "year", "half", "cell", "id"]
        indexes = [models.Index(fields=["committee", "year", "half"]), models.Index(fields=["assignee", "year"])]
        constraints = [
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="visit_plan_half_valid"),
            models.CheckConstraint(condition=~Q(cell=F("committee")), name="visit_plan_cell_not_committee"),
            models.UniqueConstraint(fields=["cell", "assignee", "meeting"], condition=Q(meeting__isnull=False),
                                    name="visit_plan_one_per_meeting"),
            models.UniqueConstraint(fields=["committee", "cell", "assignee", "year", "half"],
                                    condition=Q(meeting__isnull=True), name="visit_plan_one_open_per_half"),
        ]

    def __str__(self):
        return f"{self.assignee.full_name} dự sinh hoạt {self.cell.name} (6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year})"


class Visit(models.Model):
    """A superior committee's member attended a cell's meeting (dự sinh hoạt): the one record the
    rule engine counts (NO_SUPERIOR_VISIT, `chibo.meetings.facts.visit_query`). Recorded on the
    meeting (`meeting`, `member`, `committee_org`), it is printed among the minutes' guests; an
    imported visit (a bundle's `visits`) has only the cell, the date and the names."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="visits",
                                     verbose_name="chi bộ")
    date = models.DateField("ngày dự")
    visitor = models.CharField("người dự", max_length=120, blank=True)
    committee = models.CharField("cấp ủy", max_length=120, blank=True)
    remarks = models.TextField("nhận xét", blank=True)
    guidance = models.TextField("ý kiến chỉ đạo", blank=True)
    meeting = models.ForeignKey("meetings.Meeting", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="superior_visits", verbose_name="cuộc họp")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="visits_made",
                               verbose_name="đảng viên dự")
    committee_org = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="cấp ủy cử đi")
    plan = models.OneToOneField(VisitPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="visit",
                                verbose_name="theo kế hoạch")
    recorded_at = models.DateTimeField("ghi nhận lúc", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="người ghi nhận")

    class Meta:
        verbose_name = "dự sinh hoạt"
        verbose_name_plural = "lượt dự sinh hoạt"
        ordering = ["organization", "date", "id"]
        indexes = [models.Index(fields=["organization", "date"]), models.Index(fields=["member", "date"])]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"],
                                    condition=Q(meeting__isnull=False, member__isnull=False),
                                    name="visit_one_per_member_and_meeting"),
        ]

    def __str__(self):
        who = self.visitor or "Cấp ủy cấp trên"
        return f"{who} dự sinh hoạt {self.organization.name} ngày {self.date:%d/%m/%Y}"


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
        verbose_name_plural = "định hướng sinh hoạt chi bộ"
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

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="uptakes",
                                    verbose_name="định hướng")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+", verbose_name="chi bộ")
    # A string reference: supervision imports nothing of meetings (docs/architecture.md, rule 3).
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+",
                                verbose_name="cuộc họp")
    taken_at = models.DateTimeField("đưa vào chương trình lúc", auto_now_add=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="người thực hiện")

    class Meta:
        verbose_name = "chi bộ tiếp thu định hướng"
        verbose_name_plural = "chi bộ tiếp thu định hướng"
        constraints = [models.UniqueConstraint(fields=["orientation", "organization"],
                                               name="one_uptake_per_cell")]

    def __str__(self):
        return f"{self.organization.name} tiếp thu “{self.orientation.title}”"


class Recommendation(models.Model):
    """A recommendation a cell sends upward from a meeting (kiến nghị, đề xuất với cấp ủy cấp
    trên): marked on a speech or an agenda item of the minutes, addressed to `committee` (the
    cell's parent, or higher once forwarded), answered there. Each move is a
    `RecommendationStep` (who, when); `due_on` is the day the answer is due."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="recommendations",
                                     verbose_name="chi bộ")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="recommendations",
                                verbose_name="cuộc họp")
    speech = models.ForeignKey("meetings.Speech", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name="ý kiến phát biểu")
    agenda_item = models.ForeignKey("meetings.AgendaItem", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="nội dung chương trình")
    committee = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="recommendations_received",
                                  verbose_name="cấp ủy nhận")
    forwarded_from = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="cấp ủy đã chuyển lên")
    topic = models.CharField("lĩnh vực", max_length=16, choices=RecommendationTopic.choices)
    text = models.TextField("nội dung kiến nghị")
    status = models.CharField("tình trạng", max_length=12, choices=RecommendationStatus.choices,
                              default=RecommendationStatus.RECEIVED)
    sent_at = models.DateTimeField("gửi lúc")
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name="người gửi")
    due_on = models.DateField("hạn trả lời")
    answer = models.TextField("nội dung trả lời", blank=True)
    answered_at = models.DateTimeField("trả lời lúc", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="người trả lời")

    class Meta:
        verbose_name = "kiến nghị, đề xuất của chi bộ"
        verbose_name_plural = "kiến nghị, đề xuất của chi bộ"
        ordering = ["committee", "due_on", "id"]
        indexes = [models.Index(fields=["committee", "status", "due_on"]), models.Index(fields=["organization", "meeting"])]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="recommendation_has_text"),
            models.CheckConstraint(condition=Q(speech__isnull=True) | Q(agenda_item__isnull=True),
                                   name="recommendation_one_source"),
            models.CheckConstraint(condition=(Q(status="answered") & ~Q(answer="") & Q(answered_at__isnull=False))
                                   | (~Q(status="answered") & Q(answer="")),
                                   name="recommendation_answer_iff_answered"),
            models.CheckConstraint(condition=~Q(committee=F("organization")), name="recommendation_goes_up"),
            models.UniqueConstraint(fields=["speech"], condition=Q(speech__isnull=False),
                                    name="recommendation_one_per_speech"),
            models.UniqueConstraint(fields=["agenda_item"], condition=Q(agenda_item__isnull=False),
                                    name="recommendation_one_per_agenda_item"),
        ]

    def __str__(self):
        return f"Kiến nghị của {self.organization.name} gửi {self.committee.name} (số {self.pk})"


class RecommendationStep(models.Model):
    """One move of a recommendation: who, when, at which committee, to which status (the first
    is the cell sending it, status received), with a note (the answer, why it was forwarded)."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="steps",
                                       verbose_name="kiến nghị")
    status = models.CharField("chuyển sang", max_length=12, choices=RecommendationStatus.choices)
    committee = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="tại cấp ủy")
    note = models.TextField("ghi chú", blank=True)
    at = models.DateTimeField("lúc", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name="người thực hiện")

    class Meta:
        verbose_name = "bước xử lý kiến nghị"
        verbose_name_plural = "các bước xử lý kiến nghị"
        ordering = ["recommendation", "at", "id"]

    def __str__(self):
        return f"{self.get_status_display()} — {self.committee.name}"
