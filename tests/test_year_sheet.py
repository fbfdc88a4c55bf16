"""The year-end sheet of a cell: each member's figures worked by hand, the meetings' verdicts equal
to the engine's audit, the files (.xlsx, PDF, JSON) with the same figures, the command, a
constant number of queries, and who may see it."""

import io
import json
from datetime import date, time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from chibo.interchange.db import audit_input
from chibo.meetings.models import Attendance, Meeting, Speech, Task
from chibo.orgs import services as org_services
from chibo.reports import yearsheet
from chibo.results import services as results
from chibo.rules import engine
from chibo.supervision.models import Visit
from tests.access_matrix import PERSONAS, snapshot

pytestmark = pytest.mark.django_db
#: URL names whose access is tested here (tests/test_access_orgs.py counts them).
COVERED = {"year_sheet", "year_sheet_xlsx", "year_sheet_pdf"}
END = date(2025, 12, 31)


@pytest.fixture
def year(tree, meeting):
    """C1's 2025: January (the `meeting` fixture: M1, M2, M3 present), February (M1 present, M2
    absent with a reason, M3 not recorded), a March meeting planned but never held; speeches,
    tasks on time and late, a superior visit in February."""
    feb = Meeting.objects.create(ident="C1-2025-02", organization=tree["C1"], kind="regular", date=date(2025, 2, 5),
                                 status="held", start=time(19, 30), end=time(21, 0), place="Nhà văn hóa",
                                 chair=tree["M1"], secretary=tree["M2"], notice_sent_on=date(2025, 2, 1))
    Meeting.objects.create(ident="C1-2025-03", organization=tree["C1"], kind="regular", date=date(2025, 3, 3),
                           status="planned")
    Attendance.objects.create(meeting=feb, member=tree["M1"], position=0, status="present")
    Attendance.objects.create(meeting=feb, member=tree["M2"], position=1, status="absent_excused", reason="Ốm")
    for i, (m, who) in enumerate([(meeting, "M1"), (meeting, "M1"), (feb, "M1")]):
        Speech.objects.create(meeting=m, position=i, member=tree[who], item="Thảo luận", summary=f"Ý kiến {i}")
    Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description="Làm đường",
                        due=date(2025, 1, 20), done_on=date(2025, 1, 15))
    Task.objects.create(meeting=feb, position=0, assignee=tree["M1"], description="Thu đảng phí",
                        due=date(2025, 2, 10))
    Task.objects.create(meeting=feb, position=1, assignee=tree["M2"], description="Báo cáo",
                        due=date(2025, 2, 10), done_on=date(2025, 2, 20))
    Visit.objects.create(organization=tree["C1"], date=date(2025, 2, 5), visitor="Nguyễn Văn Khách",
                         committee="Đảng ủy xã")
    results.refresh_subtree(tree["C1"], [2025], as_of=END)
    return tree["C1"]


def rows(sheet):
    return {r.code: [getattr(r, n) for n in yearsheet.MEMBER_COLUMNS] for r in sheet.members}


def test_members_figures_worked_by_hand(year):
    sheet = yearsheet.year_sheet(year, 2025, END)
    # expected, present, late, excused, unexcused, missing, speeches, tasks, on time, overdue, fee months
    # unpaid, fee review (no ledger: tests/test_results_v2.py)
    assert rows(sheet) == {
        "M3": [2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
        "M1": [2, 2, 0, 0, 0, 0, 3, 1, 0, 1, 0, 0],
        "M2": [2, 1, 0, 1, 0, 0, 0, 2, 1, 1, 0, 0],
    }
    assert [r.name for r in sheet.members] == ["Lê Văn Cường", "Nguyễn Văn An", "Trần Thị Bình"]
    totals = sheet.totals
    assert [getattr(totals, n) for n in yearsheet.MEMBER_COLUMNS] == [6, 4, 0, 1, 0, 1, 3, 3, 1, 2, 0, 0]


def test_an_exempt_member_is_not_expected(year, tree):
    org_services.period_add(tree["M3"], kind="exempt", start=date(2025, 2, 1), end=None)
    sheet = yearsheet.year_sheet(year, 2025, END)
    assert rows(sheet)["M3"] == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]


