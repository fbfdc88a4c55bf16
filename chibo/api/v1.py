"""Version 1 of the API (/api/v1/...): the organisation tree, members and their periods, meetings
and what their minutes record, the stored audit and the dashboard, the bundle.

Every endpoint looks its record up through the pages' access helpers (chibo/orgs/access.py,
chibo/meetings/access.py) with the right the page needs, binds its input with the page's form and
writes through the page's service: the API adds no rule of its own. Lists are pages of at most
LIMIT_MAX rows in a stable order (`limit`, `offset`; the answer gives `count`)."""

import json
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from ninja import Body, Field, Path, Query, Router, Schema, Status

from chibo import vocabulary
from chibo.api.errors import ERRORS, WRITE_ERRORS, InputError, form_errors
from chibo.changelog import record as changelog
from chibo.interchange.db import ImportConflict, bundle_export, bundle_import, import_limits
from chibo.interchange.validate import BundleError, bundle_to_json, parse_bundle
from chibo.limits import YEAR_MAX, YEAR_MIN
from chibo.meetings import quality
from chibo.meetings import selectors as meeting_selectors
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.documents.adapter import author_name
from chibo.meetings.models import Attendance, Guest, Meeting, MeetingStatus, Speech, Task, Vote
from chibo.meetings.planning import forms as plan_forms
from chibo.meetings.planning import services as planning
from chibo.meetings.recording import forms as record_forms
from chibo.meetings.recording import services as recording
from chibo.orgs import forms as org_forms
from chibo.orgs import services as org_services
from chibo.orgs.access import Right, get_member_for_user, get_org_for_user, scope_for
from chibo.orgs.models import Member, Membership, Organization, Position
from chibo.reports.dashboard import dashboard
from chibo.reports.services import refresh_missing
from chibo.results.selectors import missing_slices, stored_audit
from chibo.results.services import refresh_roots
from chibo.rules.engine import audit as engine_audit
from chibo.rules.services import effective_profile_for

router = Router(tags=["v1"])

LIMIT_DEFAULT, LIMIT_MAX, OFFSET_MAX = 50, 200, 1_000_000
YEARS_MAX = 10  # the longest period an audit or dashboard request covers
#: Codes and identifiers in a path: no control characters, no slash (what the database stores).
CODE = r"^[^\x00-\x1f\x7f/]{1,64}$"
TEXT = r"^[^\x00]*$"
HHMM = r"^[0-2][0-9]:[0-5][0-9]$"

Limit = Query(LIMIT_DEFAULT, ge=1, le=LIMIT_MAX, description=f"rows per page (1–{LIMIT_MAX})")
Offset = Query(0, ge=0, le=OFFSET_MAX, description="rows skipped")
BUNDLE = Body(..., description="a bundle (docs/spec/bundle.md)")


def _page(qs, limit: int, offset: int, convert) -> dict:
    """One page of `qs` (already in a stable order): two queries and the rows' own."""
    return {"count": qs.count(), "limit": limit, "offset": offset,
            "items": [convert(row) for row in qs[offset:offset + limit]]}


def _iso(value) -> str:
    return "" if value is None else value.isoformat()


def _bind(form) -> dict:
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


def _period(date_from: date, date_to: date, as_of: date | None = None) -> None:
    errors = [(name, f"Năm phải từ {YEAR_MIN} đến {YEAR_MAX}.")
              for name, day in (("date_from", date_from), ("date_to", date_to), ("as_of", as_of))
              if day is not None and not YEAR_MIN <= day.year <= YEAR_MAX]
    if not errors and date_to < date_from:
        errors.append(("date_to", "Ngày kết thúc phải sau ngày bắt đầu."))
    if not errors and date_to.year - date_from.year >= YEARS_MAX:
        errors.append(("date_to", f"Mỗi lần hỏi tối đa {YEARS_MAX} năm."))
    if errors:
        raise InputError(errors)


# --- schemas ---------------------------------------------------------------------------------

class OrgOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    depth: int
    established_on: date | None
    locality: str
    address: str


class OrgPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[OrgOut]


class OrgIn(Schema):
    code: str
    name: str
    kind: str
    parent: str | None = None
    established_on: date | None = None
    locality: str = ""
    address: str = ""


class MemberBrief(Schema):
    code: str
    full_name: str
    cell: str | None


class MemberPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MemberBrief]


