"""Writes to a meeting's record. Each function is one transaction, locks the meeting row it
changes (`select_for_update`), and raises django.core.exceptions.ValidationError with a
Vietnamese message on bad input or when the minutes are already finalized.

Rows recorded live (speeches, votes, tasks) are addressed by their client key (`key`, a UUID the
recording page makes when a row is added, unique per meeting): the first save with a new key adds
the row at the next position (under the meeting's lock, so two phones adding rows at once each keep
theirs), a save sent twice (a retry after a lost answer) finds the row it made. Callers without a
key (the demo, imports, tests) still address a row by its `position`.

No lost updates: the header, each attendance row and each row carry a `version`, incremented here
on every change. An edit sent with the version it was based on is applied when that version is
current; when it is not, the edit is applied only if the value it replaces has not changed since
(a header field: the value `was` it started from), answered as applied when the record already
holds exactly what it sends (a replayed save), and otherwise refused with `Conflict` (HTTP 409),
whose message says what the other person changed it to.

About 850 lines, over the ~600 of the style guide: every write to one meeting's record shares the
locking, the keys and versions and the checks of the first part (finalized, cancelled, on the roll,
present, text limits), and the moves that close the record (held, cancelled, finalized, amended,
scored) share them too."""

import copy
import uuid
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, OuterRef, Subquery
from django.utils import timezone

from chibo import vocabulary
from chibo.changelog import record as changelog
from chibo.limits import MINUTES_TEXT_LIMIT, ROW_LABELS, ROW_LIMITS, TEXT_LIMITS, YEAR_MAX, YEAR_MIN, too_long
from chibo.meetings import dates, lifecycle
from chibo.meetings.models import (
    AbsenceNotice,
    Amendment,
    Attendance,
    AttendanceStatus,
    Guest,
    Meeting,
    MeetingStatus,
    ScoreConfirmation,
    Speech,
    Task,
    Vote,
    VoteKind,
    VoteMethod,
)
from chibo.meetings.recording import numbering
from chibo.orgs.models import Member, Membership
from chibo.prepared import Prepared
from chibo.rules import engine
from chibo.rules.rubric import MANUAL_MAX

FINALIZED_MESSAGE = "Biên bản đã hoàn tất và bị khóa; mọi sửa đổi phải làm bằng đính chính (ghi rõ lý do)."
CANCELLED_MESSAGE = "Cuộc họp đã bị hủy; không thể ghi biên bản."

#: Header fields of the minutes that the recording page edits one by one, with their kind.
HEADER_FIELDS: dict[str, str] = {
    "start": "time",
    "end": "time",
    "place": "text",
    "chair": "member",
    "secretary": "member",
    "topic": "text",
    "rescheduled_reason": "text",
    "notice_sent_on": "date",
    "conclusion": "text",
    "resolution_text": "text",
}
HEADER_LABELS: dict[str, str] = {
    "start": "Giờ bắt đầu",
    "end": "Giờ kết thúc",
    "place": "Địa điểm",
    "chair": "Chủ trì",
    "secretary": "Thư ký",
    "topic": "Chuyên đề",
    "rescheduled_reason": "Lý do đổi ngày",
    "notice_sent_on": "Ngày gửi thông báo",
    "conclusion": "Kết luận",
    "resolution_text": "Nội dung nghị quyết",
}
SCORE_FIELDS = {"preparation": "score_preparation", "conduct": "score_conduct", "principles": "score_principles"}
SCORE_LABELS = {"preparation": "Chuẩn bị", "conduct": "Điều hành", "principles": "Nguyên tắc"}
MAX_POSITION = 32767  # PositiveSmallIntegerField
MAX_COUNT = 2147483647  # PositiveIntegerField (the vote counts), PostgreSQL's bound
PRESENT = (AttendanceStatus.PRESENT, AttendanceStatus.LATE)
UNSET = object()  # meeting_field_set: the client did not say which value its edit started from
UNCHANGED_NOTE = "Thay đổi của bạn chưa được lưu; sửa lại nếu vẫn muốn đổi."


class Conflict(ValidationError):
    """An edit based on a value someone else has changed since: refused (the endpoints answer 409)
    with the current value in the message and in `current` ({"version": ..., and for a header
    field "value": the value as the page's input holds it})."""

    def __init__(self, field: str | None, message: str, current: dict):
        super().__init__({field: [message]} if field else message)
        self.code = "conflict"
        self.current = current


# --- helpers -----------------------------------------------------------------

# The reads of every autosave, compiled once per process (chibo.prepared).
MEETING_LOCKED = Prepared(lambda pk: Meeting.objects.select_related("organization").select_for_update(of=("self",))
                          .filter(pk=pk).order_by()[:1], pk=-7_310_020)
ON_ROLL = Prepared(lambda day, cell_id, member_id: Membership.objects.on(day).filter(
    organization_id=cell_id, member_id=member_id).order_by().values_list("pk")[:1],
    day=date(1901, 2, 3), cell_id=-7_310_021, member_id=-7_310_022)
#: How many of the cell's roll that day sort before a member (one group, or no row when none).
ROLL_AHEAD = Prepared(lambda day, cell_id, sort_key: Membership.objects.on(day).filter(
    organization_id=cell_id, member__sort_key__lt=sort_key).order_by().values("organization_id").annotate(
    n=Count("pk")).values_list("n", flat=True), day=date(1901, 2, 4), cell_id=-7_310_025,
    sort_key="prepared-sample-sort-key")
