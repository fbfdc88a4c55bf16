"""Writes for preparing a meeting not yet held: its date and place, its order of business, the
thematic preparation and contributions, documents, the notice, absence notices sent ahead; and
tasks marked done by their assignee (the member's page, beside the absence notices).

Each function is one transaction and raises django.core.exceptions.ValidationError with a
Vietnamese message on bad input. Access is checked by the views; the services check state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from chibo import jobs, limits
from chibo.changelog import record as changelog
from chibo.meetings import dates, lifecycle
from chibo.meetings.models import (
    AbsenceNotice,
    AgendaItem,
    Contribution,
    Meeting,
    MeetingDocument,
    MeetingStatus,
    Notice,
    Task,
    ThematicPrep,
)
from chibo.meetings.planning import services as planning_services
from chibo.meetings.planning import yearplan
from chibo.notices import services as notice_deliveries
from chibo.notices.models import NoticeChannel
from chibo.orgs.models import Member, Membership, Role
from chibo.plaintext import render_text
from chibo.rules import engine
from chibo.rules.services import effective_profile_for

FINALIZED = "Biên bản cuộc họp đã hoàn tất và bị khóa, không thể sửa phần chuẩn bị."
CANCELLED = "Cuộc họp đã bị hủy, không thể sửa phần chuẩn bị."
NOT_UPCOMING = lifecycle.NOT_UPCOMING
UPCOMING = lifecycle.UPCOMING
MAX_UPLOAD = limits.DOCUMENT_MAX_BYTES  # 20 MB


def _text(value) -> str:
    return " ".join((value or "").split())


def _lock(meeting: Meeting, *, upcoming: bool = False, move: str | None = None) -> Meeting:
    """The meeting row locked for this transaction; refuses finalized minutes and cancelled
    meetings, and, when asked, meetings already held (`upcoming`) or a move the life cycle does
    not allow from the meeting's status (`move`, chibo.meetings.lifecycle)."""
    locked = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    if locked.status == MeetingStatus.FINALIZED:
        raise ValidationError(FINALIZED, code="finalized")
    if locked.status == MeetingStatus.CANCELLED:
        raise ValidationError(CANCELLED, code="cancelled")
    reason = lifecycle.refusal(locked.status, move) if move is not None else None
    if reason is None and upcoming and locked.status not in UPCOMING:
        reason = NOT_UPCOMING
    if reason is not None:
        raise ValidationError(reason, code="held")
    return locked


@transaction.atomic
def meeting_schedule_set(meeting: Meeting, *, date: date, start: time | None, place: str,
                         rescheduled_reason: str = "") -> Meeting:
    """Date, start time and place of a meeting not yet held (the life cycle's rescheduling: the
    meeting keeps its status; the change log keeps the old date)."""
    locked = _lock(meeting, move=lifecycle.RESCHEDULED)
    cell = locked.organization
    if cell.established_on and date < cell.established_on:
        raise ValidationError({"date": f"Ngày họp phải từ ngày thành lập chi bộ ({cell.established_on:%d/%m/%Y})."})
    if locked.notice_sent_on and date < locked.notice_sent_on:
        # The notice cannot come after the meeting: a notice sent is never undone.
        raise ValidationError({"date": f"Ngày họp không được trước ngày đã gửi thông báo "
                                       f"({locked.notice_sent_on:%d/%m/%Y})."})
    locked.date, locked.start, locked.place = date, start, _text(place)[:255]
    locked.rescheduled_reason = _text(rescheduled_reason)[:500]
    locked.save(update_fields=["date", "start", "place", "rescheduled_reason", "updated_at"])
    return locked


@transaction.atomic
def agenda_from_template(meeting: Meeting) -> int:
    """Replace the meeting's agenda by the template's (meetings not yet held)."""
    locked = _lock(meeting, upcoming=True)
    AgendaItem.objects.filter(meeting=locked).delete()
    planning_services.copy_agenda([locked], planning_services.agenda_template_for(locked.organization)[0])
    return AgendaItem.objects.filter(meeting=locked).count()