class MembershipOut(Schema):
    organization: str
    start: date
    end: date | None


class PeriodOut(Schema):
    kind: str
    start: date
    end: date | None
    reason: str


class PositionOut(Schema):
    organization: str
    title: str
    start: date
    end: date | None


class ProfileOut(Schema):
    gender: str
    birth_date: date | None
    joined_on: date | None
    official_on: date | None
    phone: str
    email: str
    address: str


class MemberOut(Schema):
    code: str
    full_name: str
    profile: ProfileOut | None  # null for a fellow member (name, code and current positions only)
    memberships: list[MembershipOut]
    periods: list[PeriodOut]
    positions: list[PositionOut]


class MemberIn(Schema):
    full_name: str
    gender: str = ""
    birth_date: date | None = None
    joined_on: date | None = None
    official_on: date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""


class NewMemberIn(MemberIn):
    code: str
    start: date


class PeriodIn(Schema):
    kind: str
    start: date
    end: date | None = None
    reason: str = ""


class PositionIn(Schema):
    title: str
    start: date
    end: date | None = None


class MeetingBrief(Schema):
    ident: str
    organization: str
    kind: str
    status: str
    date: date
    start: str | None = Field(..., pattern=HHMM, description="hh:mm")
    end: str | None = Field(..., pattern=HHMM, description="hh:mm")
    place: str


class MeetingIn(Schema):
    kind: str = "extraordinary"
    date: date
    start: str = Field("", description="hh:mm")
    place: str = ""
    topic: str = ""


class MeetingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[MeetingBrief]


class AttendanceOut(Schema):
    member: str
    full_name: str
    status: str
    reason: str | None  # null where the caller may not read it
    version: int


class RowOut(Schema):
    position: int
    key: UUID  # the client key (the recording page's, or the one sent with POST)
    version: int  # incremented on every change; send it back with an edit (409 when it is stale)


class SpeechOut(RowOut):
    member: str
    item: str
    summary: str


class VoteOut(RowOut):
    kind: str
    method: str
    subject: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    votes_invalid: int


class TaskOut(RowOut):
    assignee: str | None
    description: str
    due: date | None
    done_on: date | None


class GuestOut(RowOut):
    name: str
    title: str
    organization: str


class QualityGroupOut(Schema):
    id: str
    name: str
    max: int
    points: int
    entered: bool = Field(..., description="scored by the cell (true) or computed by the rule engine (false)")
    scored: bool = Field(..., description="false: an entered group not scored yet (0 points, provisional)")
    reason: str = Field(..., description="what the rule engine counted, for a computed group")


class QualityOut(Schema):
    """The HD 42 frame score (rules-v2.md §5), as the meeting's page shows it."""

    rubric: str
    rubric_name: str
    scorer: str | None = Field(..., description="member code of who follows and scores the meeting")
    scorer_name: str | None
    groups: list[QualityGroupOut]
    total: int
    grade: str = Field(..., description="grade of the total: tot, kha, trung_binh, kem")
    provisional: bool
    status: str | None = Field(..., description="self (scored), adopted (voted by the cell), official; null: "
                                                "not scored yet")
    official_grade: str | None = Field(..., description="the superior committee's grade once decided")
    confirmed_by: str | None = Field(..., description="who decided the official grade (name)")
    confirmed_at: datetime | None = Field(..., description="when the official grade was decided")


class MeetingOut(MeetingBrief):
    quality: QualityOut | None = Field(..., description="HD 42 meetings only (null: judged by HD 12, or cancelled)")
    chair: str | None
    secretary: str | None
    topic: str
    conclusion: str
    resolution_text: str
    attendance: list[AttendanceOut]
    speeches: list[SpeechOut]
    votes: list[VoteOut]
    tasks: list[TaskOut]
    guests: list[GuestOut]


class AttendanceIn(Schema):
    status: str
    reason: str = ""
    version: int | None = None  # the row's version the edit was based on (0: none recorded yet)


class RowIn(Schema):
    version: int | None = None  # the row's version the edit was based on (none: overwrite)


class KeyIn(Schema):
    key: UUID  # the client's key of the row: a new key adds a row at the end, a known one edits it


class SpeechIn(RowIn):
    member: str
    item: str = ""
    summary: str = ""


class VoteIn(RowIn):
    kind: str
    method: str
    subject: str = ""
    votes_for: int | None = None
    votes_against: int | None = None
    votes_abstain: int | None = None
    votes_invalid: int | None = None