#: A roll tap's reads in one query: the member's roll row that day (none: not on the roll), how
#: many of the roll sort before them (the new row's position), and their attendance row's id.
ROLL_TAP = Prepared(lambda day, cell_id, member_id, meeting_id, sort_key: Membership.objects.on(day).filter(
    organization_id=cell_id, member_id=member_id).order_by().annotate(
    ahead=Subquery(Membership.objects.on(day).filter(
        organization_id=OuterRef("organization_id"), member__sort_key__lt=sort_key).order_by().values(
        "organization_id").annotate(n=Count("pk")).values("n")),
    row=Subquery(Attendance.objects.filter(meeting_id=meeting_id, member_id=OuterRef("member_id")).order_by()
                 .values("pk")[:1]),
).values_list("ahead", "row")[:1], day=date(1901, 2, 5), cell_id=-7_310_026, member_id=-7_310_027,
    meeting_id=-7_310_028, sort_key="prepared-sample-sort-key-2")
ATTENDANCE_ROW = Prepared(lambda meeting_id, member_id: Attendance.objects.filter(
    meeting_id=meeting_id, member_id=member_id).order_by()[:1], meeting_id=-7_310_023, member_id=-7_310_024)


def _locked(meeting: Meeting, *, editable: bool = True) -> Meeting:
    """The meeting row, locked for this transaction; refuses changes to finalized minutes and to
    a cancelled meeting."""
    # With its organisation (the change log's entries name its path), locking only the meeting's row.
    locked = MEETING_LOCKED.first(pk=meeting.pk)
    if locked is None:
        raise Meeting.DoesNotExist("the meeting is gone")
    if editable and locked.status == MeetingStatus.FINALIZED:
        raise ValidationError(FINALIZED_MESSAGE, code="finalized")
    if editable and locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(CANCELLED_MESSAGE, code="cancelled")
    return locked


def _check_move(meeting: Meeting, target: str) -> None:
    """Refuse a move the life cycle does not allow (chibo.meetings.lifecycle)."""
    reason = lifecycle.refusal(meeting.status, target)
    if reason is not None:
        raise ValidationError(reason, code="lifecycle")


def _on_roll(meeting: Meeting, member: Member) -> bool:
    return ON_ROLL.first(day=meeting.date, cell_id=meeting.organization_id, member_id=member.pk) is not None


def _require_on_roll(meeting: Meeting, member: Member | None, field: str, what: str) -> None:
    """Refuse a member not on the roll that day."""
    if member is not None and not _on_roll(meeting, member):
        _refuse_off_roll(meeting, member, field, what)


def _refuse_off_roll(meeting: Meeting, member: Member, field: str, what: str):
    """The refusal of a member not on the roll that day; one who was never in the cell is not
    named (a recorder learns no name from outside the cell)."""
    if not Membership.objects.filter(organization_id=meeting.organization_id, member_id=member.pk).exists():
        raise ValidationError({field: "Không tìm thấy đảng viên này."})
    raise ValidationError({field: f"{what} {member.full_name} không có trong danh sách chi bộ ngày "
                                  f"{meeting.date:%d/%m/%Y}."})


def _position(position) -> int:
    if type(position) is not int or not 0 <= position <= MAX_POSITION:
        raise ValidationError({"position": "Số thứ tự không hợp lệ."})
    return position


def _text(value) -> str:
    return (value or "").strip()


def _limited(value, key: str, field: str, label: str) -> str:
    """Stripped text within chibo.limits.TEXT_LIMITS[key]."""
    text = _text(value)
    if len(text) > TEXT_LIMITS[key]:
        raise ValidationError({field: too_long(label, TEXT_LIMITS[key])})
    return text


def _minutes_text(meeting: Meeting, *, header: str | None = None, speech: int | None = None,
                  task: int | None = None) -> int:
    """Characters of the long texts the minutes print (conclusion, speech summaries, task
    descriptions) without the one about to be replaced (`speech`, `task`: its primary key)."""
    from django.db.models import Sum
    from django.db.models.functions import Length

    total = len(meeting.conclusion or "") if header != "conclusion" else 0
    speeches = Speech.objects.filter(meeting=meeting).exclude(pk=speech if speech is not None else -1)
    tasks = Task.objects.filter(meeting=meeting).exclude(pk=task if task is not None else -1)
    total += speeches.aggregate(n=Sum(Length("summary")))["n"] or 0
    total += tasks.aggregate(n=Sum(Length("description")))["n"] or 0
    return total


def _check_minutes_text(meeting: Meeting, field: str, added: str, **replacing) -> None:
    if not added:
        return
    total = _minutes_text(meeting, **replacing) + len(added)
    if total > MINUTES_TEXT_LIMIT:
        most = f"{MINUTES_TEXT_LIMIT:,}".replace(",", ".")
        raise ValidationError({field: f"Biên bản dài quá {most} ký tự (kết luận, ý kiến phát biểu và nhiệm vụ "
                                      "cộng lại); hãy tóm tắt ngắn hơn."})


def _check_rows(model, meeting: Meeting, row, rows: str) -> None:
    """A new row of a meeting (speech, vote, task; `row` None) within chibo.limits.ROW_LIMITS."""
    if row is None and model.objects.filter(meeting=meeting).count() >= ROW_LIMITS[rows]:
        raise ValidationError(f"Một biên bản có tối đa {ROW_LIMITS[rows]} {ROW_LABELS[rows]}.")


def _key(key) -> uuid.UUID:
    try:
        return key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))
    except ValueError:
        raise ValidationError({"key": "Mã dòng không hợp lệ."}) from None


