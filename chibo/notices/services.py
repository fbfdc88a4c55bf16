"""Writes of the deliveries. The notice service of the meetings app calls these inside its own
transaction; a view calls them through `chibo.formhelpers` (the printed copies) or directly on a
read (opening a meeting records that the member saw its notice)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chibo import vocabulary
from chibo.notices.models import NoticeDelivery


@transaction.atomic
def deliveries_record(meeting_id: int, member_ids: Iterable[int], channel: str, *,
                      at: datetime | None = None) -> int:
    """Record that the notice of `meeting_id` reached each member of `member_ids` by `channel`;
    a member already reached by that channel keeps the first time (two queries). Returns how many
    deliveries are new."""
    if channel not in vocabulary.NOTICE_CHANNELS:
        raise ValidationError("Cách gửi thông báo không hợp lệ.")
    ids = sorted(set(member_ids))
    if not ids:
        return 0
    at = at or timezone.now()
    known = set(NoticeDelivery.objects.filter(meeting_id=meeting_id, channel=channel, member_id__in=ids)
                .values_list("member_id", flat=True))
    new = [NoticeDelivery(meeting_id=meeting_id, member_id=i, channel=channel, sent_at=at) for i in ids if i not in known]
    NoticeDelivery.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def deliveries_opened(meeting_id: int, member_id: int | None, *, at: datetime | None = None) -> int:
    """The member opened the meeting or its notice in the application: every delivery of that
    notice to them not opened yet is now opened (one query; nothing when there is no delivery)."""
    if not member_id:
        return 0
    return NoticeDelivery.objects.filter(meeting_id=meeting_id, member_id=member_id, opened_at__isnull=True).update(
        opened_at=at or timezone.now())
