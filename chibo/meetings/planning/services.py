"""Writes for planning a cell's meetings: the year plan, meetings added by hand, the annual
thematic plan, the agenda template (and copying it into meetings) and the calendar feeds' tokens.

Each function is one transaction and raises django.core.exceptions.ValidationError with a
Vietnamese message on bad input. Access is checked by the views; the services check state."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chibo.changelog import record as changelog
from chibo.meetings import dates
from chibo.meetings.models import (
    AgendaItem,
    AgendaTemplate,
    CalendarToken,
    Meeting,
    MeetingKind,
    MeetingStatus,
    ThematicPlan,
    ThematicPrep,
)
from chibo.meetings.planning import yearplan
from chibo.orgs.models import Member, Membership, Organization
from chibo.rules.services import effective_profile_for


def _text(value) -> str:
    return " ".join((value or "").split())


def _require_cell(org: Organization) -> None:
    if not org.is_cell:
        raise ValidationError("Chỉ chi bộ mới có lịch sinh hoạt.")


def on_roll(cell_id: int, member: Member, day: date) -> bool:
    """Whether `member` is on the cell's roll on `day` (presenters, contributors, absences)."""
    return Membership.objects.on(day).filter(organization_id=cell_id, member=member).exists()


# --- the year plan ---------------------------------------------------------------------------

def plan_topics(cell: Organization, year: int) -> list[yearplan.Topic]:
    rows = ThematicPlan.objects.filter(organization=cell, year=year).order_by("quarter", "planned_date", "id")
    return [yearplan.Topic(r.quarter, r.topic, r.presenter_id, r.planned_date) for r in rows]


def plan_preview(cell: Organization, year: int, *, combine: bool = True,
                 profile: dict | None = None) -> yearplan.PlanChanges:
    """What plan_year would do (no write). Four queries."""
    _require_cell(cell)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "Năm phải từ 2000 đến 2100."})
    profile = profile if profile is not None else effective_profile_for(cell)
    try:
        schedule = yearplan.year_schedule(cell.code, year, profile["regular_meeting_day"], plan_topics(cell, year),
                                          combine=combine, start=cell.established_on)
    except yearplan.PlanError as exc:
        raise ValidationError(str(exc)) from exc
    existing = [yearplan.Existing(ident, kind, day, status, topic) for ident, kind, day, status, topic in
                Meeting.objects.filter(organization=cell, date__year=year).values_list(
                    "ident", "kind", "date", "status", "topic")]
    return yearplan.plan_changes(schedule, existing)


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
        copied = yearplan.meeting_agenda(template, meeting.kind, meeting.topic)
        meeting.topic = slot.topic
        meeting.kind = slot.kind if meeting.kind == MeetingKind.REGULAR else meeting.kind
        meeting.save(update_fields=["topic", "kind", "updated_at"])
        result.filled.append(meeting)
        if list(meeting.agenda.order_by("position").values_list("section", "title")) == copied:
            refresh.append(meeting)
    AgendaItem.objects.filter(meeting__in=refresh).delete()
    copy_agenda(result.created + refresh, template)
    preps = [ThematicPrep(meeting=m, presenter_id=s.presenter)
             for m, s in zip(result.created, changes.create, strict=True) if s.kind in yearplan.THEMATIC_KINDS]
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
    base, sep = yearplan.adhoc_ident_base(cell.code, kind, date)
    taken = Meeting.objects.filter(ident__startswith=base).values_list("ident", flat=True)
    ident = yearplan.next_free_ident(base, taken, sep)
    meeting = Meeting.objects.create(ident=ident, organization=cell, kind=kind, date=date, start=start,
                                     place=_text(place), topic=topic, status=MeetingStatus.PLANNED,
                                     rescheduled_reason=_text(rescheduled_reason)[:500])
    copy_agenda([meeting], agenda_template_for(cell)[0])
    if kind in yearplan.THEMATIC_KINDS:
        ThematicPrep.objects.create(meeting=meeting)
    return meeting


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
        if planned is not None and (planned.year != year or yearplan.quarter_of(planned) != quarter):
            raise ValidationError({"planned_date": f"Ngày dự kiến {planned:%d/%m/%Y} không thuộc quý {quarter} năm {year}."})
        if presenter is not None and not on_roll(cell.pk, presenter, planned or dates.today()):
            raise ValidationError({"presenter": f"Đồng chí {presenter.full_name} không sinh hoạt tại {cell.name}."})
        cleaned.append((quarter, topic, presenter.pk if presenter else None, planned))
    profile = effective_profile_for(cell)
    try:
        yearplan.year_schedule(cell.code, year, profile["regular_meeting_day"],
                               [yearplan.Topic(q, t, p, d) for q, t, p, d in cleaned])
    except yearplan.PlanError as exc:
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
        return list(yearplan.ORDER_OF_BUSINESS), None
    return [(i.get("section", ""), i.get("title", "")) for i in found.items], found.organization


@transaction.atomic
def agenda_template_save(org: Organization, items: list[tuple[str, str]], user=None) -> AgendaTemplate | None:
    """Set the organisation's own template; an empty list removes it (the parent's applies again)."""
    try:
        cleaned = yearplan.clean_agenda(items)
    except yearplan.PlanError as exc:
        raise ValidationError(str(exc)) from exc
    if not cleaned:
        AgendaTemplate.objects.filter(organization=org).delete()
        return None
    template, _ = AgendaTemplate.objects.select_for_update().get_or_create(organization=org)
    template.items = [{"section": s, "title": t} for s, t in cleaned]
    template.save()
    return template


def copy_agenda(meetings: list[Meeting], template: list[tuple[str, str]]) -> None:
    changelog.created(AgendaItem.objects.bulk_create([
        AgendaItem(meeting=m, position=i, section=section, title=title)
        for m in meetings
        for i, (section, title) in enumerate(yearplan.meeting_agenda(template, m.kind, m.topic))
    ]))


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

