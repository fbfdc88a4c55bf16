"""Writes for planning and preparing meetings: the year plan, meetings added by hand, the thematic
plan, the order of business, thematic preparation, documents, the notice, absence notices sent
ahead, tasks marked done and calendar tokens.

Each function is one transaction and raises django.core.exceptions.ValidationError with a
Vietnamese message on bad input. Access is checked by the views; the services check state."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from chibo import jobs, limits
from chibo.changelog import record as changelog
from chibo.meetings import lifecycle, planning
from chibo.meetings.models import (
    AbsenceNotice,
    AgendaItem,
    AgendaTemplate,
    CalendarToken,
    Contribution,
    Meeting,
    MeetingDocument,
    MeetingKind,
    MeetingStatus,
    Notice,
    Task,
    ThematicPlan,
    ThematicPrep,
)
from chibo.orgs.models import Member, Membership, Organization, Role
from chibo.plaintext import render_text
from chibo.rules import engine
from chibo.rules.services import effective_profile_for

FINALIZED = "Biên bản cuộc họp đã hoàn tất và bị khóa, không thể sửa phần chuẩn bị."
CANCELLED = "Cuộc họp đã bị hủy, không thể sửa phần chuẩn bị."
NOT_UPCOMING = lifecycle.NOT_UPCOMING
UPCOMING = lifecycle.UPCOMING
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")
MAX_UPLOAD = limits.DOCUMENT_MAX_BYTES  # 20 MB


def today() -> date:
    return timezone.localdate()


def weekday(day: date) -> str:
    return WEEKDAYS[day.weekday()]


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


def _require_cell(org: Organization) -> None:
    if not org.is_cell:
        raise ValidationError("Chỉ chi bộ mới có lịch sinh hoạt.")


def _on_roll(cell_id: int, member: Member, day: date) -> bool:
    return Membership.objects.on(day).filter(organization_id=cell_id, member=member).exists()


# --- the year plan ---------------------------------------------------------------------------

def plan_topics(cell: Organization, year: int) -> list[planning.Topic]:
    rows = ThematicPlan.objects.filter(organization=cell, year=year).order_by("quarter", "planned_date", "id")
    return [planning.Topic(r.quarter, r.topic, r.presenter_id, r.planned_date) for r in rows]


def plan_preview(cell: Organization, year: int, *, combine: bool = True,
                 profile: dict | None = None) -> planning.PlanChanges:
    """What plan_year would do (no write). Four queries."""
    _require_cell(cell)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "Năm phải từ 2000 đến 2100."})
    profile = profile if profile is not None else effective_profile_for(cell)
    try:
        schedule = planning.year_schedule(cell.code, year, profile["regular_meeting_day"], plan_topics(cell, year),
                                          combine=combine, start=cell.established_on)
    except planning.PlanError as exc:
        raise ValidationError(str(exc)) from exc
    existing = [planning.Existing(ident, kind, day, status, topic) for ident, kind, day, status, topic in
                Meeting.objects.filter(organization=cell, date__year=year).values_list(
                    "ident", "kind", "date", "status", "topic")]
    return planning.plan_changes(schedule, existing)


@dataclass
class PlanResult:
    created: list[Meeting] = field(default_factory=list)
    filled: list[Meeting] = field(default_factory=list)
    kept: int = 0


@transaction.atomic
def plan_year(cell: Organization, year: int, user=None, *, combine: bool = True) -> PlanResult:
    """Create the missing planned meetings of the cell's year (regular meetings on the profile's
    day, at least one thematic meeting a quarter). Running it again creates nothing new; meetings
    held or finalized are never changed; a meeting still planned without a topic takes the
    thematic plan's topic. `user` is who asked (kept for the call's signature; no field records it)."""
    _require_cell(cell)
    # One plan at a time per cell: a second concurrent run waits here and then finds the meetings.
    Organization.objects.select_for_update().filter(pk=cell.pk).first()
    changes = plan_preview(cell, year, combine=combine)
    idents = [s.ident for s in changes.create]
    taken = sorted(Meeting.objects.filter(ident__in=idents).values_list("ident", flat=True))
    if taken:
        raise ValidationError(f"Mã cuộc họp {', '.join(taken)} đã được dùng cho cuộc họp khác; không thể lập kế hoạch.")
    result = PlanResult(kept=len(changes.keep))
    template = agenda_template_for(cell)[0]
    for slot in changes.create:
        meeting = Meeting.objects.create(ident=slot.ident, organization=cell, kind=slot.kind, date=slot.date,
                                         status=MeetingStatus.PLANNED, topic=slot.topic)
        result.created.append(meeting)
    refresh = []  # filled meetings whose agenda is still the untouched copy of the template
    for found, slot in changes.fill:
        meeting = Meeting.objects.select_for_update().get(organization=cell, ident=found.ident)
        if meeting.status != MeetingStatus.PLANNED:  # changed since the preview was read
            continue
        copied = planning.meeting_agenda(template, meeting.kind, meeting.topic)
        meeting.topic = slot.topic
        meeting.kind = slot.kind if meeting.kind == MeetingKind.REGULAR else meeting.kind
        meeting.save(update_fields=["topic", "kind", "updated_at"])
        result.filled.append(meeting)
        if list(meeting.agenda.order_by("position").values_list("section", "title")) == copied:
            refresh.append(meeting)
    AgendaItem.objects.filter(meeting__in=refresh).delete()
    _copy_agenda(result.created + refresh, template)
    preps = [ThematicPrep(meeting=m, presenter_id=s.presenter)
             for m, s in zip(result.created, changes.create, strict=True) if s.kind in planning.THEMATIC_KINDS]
    changelog.created(ThematicPrep.objects.bulk_create(preps))  # bulk inserts send no signals
    filled_slots = {f.ident: s for f, s in changes.fill}
    for m in result.filled:
        prep, _ = ThematicPrep.objects.get_or_create(meeting=m)
        if prep.presenter_id is None and filled_slots[m.ident].presenter is not None:
            prep.presenter_id = filled_slots[m.ident].presenter
            prep.save(update_fields=["presenter"])
    return result


@transaction.atomic
def meeting_create(cell: Organization, *, kind: str = MeetingKind.EXTRAORDINARY, date: date, start: time | None = None,
                   place: str = "", topic: str = "", rescheduled_reason: str = "", user=None) -> Meeting:
    """Add a meeting by hand (an extraordinary meeting, or a regular or thematic one off the plan),
    status planned, with the agenda copied from the template."""
    _require_cell(cell)
    if kind not in MeetingKind.values:
        raise ValidationError({"kind": "Loại sinh hoạt không hợp lệ."})
    if cell.established_on and date < cell.established_on:
        raise ValidationError({"date": f"Chi bộ thành lập ngày {cell.established_on:%d/%m/%Y}; ngày họp phải từ "
                                       f"ngày đó trở đi."})
    topic = _text(topic)
    if len(topic) > 500:
        raise ValidationError({"topic": "Chuyên đề dài quá 500 ký tự."})
    Organization.objects.select_for_update().filter(pk=cell.pk).first()
    base, sep = planning.adhoc_ident_base(cell.code, kind, date)
    taken = Meeting.objects.filter(ident__startswith=base).values_list("ident", flat=True)
    ident = planning.next_free_ident(base, taken, sep)
    meeting = Meeting.objects.create(ident=ident, organization=cell, kind=kind, date=date, start=start,
                                     place=_text(place), topic=topic, status=MeetingStatus.PLANNED,
                                     rescheduled_reason=_text(rescheduled_reason)[:500])
    _copy_agenda([meeting], agenda_template_for(cell)[0])
    if kind in planning.THEMATIC_KINDS:
        ThematicPrep.objects.create(meeting=meeting)
    return meeting


@transaction.atomic
def meeting_schedule_set(meeting: Meeting, *, date: date, start: time | None, place: str,
                         rescheduled_reason: str = "") -> Meeting:
    """Date, start time and place of a meeting not yet held (the life cycle's rescheduling: the
    meeting keeps its status; the change log keeps the old date)."""
    locked = _lock(meeting, move=lifecycle.RESCHEDULED)
    cell = locked.organization
    if cell.established_on and date < cell.established_on:
        raise ValidationError({"date": f"Ngày họp phải từ ngày thành lập chi bộ ({cell.established_on:%d/%m/%Y})."})
    locked.date, locked.start, locked.place = date, start, _text(place)[:255]
    locked.rescheduled_reason = _text(rescheduled_reason)[:500]
    locked.save(update_fields=["date", "start", "place", "rescheduled_reason", "updated_at"])
    return locked


# --- the annual thematic plan --------------------------------------------------------------------

@transaction.atomic
def thematic_plan_save(cell: Organization, year: int, rows: list[dict], user=None) -> list[ThematicPlan]:
    """Replace the cell's thematic plan of the year by `rows` ({quarter, topic, presenter, planned_date}).
    A quarter left without a topic gets a placeholder in the year plan. A plan already reported to the superior and changed
    here must be reported again (reported_at is cleared); an unchanged plan keeps its report date."""
    _require_cell(cell)
    Organization.objects.select_for_update().filter(pk=cell.pk).first()
    cleaned = []
    for row in rows:
        topic = _text(row.get("topic"))
        if not topic:
            continue
        quarter, presenter, planned = row.get("quarter"), row.get("presenter"), row.get("planned_date")
        if quarter not in (1, 2, 3, 4):
            raise ValidationError({"quarter": "Quý phải từ 1 đến 4."})
        if len(topic) > 500:
            raise ValidationError({"topic": f"Chuyên đề “{topic[:40]}…” dài quá 500 ký tự."})
        if planned is not None and (planned.year != year or planning.quarter_of(planned) != quarter):
            raise ValidationError({"planned_date": f"Ngày dự kiến {planned:%d/%m/%Y} không thuộc quý {quarter} năm {year}."})
        if presenter is not None and not _on_roll(cell.pk, presenter, planned or today()):
            raise ValidationError({"presenter": f"Đồng chí {presenter.full_name} không sinh hoạt tại {cell.name}."})
        cleaned.append((quarter, topic, presenter.pk if presenter else None, planned))
    profile = effective_profile_for(cell)
    try:
        planning.year_schedule(cell.code, year, profile["regular_meeting_day"],
                               [planning.Topic(q, t, p, d) for q, t, p, d in cleaned])
    except planning.PlanError as exc:
        raise ValidationError(str(exc)) from exc
    new = sorted(cleaned, key=_plan_key)
    old = list(ThematicPlan.objects.filter(organization=cell, year=year).order_by("quarter", "id"))
    if new == sorted(((r.quarter, r.topic, r.presenter_id, r.planned_date) for r in old), key=_plan_key):
        return old  # unchanged: keeps its report date
    ThematicPlan.objects.filter(organization=cell, year=year).delete()
    rows = ThematicPlan.objects.bulk_create(
        [ThematicPlan(organization=cell, year=year, quarter=q, topic=t, presenter_id=p, planned_date=d)
         for q, t, p, d in new])
    changelog.created(rows)
    return rows


def _plan_key(row: tuple) -> tuple:
    quarter, topic, presenter, planned = row
    return quarter, planned or date.max, topic, presenter or 0


@transaction.atomic
def thematic_plan_report(cell: Organization, year: int, user=None) -> int:
    """Mark the year's thematic plan (a topic in every quarter) reported to the superior committee (now)."""
    rows = ThematicPlan.objects.select_for_update().filter(organization=cell, year=year)
    if not rows.exists():
        raise ValidationError(f"Chưa có kế hoạch sinh hoạt chuyên đề năm {year}.")
    missing = sorted({1, 2, 3, 4} - set(rows.values_list("quarter", flat=True)))
    if missing:
        raise ValidationError("Mỗi quý phải có ít nhất một chuyên đề trước khi báo cáo cấp trên; còn thiếu quý "
                              + ", ".join(str(q) for q in missing) + ".")
    if not rows.filter(reported_at__isnull=True).exists():
        raise ValidationError(f"Kế hoạch sinh hoạt chuyên đề năm {year} đã được báo cáo cấp trên.")
    now, before = timezone.now(), list(rows)
    count = rows.update(reported_at=now)
    changelog.updated(before, reported_at=now)  # QuerySet.update sends no signals
    return count


