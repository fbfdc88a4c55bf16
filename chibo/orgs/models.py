"""Organisation tree, members, memberships over time, exempt/away periods and positions.

The tree keeps a materialized path of fixed-width hexadecimal id segments, so a
subtree is one indexed range query (`path >= P AND path < P + 'g'`) on SQLite
and PostgreSQL alike, whatever the database collation (only [0-9a-f] occur).
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from chibo import vocabulary
from chibo.orgs import vntext
from chibo.orgs.codes import CODE_MESSAGE, CODE_PATTERN  # noqa: F401  (re-exported)

SEGMENT = 8  # hex digits per tree level: ids up to 4 billion

#: Codes of organisations and members appear in URLs, file names and bundles: letters, digits,
#: "-", "_" and "." only (no "/", no spaces), starting with a letter or a digit. The pattern and
#: message live in chibo.orgs.codes (pure Python, shared with the Excel and bundle importers).
code_validator = RegexValidator(CODE_PATTERN, CODE_MESSAGE, code="code_alphabet")


OrgKind = models.TextChoices("OrgKind", vocabulary.ORG_KINDS.members(), module=__name__)


CELL_KINDS = tuple(OrgKind(c) for c in vocabulary.ORG_KINDS.codes if c in vocabulary.CELL_KINDS)


class Organization(models.Model):
    code = models.CharField("mã", max_length=64, unique=True, validators=[code_validator])
    name = models.CharField("tên", max_length=255)
    kind = models.CharField("loại", max_length=32, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name="cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("đường dẫn trong cây", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("cấp trong cây", default=0, editable=False)
    established_on = models.DateField("ngày thành lập", null=True, blank=True)
    locality = models.CharField("địa danh (ghi trên văn bản)", max_length=120, blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    #: Days this committee gives itself to answer a recommendation its cells send up (issue 9; the
    #: rule profile page sets it); empty: inherited from above, else
    #: ``RECOMMENDATION_ANSWER_DAYS``. Chibo's own setting, not a rule of the audit: kept out of the
    #: rule profile's ``values``, which are the bundle's ``profiles`` byte for byte.
    recommendation_answer_days = models.PositiveSmallIntegerField(
        "số ngày trả lời kiến nghị", null=True, blank=True)

    class Meta:
        verbose_name = "tổ chức đảng"
        verbose_name_plural = "tổ chức đảng"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recommendation_answer_days__isnull=True)
                | Q(recommendation_answer_days__gte=1, recommendation_answer_days__lte=365),
                name="org_recommendation_answer_days_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_cell(self) -> bool:
        return self.kind in CELL_KINDS

    def subtree_q(self, prefix: str = "") -> Q:
        """Q selecting this organisation and its descendants through `<prefix>path`."""
        return Q(**{f"{prefix}path__gte": self.path, f"{prefix}path__lt": self.path + "g"})

    def ancestors(self):
        ids = [int(self.path[i : i + SEGMENT], 16) for i in range(0, len(self.path) - SEGMENT, SEGMENT)]
        by_id = {o.id: o for o in Organization.objects.filter(id__in=ids)}
        return [by_id[i] for i in ids if i in by_id]

    def ancestor_ids(self) -> list[int]:
        return [int(self.path[i : i + SEGMENT], 16) for i in range(0, len(self.path), SEGMENT)]


def _span(start, end) -> str:
    """"từ 01/01/2020" or "01/01/2020 – 31/12/2024": a period as the admin's titles show it."""
    if end is None:
        return f"từ {start:%d/%m/%Y}"
    return f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"


def segment(pk: int) -> str:
    return format(pk, f"0{SEGMENT}x")