def _row(model, meeting: Meeting, position, key):
    """The row a save addresses (None: a new row) and its position: by client key (a new row goes
    after the last one; the meeting is locked, so two new rows never share a position), or by
    position for callers without a key."""
    if key is None:
        position = _position(position)
        return model.objects.filter(meeting=meeting, position=position).first(), position
    row = model.objects.filter(meeting=meeting, key=_key(key)).first()
    if row is not None:
        return row, row.position
    top = model.objects.filter(meeting=meeting).aggregate(top=Max("position"))["top"]
    return None, 0 if top is None else min(top + 1, MAX_POSITION)


def _write_row(model, meeting: Meeting, row, position: int, key, version, values: dict, describe):
    """Add the row, or apply `values` to it unless the edit is based on an older version of a row
    that differs (Conflict, its message from `describe(row)`); a save of what the row already holds
    is answered as applied."""
    if row is None:
        return model.objects.create(meeting=meeting, position=position,
                                    key=_key(key) if key is not None else uuid.uuid4(), **values)
    if all(getattr(row, name) == value for name, value in values.items()):
        return row
    if version is not None and version != row.version:
        raise Conflict(None, f"{describe(row)} {UNCHANGED_NOTE}", {"version": row.version})
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
    row.save(update_fields=[*values, "version"])
    return row


def _delete_row(model, meeting: Meeting, position, key) -> int:
    rows = model.objects.filter(meeting=meeting)
    rows = rows.filter(position=_position(position)) if key is None else rows.filter(key=_key(key))
    return rows.delete()[0]


def _require_present(meeting: Meeting, member: Member, field: str, what: str) -> None:
    """Refuse a member not recorded present or late at this meeting (a speaker)."""
    status = Attendance.objects.filter(meeting=meeting, member=member).values_list("status", flat=True).first()
    if status in PRESENT:
        return
    if status is None:
        raise ValidationError({field: f"{what} {member.full_name} chưa được điểm danh: chỉ người có mặt mới "
                                      "phát biểu; hãy điểm danh trước."})
    raise ValidationError({field: f"{what} {member.full_name} được điểm danh là "
                                  f"{AttendanceStatus(status).label.lower()}: chỉ người có mặt mới phát biểu."})


def _check_times(start: time | None, end: time | None) -> None:
    if start is not None and end is not None and end < start:
        raise ValidationError({"end": f"Giờ kết thúc ({end:%H:%M}) phải sau giờ bắt đầu ({start:%H:%M})."})


def _shown(field: str, value) -> str | None:
    """A header value as the amendment history shows it."""
    if value is None or value == "":
        return None
    if isinstance(value, Member):
        return f"{value.full_name} ({value.code})"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


# --- header --------------------------------------------------------------------

def _set_header(meeting: Meeting, field: str, value) -> tuple[object, object]:
    if field not in HEADER_FIELDS:
        raise ValidationError({field: "Trường không được phép sửa."})
    kind = HEADER_FIELDS[field]
    if kind == "text":
        value = _text(value)
        limit = Meeting._meta.get_field(field).max_length
        if limit and len(value) > limit:
            raise ValidationError({field: f"{HEADER_LABELS[field]} dài quá {limit} ký tự."})
        if not limit:  # conclusion, resolution text: chibo.limits
            value = _limited(value, f"meeting.{field}", field, HEADER_LABELS[field])
            if field == "conclusion" and len(value) > len(meeting.conclusion or ""):
                _check_minutes_text(meeting, field, value, header=field)
    elif kind == "date" and value is not None and not YEAR_MIN <= value.year <= YEAR_MAX:
        raise ValidationError({field: f"Năm phải từ {YEAR_MIN} đến {YEAR_MAX}."})
    elif kind == "member":
        _require_on_roll(meeting, value, field, HEADER_LABELS[field])
    if field == "notice_sent_on" and value is not None and value > meeting.date:
        raise ValidationError({field: f"Ngày gửi thông báo ({value:%d/%m/%Y}) không được sau ngày họp "
                                      f"({meeting.date:%d/%m/%Y})."})
    old = getattr(meeting, field)
    setattr(meeting, field, value)
    if field in ("start", "end"):
        _check_times(meeting.start, meeting.end)
    return old, value


def _input_value(value) -> str:
    """A header value as the recording page's input holds it (a member by code)."""
    if value is None:
        return ""
    if isinstance(value, Member):
        return value.code
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _header_conflict(meeting: Meeting, field: str, current) -> Conflict:
    shown = current.full_name if isinstance(current, Member) else _shown(field, current)
    now = f"thành «{shown}»" if shown is not None else "thành để trống"
    return Conflict(field, f"{HEADER_LABELS[field]} vừa được sửa trên máy khác {now}. {UNCHANGED_NOTE}",
                    {"version": meeting.version, "value": _input_value(current)})


@transaction.atomic
def meeting_field_set(meeting: Meeting, field: str, value, *, version: int | None = None, was=UNSET) -> Meeting:
    """Set one header field of the minutes (start, end, place, chair, secretary, topic,
    rescheduled reason, notice date, conclusion, resolution text).

    `version`: the header's version the edit was based on, `was`: the field's value then (both
    from the recording page). With an older version the edit is applied only if the field still
    holds `was` (someone changed another field meanwhile); otherwise Conflict."""
    locked = _locked(meeting)
    before = copy.copy(locked)  # the row as it stands (locked): the change log diffs against it
    old, new = _set_header(locked, field, value)
    if _shown(field, old) == _shown(field, new):
        return locked  # nothing to change (a replayed save, or the same value typed twice)
    if version is not None and version != locked.version:
        if was is UNSET or _shown(field, _text(was) if HEADER_FIELDS[field] == "text" else was) != _shown(field, old):
            raise _header_conflict(locked, field, old)
    locked.version += 1
    changelog.save_after_locked_read(locked, before, update_fields=[field, "version", "updated_at"])
    return locked


