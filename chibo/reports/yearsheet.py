"""The year-end sheet of a cell (issue 9: bảng tổng hợp cuối năm): its meetings of the year and,
for each member, the figures the annual review and classification of party members asks for
(Quy định 366-QĐ/TW): meetings expected, attended, late, absent with and without a reason,
speeches, tasks assigned, done on time, overdue, months of party fee not paid in full and whether
the member is flagged for review (FEE_UNPAID_REVIEW; the totals line counts the cell's); and the
cell's own grades.

Every verdict is the rule engine's: the meetings' grades, scores and findings are the stored
results (chibo.results), each member's attendance is `engine.member_tally` on the engine's roll,
a task's lateness `engine.is_task_overdue`, the party-fee figures the stored monthly totals and
findings of version 2 (a meeting judged by HD 42: its frame grade, or the superior's official
one, and its HD 42 findings as of the sheet's day). Eleven queries whatever the number of cells
and members (`year_sheets`, a district at a time for `chibo year-sheet`)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

import orjson
from django.db.models import Count

from chibo import vocabulary
from chibo.meetings.documents.data import rate_text
from chibo.meetings.facts import meeting_query, read_roll_index
from chibo.meetings.models import Attendance, Speech, Task
from chibo.orgs.models import Member, Organization
from chibo.results.models import CellYear, PeriodFinding
from chibo.results.selectors import entry_as_of
from chibo.rules import engine
from chibo.supervision.models import Visit


@dataclass
class MeetingRow:
    ident: str
    date: date
    kind: str  # its Vietnamese label
    present: int | None  # None: no stored result yet
    expected: int | None
    rate: str
    score: int | None
    grade: str  # its Vietnamese label, "" without a stored result
    framework: bool | None
    findings: list[str]  # labels
    visits: list[str]  # "visitor (committee)"


@dataclass
class MemberRow:
    code: str
    name: str
    expected: int = 0
    present: int = 0
    late: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0
    missing: int = 0
    speeches: int = 0
    tasks: int = 0
    tasks_on_time: int = 0
    tasks_overdue: int = 0
    fee_unpaid: int = 0  # months whose fee (after relief) was not paid in full
    fee_review: int = 0  # 1: flagged FEE_UNPAID_REVIEW for the year


@dataclass
class YearSheet:
    cell: Organization
    year: int
    as_of: date
    meetings: list[MeetingRow]
    members: list[MemberRow]
    grades: dict[str, int] = field(default_factory=dict)  # grade label -> meetings
    period_findings: list[tuple[str, str]] = field(default_factory=list)  # (period, label)
    unscored: int = 0  # meetings held without a stored result (refreshed after the next save)
    own_line: bool = False  # only the reader's own line is left (`own_line`)

    @property
    def totals(self) -> MemberRow:
        total = MemberRow("", "Cộng")
        for row in self.members:
            for name in MEMBER_COLUMNS:
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


#: The members' columns in the order a sheet shows them: (attribute, heading).
MEMBER_HEADINGS = {
    "expected": "Số buổi phải dự", "present": "Dự đúng giờ",
    **{key: vocabulary.ATTENDANCE_STATUSES.labels[key] for key in ("late", "absent_excused", "absent_unexcused")},
    "missing": "Chưa điểm danh",
    "speeches": "Phát biểu", "tasks": "Nhiệm vụ được giao", "tasks_on_time": "Hoàn thành đúng hạn",
    "tasks_overdue": "Quá hạn", "fee_unpaid": "Tháng chưa đóng đủ đảng phí",
    "fee_review": engine.FINDING_LABELS["FEE_UNPAID_REVIEW"],
}
MEMBER_COLUMNS = tuple(MEMBER_HEADINGS)
MEETING_HEADINGS = ("Ngày", "Loại", "Có mặt / phải dự", "Tỷ lệ", "Điểm", "Xếp loại", "Đạt khung HD 12",
                    "Nhận xét theo quy định", "Cấp ủy cấp trên dự")


def year_sheet(cell: Organization, year: int, as_of: date) -> YearSheet:
    """The sheet of `cell` for `year`; tasks overdue as of `as_of`."""
    return next(year_sheets([cell], year, as_of))


def own_line(sheet: YearSheet, member_id: int | None) -> YearSheet:
    """The sheet as a member of the cell may see it: the meetings and the cell's grades, and of
    the members' lines only their own (none if they were not on the roll that year). One query."""
    code = Member.objects.filter(pk=member_id).values_list("code", flat=True).first() if member_id else None
    return replace(sheet, members=[row for row in sheet.members if code is not None and row.code == code],
                   own_line=True)


