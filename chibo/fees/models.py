"""The party fee ledger (rules-v2.md §8, Quy định 01-QĐ/TW; QĐ 342-QĐ/TW before 02/2026).

Close to the bundle's `fees` (docs/spec/bundle-v2.md): one `FeeRecord` per member and month
(`due`, `paid`, `paid_on`, `channel`) and the member's `Relief` decisions.

**Months** are stored as the first day of the month in a `DateField` (`month`, `from_month`,
`to_month`): ordered and compared by the database, ranges and indexes as for any date; the
bundle's `YYYY-MM` is `f"{month:%Y-%m}"` (`chibo.fees.calculator.month_key`). The services store
only first days (`calculator.first_day`); the database does not check the day (a check on the
day would need a date function SQLite only knows inside Django's connection).

A record carries no organisation: the cell a month belongs to is derived from the memberships
(rules-v2.md §8.1: the latest day of the month on a cell's roll; `calculator.cell_of_month`), so a
corrected transfer date moves the month with it, as the audit would.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from chibo import vocabulary
from chibo.orgs.models import Member, Organization

#: rules-v2.md reading 34: amounts are whole VND in 0..10^12 (every total fits in 64 bits).
MAX_AMOUNT = 10**12

Channel = models.TextChoices("Channel", vocabulary.FEE_CHANNELS.members(), module=__name__)
ReliefKind = models.TextChoices("ReliefKind", vocabulary.RELIEF_KINDS.members(), module=__name__)
ReliefBasis = models.TextChoices("ReliefBasis", vocabulary.RELIEF_BASES.members(), module=__name__)
Category = models.TextChoices("Category", vocabulary.FEE_CATEGORIES.members(), module=__name__)


def _amount(field: str) -> Q:
    return Q(**{f"{field}__gte": 0, f"{field}__lte": MAX_AMOUNT})


class FeeRecord(models.Model):
    """What a member owes for a month before any relief (`due`, as the cell approved it) and what
    they paid (rules-v2.md §8.1)."""

    member = models.ForeignKey(Member, verbose_name="đảng viên", on_delete=models.CASCADE,
                               related_name="fee_records")
    month = models.DateField("tháng (ngày đầu tháng)")
    category = models.CharField("đối tượng đóng đảng phí", max_length=16, choices=Category.choices, blank=True)
    base = models.BigIntegerField("thu nhập làm căn cứ (đồng)", null=True, blank=True)
    due = models.BigIntegerField("số phải đóng trước miễn, giảm (đồng)")
    paid = models.BigIntegerField("số đã nộp (đồng)", default=0)
    paid_on = models.DateField("ngày nộp", null=True, blank=True)
    channel = models.CharField("hình thức nộp", max_length=8, choices=Channel.choices, blank=True)
    collector = models.ForeignKey(Member, verbose_name="người thu", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="fees_collected")
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người ghi", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("lúc ghi", auto_now=True)

    class Meta:
        verbose_name = "đảng phí tháng"
        verbose_name_plural = "đảng phí tháng"
        ordering = ["month", "member__sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["member", "month"], name="fee_one_record_per_month"),
            models.CheckConstraint(condition=_amount("due"), name="fee_due_range"),
            models.CheckConstraint(condition=_amount("paid"), name="fee_paid_range"),
            models.CheckConstraint(condition=Q(base__isnull=True) | _amount("base"), name="fee_base_range"),
            models.CheckConstraint(condition=Q(channel__in=["", *vocabulary.FEE_CHANNELS.codes]),
                                   name="fee_channel_known"),
            # bundle-v2.md: `paid_on` or `channel` given when `paid` is 0 is bad input.
            models.CheckConstraint(condition=Q(paid__gt=0) | (Q(paid_on__isnull=True) & Q(channel="")),
                                   name="fee_payment_only_when_paid"),
        ]
        indexes = [models.Index(fields=["month", "member"])]

    def __str__(self):
        return f"{self.member.full_name} — {self.month:%m/%Y}"


class Relief(models.Model):
    """A decision exempting or reducing a member's fee over months `from_month`..`to_month`
    (inclusive; `to_month` empty: open-ended) (rules-v2.md §8.2, QĐ 01-QĐ/TW Điều 5).

    One member's reliefs never share a month: `services.relief_save` refuses it, and on PostgreSQL
    an exclusion constraint (migration 0002) refuses it too."""

    member = models.ForeignKey(Member, verbose_name="đảng viên", on_delete=models.CASCADE, related_name="reliefs")
    kind = models.CharField("miễn, giảm", max_length=12, choices=ReliefKind.choices)
    basis = models.CharField("căn cứ (Điều 5 QĐ 01)", max_length=4, choices=ReliefBasis.choices)
    from_month = models.DateField("từ tháng")
    to_month = models.DateField("đến tháng", null=True, blank=True)
    reason = models.CharField("lý do", max_length=255, blank=True)
    decided_by = models.ForeignKey(Organization, verbose_name="tổ chức quyết định", on_delete=models.PROTECT,
                                   related_name="fee_reliefs_decided")
    decision_number = models.CharField("số quyết định", max_length=40, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="người ghi", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("lúc ghi", auto_now_add=True)

    class Meta:
        verbose_name = "miễn, giảm đảng phí"
        verbose_name_plural = "miễn, giảm đảng phí"
        ordering = ["member", "from_month"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=vocabulary.RELIEF_KINDS.codes), name="relief_kind_known"),
            models.CheckConstraint(condition=Q(basis__in=vocabulary.RELIEF_BASES.codes), name="relief_basis_known"),
            # Điều 5.1 (by right) only exempts.
            models.CheckConstraint(condition=~Q(basis="5.1") | Q(kind="exempt"), name="relief_by_right_exempts"),
            models.CheckConstraint(condition=Q(to_month__isnull=True) | Q(to_month__gte=F("from_month")),
                                   name="relief_to_after_from"),
        ]
        indexes = [models.Index(fields=["member", "from_month"])]

    def __str__(self):
        end = f"{self.to_month:%m/%Y}" if self.to_month else "…"
        return f"{self.get_kind_display()} — {self.member.full_name}, {self.from_month:%m/%Y} – {end}"
