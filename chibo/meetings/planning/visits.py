"""The committee's plan of visits to its cells' meetings (dự sinh hoạt) for a half-year, read for
its page: the plan's entries, the visits recorded, and the coverage the rule engine judges.

The records are `chibo.supervision`'s (read through its selectors); this module sits in meetings
because the page joins them with the cells' meetings (to choose one) and their effective rule
profiles, which supervision (ranked below meetings, beside rules) may not read. Whether a cell had
its minimum of visits in the half-year is the engine's NO_SUPERIOR_VISIT finding, asked of
`engine.period_findings` with the visits recorded, never counted here against the profile.

Queries are fixed whatever the number of cells, members, entries or visits (8)."""

from datetime import date

from chibo import vocabulary
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.orgs.models import Organization
from chibo.rules import engine
from chibo.rules.services import effective_profiles_for
from chibo.supervision import selectors as sup
from chibo.supervision.services import half_bounds


class UnknownAssignee(ValueError):
    """The assignee asked for is not one of the committee's members."""


def plan_page(committee: Organization, year: int, half: int, *, kind: str = "", assignee_code: str = "",
              today: date) -> dict:
    """The page's data; with `assignee_code` only that member's entries and the cells they have
    some in (UnknownAssignee when the code is not a committee member's)."""
    first, last = half_bounds(year, half)
    cells = sup.cells_below(committee, kind or None)
    members = sup.committee_members(committee, min(last, today))
    assignee = next((m for m in members if m.code == assignee_code), None) if assignee_code else None
    if assignee_code and assignee is None:
        raise UnknownAssignee(assignee_code)
    assignee_id = assignee.pk if assignee else None
    entries = sup.plan_entries(committee, year, half, kind=kind or None, assignee_id=assignee_id)
    visits = sup.visits_in(committee, first, last)
    cell_ids = [c.pk for c in cells]
    profiles = effective_profiles_for(cell_ids)
    code_of = {c.pk: c.code for c in cells}
    findings = engine.period_findings(
        engine.PeriodNotes(), sorted(code_of.values()), {c.code: c.established_on for c in cells},
        {c.code: profiles[c.pk] for c in cells}.__getitem__,
        [(code_of[v.organization_id], v.date) for v in visits if v.organization_id in code_of],
        first, last, last)
    short = {f["organization"] for f in findings if f["code"] == "NO_SUPERIOR_VISIT"}
    meetings = list(Meeting.objects.filter(organization_id__in=cell_ids, date__gte=first, date__lte=last)
                    .exclude(status=MeetingStatus.CANCELLED).order_by("organization__path", "date", "ident")
                    .values_list("pk", "organization_id", "date", "ident"))
    by_cell: dict[int, list] = {}
    for e in entries:
        by_cell.setdefault(e.cell_id, []).append(e)
    counted: dict[int, int] = {}
    visitors = set()
    for v in visits:
        counted[v.organization_id] = counted.get(v.organization_id, 0) + 1
        if v.committee_org_id == committee.pk and v.member_id:
            visitors.add(v.member_id)
    rows = [{"cell": c, "visits": counted.get(c.pk, 0),
             "minimum": profiles[c.pk]["min_superior_visits_per_half_year"],
             "short": c.code in short, "entries": by_cell.get(c.pk, [])} for c in cells]
    return {
        "rows": [r for r in rows if not assignee_id or r["entries"]],
        "cells_short": [r["cell"] for r in rows if r["short"]],
        "cells_unvisited": [r["cell"] for r in rows if not r["visits"]],
        "covered": sum(1 for r in rows if not r["short"]),
        "total": len(rows),
        "members": members,
        "assignee": assignee,
        "cells": cells,
        "members_not_visited": [m for m in members if m.pk not in visitors],
        "meetings": meetings,
        "kinds": [(k, vocabulary.ORG_KINDS.labels[k]) for k in vocabulary.ORG_KINDS.codes if k in vocabulary.CELL_KINDS],
        "first": first, "last": last,
    }