class TaskIn(RowIn):
    description: str
    assignee: str | None = None
    due: date | None = None


class GuestIn(RowIn):
    name: str
    title: str = ""
    organization: str = ""


class SpeechKeyIn(SpeechIn, KeyIn):
    pass


class VoteKeyIn(VoteIn, KeyIn):
    pass


class TaskKeyIn(TaskIn, KeyIn):
    pass


class GuestKeyIn(GuestIn, KeyIn):
    pass


class HeaderIn(Schema):
    value: str = ""  # empty clears it; times hh:mm, dates yyyy-mm-dd or dd/mm/yyyy, members by code
    version: int | None = None  # the meeting's version the edit was based on (none: overwrite)


class HeaderOut(Schema):
    field: str
    value: str
    version: int


class Deleted(Schema):
    deleted: int


class FiguresOut(Schema):
    code: str
    name: str
    is_cell: bool
    meetings: int
    regular: int
    regular_months: int
    on_time_months: int
    thematic: int
    present: int
    expected: int
    attendance_rate: str | None
    framework: int
    average_score: float | None
    grades: dict[str, int]
    findings: dict[str, int]


class MonthOut(Schema):
    month: date
    meetings: int
    present: int
    expected: int
    attendance_rate: str | None


class DashboardOut(Schema):
    organization: str
    date_from: date
    date_to: date
    total: FiguresOut
    children: list[FiguresOut]
    months: list[MonthOut]
    worst: list[FiguresOut]


class ImportOut(Schema):
    organizations: int
    members: int
    meetings: int
    visits: int
    refreshed: int


# --- converters ------------------------------------------------------------------------------

def _org(o: Organization) -> dict:
    return {"code": o.code, "name": o.name, "kind": o.kind, "parent": o.parent.code if o.parent_id else None,
            "depth": o.depth, "established_on": o.established_on, "locality": o.locality, "address": o.address}


def _meeting_brief(m: Meeting) -> dict:
    return {"ident": m.ident, "organization": m.organization.code, "kind": m.kind, "status": m.status,
            "date": m.date, "start": _hhmm(m.start), "end": _hhmm(m.end), "place": m.place}


def _hhmm(value: time | None) -> str | None:
    return None if value is None else value.strftime("%H:%M")


def _figures(f) -> dict:
    return {"code": f.code, "name": f.name, "is_cell": f.is_cell, "meetings": f.meetings, "regular": f.regular,
            "regular_months": f.regular_months, "on_time_months": f.on_time_months, "thematic": f.thematic,
            "present": f.present, "expected": f.expected, "attendance_rate": f.attendance_rate,
            "framework": f.framework, "average_score": f.average_score, "grades": dict(f.grades),
            "findings": dict(f.findings)}


# --- the organisation tree -------------------------------------------------------------------

@router.get("/orgs", response={200: OrgPage, **ERRORS}, summary="Cây tổ chức (theo thứ tự cây)")
def orgs(request, limit: int = Limit, offset: int = Offset):
    """The organisations the caller may read, in tree order (parents before their children)."""
    scope = scope_for(request.user)
    qs = Organization.objects.filter(scope.org_q()).select_related("parent").order_by("path", "pk")
    return _page(qs, limit, offset, _org)


@router.get("/orgs/{code}", response={200: OrgOut, **ERRORS}, summary="Một tổ chức")
def org(request, code: str = Path(..., pattern=CODE)):
    found, _scope = get_org_for_user(request.user, code)
    return _org(found)


@router.post("/orgs", response={201: OrgOut, **ERRORS}, summary="Tạo tổ chức")
def org_create(request, payload: OrgIn):
    """As the page *Thêm tổ chức*: under an organisation the caller supervises (administrators:
    anywhere, the top included)."""
    scope = scope_for(request.user)
    parent = None
    if payload.parent:
        parent, _ = get_org_for_user(request.user, payload.parent)
    if not (scope.is_admin or (parent is not None and scope.can_edit_structure(parent))):
        raise PermissionDenied("Bạn không có quyền tạo tổ chức ở đây.")
    parents = scope.orgs() if scope.is_admin else Organization.objects.filter(scope.paths_q(scope.supervise_paths, ""))
    data = _bind(org_forms.OrganizationForm({
        "code": payload.code, "name": payload.name, "kind": payload.kind, "parent": payload.parent or "",
        "established_on": _iso(payload.established_on), "locality": payload.locality, "address": payload.address,
    }, parents=parents))
    if data["parent"] is None and not scope.is_admin:
        raise InputError([("parent", "Chọn tổ chức cấp trên.")])
    created = org_services.org_create(**data)
    return Status(201, _org(Organization.objects.select_related("parent").get(pk=created.pk)))


