"""Meetings and what their minutes record: attendance, guests, speeches, votes, tasks.

Rows added on the live recording page (guests, agenda items, speeches, votes, tasks) carry `key`, a
UUID the browser makes when the row is added (unique per meeting): two phones adding rows at once
each keep theirs, and a save sent twice finds the row it made. `version` (also on the meeting's
header and its attendance rows) is incremented by the recording services on every change; an edit
based on an older version of a value that has changed since is refused (chibo.meetings.recording)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from chibo import vocabulary
from chibo.orgs.models import Member, Organization

MeetingKind = models.TextChoices("MeetingKind", vocabulary.MEETING_KINDS.members(), module=__name__)
MeetingStatus = models.TextChoices("MeetingStatus", vocabulary.MEETING_STATUSES.members(), module=__name__)


class Meeting(models.Model):
    ident = models.CharField("mã cuộc họp", max_length=64, unique=True)
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField("loại", max_length=16, choices=MeetingKind.choices)
    status = models.CharField("trạng thái", max_length=12, choices=MeetingStatus.choices,
                              default=MeetingStatus.PLANNED)
    date = models.DateField("ngày")
    start = models.TimeField("bắt đầu", null=True, blank=True)
    end = models.TimeField("kết thúc", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=255, blank=True)
    chair = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    secretary = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    notice_sent_on = models.DateField("ngày gửi thông báo", null=True, blank=True)
    # HD 42-HD/BTCTW (rules-v2.md §2): the notice to the superior committee following the cell, the
    # documents posted on the Sổ tay đảng viên điện tử, the chi ủy agreeing the content, the results
    # posted after the meeting (not when the content is secret).
    superior_notified_on = models.DateField("ngày thông báo cấp ủy cấp trên", null=True, blank=True)
    docs_posted_on = models.DateField("ngày đăng tài liệu lên Sổ tay đảng viên", null=True, blank=True)
    committee_prepared_on = models.DateField("ngày chi ủy thống nhất nội dung", null=True, blank=True)
    results_posted_on = models.DateField("ngày đăng kết quả sinh hoạt", null=True, blank=True)
    secret_content = models.BooleanField("nội dung mật", default=False)
    topic = models.CharField("chuyên đề", max_length=500, blank=True)
    rescheduled_reason = models.CharField("lý do đổi ngày", max_length=500, blank=True)
    cancel_reason = models.CharField("lý do hủy", max_length=500, blank=True)
    conclusion = models.TextField("kết luận", blank=True)
    resolution_text = models.TextField("nội dung nghị quyết", blank=True)
    resolution_year = models.PositiveSmallIntegerField("năm của số nghị quyết", null=True, blank=True)
    resolution_number = models.PositiveIntegerField("số nghị quyết", null=True, blank=True)
    score_preparation = models.SmallIntegerField(null=True, blank=True)
    score_conduct = models.SmallIntegerField(null=True, blank=True)
    score_principles = models.SmallIntegerField(null=True, blank=True)
    finalized_at = models.DateTimeField(null=True, blank=True)
    finalized_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    # The official minutes as they stood when finalized (chibo.meetings.recording.snapshot): the documents
    # of a finalized meeting are printed from it, and only an amendment changes it.
    minutes_snapshot = models.JSONField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The header's version (chibo.meetings.recording.services.meeting_field_set).
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "cuộc họp"
        verbose_name_plural = "cuộc họp"
        ordering = ["date", "ident"]
        indexes = [models.Index(fields=["organization", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")),
                                   name="meeting_end_after_start"),
            models.UniqueConstraint(fields=["organization", "resolution_year", "resolution_number"],
                                    condition=Q(resolution_number__isnull=False), name="unique_resolution_number"),
            # The life cycle (chibo.meetings.lifecycle) and what its services rely on.
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_valid"),
            models.CheckConstraint(condition=Q(status=MeetingStatus.FINALIZED, finalized_at__isnull=False)
                                   | (~Q(status=MeetingStatus.FINALIZED) & Q(finalized_at__isnull=True)),
                                   name="meeting_finalized_iff_finalized_at"),
            models.CheckConstraint(condition=Q(resolution_number__isnull=True) | Q(status=MeetingStatus.FINALIZED),
                                   name="meeting_resolution_number_only_finalized"),
            models.CheckConstraint(condition=~Q(status=MeetingStatus.CANCELLED) | ~Q(cancel_reason=""),
                                   name="meeting_cancelled_has_reason"),
            # Results are posted after the meeting (rules-v2.md reading 21).
            models.CheckConstraint(condition=Q(results_posted_on__isnull=True) | Q(results_posted_on__gte=F("date")),
                                   name="meeting_results_posted_after_date"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"


class Guest(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField("họ tên", max_length=120)
    title = models.CharField("chức vụ", max_length=255, blank=True)
    organization = models.CharField("đơn vị", max_length=255, blank=True)
    key = models.UUIDField("mã dòng", default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "khách mời"
        verbose_name_plural = "khách mời"
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="one_guest_per_position"),
                       models.UniqueConstraint(fields=["meeting", "key"], name="one_guest_per_key")]

    def __str__(self):
        return self.name


AttendanceStatus = models.TextChoices("AttendanceStatus", vocabulary.ATTENDANCE_STATUSES.members(), module=__name__)


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="attendance")
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField("điểm danh", max_length=16, choices=AttendanceStatus.choices)
    reason = models.CharField("lý do", max_length=255, blank=True)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "điểm danh"
        verbose_name_plural = "điểm danh"
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_attendance_per_member")]

    def __str__(self):
        return f"{self.member} — {self.get_status_display()}"


class Speech(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="speeches")
    position = models.PositiveSmallIntegerField(default=0)
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="speeches")
    item = models.CharField("nội dung", max_length=255, blank=True)
    summary = models.TextField("tóm tắt ý kiến", blank=True)
    key = models.UUIDField("mã dòng", default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "phát biểu"
        verbose_name_plural = "phát biểu"
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="one_speech_per_position"),
                       models.UniqueConstraint(fields=["meeting", "key"], name="one_speech_per_key")]

    def __str__(self):
        return f"Phát biểu của {self.member}"


VoteKind = models.TextChoices("VoteKind", vocabulary.VOTE_KINDS.members(), module=__name__)
VoteMethod = models.TextChoices("VoteMethod", vocabulary.VOTE_METHODS.members(), module=__name__)


class Vote(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField("loại", max_length=16, choices=VoteKind.choices)
    subject = models.CharField("nội dung", max_length=500, blank=True)
    method = models.CharField("hình thức", max_length=16, choices=VoteMethod.choices)
    votes_for = models.PositiveIntegerField(vocabulary.BALLOT_CHOICES.in_sentence["for"], default=0)
    votes_against = models.PositiveIntegerField(vocabulary.BALLOT_CHOICES.in_sentence["against"], default=0)
    votes_abstain = models.PositiveIntegerField(vocabulary.BALLOT_CHOICES.in_sentence["abstain"], default=0)
    votes_invalid = models.PositiveIntegerField(vocabulary.BALLOT_CHOICES.in_sentence["invalid"], default=0)
    key = models.UUIDField("mã dòng", default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "biểu quyết"
        verbose_name_plural = "biểu quyết"
        ordering = ["meeting", "position"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="one_vote_per_position"),
            models.UniqueConstraint(fields=["meeting", "key"], name="one_vote_per_key"),
            models.CheckConstraint(condition=Q(method="secret_ballot") | Q(votes_invalid=0), name="invalid_only_secret"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}" if self.subject else self.get_kind_display()


class Task(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="tasks")
    position = models.PositiveSmallIntegerField(default=0)
    assignee = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    description = models.TextField("nhiệm vụ")
    due = models.DateField("hạn", null=True, blank=True)
    done_on = models.DateField("ngày hoàn thành", null=True, blank=True)
    done_note = models.TextField("ghi chú kết quả", blank=True)
    key = models.UUIDField("mã dòng", default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="one_task_per_position"),
                       models.UniqueConstraint(fields=["meeting", "key"], name="one_task_per_key")]

    def __str__(self):
        return self.description[:80]


class Amendment(models.Model):
    """A correction to finalized minutes: who, when, why, what changed."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="amendments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    author_name = models.CharField("người đính chính", max_length=150, blank=True)  # as it stood then
    created_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField("lý do")
    changes = models.JSONField(default=dict)

    class Meta:
        verbose_name = "đính chính biên bản"
        verbose_name_plural = "đính chính biên bản"
        ordering = ["meeting", "created_at"]

    def __str__(self):
        return f"Đính chính — {self.meeting}"