# --- attendance ------------------------------------------------------------------

@transaction.atomic
def attendance_set(meeting: Meeting, member: Member, status: str, reason: str = "", *,
                   version: int | None = None) -> Attendance:
    """Record one member's attendance (one row per member; a new tap replaces the old status).
    `version`: the row's version the tap was based on (0: none was recorded); a different status
    recorded since on another phone refuses it (Conflict)."""
    locked = _locked(meeting)
    if status not in AttendanceStatus.values:
        raise ValidationError({"status": "Trạng thái điểm danh không hợp lệ."})
    tap = ROLL_TAP.first(day=locked.date, cell_id=locked.organization_id, member_id=member.pk, meeting_id=locked.pk,
                         sort_key=member.sort_key)
    if tap is None:
        _refuse_off_roll(locked, member, "member", "Đảng viên")
    reason = _text(reason) if status == AttendanceStatus.ABSENT_EXCUSED else ""
    if len(reason) > 255:
        raise ValidationError({"reason": "Lý do vắng dài quá 255 ký tự."})
    ahead, row_id = tap
    row = None if row_id is None else ATTENDANCE_ROW.first(meeting_id=locked.pk, member_id=member.pk)
    if row is not None:  # the change log names the row by both: not read again
        row.meeting, row.member = locked, member
    if row is None:  # the member's place in the Vietnamese-sorted roll: the minutes list names in roll order
        row = Attendance.objects.create(meeting=locked, member=member, status=status, reason=reason,
                                        position=min(ahead or 0, MAX_POSITION))
    elif (row.status, row.reason) != (status, reason):
        if version is not None and version != row.version:
            label = AttendanceStatus(row.status).label
            shown = f"{label} ({row.reason})" if row.reason else label
            raise Conflict("status", f"{member.full_name} vừa được điểm danh trên máy khác là «{shown}». "
                                     f"{UNCHANGED_NOTE}", {"version": row.version})
        row.status, row.reason = status, reason
        row.version += 1
        row.save(update_fields=["status", "reason", "version"])
    if locked.status in lifecycle.UPCOMING and locked.date <= dates.today():
        # The roll is being called: the meeting is taking place.
        locked.status = MeetingStatus.HELD
        locked.save(update_fields=["status", "updated_at"])
    return row


def _attendance_position(meeting: Meeting, member: Member) -> int:
    """The member's place in the Vietnamese-sorted roll, so the minutes list names in roll order."""
    ahead = ROLL_AHEAD.first(day=meeting.date, cell_id=meeting.organization_id, sort_key=member.sort_key) or 0
    return min(ahead, MAX_POSITION)


def attendance_prefill(meeting: Meeting, roll_member_ids: list[int]) -> int:
    """Members who sent an absence notice and have no attendance yet are recorded absent_excused
    with the notice's reason. Returns how many rows were added (finalized minutes or a cancelled
    meeting: none).

    Called when the recording page opens: the usual case (nothing to add) is one read and takes
    no write lock."""
    pending = AbsenceNotice.objects.filter(meeting_id=meeting.pk, member_id__in=roll_member_ids).exclude(
        member__attendance__meeting_id=meeting.pk)
    if meeting.status in (MeetingStatus.FINALIZED, MeetingStatus.CANCELLED) or not pending.exists():
        return 0
    with transaction.atomic():
        locked = _locked(meeting, editable=False)
        if locked.status in (MeetingStatus.FINALIZED, MeetingStatus.CANCELLED):
            return 0
        order = {member_id: i for i, member_id in enumerate(roll_member_ids)}
        rows = [
            Attendance(meeting=locked, member_id=member_id, status=AttendanceStatus.ABSENT_EXCUSED,
                       reason=reason[:255], position=min(order[member_id], MAX_POSITION))
            for member_id, reason in pending.values_list("member_id", "reason")
        ]
        changelog.created(Attendance.objects.bulk_create(rows))  # bulk inserts send no signals
    return len(rows)


# --- guests, speeches, votes, tasks ------------------------------------------------

def _guest_now(guest: Guest) -> str:
    more = ", ".join(x for x in (guest.title, guest.organization) if x)
    return f"Khách mời này vừa được sửa trên máy khác, hiện là: {guest.name}{f' ({more})' if more else ''}."


@transaction.atomic
def guest_save(meeting: Meeting, position: int | None = None, *, name: str, title: str = "",
               organization: str = "", key=None, version: int | None = None) -> Guest:
    """Add or update a guest of the meeting (name, title, organization), addressed by its client
    key (or, without one, its position); `version`: see the module's docstring."""
    locked = _locked(meeting)
    guest, position = _row(Guest, locked, position, key)
    name = _text(name)
    if not name:
        raise ValidationError({"name": "Ghi họ tên khách mời."})
    values = {"name": name, "title": _text(title), "organization": _text(organization)}
    for field, label in (("name", "Họ tên"), ("title", "Chức vụ"), ("organization", "Đơn vị")):
        limit = Guest._meta.get_field(field).max_length
        if len(values[field]) > limit:
            raise ValidationError({field: f"{label} dài quá {limit} ký tự."})
    _check_rows(Guest, locked, guest, "guests")
    return _write_row(Guest, locked, guest, position, key, version, values, _guest_now)


