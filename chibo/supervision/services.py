"""Writes of the committees' work on their cells: publishing a month's orientation of the cells'
meetings and recording that a cell took it up; the plan of visits to cells' meetings and the
visits recorded on a meeting; the recommendations cells send upward, taken in hand, answered or
forwarded by their committee (each move a RecommendationStep: who and when).

Each function is one transaction and raises django.core.exceptions.ValidationError with a
Vietnamese message on bad input. Access is checked by the views (publishing needs
Right.SUPERVISE on the committee); the services check the tree and the state."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from chibo import limits, vocabulary
from chibo.limits import TEXT_LIMITS
from chibo.orgs.models import Member, Organization, Position, Role
from chibo.orgs.selectors import recommendation_answer_days
from chibo.supervision.models import (
    Orientation,
    OrientationUptake,
    Recommendation,
    RecommendationStep,
    Visit,
    VisitPlan,
)

NOT_A_COMMITTEE = "Chỉ cấp ủy cấp trên chi bộ mới ban hành định hướng sinh hoạt chi bộ."
NOT_BELOW = "Định hướng này không phải của cấp ủy cấp trên chi bộ."
TITLE_MAX = 255


def _text(value) -> str:
    return " ".join((value or "").split())


@transaction.atomic
def orientation_publish(committee: Organization, *, year: int, month: int, title: str, content: str = "",
                        documents: str = "", user=None) -> Orientation:
    """Publish the orientation of `committee`'s cells' meetings for `month`/`year`: a topic, what
    to take up and the documents to study (one per line). Every cell below sees it at once."""
    if committee.is_cell:
        raise ValidationError(NOT_A_COMMITTEE)
    title = _text(title)
    if not title:
        raise ValidationError({"title": "Nhập chủ đề định hướng."})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": f"Chủ đề dài quá {TITLE_MAX} ký tự."})
    if not (limits.YEAR_MIN <= int(year) <= limits.YEAR_MAX):
        raise ValidationError({"year": f"Năm phải từ {limits.YEAR_MIN} đến {limits.YEAR_MAX}."})
    if not 1 <= int(month) <= 12:
        raise ValidationError({"month": "Tháng phải từ 1 đến 12."})
    content = (content or "").strip()
    if len(content) > limits.TEXT_LIMITS["orientation.content"]:
        raise ValidationError({"content": limits.too_long("Nội dung định hướng",
                                                          limits.TEXT_LIMITS["orientation.content"])})
    documents = "\n".join(line.strip() for line in (documents or "").splitlines() if line.strip())
    # The documents become the notes of the agenda item a cell adds: the same limit.
    if len(documents) > limits.TEXT_LIMITS["agenda.notes"]:
        raise ValidationError({"documents": limits.too_long("Tài liệu nghiên cứu", limits.TEXT_LIMITS["agenda.notes"])})
    return Orientation.objects.create(organization=committee, year=year, month=month, title=title, content=content,
                                      documents=documents, published_by=user)


@transaction.atomic
def orientation_uptake_record(orientation: Orientation, meeting, user=None) -> OrientationUptake:
    """Record that `meeting`'s cell took `orientation` up (its agenda now has it). Refused when the
    orientation is not from a committee above the cell, or the cell already took it up."""
    cell = meeting.organization
    committee = orientation.organization
    if not (cell.path.startswith(committee.path) and cell.path != committee.path):
        raise ValidationError(NOT_BELOW)
    done = OrientationUptake.objects.filter(orientation=orientation, organization=cell).select_related("meeting").first()
    if done is not None:
        raise ValidationError(f"Chi bộ đã đưa định hướng này vào chương trình cuộc họp ngày "
                              f"{done.meeting.date:%d/%m/%Y}.")
    try:
        with transaction.atomic():
            return OrientationUptake.objects.create(orientation=orientation, organization=cell, meeting=meeting,
                                                    taken_by=user)
    except IntegrityError as exc:  # taken up at the same moment by another request
        raise ValidationError("Chi bộ đã đưa định hướng này vào chương trình.") from exc


# --- Visits (dự sinh hoạt) ------------------------------------------------------------------

#: What a visit's remarks and guidance may hold (each).
VISIT_TEXT_MAX = 5_000
#: Meeting statuses (vocabulary.MEETING_STATUSES codes) on which a visit is recorded: notified
#: (being recorded on its day) or held. A finalized meeting's minutes are frozen; a planned or
#: cancelled one has not taken place.
VISIT_MEETING_STATUSES = ("notified", "held")
NOT_A_CELL_BELOW = "Chi bộ này không thuộc cấp ủy."
NOT_A_COMMITTEE_MEMBER = "Đồng chí này không phải cán bộ, cấp ủy viên của cấp ủy."


def half_of(day: date) -> int:
    return 1 if day.month <= 6 else 2


def half_bounds(year: int, half: int) -> tuple[date, date]:
    return (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))


def committee_members_q(committee: Organization, on: date) -> Q:
    """Q over orgs.Member: who may be sent to a cell's meeting for `committee`: its committee
    members (a current Position on the committee) and its staff (a login with the committee-staff
    role on it, linked to a member record)."""
    position = Position.objects.filter(Q(member=OuterRef("pk"), organization=committee, start__lte=on)
                                       & (Q(end__isnull=True) | Q(end__gte=on)))
    staff = Role.objects.filter(user=OuterRef("user"), organization=committee, kind=Role.Kind.COMMITTEE_STAFF)
    return Q(Exists(position)) | Q(Exists(staff))


def _check_committee_and_cell(committee: Organization, cell: Organization) -> None:
    if committee.is_cell:
        raise ValidationError("Chỉ cấp ủy cấp trên chi bộ mới phân công dự sinh hoạt.")
    if not (cell.is_cell and cell.path.startswith(committee.path) and cell.path != committee.path):
        raise ValidationError({"cell": NOT_A_CELL_BELOW})


def _check_assignee(committee: Organization, member: Member, on: date, field: str) -> None:
    if not Member.objects.filter(committee_members_q(committee, on), pk=member.pk).exists():
        raise ValidationError({field: NOT_A_COMMITTEE_MEMBER})


@transaction.atomic
def visit_plan_add(committee: Organization, *, cell: Organization, assignee: Member, year: int, half: int,
                   meeting=None, note: str = "", user=None) -> VisitPlan:
    """Plan that `assignee` (a member of `committee`) attends a meeting of `cell` in the half-year,
    `meeting` when already known (one of the cell's meetings in that half-year, not cancelled)."""
    _check_committee_and_cell(committee, cell)
    if not (limits.YEAR_MIN <= int(year) <= limits.YEAR_MAX):
        raise ValidationError({"year": f"Năm phải từ {limits.YEAR_MIN} đến {limits.YEAR_MAX}."})
    if int(half) not in (1, 2):
        raise ValidationError({"half": "Chọn 6 tháng đầu năm hoặc 6 tháng cuối năm."})
    first, last = half_bounds(int(year), int(half))
    _check_assignee(committee, assignee, min(last, timezone.localdate()), "assignee")
    if meeting is not None:
        if meeting.organization_id != cell.pk:
            raise ValidationError({"meeting": "Cuộc họp này không phải của chi bộ đã chọn."})
        if not first <= meeting.date <= last:
            raise ValidationError({"meeting": "Cuộc họp này không thuộc 6 tháng đã chọn."})
        if meeting.status == "cancelled":
            raise ValidationError({"meeting": "Cuộc họp này đã hủy."})
    note = _text(note)
    if len(note) > 255:
        raise ValidationError({"note": "Ghi chú dài quá 255 ký tự."})
    same = VisitPlan.objects.filter(cell=cell, assignee=assignee)
    same = same.filter(meeting=meeting) if meeting is not None else same.filter(
        committee=committee, year=year, half=half, meeting__isnull=True)
    if same.exists():
        raise ValidationError("Đồng chí này đã được phân công dự sinh hoạt chi bộ này trong kế hoạch.")
    try:
        with transaction.atomic():
            return VisitPlan.objects.create(committee=committee, cell=cell, assignee=assignee, year=year, half=half,
                                            meeting=meeting, note=note, created_by=user)
    except IntegrityError as exc:
        raise ValidationError("Đồng chí này đã được phân công dự sinh hoạt chi bộ này trong kế hoạch.") from exc


@transaction.atomic
def visit_plan_remove(plan: VisitPlan, committee: Organization, user=None) -> bool:
    """Take an entry off the committee's plan; refused once the visit is recorded."""
    plan = VisitPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.committee_id != committee.pk:
        raise ValidationError("Mục này không thuộc kế hoạch của cấp ủy.")
    if Visit.objects.filter(plan=plan).exists():
        raise ValidationError("Đã ghi nhận lượt dự sinh hoạt này: không thể xóa khỏi kế hoạch.")
    plan.delete()
    return True


@transaction.atomic
def visit_record(meeting, *, committee: Organization, member: Member, remarks: str = "", guidance: str = "",
                 user=None, today: date | None = None) -> Visit:
    """Record that `member`, sent by `committee` (above the meeting's cell), attended `meeting`,
    with their remarks and guidance. The one record of the visit: the rule engine counts it, the
    minutes print it among the guests. It fulfils the matching plan entry (the same member and
    cell: that meeting's, else an open one of the half-year)."""
    cell = meeting.organization
    today = today or timezone.localdate()
    if not (cell.path.startswith(committee.path) and cell.path != committee.path) or committee.is_cell:
        raise ValidationError({"committee": "Cấp ủy này không phải cấp ủy cấp trên của chi bộ."})
    if meeting.status not in VISIT_MEETING_STATUSES:
        raise ValidationError("Chỉ ghi nhận cấp ủy cấp trên dự ở cuộc họp đã thông báo hoặc đã họp, "
                              "chưa hoàn tất biên bản.")
    if meeting.date > today:
        raise ValidationError("Cuộc họp chưa diễn ra.")
    _check_assignee(committee, member, meeting.date, "member")
    remarks, guidance = (remarks or "").strip(), (guidance or "").strip()
    for field, value, label in (("remarks", remarks, "Nhận xét"), ("guidance", guidance, "Ý kiến chỉ đạo")):
        if len(value) > VISIT_TEXT_MAX:
            raise ValidationError({field: limits.too_long(label, VISIT_TEXT_MAX)})
    if Visit.objects.filter(meeting=meeting, member=member).exists():
        raise ValidationError({"member": "Đã ghi nhận đồng chí này dự cuộc họp."})
    # lock the plan rows only (the visit side of the join may be empty: PostgreSQL refuses to lock it)
    open_plans = VisitPlan.objects.select_for_update(of=("self",)).filter(cell=cell, assignee=member,
                                                                          visit__isnull=True)
    plan = (open_plans.filter(meeting=meeting).first()
            or open_plans.filter(meeting__isnull=True, year=meeting.date.year, half=half_of(meeting.date))
            .order_by("id").first())
    try:
        with transaction.atomic():
            return Visit.objects.create(organization=cell, date=meeting.date, visitor=member.full_name,
                                        committee=committee.name, remarks=remarks, guidance=guidance,
                                        meeting=meeting, member=member, committee_org=committee, plan=plan,
                                        recorded_at=timezone.now(), recorded_by=user)
    except IntegrityError as exc:
        raise ValidationError({"member": "Đã ghi nhận đồng chí này dự cuộc họp."}) from exc


@transaction.atomic
def visit_remove(visit: Visit, meeting, user=None) -> bool:
    """Remove a visit recorded on `meeting` (entered by mistake) while its minutes are open."""
    if visit.meeting_id != meeting.pk:
        raise ValidationError("Lượt dự này không thuộc cuộc họp.")
    if meeting.status not in VISIT_MEETING_STATUSES:
        raise ValidationError("Biên bản đã hoàn tất: không thể xóa lượt dự sinh hoạt.")
    visit.delete()
    return True


# --- Recommendations sent upward (kiến nghị, đề xuất) ------------------------------------------

RECOMMENDATION_TEXT_MAX = TEXT_LIMITS["speech.summary"]
ANSWER_MAX = 5_000
OPEN = ("received", "handling")


def _recommendation_for(rec: Recommendation, committee: Organization) -> Recommendation:
    rec = Recommendation.objects.select_for_update().get(pk=rec.pk)
    if rec.committee_id != committee.pk:
        raise ValidationError("Kiến nghị này không gửi đến cấp ủy.")
    return rec


@transaction.atomic
def recommendation_send(meeting, *, topic: str, text: str = "", speech=None, agenda_item=None, user=None,
                        now=None) -> Recommendation:
    """Mark a speech or an agenda item of `meeting` as a recommendation to the cell's superior
    committee: it arrives there received, its answer due as many days later as that committee
    gives itself (`orgs.selectors.recommendation_answer_days`, set on the rule profile page).
    `text` defaults to the speech's summary (the item's title and notes)."""
    cell = meeting.organization
    if (speech is None) == (agenda_item is None):
        raise ValidationError("Chọn một ý kiến phát biểu hoặc một nội dung chương trình.")
    source = speech if speech is not None else agenda_item
    if source.meeting_id != meeting.pk:
        raise ValidationError("Ý kiến hoặc nội dung này không thuộc cuộc họp.")
    if meeting.status in ("planned", "cancelled"):
        raise ValidationError("Cuộc họp chưa diễn ra hoặc đã hủy: chưa gửi kiến nghị được.")
    if cell.parent_id is None:
        raise ValidationError("Chi bộ không có cấp ủy cấp trên để gửi kiến nghị.")
    if topic not in vocabulary.RECOMMENDATION_TOPICS:
        raise ValidationError({"topic": "Chọn lĩnh vực của kiến nghị."})
    if not (text or "").strip():
        text = speech.summary if speech is not None else "\n".join(
            x for x in (agenda_item.title, agenda_item.notes) if x)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Nhập nội dung kiến nghị."})
    if len(text) > RECOMMENDATION_TEXT_MAX:
        raise ValidationError({"text": limits.too_long("Nội dung kiến nghị", RECOMMENDATION_TEXT_MAX)})
    taken = Recommendation.objects.filter(speech=speech) if speech is not None else Recommendation.objects.filter(
        agenda_item=agenda_item)
    if taken.exists():
        raise ValidationError("Nội dung này đã được gửi lên cấp ủy cấp trên.")
    now = now or timezone.now()
    answer_days, _source = recommendation_answer_days(cell.parent)
    try:
        with transaction.atomic():
            rec = Recommendation.objects.create(
                organization=cell, meeting=meeting, speech=speech, agenda_item=agenda_item,
                committee_id=cell.parent_id, topic=topic, text=text, sent_at=now, sent_by=user,
                due_on=timezone.localdate(now) + timedelta(days=answer_days))
    except IntegrityError as exc:
        raise ValidationError("Nội dung này đã được gửi lên cấp ủy cấp trên.") from exc
    RecommendationStep.objects.create(recommendation=rec, status="received", committee_id=cell.parent_id, by=user)
    return rec


@transaction.atomic
def recommendation_take(rec: Recommendation, committee: Organization, user=None) -> Recommendation:
    """The committee's staff take a received recommendation in hand (being handled)."""
    rec = _recommendation_for(rec, committee)
    if rec.status != "received":
        raise ValidationError("Chỉ nhận xử lý kiến nghị đang chờ xử lý.")
    rec.status = "handling"
    rec.save(update_fields=["status"])
    RecommendationStep.objects.create(recommendation=rec, status="handling", committee=committee, by=user)
    return rec


@transaction.atomic
def recommendation_answer(rec: Recommendation, committee: Organization, answer: str, user=None,
                          now=None) -> Recommendation:
    """The committee answers the recommendation; the cell sees the answer on the meeting's page
    and when it prepares its next meeting."""
    rec = _recommendation_for(rec, committee)
    if rec.status not in OPEN:
        raise ValidationError("Kiến nghị này đã được trả lời hoặc đã chuyển đi.")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Nhập nội dung trả lời."})
    if len(answer) > ANSWER_MAX:
        raise ValidationError({"answer": limits.too_long("Nội dung trả lời", ANSWER_MAX)})
    rec.status, rec.answer = "answered", answer
    rec.answered_at, rec.answered_by = now or timezone.now(), user
    rec.save(update_fields=["status", "answer", "answered_at", "answered_by"])
    RecommendationStep.objects.create(recommendation=rec, status="answered", committee=committee, note=answer, by=user)
    return rec


@transaction.atomic
def recommendation_forward(rec: Recommendation, committee: Organization, note: str = "", user=None,
                           now=None) -> Recommendation:
    """Forward the recommendation to the committee one level up (beyond this committee's
    competence): it arrives there received, with the days to answer that committee gives itself."""
    rec = _recommendation_for(rec, committee)
    if rec.status not in OPEN:
        raise ValidationError("Kiến nghị này đã được trả lời hoặc đã chuyển đi.")
    if committee.parent_id is None:
        raise ValidationError("Cấp ủy không có cấp trên để chuyển kiến nghị.")
    note = (note or "").strip()
    if len(note) > ANSWER_MAX:
        raise ValidationError({"note": limits.too_long("Ghi chú", ANSWER_MAX)})
    now = now or timezone.now()
    days, _source = recommendation_answer_days(committee.parent)
    RecommendationStep.objects.create(recommendation=rec, status="forwarded", committee=committee, note=note, by=user)
    rec.status, rec.forwarded_from_id, rec.committee_id = "received", committee.pk, committee.parent_id
    rec.due_on = timezone.localdate(now) + timedelta(days=days)
    rec.save(update_fields=["status", "forwarded_from", "committee", "due_on"])
    RecommendationStep.objects.create(recommendation=rec, status="received", committee_id=committee.parent_id, by=user)
    return rec