@transaction.atomic
def agenda_save(meeting: Meeting, items: list[tuple[str, str, str]]) -> list[AgendaItem]:
    """Replace the meeting's agenda by `items` (section, title, notes) in that order."""
    locked = _lock(meeting)
    rows = []
    for section, title, notes in items:
        title = _text(title)
        if not title:
            continue
        if section not in yearplan.SECTIONS:
            raise ValidationError({"section": "Phần không hợp lệ."})
        if len(title) > yearplan.TITLE_MAX:
            raise ValidationError({"title": f"Nội dung “{title[:40]}…” dài quá {yearplan.TITLE_MAX} ký tự."})
        notes = (notes or "").strip()
        if len(notes) > limits.TEXT_LIMITS["agenda.notes"]:
            raise ValidationError({"notes": limits.too_long("Ghi chú", limits.TEXT_LIMITS["agenda.notes"])})
        rows.append((section, title, notes))
    if not rows:
        raise ValidationError("Chương trình phải có ít nhất một nội dung.")
    if len(rows) > limits.ROW_LIMITS["agenda"]:
        raise ValidationError(f"Chương trình có tối đa {limits.ROW_LIMITS['agenda']} {limits.ROW_LABELS['agenda']}.")
    rows.sort(key=lambda r: yearplan.SECTIONS.index(r[0]))
    AgendaItem.objects.filter(meeting=locked).delete()
    items = AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=locked, position=i, section=s, title=t, notes=n) for i, (s, t, n) in enumerate(rows)])
    changelog.created(items)
    return items


# --- thematic preparation ------------------------------------------------------------------------

def _thematic(meeting: Meeting) -> None:
    if meeting.kind not in yearplan.THEMATIC_KINDS:
        raise ValidationError("Chỉ sinh hoạt chuyên đề (hoặc kết hợp chuyên đề) mới có phần chuẩn bị chuyên đề.")


def _check_upload(upload, field_name: str) -> None:
    if upload is not None and upload.size > MAX_UPLOAD:
        raise ValidationError({field_name: "Tệp lớn quá 20 MB."})


@transaction.atomic
def thematic_prep_save(meeting: Meeting, *, topic: str, presenter: Member | None, presentation=None) -> ThematicPrep:
    """Topic, presenter and (optionally a new) written presentation. A change of topic or a new
    presentation withdraws an approval already given."""
    locked = _lock(meeting)
    _thematic(locked)
    topic = _text(topic)
    if not topic:
        raise ValidationError({"topic": "Nhập tên chuyên đề."})
    if len(topic) > 500:
        raise ValidationError({"topic": "Chuyên đề dài quá 500 ký tự."})
    if presenter is not None and not planning_services.on_roll(locked.organization_id, presenter, locked.date):
        raise ValidationError({"presenter": f"Đồng chí {presenter.full_name} không có trong danh sách chi bộ ngày "
                                            f"{locked.date:%d/%m/%Y}."})
    _check_upload(presentation, "presentation")
    prep, _ = ThematicPrep.objects.select_for_update().get_or_create(meeting=locked)
    changed = topic != locked.topic or presentation is not None
    if topic != locked.topic:
        # The agenda's presentation item copied from the template follows the topic.
        old_item = yearplan.presentation_item(locked.topic)
        followed = AgendaItem.objects.filter(meeting=locked, section=yearplan.BODY, title=old_item)
        before = list(followed)
        followed.update(title=yearplan.presentation_item(topic))
        changelog.updated(before, title=yearplan.presentation_item(topic))
        locked.topic = topic
        locked.save(update_fields=["topic", "updated_at"])
    prep.presenter = presenter
    if presentation is not None:
        old = prep.presentation.name
        prep.presentation.save(presentation.name, presentation, save=False)
        if old:
            storage = prep.presentation.storage
            transaction.on_commit(lambda: storage.delete(old))
    if changed:
        prep.approved_at, prep.approved_by = None, None
    prep.save()
    return prep


@transaction.atomic
def thematic_prep_approve(meeting: Meeting, user) -> ThematicPrep:
    """The cell committee approves the presentation (topic and written presentation required)."""
    locked = _lock(meeting)
    _thematic(locked)
    prep = ThematicPrep.objects.select_for_update().filter(meeting=locked).first()
    if not locked.topic or prep is None or not prep.presentation:
        raise ValidationError("Cần có tên chuyên đề và bài đề dẫn trước khi duyệt.")
    if prep.approved_at is not None:
        raise ValidationError("Bài đề dẫn đã được duyệt.")
    prep.approved_at, prep.approved_by = timezone.now(), user
    prep.save(update_fields=["approved_at", "approved_by"])
    return prep