@transaction.atomic
def guest_delete(meeting: Meeting, position: int | None = None, *, key=None) -> int:
    """Delete a guest by client key (or position); deleting one already gone deletes nothing."""
    locked = _locked(meeting)
    return _delete_row(Guest, locked, position, key)


def _quoted(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return f"«{text if len(text) <= limit else text[:limit - 1] + '…'}»"


def _speech_now(speech: Speech) -> str:
    return (f"Ý kiến này vừa được sửa trên máy khác, hiện là: {speech.member.full_name}, "
            f"{_quoted(speech.summary) if speech.summary else 'chưa ghi tóm tắt'}.")


@transaction.atomic
def speech_save(meeting: Meeting, position: int | None = None, *, member: Member, item: str = "",
                summary: str = "", key=None, version: int | None = None) -> Speech:
    """Add or update a speech (speaker present at the meeting, agenda item, summary), addressed by
    its client key (or, without one, its position); `version`: see the module's docstring."""
    locked = _locked(meeting)
    speech, position = _row(Speech, locked, position, key)
    if member is None:
        raise ValidationError({"member": "Chọn người phát biểu."})
    _require_on_roll(locked, member, "member", "Người phát biểu")
    _require_present(locked, member, "member", "Người phát biểu")
    item = _text(item)
    if len(item) > 255:
        raise ValidationError({"item": "Nội dung dài quá 255 ký tự."})
    summary = _limited(summary, "speech.summary", "summary", "Tóm tắt ý kiến")
    _check_rows(Speech, locked, speech, "speeches")
    _check_minutes_text(locked, "summary", summary, speech=speech.pk if speech else None)
    return _write_row(Speech, locked, speech, position, key, version,
                      {"member_id": member.pk, "item": item, "summary": summary}, _speech_now)


@transaction.atomic
def speech_delete(meeting: Meeting, position: int | None = None, *, key=None) -> int:
    """Delete a speech by client key (or position); deleting one already gone deletes nothing."""
    locked = _locked(meeting)
    return _delete_row(Speech, locked, position, key)


def _count(value, field: str, label: str) -> int:
    if value is None or value == "":
        return 0
    if type(value) is not int or value < 0:
        raise ValidationError({field: f"Số phiếu {label} phải là số nguyên không âm."})
    if value > MAX_COUNT:
        raise ValidationError({field: f"Số phiếu {label} quá lớn."})
    return value


def _vote_now(vote: Vote) -> str:
    labels = vocabulary.BALLOT_CHOICES.in_sentence
    return (f"Biểu quyết này vừa được sửa trên máy khác, hiện là: {_quoted(vote.subject) if vote.subject else 'chưa ghi nội dung'}, "
            f"{vote.votes_for} {labels['for']}, {vote.votes_against} {labels['against']}, "
            f"{vote.votes_abstain} {labels['abstain']}.")


@transaction.atomic
def vote_record(meeting: Meeting, position: int | None = None, *, kind: str, method: str, subject: str = "",
                votes_for=0, votes_against=0, votes_abstain=0, votes_invalid=0, key=None,
                version: int | None = None) -> Vote:
    """Add or update a vote, addressed by its client key (or, without one, its position). The
    ballots counted (for, against, abstain, invalid) cannot outnumber the members recorded present
    or late; counts that do not match the eligible voters present are kept (the engine reports
    VOTE_COUNTS_INCONSISTENT). `version`: see the module's docstring."""
    locked = _locked(meeting)
    existing, position = _row(Vote, locked, position, key)
    if kind not in VoteKind.values:
        raise ValidationError({"kind": "Loại biểu quyết không hợp lệ."})
    if method not in VoteMethod.values:
        raise ValidationError({"method": "Hình thức biểu quyết không hợp lệ."})
    counts = {
        "votes_for": _count(votes_for, "votes_for", vocabulary.BALLOT_CHOICES.in_sentence["for"]),
        "votes_against": _count(votes_against, "votes_against", vocabulary.BALLOT_CHOICES.in_sentence["against"]),
        "votes_abstain": _count(votes_abstain, "votes_abstain", vocabulary.BALLOT_CHOICES.in_sentence["abstain"]),
        "votes_invalid": _count(votes_invalid, "votes_invalid", "không hợp lệ"),
    }
    if method != VoteMethod.SECRET_BALLOT and counts["votes_invalid"]:
        raise ValidationError({"votes_invalid": "Chỉ bỏ phiếu kín mới có phiếu không hợp lệ."})
    subject = _text(subject)
    if len(subject) > 500:
        raise ValidationError({"subject": "Nội dung biểu quyết dài quá 500 ký tự."})
    if existing is not None and hasattr(existing, "ballot_box"):
        changed = existing.method != method or any(getattr(existing, k) != v for k, v in counts.items())
        if changed:
            raise ValidationError({"method": "Biểu quyết này bỏ phiếu kín điện tử: số phiếu do hòm phiếu đếm, "
                                             "không sửa tay được."})
        # The kind sets the threshold the count is judged by: once ballots are cast it stays.
        if existing.kind != kind:
            raise ValidationError({"kind": "Biểu quyết này đã bỏ phiếu kín điện tử: không thể đổi loại biểu quyết "
                                           "(loại quyết định tỷ lệ cần đạt để thông qua)."})
        if existing.subject != subject:
            raise ValidationError({"subject": "Biểu quyết này đã bỏ phiếu kín điện tử: không thể đổi nội dung "
                                              "biểu quyết."})
    else:
        total = sum(counts.values())
        present = Attendance.objects.filter(meeting=locked, status__in=PRESENT).count()
        if total > present:
            raise ValidationError({"votes_for": f"Tổng số phiếu ({total}) nhiều hơn số đảng viên có mặt ({present}): "
                                                "hãy kiểm tra lại số phiếu hoặc điểm danh."})
    _check_rows(Vote, locked, existing, "votes")
    return _write_row(Vote, locked, existing, position, key, version,
                      {"kind": kind, "method": method, "subject": subject, **counts}, _vote_now)


@transaction.atomic
def vote_delete(meeting: Meeting, position: int | None = None, *, key=None) -> int:
    """Delete a vote by client key (or position), unless its electronic ballot box was opened."""
    locked = _locked(meeting)
    row, _position_ = _row(Vote, locked, position, key)
    if row is not None and hasattr(row, "ballot_box"):
        raise ValidationError("Biểu quyết đã mở hòm phiếu điện tử, không thể xóa.")
    return _delete_row(Vote, locked, position, key)


def _task_now(task: Task) -> str:
    who = f", giao {task.assignee.full_name}" if task.assignee_id else ""
    due = f", hạn {task.due:%d/%m/%Y}" if task.due else ""
    return f"Nhiệm vụ này vừa được sửa trên máy khác, hiện là: {_quoted(task.description)}{who}{due}."


@transaction.atomic
def task_save(meeting: Meeting, position: int | None = None, *, description: str, assignee: Member | None = None,
              due: date | None = None, key=None, version: int | None = None) -> Task:
    """Add or update a task (assignee from the roll, description, due date), addressed by its
    client key (or, without one, its position); `version`: see the module's docstring."""
    locked = _locked(meeting)
    task, position = _row(Task, locked, position, key)
    description = _limited(description, "task.description", "description", "Nội dung nhiệm vụ")
    if not description:
        raise ValidationError({"description": "Ghi nội dung nhiệm vụ."})
    _require_on_roll(locked, assignee, "assignee", "Người được giao")
    if due is not None and due < locked.date:
        raise ValidationError({"due": f"Hạn hoàn thành phải từ ngày họp ({locked.date:%d/%m/%Y}) trở đi."})
    if due is not None and due.year > YEAR_MAX:
        raise ValidationError({"due": f"Năm phải từ {YEAR_MIN} đến {YEAR_MAX}."})
    _check_rows(Task, locked, task, "tasks")
    _check_minutes_text(locked, "description", description, task=task.pk if task else None)
    return _write_row(Task, locked, task, position, key, version,
                      {"assignee_id": assignee.pk if assignee else None, "description": description, "due": due},
                      _task_now)


@transaction.atomic
def task_delete(meeting: Meeting, position: int | None = None, *, key=None) -> int:
    """Delete a task by client key (or position); deleting one already gone deletes nothing."""
    locked = _locked(meeting)
    return _delete_row(Task, locked, position, key)


# --- finalize and amend ----------------------------------------------------------------

def minutes_missing(meeting: Meeting) -> list[str]:
    """The engine's MINUTES_INCOMPLETE elements for this meeting (empty when complete)."""
    from chibo.meetings.evaluation import evaluate

    for finding in evaluate(meeting)["findings"]:
        if finding["code"] == "MINUTES_INCOMPLETE":
            return list(finding["missing"])
    return []


# --- the life cycle (chibo.meetings.lifecycle) -------------------------------------------------

@transaction.atomic
def meeting_mark_held(meeting: Meeting, user=None, *, on: date | None = None) -> Meeting:
    """A meeting planned or notified has taken place (recording its roll does this too). Refused
    before the meeting's day. `user` is who did it (the change log records it)."""
    locked = _locked(meeting, editable=False)
    _check_move(locked, lifecycle.HELD)
    on = on or dates.today()
    if locked.date > on:
        raise ValidationError(f"Cuộc họp ngày {locked.date:%d/%m/%Y} chưa diễn ra; chưa thể đánh dấu đã họp.",
                              code="future")
    locked.status = MeetingStatus.HELD
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def meeting_cancel(meeting: Meeting, user, reason: str) -> Meeting:
    """Call off a meeting planned or notified, with the reason (required). A cancelled meeting
    is final: it is not recorded, finalized, moved or notified again."""
    locked = _locked(meeting, editable=False)
    _check_move(locked, lifecycle.CANCELLED)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Ghi lý do hủy cuộc họp."})
    limit = Meeting._meta.get_field("cancel_reason").max_length
    if len(reason) > limit:
        raise ValidationError({"reason": f"Lý do hủy dài quá {limit} ký tự."})
    locked.status, locked.cancel_reason = MeetingStatus.CANCELLED, reason
    locked.save(update_fields=["status", "cancel_reason", "updated_at"])
    return locked


def finalize_refusal(meeting: Meeting, *, missing: list[str] | None = None) -> ValidationError | None:
    """Why the minutes cannot be finalized now (None: they can), in the order a recorder meets it:
    the meeting's day has not come, the meeting is not held (chibo.meetings.lifecycle), a secret
    ballot is still open, an element the minutes need is missing (the engine's MINUTES_INCOMPLETE;
    `missing`: those codes when the caller has the verdict already)."""
    if meeting.date > dates.today():
        return ValidationError(f"Cuộc họp ngày {meeting.date:%d/%m/%Y} chưa diễn ra: chưa thể hoàn tất biên bản "
                               "trước ngày họp.", code="future")
    reason = lifecycle.refusal(meeting.status, lifecycle.FINALIZED)
    if reason is not None:
        return ValidationError(reason, code="lifecycle")
    if Vote.objects.filter(meeting=meeting, ballot_box__state="open").exists():
        return ValidationError("Còn hòm phiếu kín đang mở: hãy đóng hòm phiếu trước khi hoàn tất biên bản.",
                               code="ballot_open")
    missing = minutes_missing(meeting) if missing is None else missing
    if missing:
        names = ", ".join(engine.MISSING_ELEMENT_LABELS[m] for m in missing)
        return ValidationError(f"Chưa thể hoàn tất biên bản, còn thiếu: {names}.", code="incomplete")
    return None


@transaction.atomic
def meeting_finalize(meeting: Meeting, user) -> Meeting:
    """Lock the minutes of a meeting held, on or after its day. Allowed only when no required
    element is missing (finalize_refusal); numbers the resolution (chibo.meetings.recording.numbering)
    and freezes the minutes (snapshot)."""
    locked = _locked(meeting)
    refusal = finalize_refusal(locked)
    if refusal is not None:
        raise refusal
    locked.status = MeetingStatus.FINALIZED
    locked.finalized_at = timezone.now()
    locked.finalized_by = user
    locked.save(update_fields=["status", "finalized_at", "finalized_by", "updated_at"])
    numbering.assign_resolution_number(locked)
    _freeze(locked)
    return locked


def _freeze(meeting: Meeting) -> None:
    """Store the minutes as they stand (chibo.meetings.recording.snapshot): the official record."""
    from chibo.meetings.documents import adapter as docs_adapter
    from chibo.meetings.recording import snapshot

    data, full = docs_adapter.live_minutes_data(meeting)
    names = {a.member.code: a.member.full_name for a in full.attendance.all()}
    meeting.minutes_snapshot = snapshot.freeze(data, names)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_snapshot=meeting.minutes_snapshot)