# --- members ---------------------------------------------------------------------------------

@router.get("/orgs/{code}/members", response={200: MemberPage, **ERRORS},
            summary="Đảng viên đang sinh hoạt trong tổ chức (theo tên)")
def org_members(request, code: str = Path(..., pattern=CODE), limit: int = Limit, offset: int = Offset):
    """Members currently on the roll of a cell of the organisation's subtree whom the caller may
    see, by Vietnamese name order, then code."""
    found, scope = get_org_for_user(request.user, code)
    current = Membership.objects.filter(Q(member=OuterRef("pk"), end__isnull=True) & found.subtree_q("organization__"))
    qs = (Member.objects.filter(Exists(current)).filter(scope.member_q()).order_by("sort_key", "code", "pk")
          .prefetch_related(_current_cells()))
    return _page(qs, limit, offset, lambda m: {"code": m.code, "full_name": m.full_name,
                                                "cell": m.current[0].organization.code if m.current else None})


def _current_cells():
    return Prefetch("memberships", to_attr="current",
                    queryset=Membership.objects.filter(end__isnull=True).select_related("organization"))


def _member(member: Member, scope) -> dict:
    if not scope.can_read_member_profile(member):
        positions = member.positions.filter(end__isnull=True).select_related("organization").order_by("start", "pk")
        return {"code": member.code, "full_name": member.full_name, "profile": None, "memberships": [],
                "periods": [], "positions": [_position(p) for p in positions]}
    return {
        "code": member.code, "full_name": member.full_name,
        "profile": {k: getattr(member, k) for k in ("gender", "birth_date", "joined_on", "official_on", "phone",
                                                    "email", "address")},
        "memberships": [{"organization": m.organization.code, "start": m.start, "end": m.end}
                        for m in member.memberships.select_related("organization").order_by("start", "pk")],
        "periods": [{"kind": p.kind, "start": p.start, "end": p.end, "reason": p.reason}
                    for p in member.periods.order_by("kind", "start", "pk")],
        "positions": [_position(p) for p in member.positions.select_related("organization").order_by("start", "pk")],
    }


def _position(p: Position) -> dict:
    return {"organization": p.organization.code, "title": p.title, "start": p.start, "end": p.end}


@router.get("/members/{code}", response={200: MemberOut, **ERRORS}, summary="Hồ sơ đảng viên")
def member(request, code: str = Path(..., pattern=CODE)):
    """The full record (profile, memberships, exempt/away periods, positions) for those who may
    read it (docs/permissions.md); a fellow member gets the name, the code and current positions."""
    found, scope = get_member_for_user(request.user, code)
    return _member(found, scope)


@router.post("/orgs/{code}/members", response={201: MemberOut, **ERRORS}, summary="Thêm đảng viên vào chi bộ")
def member_create(request, payload: NewMemberIn, code: str = Path(..., pattern=CODE)):
    cell, scope = get_org_for_user(request.user, code, Right.MANAGE)
    data = _bind(org_forms.NewMemberForm(_member_data(payload, code=payload.code, start=_iso(payload.start))))
    created = org_services.member_create(organization=cell, **data)
    return Status(201, _member(created, scope))


def _member_data(payload: MemberIn, **extra) -> dict:
    data = {k: getattr(payload, k) for k in ("full_name", "gender", "phone", "email", "address")}
    data.update({k: _iso(getattr(payload, k)) for k in ("birth_date", "joined_on", "official_on")})
    return {**data, **extra}


@router.put("/members/{code}", response={200: MemberOut, **ERRORS}, summary="Sửa hồ sơ đảng viên")
def member_update(request, payload: MemberIn, code: str = Path(..., pattern=CODE)):
    found, scope = get_member_for_user(request.user, code, Right.MANAGE)
    form = org_forms.MemberForm(_member_data(payload, code=found.code), editing=True,
                                initial={"code": found.code})
    data = {k: v for k, v in _bind(form).items() if k != "code"}
    return _member(org_services.member_update(found, **data), scope)