AgendaSection = models.TextChoices("AgendaSection", vocabulary.AGENDA_SECTIONS.members(), module=__name__)


class AgendaTemplate(models.Model):
    """The order of business a committee sets for its subtree (nearest template up the tree wins)."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="agenda_template")
    items = models.JSONField(default=list)  # [{"section": "opening", "title": "..."}]
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "chương trình mẫu"
        verbose_name_plural = "chương trình mẫu"

    def __str__(self):
        return f"Chương trình mẫu — {self.organization}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(default=0)
    section = models.CharField(max_length=8, choices=AgendaSection.choices, default=AgendaSection.BODY)
    title = models.CharField("nội dung", max_length=255)
    notes = models.TextField("ghi chú", blank=True)
    key = models.UUIDField("mã dòng", default=uuid.uuid4, editable=False)
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "nội dung chương trình họp"
        verbose_name_plural = "nội dung chương trình họp"
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="one_agenda_item_per_position"),
                       models.UniqueConstraint(fields=["meeting", "key"], name="one_agenda_item_per_key")]

    def __str__(self):
        return self.title


class ThematicPlan(models.Model):
    """A cell's annual plan of thematic meetings (topic and presenter per quarter), reported upward."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="thematic_plans")
    year = models.PositiveSmallIntegerField("năm")
    quarter = models.PositiveSmallIntegerField("quý")
    topic = models.CharField("chuyên đề", max_length=500)
    presenter = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    planned_date = models.DateField("ngày dự kiến", null=True, blank=True)
    reported_at = models.DateTimeField("ngày báo cáo cấp trên", null=True, blank=True)

    class Meta:
        verbose_name = "kế hoạch chuyên đề"
        verbose_name_plural = "kế hoạch chuyên đề"
        ordering = ["organization", "year", "quarter", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="plan_quarter_1_4"),
        ]

    def __str__(self):
        return f"Quý {self.quarter}/{self.year}: {self.topic}"


