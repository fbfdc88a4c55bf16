"""Writes to a meeting's quality record under HD 42 (rules-v2.md §5.3; `QualityRecord`).

The flow, and who does what (docs/permissions.md):

1. **Scorer** (`quality_scorer_set`, from the preparation page): the cell assigns a member on the
   cell's roll that day to follow and score the meeting (reading 36).
2. **Self-score** (`quality_group_set`, the recording page's closing step, autosaved one group at a
   time): the points of the cell's frame rubric's *entered* groups (the computed groups are the
   rule engine's, never stored). Status `self`.
3. **Adoption** (`quality_adopt`): the secretary records, after the meeting has voted on it, that
   the cell adopted the self-score. Chibo's design: an explicit action of whoever records the
   meeting, allowed once the meeting is held and every entered group is scored; the vote itself is
   in the minutes like any other. A later change of a group withdraws the adoption (back to
   `self`), as for the HD 12 manual scores.
4. **Official grade** (`quality_confirm_official`): committee staff strictly above the cell (the
   view asks `Right.SUPERIOR`) decide the official grade, never whoever scored or adopted it
   (separation of duties, as `meeting_scores_confirm`). Status `official`; nothing changes after.

Each function is one transaction locking the meeting row, and raises ValidationError with a
Vietnamese message (on the field it names where there is one)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chibo import vocabulary
from chibo.meetings.models import Meeting, MeetingStatus, QualityRecord, QualityStatus
from chibo.meetings.recording.services import CANCELLED_MESSAGE, FINALIZED_MESSAGE, Conflict, _require_on_roll
from chibo.orgs.models import Member
from chibo.rules.selectors import frame_rubric_for

OFFICIAL_MESSAGE = "Cấp ủy cấp trên đã quyết định xếp loại buổi sinh hoạt này; không thể sửa."
SCORED_IN_MINUTES = ("Biên bản đã hoàn tất và bị khóa: điểm tự chấm đã in trong biên bản và nghị quyết, không sửa "
                     "được nữa.")
HELD = (MeetingStatus.HELD, MeetingStatus.FINALIZED)


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)


def _record(meeting: Meeting, *, create: bool) -> QualityRecord | None:
    if create:
        record, record.created_now = QualityRecord.objects.select_for_update().get_or_create(meeting=meeting)
        return record
    return QualityRecord.objects.select_for_update().filter(meeting=meeting).first()


def entered_groups(meeting: Meeting) -> list[dict]:
    """The entered groups of the meeting's cell's frame rubric, in the rubric's order."""
    rubric = frame_rubric_for(meeting.organization).rubric
    return [g for g in rubric["groups"] if g["measure"] == "entered"]


@transaction.atomic
def quality_scorer_set(meeting: Meeting, scorer: Member | None) -> QualityRecord | None:
    """Assign (or clear) the member who follows and scores the meeting: on the cell's roll that
    day (exempt and away members are on it). Refused for a cancelled meeting, finalized minutes
    and an official grade. Assigning creates the quality record (rules-v2.md reading 18)."""
    locked = _locked(meeting)
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(CANCELLED_MESSAGE, code="cancelled")
    if locked.status == MeetingStatus.FINALIZED:
        raise ValidationError(FINALIZED_MESSAGE, code="finalized")
    _require_on_roll(locked, scorer, "scorer", "Đồng chí")
    record = _record(locked, create=scorer is not None)
    if record is None:
        return None
    if record.scorer_id != (scorer.pk if scorer else None):
        if record.status == QualityStatus.OFFICIAL:
            raise ValidationError(OFFICIAL_MESSAGE, code="official")
        record.scorer = scorer
        record.save(update_fields=["scorer"])
    return record


def _shown(value) -> str:
    return "để trống" if value is None else f"{value} điểm"