@router.post("/members/{code}/periods", response={201: PeriodOut, **ERRORS},
             summary="Thêm thời gian miễn / vắng sinh hoạt")
def period_add(request, payload: PeriodIn, code: str = Path(..., pattern=CODE)):
    found, _scope = get_member_for_user(request.user, code, Right.MANAGE)
    data = _bind(org_forms.PeriodForm({"kind": payload.kind, "start": _iso(payload.start), "end": _iso(payload.end),
                                       "reason": payload.reason}))
    period = org_services.period_add(found, **data)
    return Status(201, {"kind": period.kind, "start": period.start, "end": period.end, "reason": period.reason})


@router.post("/members/{code}/positions", response={201: PositionOut, **ERRORS},
             summary="Thêm chức vụ tại chi bộ đang sinh hoạt")
def position_add(request, payload: PositionIn, code: str = Path(..., pattern=CODE)):
    found, _scope = get_member_for_user(request.user, code, Right.MANAGE)
    cell = found.memberships.filter(end__isnull=True).select_related("organization").first()
    if cell is None:
        raise PermissionDenied("Đảng viên hiện không sinh hoạt tại chi bộ nào.")
    data = _bind(org_forms.PositionForm({"title": payload.title, "start": _iso(payload.start),
                                         "end": _iso(payload.end)}))
    position = org_services.position_add(found, organization=cell.organization, **data)
    position.organization = cell.organization
    return Status(201, _position(position))


# --- meetings --------------------------------------------------------------------------------

@router.get("/orgs/{code}/meetings", response={200: MeetingPage, **ERRORS},
            summary="Cuộc họp của tổ chức và các chi bộ trực thuộc (theo ngày)")
def org_meetings(request, code: str = Path(..., pattern=CODE), year: int | None = Query(None, ge=YEAR_MIN, le=YEAR_MAX),
                 limit: int = Limit, offset: int = Offset):
    """Meetings of the organisation's subtree, by date then identifier; `year` keeps one year."""
    found, _scope = get_org_for_user(request.user, code)
    qs = Meeting.objects.filter(found.subtree_q("organization__")).select_related("organization")
    if year is not None:
        qs = qs.filter(date__year=year)
    return _page(qs.order_by("date", "ident", "pk"), limit, offset, _meeting_brief)


@router.post("/orgs/{code}/meetings", response={201: MeetingBrief, **ERRORS},
             summary="Thêm một cuộc họp của chi bộ (như trang Thêm sinh hoạt)")
def meeting_create(request, payload: MeetingIn, code: str = Path(..., pattern=CODE)):
    cell, _scope = get_org_for_user(request.user, code, Right.MANAGE)
    if not cell.is_cell:
        raise Http404("Không phải chi bộ")
    data = _bind(plan_forms.MeetingCreateForm({"kind": payload.kind, "date": _iso(payload.date),
                                               "start": payload.start, "place": payload.place,
                                               "topic": payload.topic}))
    created = planning.meeting_create(cell, user=request.user, **data)
    created.organization = cell
    return Status(201, _meeting_brief(created))


@router.post("/meetings/{ident}/held", response={200: MeetingBrief, **WRITE_ERRORS},
             summary="Đánh dấu cuộc họp đã diễn ra")
def meeting_held(request, ident: str = Path(..., pattern=CODE)):
    found, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    held = recording.meeting_mark_held(found, request.user)
    held.organization = found.organization
    return _meeting_brief(held)


@router.get("/meetings/{ident}", response={200: MeetingOut, **ERRORS},
            summary="Cuộc họp: điểm danh, phát biểu, biểu quyết, nhiệm vụ, khách mời")