def year_sheets(cells: list[Organization], year: int, as_of: date) -> Iterator[YearSheet]:
    """The sheets of `cells` (a district's at most: everything is read at once) for `year`, in
    their order; ten queries however many cells and members."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    code_of = {cell.pk: cell.code for cell in cells}
    meetings = meeting_query(list(code_of), first, last)
    rows: dict[int, list] = defaultdict(list)
    for row in meetings.order_by("date", "ident").values_list(
            "organization_id", "pk", "ident", "date", "kind", "result__present", "result__expected",
            "result__score_total", "result__grade", "result__meets_framework", "result__entry",
            "result__results_due"):
        rows[row[0]].append(row[1:])
    visits = defaultdict(list)
    for cell_id, day, visitor, committee in Visit.objects.filter(
            organization__in=list(code_of), date__range=(first, last)).order_by("date", "id").values_list(
            "organization_id", "date", "visitor", "committee"):
        visits[cell_id, day].append(f"{visitor} ({committee})" if committee else visitor)

    # Each member's attendance: the engine's roll on each meeting's day and the recorded statuses.
    member_code: dict[int, str] = {}
    index = read_roll_index(list(code_of), code_of, member_code)
    statuses: dict[int, dict] = defaultdict(dict)
    for mid, member_id, status, reason in Attendance.objects.filter(meeting__in=meetings.values("pk")).values_list(
            "meeting_id", "member_id", "status", "reason"):
        statuses[mid][member_code.get(member_id, f"#{member_id}")] = (status, reason)
    # per (cell, member id): speeches; tasks assigned, done on time, overdue
    speeches = {(cell_id, member_id): n for cell_id, member_id, n in Speech.objects.filter(
        meeting__in=meetings.values("pk")).values("meeting__organization_id", "member_id").annotate(
        n=Count("pk")).values_list("meeting__organization_id", "member_id", "n").order_by()}
    tasks: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0, 0])
    for cell_id, assignee, due, done in Task.objects.filter(meeting__in=meetings.values("pk"),
                                                            assignee__isnull=False).values_list(
            "meeting__organization_id", "assignee_id", "due", "done_on"):
        counts = tasks[cell_id, assignee]
        counts[0] += 1
        overdue = engine.is_task_overdue({"due": due, "done_on": done}, as_of)
        counts[1] += done is not None and not overdue
        counts[2] += overdue
    names = dict(Member.objects.filter(pk__in=list(member_code)).values_list("code", "full_name"))
    member_id = {code: mid for mid, code in member_code.items()}
    period = defaultdict(list)
    fee_review: dict[int, set[str]] = defaultdict(set)
    for cell_id, p, c, member in PeriodFinding.objects.filter(organization__in=list(code_of), year=year).exclude(
            code="TASK_OVERDUE").order_by("first", "code", "member").values_list(
            "organization_id", "period", "code", "member"):
        if c == "FEE_UNPAID_REVIEW":  # a member's: on their line
            fee_review[cell_id].add(member)
        else:
            period[cell_id].append((p, engine.FINDING_LABELS.get(c, c)))
    fee_unpaid: dict[int, Counter] = defaultdict(Counter)
    for cell_id, months in CellYear.objects.filter(organization__in=list(code_of), year=year).values_list(
            "organization_id", "fees"):
        for month in months:
            fee_unpaid[cell_id].update(month["unpaid"])

    for cell in cells:
        grades: Counter = Counter()
        sheet_meetings = []
        for _pk, ident, day, kind, present, expected, score, grade, framework, entry, due in rows[cell.pk]:
            codes = [f["code"] for f in orjson.loads(entry_as_of(entry, due, as_of))["findings"]] if entry else []
            if grade:
                grades[grade] += 1
            sheet_meetings.append(MeetingRow(
                ident, day, vocabulary.MEETING_KINDS.labels.get(kind, kind), present, expected,
                rate_text(engine.format_rate(present, expected), "—") if expected is not None else "—", score,
                vocabulary.GRADES.labels.get(grade, grade) if grade else "", framework,
                list(dict.fromkeys(engine.FINDING_LABELS.get(c, c) for c in codes)), visits.get((cell.pk, day), [])))
        tally = engine.member_tally((index.roll(cell.code, day), statuses[pk])
                                    for pk, _i, day, *_rest in rows[cell.pk])
        members = []
        for code in sorted(tally, key=lambda c: (names.get(c, ""), c)):
            mid = member_id[code]
            assigned, on_time, overdue = tasks.get((cell.pk, mid), (0, 0, 0))
            members.append(MemberRow(code, names.get(code, code), **tally[code],
                                     speeches=speeches.get((cell.pk, mid), 0),
                                     tasks=assigned, tasks_on_time=on_time, tasks_overdue=overdue,
                                     fee_unpaid=fee_unpaid[cell.pk][code], fee_review=int(code in fee_review[cell.pk])))
        yield YearSheet(cell, year, as_of, sheet_meetings, members,
                        {label: grades[code] for code, label in vocabulary.GRADES.choices()}, period[cell.pk],
                        sum(1 for m in sheet_meetings if m.grade == ""))


# --------------------------------------------------------------------------------------------
# The sheet as files: .xlsx, PDF, JSON (the page's figures, never recomputed)

TITLE = "BẢNG TỔNG HỢP SINH HOẠT CHI BỘ NĂM {year}"


def heading(sheet: YearSheet, made_on: date) -> list[str]:
    return [TITLE.format(year=sheet.year), sheet.cell.name,
            f"Nhiệm vụ quá hạn tính đến ngày {sheet.as_of:%d/%m/%Y}", f"Ngày lập: {made_on:%d/%m/%Y}"]


def meeting_table(sheet: YearSheet) -> list[list]:
    rows = [list(MEETING_HEADINGS)]
    for m in sheet.meetings:
        rows.append([f"{m.date:%d/%m/%Y}", m.kind, "—" if m.expected is None else f"{m.present}/{m.expected}",
                     m.rate, "—" if m.score is None else m.score, m.grade or "—",
                     "—" if m.framework is None else ("Đạt" if m.framework else "Không đạt"),
                     "; ".join(m.findings), "; ".join(m.visits)])
    return rows


def member_table(sheet: YearSheet) -> list[list]:
    rows = [["Mã", "Họ và tên", *MEMBER_HEADINGS.values()]]
    for row in [*sheet.members, sheet.totals]:
        rows.append([row.code, row.name, *(getattr(row, name) for name in MEMBER_COLUMNS)])
    return rows


def to_xlsx(sheet: YearSheet, made_on: date) -> bytes:
    import io

    from openpyxl import Workbook  # here: openpyxl adds 0.1 s to every command's start-up
    from openpyxl.styles import Font

    book = Workbook()
    for title, rows in (("Đảng viên", member_table(sheet)), ("Cuộc họp", meeting_table(sheet))):
        ws = book.active if title == "Đảng viên" else book.create_sheet()
        ws.title = title
        for text in heading(sheet, made_on):
            ws.append([text])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append([])
        first = ws.max_row + 1
        for row in rows:
            ws.append(row)
        for cell in ws[first]:
            cell.font = Font(bold=True)
        ws.column_dimensions["B"].width = 28
    summary = book["Cuộc họp"]
    summary.append([])
    summary.append(["Xếp loại", "Số cuộc họp"])
    for label, n in sheet.grades.items():
        summary.append([label, n])
    for period, label in sheet.period_findings:
        summary.append([period, label])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_pdf(sheet: YearSheet, made_on: date) -> bytes:
    """The sheet as a PDF (A4 landscape, Tinos), drawn by chibo.reports.yearsheet_pdf: the heading,
    the members' table with its totals line, the meetings' table, the cell's grades and findings."""
    from chibo.reports.yearsheet_pdf import render  # here: reportlab only for the PDF

    return render(heading(sheet, made_on), member_table(sheet), meeting_table(sheet), sheet.grades,
                  sheet.period_findings)


def to_json(sheet: YearSheet, made_on: date) -> str:
    import json

    return json.dumps({
        "organization": sheet.cell.code, "name": sheet.cell.name, "year": sheet.year,
        "as_of": sheet.as_of.isoformat(), "made_on": made_on.isoformat(),
        "members": [{"code": r.code, "name": r.name, **{n: getattr(r, n) for n in MEMBER_COLUMNS}}
                    for r in sheet.members],
        "meetings": [{"id": m.ident, "date": m.date.isoformat(), "kind": m.kind, "present": m.present,
                      "expected": m.expected, "score": m.score, "grade": m.grade, "meets_framework": m.framework,
                      "findings": m.findings, "visits": m.visits} for m in sheet.meetings],
        "grades": sheet.grades,
        "period_findings": [{"period": p, "finding": label} for p, label in sheet.period_findings],
    }, ensure_ascii=False, indent=1) + "\n"
