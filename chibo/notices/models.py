from django.db import models
from django.utils import timezone

from chibo import vocabulary

NoticeChannel = models.TextChoices("NoticeChannel", vocabulary.NOTICE_CHANNELS.members(), module=__name__)


class NoticeDelivery(models.Model):
    """One meeting's notice reaching one member by one channel: sent (or handed over) at
    `sent_at`, opened in the application at `opened_at` (None: not yet). Sending the notice
    again keeps the first `sent_at`; opening is recorded once."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="deliveries",
                                verbose_name="cuộc họp")
    member = models.ForeignKey("orgs.Member", on_delete=models.CASCADE, related_name="notice_deliveries",
                               verbose_name="đảng viên")
    channel = models.CharField("cách nhận", max_length=8, choices=NoticeChannel.choices)
    sent_at = models.DateTimeField("gửi lúc")
    opened_at = models.DateTimeField("đã xem lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thông báo họp đến đảng viên"
        verbose_name_plural = "thông báo họp đến đảng viên"
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member", "channel"], name="one_delivery_per_channel"),
            models.CheckConstraint(condition=models.Q(channel__in=vocabulary.NOTICE_CHANNELS.codes),
                                   name="notice_channel_known"),
            models.CheckConstraint(condition=models.Q(opened_at__isnull=True) | models.Q(opened_at__gte=models.F("sent_at")),
                                   name="notice_opened_after_sent"),
        ]
        indexes = [models.Index(fields=["member", "opened_at"], name="notice_member_opened")]

    def __str__(self) -> str:
        opened = f"đã xem {timezone.localtime(self.opened_at):%d/%m/%Y %H:%M}" if self.opened_at else "chưa xem"
        return (f"Thông báo họp ngày {self.meeting.date:%d/%m/%Y} đến {self.member.full_name} — "
                f"{self.get_channel_display()} — {opened}")