# --- the order of business ------------------------------------------------------------------------

def agenda_template_for(org: Organization) -> tuple[list[tuple[str, str]], Organization | None]:
    """The nearest template up the tree (the organisation's own first) and where it comes from;
    the official order of business (source None) when no committee has set one. One query."""
    found = (AgendaTemplate.objects.filter(organization_id__in=org.ancestor_ids())
             .select_related("organization").order_by("-organization__depth").first())
    if found is None:
        return list(planning.ORDER_OF_BUSINESS), None
    return [(i.get("section", ""), i.get("title", "")) for i in found.items], found.organization


@transaction.atomic
def agenda_template_save(org: Organization, items: list[tuple[str, str]], user=None) -> AgendaTemplate | None:
    """Set the organisation's own template; an empty list removes it (the parent's applies again)."""
    try:
        cleaned = planning.clean_agenda(items)
    except planning.PlanError as exc:
        raise ValidationError(str(exc)) from exc
    if not cleaned:
        AgendaTemplate.objects.filter(organization=org).delete()
        return None
    template, _ = AgendaTemplate.objects.select_for_update().get_or_create(organization=org)
    template.items = [{"section": s, "title": t} for s, t in cleaned]
    template.save()
    return template


def _copy_agenda(meetings: list[Meeting], template: list[tuple[str, str]]) -> None:
    changelog.created(AgendaItem.objects.bulk_create([
        AgendaItem(meeting=m, position=i, section=section, title=title)
        for m in meetings
        for i, (section, title) in enumerate(planning.meeting_agenda(template, m.kind, m.topic))
    ]))