def test_meetings_are_the_engines(year):
    sheet = yearsheet.year_sheet(year, 2025, END)
    audit = engine.audit(audit_input(year, date(2025, 1, 1), END, 2), date(2025, 1, 1), END, END)
    assert [m.ident for m in sheet.meetings] == [e["id"] for e in audit["meetings"]] == ["C1-2025-01", "C1-2025-02"]
    for row, entry in zip(sheet.meetings, audit["meetings"], strict=True):
        assert (row.present, row.expected, row.score, row.framework) == (
            entry["attendance"]["present"], entry["attendance"]["expected"], entry["score"]["total"],
            entry["meets_framework"])
        assert row.grade == engine.GRADE_LABELS[entry["score"]["grade"]]
        assert row.findings == list(dict.fromkeys(engine.FINDING_LABELS[f["code"]] for f in entry["findings"]))
    assert sheet.meetings[0].present == 3 and sheet.meetings[1].expected == 3 and sheet.meetings[1].present == 1
    assert sheet.meetings[1].visits == ["Nguyễn Văn Khách (Đảng ủy xã)"] and sheet.meetings[0].visits == []
    assert sum(sheet.grades.values()) == 2 and sheet.unscored == 0
    assert ("2025-03", engine.FINDING_LABELS["MISSING_REGULAR_MEETING"]) in sheet.period_findings


def test_files_carry_the_same_figures(year):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    from tests.test_documents import assert_tinos_only

    sheet = yearsheet.year_sheet(year, 2025, END)
    book = load_workbook(io.BytesIO(yearsheet.to_xlsx(sheet, date(2026, 1, 5))))
    members = [[v for v in r if v is not None] for r in book["Đảng viên"].iter_rows(values_only=True)]
    assert members[0] == ["BẢNG TỔNG HỢP SINH HOẠT CHI BỘ NĂM 2025"]
    assert ["M1", "Nguyễn Văn An", 2, 2, 0, 0, 0, 0, 3, 1, 0, 1, 0, 0] in members
    assert ["Cộng", 6, 4, 0, 1, 0, 1, 3, 3, 1, 2, 0, 0] in members
    meetings = [list(r) for r in book["Cuộc họp"].iter_rows(values_only=True)]
    assert any(r[0] == "05/02/2025" and r[2] == "1/3" and r[8] == "Nguyễn Văn Khách (Đảng ủy xã)" for r in meetings)
    reader = PdfReader(io.BytesIO(yearsheet.to_pdf(sheet, date(2026, 1, 5))))
    assert_tinos_only(reader)  # the Tinos subsets Chibo ships, embedded: nothing in a base-14 font
    text = "".join(p.extract_text() for p in reader.pages)
    assert "BẢNG TỔNG HỢP SINH HOẠT CHI BỘ NĂM 2025" in text, text
    assert "Trần Thị Bình" in text, text
    assert "05/02/2025" in text, text
    data = json.loads(yearsheet.to_json(sheet, date(2026, 1, 5)))
    assert data["members"][2] == {"code": "M2", "name": "Trần Thị Bình", "expected": 2, "present": 1, "late": 0,
                                  "absent_excused": 1, "absent_unexcused": 0, "missing": 0, "speeches": 0,
                                  "tasks": 2, "tasks_on_time": 1, "tasks_overdue": 1, "fee_unpaid": 0,
                                  "fee_review": 0}



def test_a_long_sheet_breaks_across_pages_with_its_header_rows():
    """80 members and 28 meetings: the tables go on over pages, each page of a table starting with
    its header row; every line printed once, the totals line last; a long finding and a word too
    wide for its column wrapped within the cell; names given decomposed (NFD) printed composed."""
    import unicodedata

    from chibo.orgs.models import Organization

    members = [yearsheet.MemberRow(f"M{i:02}", unicodedata.normalize("NFD", f"Nguyễn Thị Hường {i:02}"),
                                   expected=12, present=i % 13, speeches=1) for i in range(80)]
    finding = "Vắng mặt không có lý do; Biên bản chưa đầy đủ; Thông báo triệu tập muộn; " * 3
    meetings = [yearsheet.MeetingRow(f"X{i}", date(2025, 1 + i % 12, 1 + i), "Thường kỳ", 9, 10, "90,00%", 80, "Khá",
                                     True, [finding.strip()], ["Ủyviênthườngvụhuyệnủy" * 4]) for i in range(28)]
    sheet = yearsheet.YearSheet(Organization(code="C9", name="Chi bộ Thôn Đông"), 2025, END, meetings, members)
    reader = PdfReader(io.BytesIO(yearsheet.to_pdf(sheet, date(2026, 1, 5))))
    pages = [p.extract_text() for p in reader.pages]
    text = "\n".join(pages)
    assert len(pages) == 6, pages
    member_pages = [p for p in pages if "Hường" in p]
    meeting_pages = [p for p in pages if "Thường kỳ" in p]
    assert len(member_pages) == 3 and len(meeting_pages) == 4  # the third page: the end of one, the start of the other
    assert all("Họ và tên" in p for p in member_pages) and text.count("Họ và tên") == 3
    assert all("Nhận xét theo quy định" in p for p in meeting_pages) and text.count("Nhận xét theo quy định") == 4
    for row in members:
        assert text.count(f"{row.code} {unicodedata.normalize('NFC', row.name)} ") == 1
    assert text.count("Nguyễn Thị Hường") == 80  # composed: one character each, as the Tinos subsets have it
    totals = " ".join(str(v) for v in ["Cộng", 960, sum(i % 13 for i in range(80)), 0, 0, 0, 0, 80, 0, 0, 0, 0, 0])
    assert totals in " ".join(text.split()) and text.rindex("Cộng") > text.rindex("M79")
    assert " ".join(text.split()).count(" ".join(finding.split())) == 28
    word = "Ủyviênthườngvụhuyệnủy" * 4  # wider than its column: broken within it, every character kept
    assert "".join(text.split()).count(word) == 28 and not any(word in line for line in text.splitlines())
    assert "Xếp loại chất lượng các cuộc họp: ." in text