@transaction.atomic
def contribution_add(meeting: Meeting, member: Member, title: str) -> Contribution:
    locked = _lock(meeting)
    _thematic(locked)
    title = _text(title)
    if not title:
        raise ValidationError({"title": "Nhập nội dung tham luận."})
    if len(title) > 255:
        raise ValidationError({"title": "Nội dung tham luận dài quá 255 ký tự."})
    if not planning_services.on_roll(locked.organization_id, member, locked.date):
        raise ValidationError({"member": f"Đồng chí {member.full_name} không có trong danh sách chi bộ ngày "
                                         f"{locked.date:%d/%m/%Y}."})
    if Contribution.objects.filter(meeting=locked, member=member).exists():
        raise ValidationError({"member": f"Đồng chí {member.full_name} đã được phân công tham luận."})
    return Contribution.objects.create(meeting=locked, member=member, title=title)


@transaction.atomic
def contribution_delete(meeting: Meeting, pk: int) -> int:
    locked = _lock(meeting)
    return Contribution.objects.filter(meeting=locked, pk=pk).delete()[0]


# --- documents ----------------------------------------------------------------------------------

@transaction.atomic
def document_add(meeting: Meeting, *, title: str, file) -> MeetingDocument:
    locked = _lock(meeting)
    title = _text(title) or _text(getattr(file, "name", ""))
    if not title:
        raise ValidationError({"title": "Nhập tên tài liệu."})
    _check_upload(file, "file")
    doc = MeetingDocument(meeting=locked, title=title[:255])
    doc.file.save(file.name, file, save=False)
    doc.save()
    return doc


@transaction.atomic
def document_delete(meeting: Meeting, pk: int) -> int:
    locked = _lock(meeting)
    doc = MeetingDocument.objects.filter(meeting=locked, pk=pk).first()
    if doc is None:
        return 0
    name, storage = doc.file.name, doc.file.storage
    doc.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return 1


# --- the notice --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Recipient:
    name: str
    email: str
    role: str  # "member" or "committee"
    code: str  # member code or username

    def as_json(self) -> dict:
        return {"name": self.name, "email": self.email, "role": self.role, "code": self.code}


def notice_roll(meeting: Meeting) -> list[Member]:
    """Every member on the cell's roll on the meeting day, in roll order: who the notice is for
    (in the application for all, by e-mail where an address exists, on paper for the others).
    One query."""
    return [m.member for m in Membership.objects.on(meeting.date).filter(organization=meeting.organization)
            .select_related("member").order_by("member__sort_key", "member__code")]


def notice_staff(meeting: Meeting, *, with_email: bool = False) -> list:
    """The active committee staff of the nearest organisation up the tree that has any (invited to
    the meeting on the printed notice); `with_email`: of the nearest that has any with an e-mail
    on their login (who the notice is e-mailed to). One query."""
    ancestors = meeting.organization.ancestor_ids()[:-1]
    roles = (Role.objects.filter(kind=Role.Kind.COMMITTEE_STAFF, organization_id__in=ancestors, user__is_active=True)
             .select_related("user", "organization").order_by("-organization__depth", "user__username"))
    if with_email:
        roles = roles.exclude(user__email="")
    nearest, users = None, []
    for role in roles:
        if nearest is None:
            nearest = role.organization_id
        if role.organization_id != nearest:
            break
        users.append(role.user)
    return users


def notice_followers(meeting: Meeting) -> list[Member]:
    """The superior committee's members assigned to follow this meeting of the cell (HD 42: "cấp ủy
    cấp trên theo dõi chi bộ"; chibo.supervision.VisitPlan planned for this meeting, or for the
    cell's half-year with no meeting named yet). One query."""
    from chibo.supervision.models import VisitPlan

    half = 1 if meeting.date.month <= 6 else 2
    plans = (VisitPlan.objects.filter(cell_id=meeting.organization_id)
             .filter(Q(meeting_id=meeting.pk) | Q(meeting__isnull=True, year=meeting.date.year, half=half))
             .select_related("assignee").order_by("id"))
    return [p.assignee for p in plans]


def notice_recipients(meeting: Meeting, roll: list[Member] | None = None) -> list[Recipient]:
    """The e-mail recipients: members on the roll on the meeting day who have an e-mail, in roll
    order, then the committee staff of `notice_staff` with an e-mail on their login, then the
    committee members assigned to follow the meeting (`notice_followers`) with an e-mail. An
    address is written to once. Three queries (two when `roll` is given)."""
    seen: set[str] = set()
    out: list[Recipient] = []

    def add(name, email, role, code):
        key = email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(Recipient(name, email.strip(), role, code))

    for member in notice_roll(meeting) if roll is None else roll:
        add(member.full_name, member.email, "member", member.code)
    for user in notice_staff(meeting, with_email=True):
        add(user.get_full_name() or user.username, user.email, "committee", user.username)
    for member in notice_followers(meeting):
        add(member.full_name, member.email or "", "committee", member.code)
    return out