@transaction.atomic
def quality_group_set(meeting: Meeting, group: str, value, *, user=None, version: int | None = None) -> QualityRecord:
    """The self-score of one entered group (an integer from 0 to the group's maximum, or None: not
    scored). Refused for a cancelled meeting, finalized minutes (an amendment is the way), an
    official grade, a group that is not an entered group of the cell's rubric and a value out of
    range (after finalizing, the score printed in the minutes stays). `version`: the record's version the edit was based on; a different value saved since on
    another phone refuses it (Conflict). A change withdraws an adoption (status back to `self`)."""
    locked = _locked(meeting)
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(CANCELLED_MESSAGE, code="cancelled")
    if locked.status == MeetingStatus.FINALIZED:
        raise ValidationError(SCORED_IN_MINUTES, code="finalized")
    groups = {g["id"]: g for g in entered_groups(locked)}
    spec = groups.get(group)
    if spec is None:
        raise ValidationError({"group": "Nhóm tiêu chí này không chấm tay theo phiếu chấm điểm của chi bộ."})
    label = spec.get("name") or group
    if value is not None and (type(value) is not int or not 0 <= value <= spec["max"]):
        raise ValidationError({group: f"Điểm “{label}” phải là số nguyên từ 0 đến {spec['max']}."})
    record = _record(locked, create=True)
    if record.status == QualityStatus.OFFICIAL:
        raise ValidationError(OFFICIAL_MESSAGE, code="official")
    current = record.groups.get(group)
    if current == value:
        return record  # a replayed save, or the same value typed twice
    # An edit based on an older version is refused; version 0 is the page's "no record yet" (the
    # record made just now by this edit is not someone else's change).
    if version is not None and version != record.version and not (version == 0 and record.created_now):
        raise Conflict(group, f"Điểm “{label}” vừa được sửa trên máy khác thành {_shown(current)}. Thay đổi của "
                              "bạn chưa được lưu; sửa lại nếu vẫn muốn đổi.",
                       {"version": record.version, "value": "" if current is None else str(current)})
    record.groups = {**record.groups, group: value}
    record.scored_at, record.scored_by = timezone.now(), user
    record.version += 1
    fields = ["groups", "scored_at", "scored_by", "version"]
    if record.status == QualityStatus.ADOPTED:
        record.status, record.adopted_at, record.adopted_by = QualityStatus.SELF, None, None
        fields += ["status", "adopted_at", "adopted_by"]
    record.save(update_fields=fields)
    return record


@transaction.atomic
def quality_adopt(meeting: Meeting, user) -> QualityRecord:
    """The cell adopted the self-score by its vote at the meeting: recorded once the meeting is
    held and every entered group is scored; refused when already adopted or official."""
    locked = _locked(meeting)
    if locked.status not in HELD:
        raise ValidationError("Chi bộ chỉ thông qua điểm tự chấm tại buổi sinh hoạt: cuộc họp chưa được ghi là "
                              "đã họp.", code="not_held")
    record = _record(locked, create=False)
    missing = [g.get("name") or g["id"] for g in entered_groups(locked)
               if record is None or record.groups.get(g["id"]) is None]
    if missing:
        raise ValidationError(f"Chưa chấm điểm: {', '.join(missing)}.", code="incomplete")
    if record.status == QualityStatus.OFFICIAL:
        raise ValidationError(OFFICIAL_MESSAGE, code="official")
    if record.status == QualityStatus.ADOPTED:
        raise ValidationError("Chi bộ đã thông qua điểm tự chấm.", code="adopted")
    record.status, record.adopted_at, record.adopted_by = QualityStatus.ADOPTED, timezone.now(), user
    record.save(update_fields=["status", "adopted_at", "adopted_by"])
    return record


@transaction.atomic
def quality_confirm_official(meeting: Meeting, user, grade: str) -> QualityRecord:
    """The superior committee's official grade of an adopted score (the caller checks that the
    user is committee staff strictly above the cell). Whoever scored or adopted it may not."""
    if grade not in vocabulary.GRADES.codes:
        raise ValidationError({"official_grade": "Chọn xếp loại: Tốt, Khá, Trung bình hoặc Kém."})
    locked = _locked(meeting)
    record = _record(locked, create=False)
    if record is None or record.status == QualityStatus.SELF:
        raise ValidationError("Chi bộ chưa thông qua điểm tự chấm, cấp trên chưa thể quyết định xếp loại.",
                              code="not_adopted")
    if record.status == QualityStatus.OFFICIAL:
        raise ValidationError("Cấp ủy cấp trên đã quyết định xếp loại buổi sinh hoạt này.", code="official")
    if user is not None and user.pk in (record.scored_by_id, record.adopted_by_id):
        raise ValidationError("Người đã chấm hoặc ghi thông qua điểm không được tự quyết định xếp loại; việc này do "
                              "một cán bộ cấp ủy cấp trên khác thực hiện.", code="same_person")
    record.status, record.official_grade = QualityStatus.OFFICIAL, grade
    record.confirmed_at, record.confirmed_by = timezone.now(), user
    record.save(update_fields=["status", "official_grade", "confirmed_at", "confirmed_by"])
    return record