def test_the_command(year, tmp_path):
    out = tmp_path / "c1.json"
    call_command("year_sheet", "--org", "C1", "--year", "2025", "--format", "json", "--output", str(out),
                 "--as-of", "2025-12-31")
    assert json.loads(out.read_text(encoding="utf-8"))["members"][1]["speeches"] == 3
    committee = tmp_path / "g"
    call_command("year_sheet", "--org", "G", "--year", "2025", "--format", "xlsx", "--output", str(committee))
    assert sorted(p.name for p in committee.iterdir()) == ["C1-2025.xlsx", "C2-2025.xlsx"]


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    from tests.test_documents import assert_tinos_only

    reader = PdfReader(io.BytesIO(data))
    assert_tinos_only(reader)
    return "\n".join(p.extract_text() for p in reader.pages)


@pytest.mark.django_db(transaction=True)
def test_the_command_prints_pdfs_in_worker_processes(year, tree, tmp_path, monkeypatch):
    """`--jobs 2`, a cell a task: each cell's file, printed in a worker process with its own
    connection, has the text of the PDF printed here of the same sheet."""
    from chibo.reports.management.commands import year_sheet as command

    monkeypatch.setattr(command, "CHUNK", 1)
    out = tmp_path / "g"
    call_command("year_sheet", "--org", "G", "--year", "2025", "--format", "pdf", "--output", str(out),
                 "--as-of", "2025-12-31", "--jobs", "2")
    assert sorted(p.name for p in out.iterdir()) == ["C1-2025.pdf", "C2-2025.pdf"]
    made_on = timezone.localdate()  # the command's day
    for code in ("C1", "C2"):
        single = pdf_text(yearsheet.to_pdf(yearsheet.year_sheet(tree[code], 2025, END), made_on))
        assert pdf_text((out / f"{code}-2025.pdf").read_bytes()) == single
    assert "Trần Thị Bình" in pdf_text((out / "C1-2025.pdf").read_bytes())