@transaction.atomic
def agenda_from_template(meeting: Meeting) -> int:
    """Replace the meeting's agenda by the template's (meetings not yet held)."""
    locked = _lock(meeting, upcoming=True)
    AgendaItem.objects.filter(meeting=locked).delete()
    _copy_agenda([locked], agenda_template_for(locked.organization)[0])
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
        if section not in planning.SECTIONS:
            raise ValidationError({"section": "Phần không hợp lệ."})
        if len(title) > planning.TITLE_MAX:
            raise ValidationError({"title": f"Nội dung “{title[:40]}…” dài quá {planning.TITLE_MAX} ký tự."})
        notes = (notes or "").strip()
        if len(notes) > limits.TEXT_LIMITS["agenda.notes"]:
            raise ValidationError({"notes": limits.too_long("Ghi chú", limits.TEXT_LIMITS["agenda.notes"])})
        rows.append((section, title, notes))
    if not rows:
        raise ValidationError("Chương trình phải có ít nhất một nội dung.")
    if len(rows) > limits.ROW_LIMITS["agenda"]:
        raise ValidationError(f"Chương trình có tối đa {limits.ROW_LIMITS['agenda']} {limits.ROW_LABELS['agenda']}.")
    rows.sort(key=lambda r: planning.SECTIONS.index(r[0]))
    AgendaItem.objects.filter(meeting=locked).delete()
    items = AgendaItem.objects.bulk_create(
        [AgendaItem(meeting=locked, position=i, section=s, title=t, notes=n) for i, (s, t, n) in enumerate(rows)])
    changelog.created(items)
    return items