def _refreeze(meeting: Meeting, changed_headers: list[str], attendance_changed: bool, scores_changed: bool) -> None:
    """Apply an amendment to the frozen minutes (a meeting finalized before snapshots existed
    gets its first snapshot here)."""
    from chibo.meetings.documents import adapter as docs_adapter
    from chibo.meetings.recording import snapshot

    if not meeting.minutes_snapshot:
        _freeze(meeting)
        return
    fresh, full = docs_adapter.live_minutes_data(meeting)
    rows = [(a.member.code, a.member.full_name, a.status, a.reason) for a in full.attendance.all()]
    meeting.minutes_snapshot = snapshot.amended(meeting.minutes_snapshot, fresh, changed_headers,
                                                attendance_changed, rows, scores_changed=scores_changed)
    Meeting.objects.filter(pk=meeting.pk).update(minutes_snapshot=meeting.minutes_snapshot)


@transaction.atomic
def meeting_amend(meeting: Meeting, user, reason: str, changes: dict) -> Amendment:
    """Correct finalized minutes. `changes` maps header fields to new values and
    ("attendance", member code) to (status, reason). The Amendment keeps who, when, why and
    every change as {"old": ..., "new": ...} in the words the minutes use."""
    locked = _locked(meeting, editable=False)
    if locked.status != MeetingStatus.FINALIZED:
        raise ValidationError("Biên bản chưa hoàn tất: hãy sửa trực tiếp trên trang ghi biên bản.")
    reason = _limited(reason, "amendment.reason", "reason", "Lý do đính chính")
    if not reason:
        raise ValidationError({"reason": "Ghi lý do đính chính."})
    if Amendment.objects.filter(meeting=locked).count() >= ROW_LIMITS["amendments"]:
        raise ValidationError(f"Một biên bản có tối đa {ROW_LIMITS['amendments']} {ROW_LABELS['amendments']}; "
                              "hãy báo cấp ủy cấp trên.")
    recorded: dict[str, dict] = {}
    header_fields = []
    score_fields = []
    for key, value in changes.items():
        if isinstance(key, tuple) and key[0] == "attendance":
            entry = _amend_attendance(locked, key[1], *value,
                                      frozen_names=(locked.minutes_snapshot or {}).get("names", {}))
            if entry:
                recorded[f"attendance:{key[1]}"] = entry
            continue
        if key in SCORE_FIELDS:
            old = getattr(locked, SCORE_FIELDS[key])
            if old != value:
                _check_scores({key: value})
                if ScoreConfirmation.objects.filter(meeting=locked, confirmed_at__isnull=False).exists():
                    raise ValidationError({key: "Điểm đánh giá đã được cấp trên xác nhận, không thể sửa."})
                setattr(locked, SCORE_FIELDS[key], value)
                recorded[SCORE_FIELDS[key]] = {"label": f"Điểm {SCORE_LABELS[key].lower()}",
                                               "old": None if old is None else str(old),
                                               "new": None if value is None else str(value)}
                score_fields.append(SCORE_FIELDS[key])
            continue
        old, new = _set_header(locked, key, value)
        if _shown(key, old) != _shown(key, new):
            recorded[key] = {"label": HEADER_LABELS[key], "old": _shown(key, old), "new": _shown(key, new)}
            header_fields.append(key)
    if not recorded:
        raise ValidationError("Không có thay đổi nào so với biên bản hiện tại.")
    if header_fields or score_fields:
        locked.save(update_fields=[*header_fields, *score_fields, "updated_at"])
    if score_fields:
        ScoreConfirmation.objects.update_or_create(
            meeting=locked, defaults={"adopted_at": None, "scored_at": timezone.now(), "scored_by": user})
    _refreeze(locked, header_fields, any(k.startswith("attendance:") for k in recorded), bool(score_fields))
    from chibo.meetings.documents.adapter import author_name

    return Amendment.objects.create(meeting=locked, author=user, author_name=author_name(user)[:150],
                                    reason=reason, changes=recorded)


