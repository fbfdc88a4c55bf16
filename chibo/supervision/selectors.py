"""Reads of the committees' work (orientations, visits and their plan, recommendations), each in
a fixed number of queries."""

from datetime import date, timedelta

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Prefetch, Q, Subquery, Value, When
from django.utils import timezone

from chibo import vocabulary
from chibo.orgs.models import Member, Organization, Position, Role
from chibo.prepared import Prepared
from chibo.supervision import services
from chibo.supervision.models import (
    Orientation,
    OrientationUptake,
    Recommendation,
    RecommendationStep,
    Visit,
    VisitPlan,
)


def orientations_of(committee: Organization, limit: int = 24) -> list[Orientation]:
    """The committee's own orientations, newest month first, each with `n_uptakes`. One query."""
    return list(Orientation.objects.filter(organization=committee).annotate(n_uptakes=Count("uptakes"))
                .order_by("-year", "-month", "-id")[:limit])


def orientations_for_cell(cell: Organization, year: int, month: int) -> list[Orientation]:
    """The orientations the committees above `cell` published for the month, from the top
    committee down, each with `organization` and the cell's uptake: `taken_on` and `taken_ident`
    (the date and id of the meeting whose agenda has it; None when not taken up). One query."""
    uptake = OrientationUptake.objects.filter(orientation=OuterRef("pk"), organization=cell)
    return list(Orientation.objects.filter(organization_id__in=cell.ancestor_ids()[:-1], year=year, month=month)
                .select_related("organization")
                .annotate(taken_on=Subquery(uptake.values("meeting__date")[:1]),
                          taken_ident=Subquery(uptake.values("meeting__ident")[:1]))
                .order_by("organization__path", "id"))


def orientation_page(orientation: Orientation) -> dict:
    """Every cell under the committee, in tree order, with its uptake (the meeting whose agenda has
    the orientation) or None; how many took it up. Two queries."""
    committee = orientation.organization
    cells = list(Organization.objects.filter(committee.subtree_q(), kind__in=sorted(vocabulary.CELL_KINDS))
                 .exclude(pk=committee.pk).order_by("path"))
    uptakes = {u.organization_id: u for u in OrientationUptake.objects.filter(orientation=orientation)
               .select_related("meeting", "taken_by")}
    rows = [{"cell": c, "uptake": uptakes.get(c.pk)} for c in cells]
    return {"rows": rows, "taken": sum(1 for r in rows if r["uptake"]), "total": len(rows)}


# --- Visits ---------------------------------------------------------------------------------

def committee_members(committee: Organization, on: date) -> list[Member]:
    """Who the committee may send to a cell's meeting, by name. One query."""
    return list(Member.objects.filter(services.committee_members_q(committee, on)).order_by("sort_key", "code"))


def cells_below(committee: Organization, kind: str | None = None) -> list[Organization]:
    """The cells under `committee` in tree order (of one kind when given). One query."""
    kinds = [kind] if kind in vocabulary.CELL_KINDS else sorted(vocabulary.CELL_KINDS)
    return list(Organization.objects.filter(committee.subtree_q(), kind__in=kinds).exclude(pk=committee.pk)
                .order_by("path"))


def plan_entries(committee: Organization, year: int, half: int, *, kind: str | None = None,
                 assignee_id: int | None = None) -> list[VisitPlan]:
    """The committee's plan for the half-year, by cell then member, each with its cell, member,
    meeting and recorded visit (`visit_id`, None while not yet visited). One query."""
    rows = (VisitPlan.objects.filter(committee=committee, year=year, half=half)
            .select_related("cell", "assignee", "meeting", "visit").order_by("cell__path", "assignee__sort_key", "id"))
    if kind in vocabulary.CELL_KINDS:
        rows = rows.filter(cell__kind=kind)
    if assignee_id:
        rows = rows.filter(assignee_id=assignee_id)
    return list(rows)


def visits_in(committee: Organization, first: date, last: date) -> list[Visit]:
    """The visits recorded on the cells under `committee` between the two days (whoever made
    them: the committee's own or a higher one's), with their member. One query."""
    return list(Visit.objects.filter(committee.subtree_q("organization__"), date__gte=first, date__lte=last)
                .select_related("member", "committee_org").order_by("date", "id"))


#: A member's planned visits (their page), compiled once per process (chibo.prepared).
MEMBER_VISITS = Prepared(
    lambda member_id, year, half: VisitPlan.objects.filter(assignee_id=member_id, year__gte=year)
    .exclude(year=year, half__lt=half).select_related("cell", "committee", "meeting", "visit")
    .order_by("year", "half", "meeting__date", "cell__path", "id"),
    member_id=-7_310_050, year=30_051, half=30_052)  # within a small integer: Django drops a test out of range