# --- thematic preparation ------------------------------------------------------------------------

def _thematic(meeting: Meeting) -> None:
    if meeting.kind not in planning.THEMATIC_KINDS:
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
    if presenter is not None and not _on_roll(locked.organization_id, presenter, locked.date):
        raise ValidationError({"presenter": f"Đồng chí {presenter.full_name} không có trong danh sách chi bộ ngày "
                                            f"{locked.date:%d/%m/%Y}."})
    _check_upload(presentation, "presentation")
    prep, _ = ThematicPrep.objects.select_for_update().get_or_create(meeting=locked)
    changed = topic != locked.topic or presentation is not None
    if topic != locked.topic:
        # The agenda's presentation item copied from the template follows the topic.
        old_item = planning.presentation_item(locked.topic)
        followed = AgendaItem.objects.filter(meeting=locked, section=planning.BODY, title=old_item)
        before = list(followed)
        followed.update(title=planning.presentation_item(topic))
        changelog.updated(before, title=planning.presentation_item(topic))
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
    if not _on_roll(locked.organization_id, member, locked.date):
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


def notice_recipients(meeting: Meeting) -> list[Recipient]:
    """Members on the roll on the meeting day who have an e-mail, in roll order, then the committee
    staff (with an e-mail on their login) of the nearest organisation up the tree that has any.
    An address is written to once. Two queries."""
    cell = meeting.organization
    seen: set[str] = set()
    out: list[Recipient] = []

    def add(name, email, role, code):
        key = email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(Recipient(name, email.strip(), role, code))

    for m in (Membership.objects.on(meeting.date).filter(organization=cell).exclude(member__email="")
              .select_related("member").order_by("member__sort_key", "member__code")):
        add(m.member.full_name, m.member.email, "member", m.member.code)
    ancestors = cell.ancestor_ids()[:-1]
    roles = (Role.objects.filter(kind=Role.Kind.COMMITTEE_STAFF, organization_id__in=ancestors, user__is_active=True)
             .exclude(user__email="").select_related("user", "organization")
             .order_by("-organization__depth", "user__username"))
    nearest = None
    for role in roles:
        if nearest is None:
            nearest = role.organization_id
        if role.organization_id != nearest:
            break
        user = role.user
        add(user.get_full_name() or user.username, user.email, "committee", user.username)
    return out