class ThematicPrep(models.Model):
    """Preparation of a thematic meeting: presenter, written presentation and its approval."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="thematic_prep")
    presenter = models.ForeignKey(Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    presentation = models.FileField("bài đề dẫn", upload_to="presentations/%Y/", blank=True)
    approved_at = models.DateTimeField("chi ủy duyệt lúc", null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "chuẩn bị chuyên đề"
        verbose_name_plural = "chuẩn bị chuyên đề"

    def __str__(self):
        return f"Chuẩn bị chuyên đề — {self.meeting}"


class Contribution(models.Model):
    """A member assigned to speak (tham luận) at a thematic meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")
    title = models.CharField("nội dung tham luận", max_length=255)

    class Meta:
        verbose_name = "tham luận"
        verbose_name_plural = "tham luận"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_contribution_per_member")]

    def __str__(self):
        return self.title


class MeetingDocument(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("tên tài liệu", max_length=255)
    file = models.FileField(upload_to="meeting-docs/%Y/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "tài liệu cuộc họp"
        verbose_name_plural = "tài liệu cuộc họp"

    def __str__(self):
        return self.title


class Notice(models.Model):
    """A meeting notice sent by e-mail to members and the superior's assigned committee member."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notices")
    sent_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recipients = models.JSONField(default=list)

    class Meta:
        verbose_name = "thông báo họp"
        verbose_name_plural = "thông báo họp"

    def __str__(self):
        return f"Thông báo — {self.meeting}"


class AbsenceNotice(models.Model):
    """A member's reason for not attending, sent ahead; pre-fills the roll as absent_excused."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="absence_notices")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="absence_notices")
    reason = models.CharField("lý do", max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "báo vắng"
        verbose_name_plural = "báo vắng"
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="one_absence_notice")]

    def __str__(self):
        return f"{self.member} báo vắng — {self.meeting}"


class ScoreConfirmation(models.Model):
    """Manual quality scores: proposed by the cell, adopted by the meeting, confirmed by the superior."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="score_confirmation")
    scored_at = models.DateTimeField(null=True, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    adopted_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        verbose_name = "xác nhận điểm đánh giá"
        verbose_name_plural = "xác nhận điểm đánh giá"

    def __str__(self):
        return f"Điểm đánh giá — {self.meeting}"


class BallotBox(models.Model):
    """An electronic secret ballot for one vote. Cast ballots carry no link to the voter."""

    State = models.TextChoices("State", vocabulary.BALLOT_BOX_STATES.members(), module=__name__)

    vote = models.OneToOneField(Vote, on_delete=models.CASCADE, related_name="ballot_box")
    state = models.CharField(max_length=8, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "hòm phiếu điện tử"
        verbose_name_plural = "hòm phiếu điện tử"

    def __str__(self):
        return f"Hòm phiếu — {self.vote}"


class BallotVoter(models.Model):
    """Who has voted (not how): one row per member and ballot box."""

    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "người đã bỏ phiếu"
        verbose_name_plural = "người đã bỏ phiếu"
        constraints = [models.UniqueConstraint(fields=["box", "member"], name="one_ballot_per_member")]

    def __str__(self):
        return f"{self.member} đã bỏ phiếu"


class Ballot(models.Model):
    """One anonymous ballot: the choice only. No voter, no timestamp, random primary key order."""

    Choice = models.TextChoices("Choice", vocabulary.BALLOT_CHOICES.members(), module=__name__)

    id = models.UUIDField(primary_key=True)
    box = models.ForeignKey(BallotBox, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = "lá phiếu"
        verbose_name_plural = "lá phiếu"

    def __str__(self):
        return "Lá phiếu"


class CalendarToken(models.Model):
    """Secret token for a cell's or a member's iCal feed, issued to one user. The feed answers only
    while the token is not revoked, its user is active and the user's current rights still cover
    what it feeds (managing the cell; being that member). Re-issuing gives a new secret."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens",
                             verbose_name="người tạo")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="calendar_tokens", verbose_name="chi bộ")
    member = models.ForeignKey(Member, null=True, blank=True, on_delete=models.CASCADE,
                               related_name="calendar_tokens", verbose_name="đảng viên")
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    revoked_at = models.DateTimeField("thu hồi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "địa chỉ lịch"
        verbose_name_plural = "địa chỉ lịch"
        constraints = [
            models.CheckConstraint(condition=Q(organization__isnull=True) ^ Q(member__isnull=True),
                                   name="calendar_token_one_owner"),
            models.UniqueConstraint(fields=["user", "organization"], condition=Q(organization__isnull=False),
                                    name="calendar_token_one_per_user_org"),
            models.UniqueConstraint(fields=["user", "member"], condition=Q(member__isnull=False),
                                    name="calendar_token_one_per_user_member"),
        ]

    def __str__(self):
        return f"Địa chỉ lịch của {self.user}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


QualityStatus = models.TextChoices("QualityStatus", vocabulary.QUALITY_STATUSES.members(), module=__name__)
Grade = models.TextChoices("Grade", vocabulary.GRADES.members(), module=__name__)


class QualityRecord(models.Model):
    """A meeting's quality record under HD 42 (rules-v2.md §5.3, bundle-v2.md `quality`): the member
    assigned to score it, the points of the cell's frame rubric's entered groups (`groups`: group id
    -> integer or null; the computed groups are the engine's), and how far it went: the chi ủy's
    self-score, adopted by the cell, the official grade decided by the superior committee."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="quality",
                                   verbose_name="cuộc họp")
    scorer = models.ForeignKey(Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="người theo dõi, chấm điểm")
    groups = models.JSONField("điểm các nhóm tiêu chí chấm", default=dict, blank=True)
    status = models.CharField("tình trạng", max_length=8, choices=QualityStatus.choices, default=QualityStatus.SELF)
    official_grade = models.CharField("xếp loại của cấp trên", max_length=12, choices=Grade.choices, blank=True)
    scored_at = models.DateTimeField("chấm lúc", null=True, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name="người chấm")
    adopted_at = models.DateTimeField("chi bộ thông qua lúc", null=True, blank=True)
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="người ghi thông qua")
    confirmed_at = models.DateTimeField("cấp trên quyết định lúc", null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="người quyết định xếp loại")
    # Incremented on every change of the groups (the recording page's autosave refuses a stale edit).
    version = models.PositiveIntegerField("phiên bản", default=1, editable=False)

    class Meta:
        verbose_name = "đánh giá chất lượng sinh hoạt"
        verbose_name_plural = "đánh giá chất lượng sinh hoạt"
        constraints = [
            models.CheckConstraint(condition=Q(status__in=QualityStatus.values), name="quality_status_valid"),
            models.CheckConstraint(condition=Q(official_grade="") | Q(official_grade__in=Grade.values),
                                   name="quality_official_grade_valid"),
            # rules-v2.md reading 35: the official grade is given exactly when the status is official.
            models.CheckConstraint(condition=(Q(status=QualityStatus.OFFICIAL) & ~Q(official_grade=""))
                                   | (~Q(status=QualityStatus.OFFICIAL) & Q(official_grade="")),
                                   name="quality_official_grade_iff_official"),
        ]

    def __str__(self):
        return f"Đánh giá chất lượng — {self.meeting}"
