"""Reads for pages: each returns what a page shows in a fixed number of queries."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Case, Count, IntegerField, Q, Value, When

from chibo.orgs import vntext
from chibo.orgs.models import Member, MemberPeriod, Membership, Organization, Position
from chibo.rules import engine


@dataclass
class RollEntry:
    member: Member
    official: bool
    exempt: bool
    away: bool
    since: date
    positions: list[str]

    @property
    def expected(self) -> bool:
        return not self.exempt and not self.away


@dataclass
class Roll:
    """A cell's roll on a day for the pages: the members (entries) and the counts, which are the
    rule engine's (its attendance summary of `facts`, rules.md §1: a member both exempt and away
    counts as away only)."""

    day: date
    entries: list[RollEntry]

    @cached_property
    def facts(self) -> engine.Roll:
        """The engine's Roll of these entries (member codes)."""
        entries = self.entries
        return engine.Roll((e.member.code for e in entries), official=(e.member.code for e in entries if e.official),
                           exempt=(e.member.code for e in entries if e.exempt),
                           away=(e.member.code for e in entries if e.away))

    @cached_property
    def counts(self) -> dict[str, int]:
        summary = engine.summarize_attendance({}, self.facts, {})
        official = len(self.facts.official)
        return {"on_roll": summary["on_roll"], "official": official, "probationary": summary["on_roll"] - official,
                "exempt": summary["exempt"], "away": summary["away"], "expected": summary["expected"]}

    @property
    def on_roll(self) -> int:
        return self.counts["on_roll"]

    @property
    def official(self) -> int:
        return self.counts["official"]

    @property
    def probationary(self) -> int:
        return self.counts["probationary"]

    @property
    def exempt(self) -> int:
        return self.counts["exempt"]

    @property
    def away(self) -> int:
        return self.counts["away"]

    @property
    def expected(self) -> int:
        return self.counts["expected"]


def cell_roll(org: Organization, day: date) -> Roll:
    """The cell's roll on `day`, sorted the Vietnamese way. Three queries."""
    memberships = list(
        Membership.objects.on(day).filter(organization=org).select_related("member").order_by("member__sort_key")
    )
    ids = [m.member_id for m in memberships]
    exempt, away = set(), set()
    for member_id, kind in MemberPeriod.objects.on(day).filter(member_id__in=ids).values_list("member_id", "kind"):
        (exempt if kind == MemberPeriod.Kind.EXEMPT else away).add(member_id)
    titles: dict[int, list[str]] = {}
    for pos in Position.objects.on(day).filter(organization=org, member_id__in=ids).order_by(TITLE_ORDER):
        titles.setdefault(pos.member_id, []).append(pos.get_title_display())
    entries = [
        RollEntry(
            member=ms.member,
            official=ms.member.is_official_on(day),
            exempt=ms.member_id in exempt,
            away=ms.member_id in away,
            since=ms.start,
            positions=titles.get(ms.member_id, []),
        )
        for ms in memberships
    ]
    return Roll(day=day, entries=entries)


def org_children_with_counts(org: Organization, day: date):
    """Direct children with the number of members on their roll on `day`. One query."""
    on_day = Q(memberships__start__lte=day) & (Q(memberships__end__isnull=True) | Q(memberships__end__gte=day))
    return org.children.annotate(members_count=Count("memberships", filter=on_day)).order_by("code")


def tree(scope_q: Q):
    """All readable organisations in tree order (path order), one query."""
    return Organization.objects.filter(scope_q).order_by("path")


TITLE_ORDER = Case(*(When(title=t, then=Value(i)) for i, t in enumerate(Position.Title.values)),
                   output_field=IntegerField())


def positions_on(org: Organization, day: date):
    """Positions held on `day`: bí thư, phó bí thư, then chi ủy viên (Vietnamese name order)."""
    return (Position.objects.on(day).filter(organization=org).select_related("member")
            .order_by(TITLE_ORDER, "member__sort_key"))


def member_search(queryset, text: str, limit: int = 50):
    """Diacritic- and case-insensitive search on names and codes."""
    folded = vntext.fold(text)
    if not folded:
        return queryset.none()
    q = Q(search_name__contains=folded) | Q(code__iexact=text.strip())
    return queryset.filter(q).order_by("sort_key", "code")[:limit]


def current_cells(member_ids):
    """member_id -> current cell (open membership). One query."""
    rows = Membership.objects.filter(member_id__in=member_ids, end__isnull=True).select_related("organization")
    return {m.member_id: m.organization for m in rows}


#: Days a committee has to answer a recommendation when neither it nor a committee above it set
#: their own (`Organization.recommendation_answer_days`, on the rule profile page).
RECOMMENDATION_ANSWER_DAYS = 30
RECOMMENDATION_ANSWER_RANGE = (1, 365)
#: Its name among the rule profile page's parameters and in the profile's change log.
ANSWER_DAYS = "recommendation_answer_days"


def recommendation_answer_days(org: Organization) -> tuple[int, Organization | None]:
    """(days, the organisation that set them or None for the default) for recommendations that
    `org` receives: its own setting, else the nearest committee above's. One query."""
    ids = org.ancestor_ids()
    found = {o.pk: o for o in Organization.objects.filter(pk__in=ids, recommendation_answer_days__isnull=False)
             .only("pk", "code", "name", "recommendation_answer_days")}
    for pk in reversed(ids):
        if pk in found:
            return found[pk].recommendation_answer_days, found[pk]
    return RECOMMENDATION_ANSWER_DAYS, None
