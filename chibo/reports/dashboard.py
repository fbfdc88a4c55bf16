"""The committee dashboard: the stored results (chibo.results) of a subtree counted in SQL.

The results are version 2's (rules-v2.md): a meeting judged by HD 42 counts with its frame grade
(the superior's official grade once decided) and no HD 12 framework verdict (`hd12` counts the
meetings that have one); the meetings with each HD 42 preparation finding (MEETING_CODES) and
the members flagged for unpaid party fees (FEE_UNPAID_REVIEW) are counted too.

`dashboard(org, date_from, date_to, cell_kind)` gives the subtree's figures over the period,
the same figures for each direct child (so an officer goes province → district → grassroots
committee → cell, a click each), the attendance rate month by month, and the cells that need
help first. The verdicts are the engine's (each meeting's stored entry, each cell's stored
period findings); this module only counts them. A fixed number of queries whatever the size."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear, TruncMonth

from chibo import vocabulary
from chibo.meetings.documents.data import rate_text
from chibo.orgs.models import SEGMENT, Organization
from chibo.results.models import MeetingResult, PeriodFinding
from chibo.rules import engine

REGULAR = tuple(k for k in vocabulary.MEETING_KINDS.codes if k in engine.REGULAR_KINDS)
THEMATIC = tuple(k for k in vocabulary.MEETING_KINDS.codes if k in engine.THEMATIC_KINDS)
GRADE_CODES = vocabulary.GRADES.codes
#: The period findings a dashboard counts, in the order it shows them.
#: The per-cell columns of the meetings' query, added up per child (the Figures fields, then the grades).
PERIOD_CODES = ("MISSING_REGULAR_MEETING", "LATE_REGULAR_MEETING", "MISSING_THEMATIC_MEETING", "NO_SUPERIOR_VISIT",
                "REMOVAL_REVIEW", "TASK_OVERDUE", "FEE_UNPAID_REVIEW", "FEE_RELIEF_TOO_LONG")
#: The meeting findings of HD 42 a dashboard counts (meetings with each), in the engine's order.
MEETING_CODES = ("NOTICE_MISSING", "DOCS_NOT_POSTED", "COMMITTEE_PREP_MISSING", "RESULTS_NOT_POSTED",
                 "QUALITY_NOT_SCORED", "SCORER_NOT_ASSIGNED")
SUMMED = ("meetings", "regular", "regular_months", "thematic", "present", "expected", "framework", "score_sum", "hd12",
          *(f"g_{g}" for g in GRADE_CODES), *(f"m_{c}" for c in MEETING_CODES))
_PLAIN = 9  # the Figures fields at the head of SUMMED


@dataclass
class Figures:
    """The figures of one organisation (or the whole subtree) over the period."""

    code: str = ""
    name: str = ""
    is_cell: bool = False
    meetings: int = 0
    regular: int = 0
    regular_months: int = 0  # cell-months with a regular meeting
    thematic: int = 0
    present: int = 0
    expected: int = 0
    framework: int = 0
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADE_CODES, 0))
    findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PERIOD_CODES, 0))
    score_sum: int = 0
    hd12: int = 0  # meetings judged by HD 12 (the framework's verdict is theirs)
    meeting_findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MEETING_CODES, 0))

    @property
    def missing_regular(self) -> int:
        return self.findings["MISSING_REGULAR_MEETING"]

    @property
    def late_regular(self) -> int:
        return self.findings["LATE_REGULAR_MEETING"]

    @property
    def on_time_months(self) -> int:
        return self.regular_months - self.late_regular

    @property
    def attendance_rate(self) -> str | None:
        """Present / expected the Vietnamese way ("87,50%"), from the engine's `format_rate`."""
        return rate_text(engine.format_rate(self.present, self.expected)) or None

    @property
    def average_score(self) -> float | None:
        return round(self.score_sum / self.meetings, 1) if self.meetings else None

    @property
    def problems(self) -> int:
        return sum(self.findings.values())

    def add(self, other: "Figures") -> None:
        for name in ("meetings", "regular", "regular_months", "thematic", "present", "expected", "framework",
                     "score_sum", "hd12"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for code, n in other.grades.items():
            self.grades[code] += n
        for code, n in other.meeting_findings.items():
            self.meeting_findings[code] += n
        for code, n in other.findings.items():
            self.findings[code] += n


#: What each finding of `new_finding_rows` counts.
UNITS = {**dict.fromkeys(MEETING_CODES, "cuộc họp"), "FEE_UNPAID_REVIEW": "đảng viên, năm",
         "FEE_RELIEF_TOO_LONG": "quyết định miễn, giảm"}


def new_finding_rows(fig: Figures) -> list[tuple[str, str, int, str]]:
    """(code, label, count, what is counted) of the findings version 2 added: the meetings with
    each HD 42 finding, the members (per year) flagged for unpaid fees, the reliefs too long."""
    counts = {**fig.meeting_findings, **{c: fig.findings[c] for c in ("FEE_UNPAID_REVIEW", "FEE_RELIEF_TOO_LONG")}}
    return [(code, engine.FINDING_LABELS[code], n, UNITS[code]) for code, n in counts.items()]


def dashboard(org: Organization, date_from: date, date_to: date, cell_kind: str | None = None) -> dict:
    """{"total": Figures, "children": [Figures], "months": [(month, Figures)], "worst": [Figures]}.
    Five queries: the counts are grouped by cell in the database (no join: the cells of the
    subtree are a subquery) and added up per direct child here. The meetings and findings are
    read from their covering indexes (chibo.results.models), never from the wide rows."""
    width = len(org.path) + SEGMENT
    children = list(Organization.objects.filter(parent=org).order_by("path").values_list("path", "code", "name",
                                                                                          "kind"))
    by_path = {path: Figures(code, name, is_cell=kind in vocabulary.CELL_KINDS) for path, code, name, kind in children}
    cell_q = Organization.objects.filter(org.subtree_q(), kind__in=vocabulary.CELL_KINDS)
    if cell_kind:
        cell_q = cell_q.filter(kind=cell_kind)
    cell_rows = list(cell_q.values_list("pk", "path", "code", "name"))
    child_of = {pk: path[:width] for pk, path, _code, _name in cell_rows}
    cell_ids = cell_q.values("pk")
    meetings = MeetingResult.objects.filter(organization_id__in=cell_ids, date__gte=date_from, date__lte=date_to)
    grade_counts = {f"g_{g}": Count("pk", filter=Q(grade=g)) for g in GRADE_CODES}
    code_counts = {f"m_{c}": Count("pk", filter=Q(codes__contains=f" {c} ")) for c in MEETING_CODES}
    # One row per cell, its figures in the order of SUMMED, added up per child as plain lists.
    rows = meetings.values("organization_id").annotate(
        meetings=Count("pk"), regular=Count("pk", filter=Q(kind__in=REGULAR)),
        regular_months=Count(ExtractYear("date") * 100 + ExtractMonth("date"), filter=Q(kind__in=REGULAR),
                             distinct=True),
        thematic=Count("pk", filter=Q(kind__in=THEMATIC)), present=Sum("present"), expected=Sum("expected"),
        framework=Count("pk", filter=Q(meets_framework=True)), score_sum=Sum("score_total"),
        hd12=Count("pk", filter=Q(meets_framework__isnull=False)), **grade_counts, **code_counts).order_by()
    sums: dict[str, list[int]] = {path: [0] * len(SUMMED) for path in by_path}
    for cell_id, *values in rows.values_list("organization_id", *SUMMED):
        acc = sums.get(child_of.get(cell_id))
        if acc is not None:
            for i, value in enumerate(values):
                acc[i] += value or 0
    for path, acc in sums.items():
        grades_at = _PLAIN + len(GRADE_CODES)
        by_path[path].add(Figures(**dict(zip(SUMMED[:_PLAIN], acc[:_PLAIN], strict=True)),
                                  grades={g: acc[_PLAIN + i] for i, g in enumerate(GRADE_CODES)},
                                  meeting_findings={c: acc[grades_at + i] for i, c in enumerate(MEETING_CODES)}))
    # A finding counts when its period (for an overdue task: its meeting's day) lies in the period.
    per_cell: dict[int, dict[str, int]] = defaultdict(dict)
    for row in PeriodFinding.objects.filter(organization_id__in=cell_ids, code__in=PERIOD_CODES,
                                            first__gte=date_from, last__lte=date_to).values(
            "organization_id", "code").annotate(n=Count("*")).order_by():
        per_cell[row["organization_id"]][row["code"]] = row["n"]
        fig = by_path.get(child_of.get(row["organization_id"]))
        if fig is not None:
            fig.findings[row["code"]] += row["n"]
    total = Figures(org.code, org.name)
    for fig in by_path.values():
        total.add(fig)
    months = []
    for row in meetings.annotate(month=TruncMonth("date")).values("month").annotate(
            present=Sum("present"), expected=Sum("expected"), n=Count("pk")).order_by("month"):
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        months.append((month, Figures(present=row["present"] or 0, expected=row["expected"] or 0, meetings=row["n"])))
    named = {pk: (code, name, path) for pk, path, code, name in cell_rows}
    ranked = sorted(per_cell, key=lambda pk: (-sum(per_cell[pk].values()), named[pk][2]))[:10]
    worst = []
    for pk in ranked:
        fig = Figures(named[pk][0], named[pk][1], is_cell=True)
        fig.findings.update(per_cell[pk])
        worst.append(fig)
    return {"total": total, "children": list(by_path.values()), "months": months, "worst": worst}