def member_visits(member_id: int, since: date) -> list[VisitPlan]:
    """A member's planned visits of half-years from `since`'s on, with cell, committee, meeting
    and the visit recorded (or not), soonest first. One query."""
    return MEMBER_VISITS.all(member_id=member_id, year=since.year, half=services.half_of(since))


def meeting_visits(meeting_id: int) -> list[Visit]:
    """The visits recorded on one meeting, with member and committee. One query."""
    return list(Visit.objects.filter(meeting_id=meeting_id).select_related("member", "committee_org")
                .order_by("id"))


# --- Recommendations -------------------------------------------------------------------------

#: The inbox's age filter: at least this many days since the recommendation arrived.
AGES = (7, 30, 90)


def inbox(committee: Organization, *, today: date, status: str = "", cell_id: int | None = None, topic: str = "",
          age: int | None = None, limit: int = 200) -> list[Recommendation]:
    """The recommendations sent to `committee` (and those it forwarded up), overdue ones first
    (still open after their due day), then by due day. Each with `overdue`. One query."""
    rows = Recommendation.objects.filter(Q(committee=committee) | Q(forwarded_from=committee))
    if status == "forwarded":
        rows = rows.filter(forwarded_from=committee).exclude(committee=committee)
    elif status in vocabulary.RECOMMENDATION_STATUSES:
        rows = rows.filter(committee=committee, status=status)
    elif status == "overdue":
        rows = rows.filter(committee=committee, status__in=services.OPEN, due_on__lt=today)
    if cell_id:
        rows = rows.filter(organization_id=cell_id)
    if topic in vocabulary.RECOMMENDATION_TOPICS:
        rows = rows.filter(topic=topic)
    if age:
        rows = rows.filter(sent_at__lt=timezone.now() - timedelta(days=age))
    overdue = Q(committee=committee, status__in=services.OPEN, due_on__lt=today)
    rows = (rows.annotate(overdue=Case(When(overdue, then=Value(True)), default=Value(False),
                                       output_field=BooleanField()))
            .select_related("organization", "meeting", "committee")
            .order_by("-overdue", "due_on", "id"))
    return list(rows[:limit])


def recommendation_with_steps(pk: int) -> Recommendation | None:
    """One recommendation with its cell, meeting, committees and steps (with who). Two queries."""
    return (Recommendation.objects.filter(pk=pk)
            .select_related("organization", "meeting", "committee", "forwarded_from", "sent_by", "answered_by")
            .prefetch_related(Prefetch("steps", queryset=RecommendationStep.objects.select_related(
                "committee", "by").order_by("at", "id")))
            .first())


def meeting_recommendations(meeting_id: int) -> list[Recommendation]:
    """The recommendations a meeting sent up, with where each stands. One query."""
    return list(Recommendation.objects.filter(meeting_id=meeting_id).select_related("committee", "answered_by")
                .order_by("id"))


def answers_for_preparation(cell: Organization, before: date, since: date | None) -> list[Recommendation]:
    """What the cell prepares its meeting of `before` with: its recommendations from earlier
    meetings still awaiting an answer, and those answered since `since` (its previous meeting's
    day), for the secretary to report. One query."""
    answered = Q(status="answered")
    if since is not None:
        answered &= Q(answered_at__date__gte=since)
    return list(Recommendation.objects.filter(Q(organization=cell, meeting__date__lt=before)
                                              & (Q(status__in=services.OPEN) | answered))
                .select_related("meeting", "committee").order_by("meeting__date", "id"))


def superior_people(cell: Organization, on: date) -> list[tuple[Member, Organization]]:
    """Who may be recorded as visiting `cell`'s meeting: (member, committee) for each committee
    above the cell (nearest first) and each of its committee members or staff (as
    `services.committee_members_q`). Two queries."""
    committees = {o.pk: o for o in Organization.objects.filter(pk__in=cell.ancestor_ids()[:-1])}
    pairs = set()
    for member_id, org_id in Position.objects.filter(
            Q(organization_id__in=list(committees), start__lte=on) & (Q(end__isnull=True) | Q(end__gte=on))
    ).values_list("member_id", "organization_id"):
        pairs.add((member_id, org_id))
    staff = Role.objects.filter(user=OuterRef("user"), organization_id__in=list(committees),
                                kind=Role.Kind.COMMITTEE_STAFF)
    members = {m.pk: m for m in Member.objects.filter(
        Q(pk__in=[p[0] for p in pairs]) | Q(Exists(staff))).annotate(
        staff_of=Subquery(staff.values("organization_id")[:1]))}
    for m in members.values():
        if m.staff_of is not None:
            pairs.add((m.pk, m.staff_of))
    return sorted(((members[m], committees[c]) for m, c in pairs if m in members),
                  key=lambda p: (-p[1].depth, p[0].sort_key, p[0].code))