def meeting(request, ident: str = Path(..., pattern=CODE)):
    """Absence reasons only for those who record or supervise the cell, and a member's own."""
    found, scope = get_meeting_for_user(request.user, ident)
    org = found.organization
    all_reasons = scope.can_record_org(org) or scope.can_supervise_org(org)
    members = dict(Member.objects.filter(pk__in=[found.chair_id, found.secretary_id]).values_list("pk", "code"))
    return {
        **_meeting_brief(found),
        "chair": members.get(found.chair_id), "secretary": members.get(found.secretary_id),
        "topic": found.topic, "conclusion": found.conclusion, "resolution_text": found.resolution_text,
        "attendance": [{"member": a.member.code, "full_name": a.member.full_name, "status": a.status,
                        "reason": a.reason if all_reasons or a.member_id == scope.member_id else None,
                        "version": a.version}
                       for a in Attendance.objects.filter(meeting=found).select_related("member")
                       .order_by("position", "member__sort_key", "pk")],
        "speeches": [_speech(s) for s in Speech.objects.filter(meeting=found).select_related("member")
                     .order_by("position")],
        "votes": [_vote(v) for v in Vote.objects.filter(meeting=found).order_by("position")],
        "tasks": [_task(t) for t in Task.objects.filter(meeting=found).select_related("assignee").order_by("position")],
        "guests": [_guest(g) for g in Guest.objects.filter(meeting=found).order_by("position", "pk")],
        "quality": _quality(found),
    }


def _quality(found: Meeting) -> dict | None:
    """The HD 42 score as the meeting's page shows it (`quality.for_page` over the engine's verdict,
    to whoever may read the meeting); None for a meeting judged by HD 12 (the profile's two queries
    only) or cancelled."""
    if found.status == MeetingStatus.CANCELLED or not quality.judged_by_hd42(
            found, effective_profile_for(found.organization)):
        return None
    score = quality.for_page(found, meeting_selectors.meeting_verdict(found))
    record = score["record"]
    confirmer = record.confirmed_by if record is not None and record.confirmed_by_id else None
    return {
        "rubric": score["rubric_id"], "rubric_name": score["rubric_name"],
        "scorer": score["scorer"].code if score["scorer"] else None,
        "scorer_name": score["scorer"].full_name if score["scorer"] else None,
        "groups": [{k: r[k] for k in ("id", "name", "max", "points", "entered", "scored", "reason")}
                   for r in score["rows"]],
        "total": score["total"], "grade": score["grade"], "provisional": score["provisional"],
        "status": score["status"], "official_grade": score["official_grade"],
        "confirmed_by": author_name(confirmer) if confirmer else None,
        "confirmed_at": record.confirmed_at if record is not None else None,
    }


def _row(r) -> dict:
    return {"position": r.position, "key": r.key, "version": r.version}


def _speech(s: Speech) -> dict:
    return {**_row(s), "member": s.member.code, "item": s.item, "summary": s.summary}


def _vote(v: Vote) -> dict:
    return {**_row(v), **{k: getattr(v, k) for k in ("kind", "method", "subject", "votes_for", "votes_against",
                                                     "votes_abstain", "votes_invalid")}}


def _task(t: Task) -> dict:
    return {**_row(t), "assignee": t.assignee.code if t.assignee_id else None,
            "description": t.description, "due": t.due, "done_on": t.done_on}


def _guest(g: Guest) -> dict:
    return {**_row(g), "name": g.name, "title": g.title, "organization": g.organization}


def _recording(request, ident: str):
    """The meeting for a write of its minutes: the live recording page's checks, in its order
    (RECORD on the cell, 409 once finalized)."""
    found, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if found.status == MeetingStatus.FINALIZED:
        raise ValidationError(recording.FINALIZED_MESSAGE, code="finalized")
    return found


@router.put("/meetings/{ident}/attendance/{member}", response={200: AttendanceOut, **WRITE_ERRORS},
            summary="Điểm danh một đảng viên")
def attendance_set(request, payload: AttendanceIn, ident: str = Path(..., pattern=CODE),
                   member: str = Path(..., pattern=CODE)):
    found = _recording(request, ident)
    data = _bind(record_forms.AttendanceForm({"member": member, "status": payload.status, "reason": payload.reason,
                                              "version": "" if payload.version is None else payload.version},
                                             meeting=found))
    row = recording.attendance_set(found, data["member"], data["status"], data["reason"], version=data["version"])
    return {"member": data["member"].code, "full_name": data["member"].full_name, "status": row.status,
            "reason": row.reason, "version": row.version}


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value.code if isinstance(value, Member) else str(value)


@router.put("/meetings/{ident}/header/{field}", response={200: HeaderOut, **WRITE_ERRORS},
            summary="Ghi một trường đầu biên bản (giờ, địa điểm, chủ trì, thư ký, kết luận, …)")