def _amend_attendance(meeting: Meeting, code: str, status: str, reason: str = "", *,
                      frozen_names: dict | None = None) -> dict | None:
    member = Member.objects.filter(code=code).first()
    if member is None or not _on_roll(meeting, member):
        raise ValidationError({"attendance": f"Đảng viên {code} không có trong danh sách chi bộ."})
    if status not in AttendanceStatus.values:
        raise ValidationError({"attendance": "Trạng thái điểm danh không hợp lệ."})
    reason = _text(reason) if status == AttendanceStatus.ABSENT_EXCUSED else ""
    row = Attendance.objects.filter(meeting=meeting, member=member).first()

    def shown(st, why):
        if st is None:
            return None
        label = AttendanceStatus(st).label
        return f"{label} ({why})" if why else label

    old = shown(row.status, row.reason) if row else None
    new = shown(status, reason)
    if old == new:
        return None
    if row is None:
        Attendance.objects.create(meeting=meeting, member=member, status=status, reason=reason,
                                  position=_attendance_position(meeting, member))
    else:
        row.status, row.reason = status, reason
        row.save(update_fields=["status", "reason"])
    name = (frozen_names or {}).get(member.code, member.full_name)
    return {"label": f"Điểm danh {name}", "old": old, "new": new}


# --- quality scores ----------------------------------------------------------------------

