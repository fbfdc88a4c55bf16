"""What the daily reminders sent (issue 9 items 4 and 5) and what each person turned off.

`Notification` is both the sent-log of the reminders and the person's notifications in the
application: one row per person and reminder key (a unique constraint), written by the run that
sends it, so a second run of the same day (or a retry) finds it and sends nothing twice; the top
bar counts the rows not read yet. `ReminderPreference` keeps a kind a person turned off (no row:
on)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from chibo import vocabulary

ReminderKind = models.TextChoices("ReminderKind", vocabulary.REMINDER_KINDS.members(), module=__name__)


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name="người nhận")
    kind = models.CharField("loại nhắc việc", max_length=16, choices=ReminderKind.choices)
    #: What the reminder is about and, for what stays late, the week: `notice-late:C1-2025-03:2025-W10`.
    key = models.CharField("mã nhắc việc", max_length=200)
    day = models.DateField("ngày nhắc")
    text = models.TextField("nội dung")
    url = models.CharField("đường dẫn", max_length=300, blank=True)
    emailed_to = models.CharField("đã gửi e-mail tới", max_length=254, blank=True)  # "": not e-mailed
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    read_at = models.DateTimeField("đã xem lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo nhắc việc"
        verbose_name_plural = "thông báo nhắc việc"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_sent_once"),
            models.CheckConstraint(condition=Q(kind__in=vocabulary.REMINDER_KINDS.codes), name="reminder_kind_known"),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_user_unread"),
                   models.Index(fields=["user", "-day", "-id"], name="reminder_user_list")]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} — {self.text[:80]}"


class ReminderPreference(models.Model):
    """A kind of reminder a person turned on or off on their account page (no row: on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preferences",
                             verbose_name="tài khoản")
    kind = models.CharField("loại nhắc việc", max_length=16, choices=ReminderKind.choices)
    enabled = models.BooleanField("nhận nhắc việc", default=True)

    class Meta:
        verbose_name = "tùy chọn nhắc việc"
        verbose_name_plural = "tùy chọn nhắc việc"
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="reminder_one_preference_per_kind"),
            models.CheckConstraint(condition=Q(kind__in=vocabulary.REMINDER_KINDS.codes),
                                   name="reminder_preference_kind_known"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {'bật' if self.enabled else 'tắt'}"