def test_the_command_refuses_no_jobs(year, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--jobs phải từ 1 trở lên"):
        call_command("year_sheet", "--org", "G", "--year", "2025", "--format", "json",
                     "--output", str(tmp_path / "g"), "--jobs", "0")
    assert not (tmp_path / "g").exists()


def test_constant_queries(year, tree, personas, client_for):
    client = client_for(personas["secretary"])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/to-chuc/C1/tong-hop/2025/").status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(6):
        member = org_services.member_create(code=f"N{i}", full_name=f"Ngô Văn {i}", organization=tree["C1"],
                                            start=date(2021, 1, 1), joined_on=date(2000, 1, 1),
                                            official_on=date(2001, 1, 1))
        m = Meeting.objects.create(ident=f"C1-2025-X{i}", organization=tree["C1"], kind="thematic",
                                   date=date(2025, 4 + i, 10), status="held")
        Attendance.objects.create(meeting=m, member=member, position=0, status="late")
        Speech.objects.create(meeting=m, position=0, member=member, item="Thảo luận", summary="Ý kiến")
        Task.objects.create(meeting=m, position=0, assignee=member, description="Việc", due=date(2025, 12, 1))
    assert count() == small


def test_the_page(year, personas, client_for):
    page = client_for(personas["staff"]).get("/to-chuc/C1/tong-hop/2025/").content.decode()
    assert ('<tr data-member="M2"><td><a href="/dang-vien/M2/">Trần Thị Bình</a></td><td class="num">2</td>'
            '<td class="num">1</td><td class="num">0</td><td class="num">1</td>') in page
    assert 'href="/to-chuc/C1/tong-hop/2025/tong-hop.xlsx"' in page


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_it(year, personas, client_for, persona):
    client = client_for(personas[persona])
    before = snapshot()
    codes = [client.get(url).status_code for url in (
        "/to-chuc/C1/tong-hop/2025/", "/to-chuc/C1/tong-hop/2025/tong-hop.xlsx", "/to-chuc/C1/tong-hop/2025/tong-hop.pdf")]
    allowed = {"admin", "staff", "designated", "secretary", "member"}  # the member: their own line only
    if persona in allowed:
        assert codes == [200, 200, 200]
    else:
        expected = {"anonymous": 302, "other": 404, "sibling": 404, "rival": 404}[persona]
        assert codes == [expected] * 3
        assert snapshot() == before


def test_not_a_cell_or_a_bad_year(year, personas, client_for):
    client = client_for(personas["admin"])
    assert client.get("/to-chuc/G/tong-hop/2025/").status_code == 404
    assert client.get("/to-chuc/C1/tong-hop/1999/").status_code == 404


def test_many_cells_in_the_same_queries(year, tree):
    def count(cells):
        with CaptureQueriesContext(connection) as ctx:
            sheets = list(yearsheet.year_sheets(cells, 2025, END))
        return len(ctx.captured_queries), sheets

    one, _ = count([tree["C1"]])
    both, sheets = count([tree["C1"], tree["C2"]])
    assert one == both
    assert [s.cell.code for s in sheets] == ["C1", "C2"] and rows(sheets[0]) == rows(yearsheet.year_sheet(
        tree["C1"], 2025, END)) and sheets[1].members == [] and sheets[1].meetings == []


def test_a_member_sees_their_own_line_only(year, personas, client_for):
    """M2 (persona "member", a member of C1 without a role) sees the cell's meetings and their own
    line, in the page and the files; not M1's nor M3's, nor the cell's totals of everyone."""
    from openpyxl import load_workbook

    client = client_for(personas["member"])
    before = snapshot()
    page = client.get("/to-chuc/C1/tong-hop/2025/").content.decode()
    assert ('<tr data-member="M2"><td><a href="/dang-vien/M2/">Trần Thị Bình</a></td><td class="num">2</td>'
            '<td class="num">1</td><td class="num">0</td><td class="num">1</td>') in page
    assert 'data-member="M1"' not in page and 'data-member="M3"' not in page
    assert "Nguyễn Văn An" not in page and "Lê Văn Cường" not in page
    assert 'id="own-line"' in page and 'data-meeting="C1-2025-02"' in page
    assert snapshot() == before  # the page writes nothing (a download is logged, below)
    book = load_workbook(io.BytesIO(client.get("/to-chuc/C1/tong-hop/2025/tong-hop.xlsx").content))
    members = [[v for v in r if v is not None] for r in book["Đảng viên"].iter_rows(values_only=True)]
    assert ["M2", "Trần Thị Bình", 2, 1, 0, 1, 0, 0, 0, 2, 1, 1, 0, 0] in members
    assert ["Cộng", 2, 1, 0, 1, 0, 0, 0, 2, 1, 1, 0, 0] in members
    assert not any("M1" in r or "M3" in r for r in members)
    # the secretary (M1, also a member of C1) still sees every line
    page = client_for(personas["secretary"]).get("/to-chuc/C1/tong-hop/2025/").content.decode()
    assert 'data-member="M1"' in page and 'data-member="M2"' in page and 'id="own-line"' not in page


def test_a_member_not_on_the_roll_that_year_sees_no_line(year, tree, personas, client_for):
    sheet = yearsheet.own_line(yearsheet.year_sheet(year, 2025, END), tree["M4"].pk)
    assert sheet.members == [] and sheet.own_line and [m.ident for m in sheet.meetings] == ["C1-2025-01", "C1-2025-02"]
    # a member of another cell is not let in at all
    assert client_for(personas["other"]).get("/to-chuc/C1/tong-hop/2025/").status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_cell_page_links_to_the_sheet_for_whom_it_opens(year, personas, client_for, persona):
    """The cell page's button to the year-end sheet is shown exactly to those the sheet admits; a
    member's reads "Số liệu năm … của tôi" (their own line)."""
    from chibo.meetings import dates

    client = client_for(personas[persona])
    page = client.get("/to-chuc/C1/")
    year_now = dates.today().year
    link = f'href="/to-chuc/C1/tong-hop/{year_now}/"'
    shows = page.status_code == 200 and link in page.content.decode()
    admitted = client.get(f"/to-chuc/C1/tong-hop/{year_now}/").status_code == 200
    assert shows == admitted == (persona in {"admin", "staff", "designated", "secretary", "member"})
    if persona == "member":
        assert f"Số liệu năm {year_now} của tôi" in page.content.decode()
