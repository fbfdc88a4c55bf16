"""Reads of the deliveries, each in one query whatever the number of members."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from chibo.notices.models import NoticeChannel, NoticeDelivery


def unopened(member_id, on: date):
    """The notices the member got in the application and has not opened, of meetings still to
    come (dated `on` or later, not cancelled): what the top bar counts beside "Của tôi"
    (`chibo.reminders.context` counts it in the top bar's one query; `member_id` may be an
    OuterRef)."""
    return (NoticeDelivery.objects.filter(member_id=member_id, channel=NoticeChannel.APP, opened_at__isnull=True,
                                          meeting__date__gte=on)
            .exclude(meeting__status="cancelled"))


def unopened_count(member_id: int, on: date) -> int:
    return unopened(member_id, on).count()


def unopened_meeting_ids(member_id: int, meeting_ids: list[int]) -> set[int]:
    """Which of `meeting_ids` have a notice to the member not opened yet."""
    return set(NoticeDelivery.objects.filter(member_id=member_id, meeting_id__in=meeting_ids, opened_at__isnull=True)
               .values_list("meeting_id", flat=True))


def deliveries_by_member(meeting_id: int) -> dict[int, dict]:
    """{member id: {"channels": {channel: sent_at}, "opened_at": the first opening or None}}."""
    out: dict[int, dict] = defaultdict(lambda: {"channels": {}, "opened_at": None})
    for member_id, channel, sent_at, opened_at in (NoticeDelivery.objects.filter(meeting_id=meeting_id)
                                                   .values_list("member_id", "channel", "sent_at", "opened_at")):
        row = out[member_id]
        row["channels"][channel] = sent_at
        if opened_at and (row["opened_at"] is None or opened_at < row["opened_at"]):
            row["opened_at"] = opened_at
    return dict(out)
