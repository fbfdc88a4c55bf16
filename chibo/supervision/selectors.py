"""Reads of the committees' orientations, each in a fixed number of queries."""

from django.db.models import Count, OuterRef, Subquery

from chibo import vocabulary
from chibo.orgs.models import Organization
from chibo.supervision.models import Orientation, OrientationUptake


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