def header_set(request, payload: HeaderIn, ident: str = Path(..., pattern=CODE), field: str = Path(..., pattern=CODE)):
    """`field`: start, end, place, chair, secretary, topic, rescheduled_reason, notice_sent_on,
    conclusion, resolution_text (the live recording page's header)."""
    found = _recording(request, ident)
    data = _bind(record_forms.HeaderFieldForm({"field": field, "value": payload.value,
                                               "version": "" if payload.version is None else payload.version},
                                              meeting=found))
    saved = recording.meeting_field_set(found, data["field"], data["parsed"], version=data["version"])
    value = getattr(saved, data["field"])
    if data["field"] in ("chair", "secretary") and value is not None:
        value = Member.objects.filter(pk=value.pk).first()
    return {"field": data["field"], "value": _shown(value), "version": saved.version}


def _save(request, ident, form_class, payload, save, *, position=None, converted=None):
    """A row of the minutes through the recording page's form and service: by `position` (PUT) or
    by the client key in the payload (POST)."""
    found = _recording(request, ident)
    data = {k: ("" if v is None else v) for k, v in payload.dict().items()}
    data.update(converted or {})
    data["position"] = "" if position is None else position
    cleaned = _bind(form_class(data, meeting=found))
    position, key, version = cleaned.pop("position"), cleaned.pop("key"), cleaned.pop("version")
    return save(found, position, key=key, version=version, **cleaned)


def _delete(request, ident, position, delete) -> dict:
    found = _recording(request, ident)
    cleaned = _bind(record_forms.DeleteForm({"position": position}))
    return {"deleted": delete(found, cleaned["position"], key=None)}


def _rows(kind: str, label: str, form_class, schema_in, schema_key_in, out, save, delete, convert=None):
    """PUT and DELETE /meetings/{ident}/<kind>/{position}, POST /meetings/{ident}/<kind> (by key)."""
    path = f"/meetings/{{ident}}/{kind}"

    @router.put(path + "/{position}", response={200: out, **WRITE_ERRORS}, summary=f"Ghi (hoặc sửa) {label} ở vị trí",
                operation_id=f"{kind}_put", url_name=f"{kind}_put")
    def put(request, payload: schema_in, ident: str = Path(..., pattern=CODE), position: int = Path(...)):
        return out_of(_save(request, ident, form_class, payload, save, position=position,
                            converted=convert(payload) if convert else None))

    @router.post(path, response={200: out, **WRITE_ERRORS},
                 summary=f"Thêm {label} theo mã dòng của máy khách (gửi lại: không thêm lần nữa)",
                 operation_id=f"{kind}_post", url_name=f"{kind}_post")
    def post(request, payload: schema_key_in, ident: str = Path(..., pattern=CODE)):
        return out_of(_save(request, ident, form_class, payload, save,
                            converted=convert(payload) if convert else None))

    @router.delete(path + "/{position}", response={200: Deleted, **WRITE_ERRORS}, summary=f"Xóa {label}",
                   operation_id=f"{kind}_delete", url_name=f"{kind}_delete")
    def remove(request, ident: str = Path(..., pattern=CODE), position: int = Path(...)):
        return _delete(request, ident, position, delete)

    out_of = {SpeechOut: _speech, VoteOut: _vote, TaskOut: _task, GuestOut: _guest}[out]


def _task_input(payload) -> dict:
    return {"assignee": payload.assignee or "", "due": _iso(payload.due)}


_rows("speeches", "phát biểu", record_forms.SpeechForm, SpeechIn, SpeechKeyIn, SpeechOut, recording.speech_save,
      recording.speech_delete)
_rows("votes", "biểu quyết", record_forms.VoteForm, VoteIn, VoteKeyIn, VoteOut, recording.vote_record,
      recording.vote_delete)
_rows("tasks", "nhiệm vụ", record_forms.TaskForm, TaskIn, TaskKeyIn, TaskOut, recording.task_save,
      recording.task_delete, _task_input)
_rows("guests", "khách mời", record_forms.GuestForm, GuestIn, GuestKeyIn, GuestOut, recording.guest_save,
      recording.guest_delete)


# --- stored results and the dashboard ----------------------------------------------------------

@router.get("/orgs/{code}/audit", response={200: dict[str, Any], **ERRORS},
            summary="Kết quả kiểm tra đã lưu (như chibo audit --stored)")
