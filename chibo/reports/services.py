"""Compliance across a subtree: the rule engine's audit rolled up per cell."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from chibo import vocabulary
from chibo.orgs.models import Membership, Organization
from chibo.results.selectors import missing_slices, stored_audit
from chibo.results.services import refresh_cell_year, stored_grade


@dataclass
class CellSummary:
    code: str
    name: str
    meetings: int = 0
    scored: int = 0
    score_sum: int = 0
    grades: Counter = field(default_factory=Counter)
    framework: int = 0
    hd12: int = 0  # meetings judged by HD 12 (the framework's verdict is theirs)
    findings: Counter = field(default_factory=Counter)  # cell findings by code
    meeting_findings: Counter = field(default_factory=Counter)

    @property
    def average_score(self):
        return round(self.score_sum / self.scored, 1) if self.scored else None

    @property
    def problems(self) -> int:
        return sum(self.findings.values())


def subtree_compliance(org, date_from: date, date_to: date, as_of: date | None = None):
    """(audit result, per-cell summaries sorted by most problems first, {code: name}) from the
    stored results (chibo.results: the engine's output kept per cell and year; the cell-years
    never computed are computed first). Constant number of queries once they are stored."""
    missing = missing_slices(org, date_from, date_to)
    if missing:
        refresh_missing(missing)
    result = stored_audit(org, date_from, date_to, as_of)
    orgs = list(Organization.objects.filter(org.subtree_q()).order_by("path").values_list("pk", "code", "name", "kind"))
    names = {code: name for _pk, code, name, _kind in orgs}
    cells = {code: CellSummary(code, name) for _pk, code, name, kind in orgs if kind in vocabulary.CELL_KINDS}
    meeting_cell = {}
    for m in result["meetings"]:
        meeting_cell[m["id"]] = m["organization"]
        s = cells[m["organization"]]
        s.meetings += 1
        s.scored += 1
        s.score_sum += m["score"]["total"]
        s.grades[stored_grade(m)] += 1  # HD 42: the superior's, if any
        s.hd12 += m["meets_framework"] is not None
        s.framework += m["meets_framework"] is True
        for f in m["findings"]:
            s.meeting_findings[f["code"]] += 1
    flagged = {f["member"] for f in result["findings"] if "organization" not in f and "meeting" not in f}
    member_cell = defaultdict(set)
    for member, cell in Membership.objects.filter(member__code__in=flagged, organization_id__in=[o[0] for o in orgs]) \
            .values_list("member__code", "organization__code"):
        member_cell[member].add(cell)
    for f in result["findings"]:
        if "organization" in f:
            owners = {f["organization"]}
        elif "meeting" in f:
            owners = {meeting_cell[f["meeting"]]}
        else:
            owners = member_cell.get(f["member"], set())
        for code in owners & cells.keys():
            cells[code].findings[f["code"]] += 1
    summaries = sorted(cells.values(), key=lambda s: (-s.problems, s.code))
    return result, summaries, names


def refresh_missing(missing: list[tuple[str, int]]) -> None:
    """Compute the cell-years no save or refresh has stored yet."""
    by_code = Organization.objects.in_bulk({code for code, _year in missing}, field_name="code")
    for code, year in missing:
        refresh_cell_year(by_code[code], year)
