"""Compliance across a subtree: the rule engine's audit rolled up per cell."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from chibo import vocabulary
from chibo.interchange.db import audit_bundle
from chibo.rules import engine


@dataclass
class CellSummary:
    code: str
    name: str
    meetings: int = 0
    scored: int = 0
    score_sum: int = 0
    grades: Counter = field(default_factory=Counter)
    framework: int = 0
    findings: Counter = field(default_factory=Counter)  # cell findings by code
    meeting_findings: Counter = field(default_factory=Counter)

    @property
    def average_score(self):
        return round(self.score_sum / self.scored, 1) if self.scored else None

    @property
    def problems(self) -> int:
        return sum(self.findings.values())


def subtree_compliance(org, date_from: date, date_to: date, as_of: date | None = None):
    """(audit result, per-cell summaries sorted by most problems first). Constant number of queries."""
    bundle = audit_bundle(org, date_from, date_to)
    result = engine.audit(bundle, date_from, date_to, as_of)
    names = {o["code"]: o["name"] for o in bundle["organizations"]}
    cells = {o["code"]: CellSummary(o["code"], o["name"]) for o in bundle["organizations"]
             if o["kind"] in vocabulary.CELL_KINDS}
    for m in result["meetings"]:
        s = cells[m["organization"]]
        s.meetings += 1
        s.scored += 1
        s.score_sum += m["score"]["total"]
        s.grades[m["score"]["grade"]] += 1
        s.framework += m["meets_framework"]
        for f in m["findings"]:
            s.meeting_findings[f["code"]] += 1
    member_cell = defaultdict(set)
    for mem in bundle["members"]:
        for p in mem["memberships"]:
            member_cell[mem["code"]].add(p["organization"])
    meeting_cell = {m["id"]: m["organization"] for m in bundle["meetings"]}
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