def audit(request, date_from: date, date_to: date, as_of: date | None = None,
          code: str = Path(..., pattern=CODE)):
    """The stored audit of the subtree over [date_from, date_to] (docs/spec/bundle.md), judged as
    of `as_of` (default `date_to`); cell-years not stored yet are computed first."""
    found, _scope = get_org_for_user(request.user, code)
    _period(date_from, date_to, as_of)
    missing = missing_slices(found, date_from, date_to)
    if missing:
        refresh_missing(missing)
    return stored_audit(found, date_from, date_to, as_of)


@router.get("/orgs/{code}/dashboard", response={200: DashboardOut, **ERRORS},
            summary="Bảng theo dõi của cấp ủy (từ kết quả đã lưu)")
def dashboard_figures(request, date_from: date, date_to: date, cell_kind: str = Query("", pattern=TEXT),
                      code: str = Path(..., pattern=CODE)):
    """The figures of *Bảng theo dõi*: the whole subtree, one row per unit directly below, month
    by month, the cells that need help first. Organisations above the cells only."""
    found, _scope = get_org_for_user(request.user, code)
    if found.is_cell:
        raise Http404("Bảng theo dõi dành cho cấp ủy cấp trên chi bộ")
    _period(date_from, date_to)
    if cell_kind and cell_kind not in vocabulary.CELL_KINDS:
        raise InputError([("cell_kind", "Loại chi bộ không hợp lệ.")])
    missing = missing_slices(found, date_from, date_to)
    if missing:
        refresh_missing(missing)
    data = dashboard(found, date_from, date_to, cell_kind or None)
    return {"organization": found.code, "date_from": date_from, "date_to": date_to,
            "total": _figures(data["total"]), "children": [_figures(f) for f in data["children"]],
            "months": [{"month": month, "meetings": f.meetings, "present": f.present, "expected": f.expected,
                        "attendance_rate": f.attendance_rate} for month, f in data["months"]],
            "worst": [_figures(f) for f in data["worst"]]}


# --- the bundle ----------------------------------------------------------------------------------

def _bundle_errors(exc) -> InputError:
    return InputError([(path, message) for path, message in exc.errors] or [(None, str(exc))])


@router.get("/orgs/{code}/bundle", response={200: dict[str, Any], **ERRORS},
            summary="Xuất bundle của tổ chức và cấp dưới (như chibo export)")
def bundle(request, date_from: date | None = None, date_to: date | None = None,
           code: str = Path(..., pattern=CODE)):
    """docs/spec/bundle.md; meetings and visits within the dates when given. Those who run or
    supervise the organisation (the bundle holds every member's record)."""
    found, _scope = get_org_for_user(request.user, code, Right.MANAGE)
    if date_from is not None or date_to is not None:
        _period(date_from or date(YEAR_MIN, 1, 1), date_to or date(YEAR_MAX, 12, 31))
    data = bundle_to_json(bundle_export(found, date_from, date_to))
    changelog.download(found, "Bundle dữ liệu (API)", "json")
    return data


@router.post("/bundle", response={201: ImportOut, **ERRORS}, summary="Nạp một bundle (quản trị viên)")
def bundle_load(request, payload: dict[str, Any] = BUNDLE):
    """As `chibo import`: validated whole, loaded in one transaction or not at all; every problem
    is named by its JSON path. Administrators only."""
    if not scope_for(request.user).is_admin:
        raise PermissionDenied("Chỉ quản trị viên được nạp dữ liệu.")
    try:
        parsed = parse_bundle(json.dumps(payload, ensure_ascii=False), limits=import_limits())
        stats = bundle_import(parsed)
    except (BundleError, ImportConflict) as exc:
        raise _bundle_errors(exc) from None
    codes = {o["code"] for o in parsed["organizations"]}
    refreshed = refresh_roots([o["code"] for o in parsed["organizations"] if o.get("parent") not in codes])
    return Status(201, {**{k: stats[k] for k in ("organizations", "members", "meetings", "visits")}, "refreshed": refreshed})


@router.post("/audit", response={200: dict[str, Any], **ERRORS},
             summary="Kiểm tra một bundle gửi lên (như chibo audit FILE; không đụng cơ sở dữ liệu)")
def audit_bundle(request, date_from: date, date_to: date, as_of: date | None = None,
                 payload: dict[str, Any] = BUNDLE):
    _period(date_from, date_to, as_of)
    try:
        parsed = parse_bundle(json.dumps(payload, ensure_ascii=False))
    except BundleError as exc:
        raise _bundle_errors(exc) from None
    return engine_audit(parsed, date_from, date_to, as_of)
