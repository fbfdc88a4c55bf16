"""Writes of the preparation page for HD 42-HD/BTCTW (rules-v2.md §2): when the documents were
posted on the Sổ tay đảng viên điện tử, when the chi ủy agreed the content, when the superior
committee following the cell was notified, who scores the meeting; after the meeting, when its
results were posted (or that its content is secret, so they are not).

The dates are what happened: none may be after today; the three before the meeting may not be
after its date, and the results are posted on or after it (the database refuses the latter too).
A date that is in time or late is the rule engine's business (its findings), not refused here.
Each function is one transaction locking the meeting, and raises ValidationError naming the field."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.meetings import dates, quality
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.meetings.preparation.services import CANCELLED, FINALIZED
from chibo.meetings.recording import services_quality
from chibo.orgs.models import Member
from chibo.rules.services import effective_profile_for

#: The dates recorded before the meeting, with the field's label as the messages name it.
BEFORE_FIELDS: dict[str, str] = {
    "docs_posted_on": "Ngày đăng tài liệu lên Sổ tay đảng viên",
    "committee_prepared_on": "Ngày chi ủy thống nhất nội dung",
    "superior_notified_on": "Ngày thông báo cấp ủy cấp trên",
}
HELD = (MeetingStatus.HELD, MeetingStatus.FINALIZED)
#: A meeting the rule engine judges by HD 12-2018 (before 28/10/2025, or a profile pinning it) has
#: none of these steps.
NOT_HD42 = ("Sinh hoạt này được đánh giá theo Hướng dẫn 12-HD/BTCTW (2018): không có các bước chuẩn bị, "
            "đăng kết quả theo Hướng dẫn 42.")


def applies(meeting: Meeting) -> bool:
    """Whether the HD 42 steps apply to the meeting: the engine's rulebook for it (the cell's
    effective profile, then its date; `quality.judged_by_hd42`) is HD 42. Two queries."""
    return quality.judged_by_hd42(meeting, effective_profile_for(meeting.organization))


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)


@transaction.atomic
def meeting_hd42_prep_set(meeting: Meeting, *, docs_posted_on: date | None, committee_prepared_on: date | None,
                          superior_notified_on: date | None, scorer: Member | None,
                          on: date | None = None) -> Meeting:
    """The preparation dates and the scorer of a meeting not finalized nor cancelled. Each date is
    on or before the meeting's date and not after today (`on`); the scorer is on the cell's roll
    that day (chibo.meetings.recording.services_quality.quality_scorer_set)."""
    today = on or dates.today()
    locked = _locked(meeting)
    if not applies(locked):
        raise ValidationError(NOT_HD42, code="hd12")
    if locked.status == MeetingStatus.FINALIZED:
        raise ValidationError(FINALIZED, code="finalized")
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(CANCELLED, code="cancelled")
    values = {"docs_posted_on": docs_posted_on, "committee_prepared_on": committee_prepared_on,
              "superior_notified_on": superior_notified_on}
    errors = {}
    for field, value in values.items():
        if value is None:
            continue
        if value > locked.date:
            errors[field] = (f"{BEFORE_FIELDS[field]} ({value:%d/%m/%Y}) phải trước hoặc đúng ngày họp "
                             f"({locked.date:%d/%m/%Y}).")
        elif value > today:
            errors[field] = f"{BEFORE_FIELDS[field]} ({value:%d/%m/%Y}) chưa đến: không được sau hôm nay."
    if errors:
        raise ValidationError(errors)
    changed = [f for f, v in values.items() if getattr(locked, f) != v]
    for field in changed:
        setattr(locked, field, values[field])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    services_quality.quality_scorer_set(locked, scorer)
    return locked


@transaction.atomic
def meeting_results_posted_set(meeting: Meeting, *, results_posted_on: date | None, secret_content: bool,
                               on: date | None = None) -> Meeting:
    """After the meeting (held or finalized): the day its report, conclusion or resolution was
    posted, or that its content is secret (mật), in which case nothing is posted. The day is on
    or after the meeting's date and not after today."""
    today = on or dates.today()
    locked = _locked(meeting)
    if not applies(locked):
        raise ValidationError(NOT_HD42, code="hd12")
    if locked.status not in HELD:
        raise ValidationError("Cuộc họp chưa diễn ra (chưa ghi là đã họp): chưa thể ghi ngày đăng kết quả.",
                              code="not_held")
    if results_posted_on is not None:
        if secret_content:
            raise ValidationError({"results_posted_on": "Nội dung mật không được đăng: bỏ ngày đăng kết quả, hoặc "
                                                        "bỏ đánh dấu nội dung mật."})
        if results_posted_on < locked.date:
            raise ValidationError({"results_posted_on": f"Ngày đăng kết quả ({results_posted_on:%d/%m/%Y}) không "
                                                        f"được trước ngày họp ({locked.date:%d/%m/%Y})."})
        if results_posted_on > today:
            raise ValidationError({"results_posted_on": f"Ngày đăng kết quả ({results_posted_on:%d/%m/%Y}) chưa "
                                                        "đến: không được sau hôm nay."})
    values = {"results_posted_on": results_posted_on, "secret_content": bool(secret_content)}
    changed = [f for f, v in values.items() if getattr(locked, f) != v]
    for field in changed:
        setattr(locked, field, values[field])
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return locked