@dataclass
class NoticeResult:
    notice: Notice
    warning: str | None


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
    context = {"meeting": meeting, "cell": cell, "weekday": weekday(meeting.date), "base_url": base_url.rstrip("/"),
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

    on = on or today()
    locked = _lock(meeting, move=lifecycle.NOTIFIED)
    if locked.date < on:
        raise ValidationError(f"Ngày họp {locked.date:%d/%m/%Y} đã qua; không gửi thông báo được.")
    recipients = notice_recipients(locked)
    if not recipients:
        raise ValidationError("Không có ai để gửi: chưa đảng viên nào trong danh sách chi bộ có địa chỉ email.")
    cell = locked.organization
    notice = Notice.objects.create(meeting=locked, sent_by=user, recipients=[r.as_json() for r in recipients])
    if mail:
        jobs.enqueue(send_notice, notice.pk, base_url)
    if locked.notice_sent_on is None:
        locked.notice_sent_on = on
    locked.status = MeetingStatus.NOTIFIED
    locked.save(update_fields=["notice_sent_on", "status", "updated_at"])
    warning = None
    profile = effective_profile_for(cell)
    if notice_late(locked, profile, locked.notice_sent_on):
        warning = (f"Thông báo gửi muộn: theo quy định phải gửi trước ngày họp ít nhất "
                   f"{profile['notice_days_before']} ngày, tức chậm nhất ngày "
                   f"{notice_deadline(locked, profile):%d/%m/%Y}.")
    return NoticeResult(notice, warning)


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
    locked = _absence_open(meeting, on or today())
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": "Nhập lý do vắng mặt."})
    if len(reason) > 255:
        raise ValidationError({"reason": "Lý do dài quá 255 ký tự."})
    if not _on_roll(locked.organization_id, member, locked.date):
        raise ValidationError("Đồng chí không có trong danh sách chi bộ ngày họp.")
    notice, _ = AbsenceNotice.objects.update_or_create(meeting=locked, member=member, defaults={"reason": reason})
    return notice


@transaction.atomic
def absence_notice_withdraw(meeting: Meeting, member: Member, *, on: date | None = None) -> int:
    locked = _absence_open(meeting, on or today())
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
    if on > today():
        raise ValidationError({"on": "Ngày hoàn thành không được sau hôm nay."})
    if on < locked.meeting.date:
        raise ValidationError({"on": f"Ngày hoàn thành không được trước ngày giao nhiệm vụ "
                                     f"({locked.meeting.date:%d/%m/%Y})."})
    locked.done_on, locked.done_note = on, note
    locked.save(update_fields=["done_on", "done_note"])
    return locked


# --- calendar tokens ----------------------------------------------------------------------------

def _owner(user, organization, member) -> dict:
    if (organization is None) == (member is None):
        raise ValueError("exactly one of organization and member")
    if user is None:
        raise ValueError("a calendar token is issued to a user")
    # By id: request.user is a lazy wrapper, not a User instance to keep on the row.
    return ({"user_id": user.pk, "organization": organization} if organization is not None
            else {"user_id": user.pk, "member": member})


@transaction.atomic
def calendar_token_get(*, user, organization: Organization | None = None,
                       member: Member | None = None) -> CalendarToken:
    """The user's token for this feed, created on first use; a revoked one is re-issued with a new
    secret (the old address never comes back)."""
    owner = _owner(user, organization, member)
    token = CalendarToken.objects.select_for_update().filter(**owner).first()
    if token is None:
        return CalendarToken.objects.create(token=secrets.token_urlsafe(32), **owner)
    if token.revoked_at is not None:
        _reissue(token)
    return token


@transaction.atomic
def calendar_token_regenerate(*, user, organization: Organization | None = None,
                              member: Member | None = None) -> CalendarToken:
    """A new secret: the old feed address stops working at once."""
    owner = _owner(user, organization, member)
    token = CalendarToken.objects.select_for_update().filter(**owner).first()
    if token is None:
        return CalendarToken.objects.create(token=secrets.token_urlsafe(32), **owner)
    _reissue(token)
    return token


def _reissue(token: CalendarToken) -> None:
    token.token = secrets.token_urlsafe(32)
    token.created_at, token.revoked_at = timezone.now(), None
    token.save(update_fields=["token", "created_at", "revoked_at"])


@transaction.atomic
def calendar_token_revoke(token: CalendarToken) -> CalendarToken:
    """The feed stops answering; the user can issue a new address later."""
    locked = CalendarToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise ValidationError("Địa chỉ lịch này đã bị thu hồi.")
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    return locked


def calendar_token_allowed(token: CalendarToken) -> bool:
    """Whether the token's user may still have this feed: active, and the current rights still
    cover it (running the cell for a cell feed; being that member for a member feed). The token's
    user (and organisation) should be loaded with it."""
    from chibo.orgs.access import scope_for

    user = token.user
    if not user.is_active:
        return False
    scope = scope_for(user)
    if token.organization_id:
        return scope.can_manage_org(token.organization)
    return token.member_id is not None and token.member_id == scope.member_id


def calendar_token_for_feed(secret: str) -> CalendarToken | None:
    """The token behind a feed address if the feed may answer now, else None."""
    if not secret:
        return None
    token = (CalendarToken.objects.filter(token=secret, revoked_at__isnull=True)
             .select_related("user", "organization", "member").first())
    if token is None or not calendar_token_allowed(token):
        return None
    return token