def without_email(roll: list[Member]) -> list[Member]:
    """The members of `roll` the e-mail cannot reach: their notice is printed and handed over."""
    return [m for m in roll if not (m.email or "").strip()]


@dataclass
class NoticeResult:
    notice: Notice
    warning: str | None
    in_app: int = 0  # members who get it in the application (the whole roll)
    by_email: int = 0  # members with an e-mail address
    to_print: int = 0  # members without one: print the notice and hand it over

    @property
    def message(self) -> str:
        text = f"Đã gửi thông báo đến {self.in_app} đảng viên trong ứng dụng, {self.by_email} đảng viên qua e-mail."
        if self.to_print:
            text += f" {self.to_print} đảng viên không có e-mail: in thông báo để gửi tay."
        return text


def notice_deadline(meeting: Meeting, profile: dict) -> date:
    """The last day the notice of `meeting` may go out under `profile`, as the late-notice message
    and the notice page print it; whether a notice is late is `notice_late` (the engine's)."""
    return meeting.date - timedelta(days=profile["notice_days_before"])


def notice_late(meeting: Meeting, profile: dict, sent_on: date | None) -> bool:
    """Whether a notice of `meeting` sent on `sent_on` (None: not sent) is late under `profile`:
    the engine's NOTICE_LATE verdict, the one the meeting page and the audit report."""
    return engine.is_notice_late({"kind": meeting.kind, "date": meeting.date, "notice_sent_on": sent_on}, profile)


def notice_messages(meeting: Meeting, recipients: list[dict], base_url: str = "") -> list[EmailMultiAlternatives]:
    """The notice's e-mail (time, place, agenda, open tasks, document links), one message per
    recipient (`Recipient.as_json()` dicts, in their order): what the notice job sends."""
    from chibo.meetings import selectors

    cell = meeting.organization
    context = {"meeting": meeting, "cell": cell, "weekday": dates.weekday(meeting.date), "base_url": base_url.rstrip("/"),
               **selectors.prep_page(meeting)}
    subject = (f"Thông báo: {cell.name} sinh hoạt {meeting.get_kind_display().lower()} ngày "
               f"{meeting.date:%d/%m/%Y}")
    messages = []
    for r in recipients:
        ctx = {**context, "recipient": Recipient(**r)}
        msg = EmailMultiAlternatives(subject, render_text("meetings/notice_email.txt", ctx), to=[r["email"]])
        msg.attach_alternative(render_to_string("meetings/notice_email.html", ctx), "text/html")
        messages.append(msg)
    return messages


@transaction.atomic
def notice_send(meeting: Meeting, user, *, base_url: str = "", on: date | None = None,
                mail: bool = True) -> NoticeResult:
    """Record the notice (Notice with its recipients), set the notice date (the first send's date
    is kept when the notice is sent again, e.g. after a change of place), mark the meeting
    notified, and e-mail it to each recipient separately through a job once this commits
    (`chibo.meetings.tasks.send_notice`: retried, each recipient mailed once). Warns when sent
    later than `notice_days_before` days before the meeting. `mail=False` records the notice
    without e-mailing it (the demo's fictional addresses)."""
    from chibo.meetings.tasks import send_notice

    on = on or dates.today()
    locked = _lock(meeting, move=lifecycle.NOTIFIED)
    if locked.date < on:
        raise ValidationError(f"Ngày họp {locked.date:%d/%m/%Y} đã qua; không gửi thông báo được.")
    roll = notice_roll(locked)
    if not roll:
        raise ValidationError("Không có ai để gửi: danh sách chi bộ chưa có đảng viên nào vào ngày họp.")
    recipients = notice_recipients(locked, roll)
    cell = locked.organization
    notice = Notice.objects.create(meeting=locked, sent_by=user, recipients=[r.as_json() for r in recipients])
    notice_deliveries.deliveries_record(locked.pk, [m.pk for m in roll], NoticeChannel.APP)
    if mail:
        jobs.enqueue(send_notice, notice.pk, base_url)
    if locked.notice_sent_on is None:
        locked.notice_sent_on = on
    # HD 42: the notice also reaches the superior committee following the cell (its staff of
    # `notice_staff` and the members assigned to follow the meeting, `notice_followers`, e-mailed
    # with the members): that is the day it was notified.
    if locked.superior_notified_on is None and any(r.role == "committee" for r in recipients):
        locked.superior_notified_on = on
    locked.status = MeetingStatus.NOTIFIED
    locked.save(update_fields=["notice_sent_on", "superior_notified_on", "status", "updated_at"])
    warning = None
    profile = effective_profile_for(cell)
    if notice_late(locked, profile, locked.notice_sent_on):
        warning = (f"Thông báo gửi muộn: theo quy định phải gửi trước ngày họp ít nhất "
                   f"{profile['notice_days_before']} ngày, tức chậm nhất ngày "
                   f"{notice_deadline(locked, profile):%d/%m/%Y}.")
    return NoticeResult(notice, warning, in_app=len(roll), by_email=len(roll) - len(without_email(roll)),
                        to_print=len(without_email(roll)))