class Member(models.Model):
    Gender = models.TextChoices("Gender", vocabulary.GENDERS.members(), module=__name__)

    code = models.CharField("mã đảng viên", max_length=32, unique=True, validators=[code_validator])
    full_name = models.CharField("họ và tên", max_length=120)
    sort_key = models.CharField(max_length=400, db_index=True, editable=False, default="")
    search_name = models.CharField(max_length=120, db_index=True, editable=False, default="")
    gender = models.CharField("giới tính", max_length=3, choices=Gender.choices, blank=True)
    birth_date = models.DateField("ngày sinh", null=True, blank=True)
    joined_on = models.DateField("ngày vào Đảng", null=True, blank=True)
    official_on = models.DateField("ngày chính thức", null=True, blank=True)
    phone = models.CharField("số điện thoại", max_length=20, blank=True)
    email = models.EmailField("email", blank=True)
    address = models.CharField("địa chỉ", max_length=255, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="tài khoản đăng nhập", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="member"
    )

    class Meta:
        verbose_name = "đảng viên"
        verbose_name_plural = "đảng viên"
        ordering = ["sort_key", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(official_on__isnull=True) | Q(joined_on__isnull=True) | Q(official_on__gte=F("joined_on")),
                name="member_official_after_joined",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.refresh_name_keys()
        super().save(*args, **kwargs)

    def refresh_name_keys(self):
        self.sort_key = vntext.sort_key(self.full_name)
        self.search_name = vntext.fold(self.full_name)

    def is_official_on(self, day) -> bool:
        return self.official_on is not None and self.official_on <= day


class PeriodQuerySet(models.QuerySet):
    def on(self, day):
        return self.filter(Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gte=day)))


class Membership(models.Model):
    """A member's membership of a cell over time; a transfer closes one and opens the next."""

    member = models.ForeignKey(Member, verbose_name="đảng viên", on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, verbose_name="chi bộ", on_delete=models.PROTECT,
                                     related_name="memberships")
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "sinh hoạt tại chi bộ"
        verbose_name_plural = "sinh hoạt tại chi bộ"
        ordering = ["start"]
        indexes = [models.Index(fields=["organization", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="membership_end_after_start"),
            models.UniqueConstraint(fields=["member"], condition=Q(end__isnull=True), name="one_open_membership"),
        ]

    def __str__(self):
        return f"{self.member.full_name} — {self.organization.name}, {_span(self.start, self.end)}"


class MemberPeriod(models.Model):
    Kind = models.TextChoices("Kind", vocabulary.EXEMPTION_KINDS.members(), module=__name__)

    member = models.ForeignKey(Member, verbose_name="đảng viên", on_delete=models.CASCADE, related_name="periods")
    kind = models.CharField("loại", max_length=8, choices=Kind.choices)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "thời gian miễn / vắng"
        verbose_name_plural = "thời gian miễn / vắng"
        ordering = ["kind", "start"]
        indexes = [models.Index(fields=["member", "kind", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="period_end_after_start"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.member.full_name}, {_span(self.start, self.end)}"


class Position(models.Model):
    Title = models.TextChoices("Title", vocabulary.POSITION_TITLES.members(), module=__name__)

    member = models.ForeignKey(Member, verbose_name="đảng viên", on_delete=models.CASCADE, related_name="positions")
    organization = models.ForeignKey(Organization, verbose_name="tổ chức", on_delete=models.CASCADE,
                                     related_name="positions")
    title = models.CharField("chức vụ", max_length=16, choices=Title.choices)
    start = models.DateField("từ ngày")
    end = models.DateField("đến ngày", null=True, blank=True)

    objects = PeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "chức vụ"
        verbose_name_plural = "chức vụ"
        ordering = ["organization", "title", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="position_end_after_start"),
        ]

    def __str__(self):
        return f"{self.get_title_display()} — {self.organization.name} — {self.member.full_name}"


class Role(models.Model):
    """What a login may do in an organisation's subtree (administrators are superusers)."""

    Kind = models.TextChoices("Kind", vocabulary.ROLE_KINDS.members(), module=__name__)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="tài khoản", on_delete=models.CASCADE,
                             related_name="roles")
    organization = models.ForeignKey(Organization, verbose_name="tổ chức", on_delete=models.CASCADE,
                                     related_name="roles")
    kind = models.CharField("vai trò", max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = "vai trò"
        verbose_name_plural = "vai trò"
        constraints = [models.UniqueConstraint(fields=["user", "organization", "kind"], name="unique_role")]

    def __str__(self):
        """E.g. "Bí thư / thư ký chi bộ — Chi bộ thôn Đông — bithu1"."""
        return f"{self.get_kind_display()} — {self.organization.name} — {self.user.get_username()}"