def _confirmation(meeting: Meeting) -> ScoreConfirmation:
    conf, _ = ScoreConfirmation.objects.select_for_update().get_or_create(meeting=meeting)
    return conf


def _check_scores(values: dict) -> None:
    errors = {}
    for key, value in values.items():
        top = MANUAL_MAX[key]
        if value is not None and (type(value) is not int or not 0 <= value <= top):
            errors[key] = f"Điểm {SCORE_LABELS[key].lower()} phải là số nguyên từ 0 đến {top}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_scores_set(meeting: Meeting, *, preparation=None, conduct=None, principles=None, user=None) -> Meeting:
    """The cell's manual scores (0..10 each, None = not scored). Refused after the superior's
    confirmation; a change withdraws an earlier adoption by the meeting."""
    locked = _locked(meeting, editable=False)
    values = {"preparation": preparation, "conduct": conduct, "principles": principles}
    _check_scores(values)
    if locked.status == MeetingStatus.FINALIZED:
        raise ValidationError("Biên bản đã hoàn tất: điểm đánh giá đã ghi trong biên bản, muốn sửa phải lập "
                              "đính chính (ghi rõ lý do).", code="finalized")
    conf = _confirmation(locked)
    if conf.confirmed_at:
        raise ValidationError("Điểm đánh giá đã được cấp trên xác nhận, không thể sửa.")
    changed = [SCORE_FIELDS[k] for k, v in values.items() if getattr(locked, SCORE_FIELDS[k]) != v]
    for key, value in values.items():
        setattr(locked, SCORE_FIELDS[key], value)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        conf.scored_at, conf.scored_by = timezone.now(), user
        conf.save(update_fields=["scored_at", "scored_by"])
        if conf.adopted_at:
            conf.adopted_at = None
            conf.save(update_fields=["adopted_at"])
    return locked


@transaction.atomic
def meeting_scores_adopt(meeting: Meeting, user) -> ScoreConfirmation:
    """The meeting adopts the cell's proposed manual scores."""
    locked = _locked(meeting, editable=False)
    missing = [SCORE_LABELS[k] for k, f in SCORE_FIELDS.items() if getattr(locked, f) is None]
    if missing:
        raise ValidationError(f"Chưa chấm điểm: {', '.join(missing)}.")
    conf = _confirmation(locked)
    if conf.confirmed_at:
        raise ValidationError("Điểm đánh giá đã được cấp trên xác nhận.")
    conf.adopted_at = timezone.now()
    conf.save(update_fields=["adopted_at"])
    return conf


@transaction.atomic
def meeting_scores_confirm(meeting: Meeting, user) -> ScoreConfirmation:
    """The attending superior confirms the adopted scores (the caller checks it is a superior).
    Separation of duties: whoever entered the scores may not confirm them."""
    locked = _locked(meeting, editable=False)
    conf = _confirmation(locked)
    if user is not None and conf.scored_by_id == user.pk:
        raise ValidationError("Người đã chấm điểm không được tự xác nhận điểm đánh giá; việc xác nhận do "
                              "một cán bộ cấp ủy cấp trên khác thực hiện.", code="same_person")
    if not conf.adopted_at:
        raise ValidationError("Chi bộ chưa thông qua điểm đánh giá, chưa thể xác nhận.")
    if conf.confirmed_at:
        raise ValidationError("Điểm đánh giá đã được xác nhận.")
    conf.confirmed_at = timezone.now()
    conf.confirmed_by = user
    conf.save(update_fields=["confirmed_at", "confirmed_by"])
    return conf