@transaction.atomic
def notice_paper_record(meeting: Meeting, member_ids: list[int]) -> int:
    """The secretary printed the notice and handed it to these members (of the roll on the meeting
    day). Refused before the notice is sent, after the meeting is finalized or cancelled, and for
    anyone not on the roll. Returns how many deliveries are new."""
    locked = _lock(meeting)
    if locked.notice_sent_on is None:
        raise ValidationError("Chưa gửi thông báo: gửi thông báo trước, rồi ghi nhận bản in đã gửi tay.")
    if not member_ids:
        raise ValidationError("Chọn ít nhất một đảng viên đã nhận bản in.", code="empty")
    on_roll = {m.pk for m in notice_roll(locked)}
    if not set(member_ids) <= on_roll:
        raise ValidationError("Có người không thuộc danh sách chi bộ vào ngày họp.")
    return notice_deliveries.deliveries_record(locked.pk, member_ids, NoticeChannel.PAPER)


# --- absence notices sent ahead ------------------------------------------------------------------

def _absence_open(meeting: Meeting, on: date) -> Meeting:
    """The meeting locked, if absence notices may still be sent or withdrawn (until its day)."""
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status not in UPCOMING or locked.date < on:
        raise ValidationError("Cuộc họp đã diễn ra; không thể gửi hoặc rút báo vắng.")
    return locked


@transaction.atomic
def absence_notice_send(meeting: Meeting, member: Member, reason: str, *, on: date | None = None) -> AbsenceNotice:
    """A member's reason for not attending an upcoming meeting of their cell (a second send
    replaces the reason). The recording page pre-fills the roll from it as absent_excused."""
    locked = _absence_open(meeting, on or dates.today())
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": "Nhập lý do vắng mặt."})
    if len(reason) > 255:
        raise ValidationError({"reason": "Lý do dài quá 255 ký tự."})
    if not planning_services.on_roll(locked.organization_id, member, locked.date):
        raise ValidationError("Đồng chí không có trong danh sách chi bộ ngày họp.")
    notice, _ = AbsenceNotice.objects.update_or_create(meeting=locked, member=member, defaults={"reason": reason})
    return notice


@transaction.atomic
def absence_notice_withdraw(meeting: Meeting, member: Member, *, on: date | None = None) -> int:
    locked = _absence_open(meeting, on or dates.today())
    deleted = AbsenceNotice.objects.filter(meeting=locked, member=member).delete()[0]
    if not deleted:
        raise ValidationError("Đồng chí chưa gửi báo vắng cho cuộc họp này.")
    return deleted


# --- tasks -------------------------------------------------------------------------------------

@transaction.atomic
def task_mark_done(task: Task, member: Member, note: str, on: date) -> Task:
    """The assignee reports a task done on `on` with a note on the result."""
    locked = Task.objects.select_for_update().select_related("meeting").get(pk=task.pk)
    if member is None or locked.assignee_id != member.pk:
        raise ValidationError("Chỉ người được giao nhiệm vụ mới được báo hoàn thành.")
    if locked.done_on is not None:
        raise ValidationError(f"Nhiệm vụ đã được báo hoàn thành ngày {locked.done_on:%d/%m/%Y}.")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Ghi kết quả thực hiện nhiệm vụ."})
    if len(note) > limits.TEXT_LIMITS["task.done_note"]:
        raise ValidationError({"note": limits.too_long("Kết quả thực hiện", limits.TEXT_LIMITS["task.done_note"])})
    if on is None:
        raise ValidationError({"on": "Nhập ngày hoàn thành."})
    if on > dates.today():
        raise ValidationError({"on": "Ngày hoàn thành không được sau hôm nay."})
    if on < locked.meeting.date:
        raise ValidationError({"on": f"Ngày hoàn thành không được trước ngày giao nhiệm vụ "
                                     f"({locked.meeting.date:%d/%m/%Y})."})
    locked.done_on, locked.done_note = on, note
    locked.save(update_fields=["done_on", "done_note"])
    return locked

