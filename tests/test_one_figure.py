"""One figure everywhere (issue 13 item 6): a meeting's attendance — present out of those who must
attend — is the rule engine's, on the cell's meeting list, the meeting page, the recording page, the
minutes and the resolution (Word and PDF, live and frozen), the stored results, the dashboard and
the audit. The meeting has every tricky case: late, exempt, away, excused, unexcused, a member who
joined later in the month and one who left before, both recorded anyway."""

import io
import re
from datetime import date, time

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from chibo.interchange.db import audit_input
from chibo.meetings import dates
from chibo.meetings.documents import adapter
from chibo.meetings.models import Attendance, Meeting, Speech
from chibo.meetings.recording import services as recording_services
from chibo.orgs import services as org_services
from chibo.orgs.models import Membership
from chibo.results.models import MeetingResult
from chibo.results.services import refresh_year
from chibo.rules import engine

DAY = date(2025, 3, 5)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2025, 3, 10))


@pytest.fixture
def tricky(tree, personas):
    """On the roll of C1 on 05/03/2025: M1, M2 (present), M3 (present, probationary), E (exempt,
    came anyway), A (away, excused), L (late), X (excused), U (unexcused). J joined on 20/03 and
    Q left on 28/02: both were recorded present by mistake. Expected: M1 M2 M3 L X U = 6;
    present: M1 M2 M3 L = 4 (the attendance rows say 7 present out of 10)."""
    c1, mk = tree["C1"], org_services.member_create
    new = {}
    for code, name, start in [("E", "Hồ Văn Miễn", date(2020, 1, 1)), ("A", "Vũ Thị Vắng", date(2020, 1, 1)),
                              ("L", "Lý Văn Muộn", date(2020, 1, 1)), ("X", "Mai Thị Phép", date(2020, 1, 1)),
                              ("U", "Tạ Văn Không", date(2020, 1, 1)), ("J", "Đinh Văn Mới", date(2025, 3, 20)),
                              ("Q", "Cao Văn Chuyển", date(2020, 1, 1))]:
        new[code] = mk(code=code, full_name=name, organization=c1, start=start, joined_on=date(2000, 1, 1),
                       official_on=date(2001, 1, 1))
    org_services.period_add(new["E"], kind="exempt", start=date(2024, 1, 1), end=None)
    org_services.period_add(new["A"], kind="away", start=date(2025, 2, 1), end=date(2025, 6, 30))
    Membership.objects.filter(member=new["Q"]).update(end=date(2025, 2, 28))
    meeting = Meeting.objects.create(ident="C1-2025-03", organization=c1, kind="regular", date=DAY, status="held",
                                     start=time(19, 30), end=time(21, 30), place="Nhà văn hóa thôn Đông",
                                     chair=tree["M1"], secretary=tree["M2"], notice_sent_on=date(2025, 3, 1),
                                     conclusion="Kết luận của chủ trì.")
    rows = [(tree["M1"], "present", ""), (tree["M2"], "present", ""), (tree["M3"], "present", ""),
            (new["E"], "present", ""), (new["A"], "absent_excused", "Đi làm ăn xa"), (new["L"], "late", ""),
            (new["X"], "absent_excused", "Ốm"), (new["U"], "absent_unexcused", ""),
            (new["J"], "present", ""), (new["Q"], "present", "")]
    for i, (member, status, reason) in enumerate(rows):
        Attendance.objects.create(meeting=meeting, member=member, position=i, status=status, reason=reason)
    Speech.objects.create(meeting=meeting, position=0, member=tree["M1"], item="Tình hình", summary="Báo cáo.")
    return meeting


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages)


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in open_docx(io.BytesIO(content)).paragraphs)


def figures_everywhere(meeting, personas, client_for) -> dict[str, str]:
    """Every place that shows the meeting's attendance, as "present/expected"."""
    secretary = client_for(personas["secretary"])
    out = {}
    page = secretary.get("/to-chuc/C1/sinh-hoat/?nam=2025").content.decode()
    out["meeting list"] = re.search(r'data-ident="C1-2025-03">.*?có mặt (\d+/\d+)', page, re.S)[1]
    page = secretary.get("/sinh-hoat/C1-2025-03/").content.decode()
    out["meeting page"] = re.search(r'<b class="n-present">(\d+/\d+)</b>', page)[1]
    if meeting.status != "finalized":
        page = secretary.get("/sinh-hoat/C1-2025-03/ghi/").content.decode()
        out["recording page"] = re.search(r'<span id="bar-counts">Có mặt (\d+/\d+)', page)[1]
    out["minutes.pdf"] = re.search(r"- Có mặt: (\d+/\d+) đồng chí", pdf_text(adapter.minutes_file(meeting, "pdf")))[1]
    out["minutes.docx"] = re.search(r"- Có mặt: (\d+/\d+) đồng chí", docx_text(adapter.minutes_file(meeting, "docx")))[1]
    out["resolution.pdf"] = re.search(r"có (\d+/\d+) đảng viên phải dự có mặt",
                                      pdf_text(adapter.resolution_file(meeting, "pdf")))[1]
    refresh_year(meeting.organization, 2025)
    stored = MeetingResult.objects.get(meeting=meeting)
    out["stored result"] = f"{stored.present}/{stored.expected}"
    staff = client_for(personas["staff"])
    page = staff.get("/to-chuc/G/bang-theo-doi/?ky=2025-03").content.decode()
    out["dashboard"] = re.search(r'<tr data-month="2025-03"><td>03/2025</td><td class="num">1</td>'
                                 r'<td class="num">(\d+/\d+)</td>', page)[1]
    org = meeting.organization
    audited = next(m for m in engine.audit(audit_input(org, date(2025, 1, 1), date(2025, 12, 31)), date(2025, 1, 1),
                                           date(2025, 12, 31), as_of=date(2025, 3, 10))["meetings"]
                   if m["id"] == "C1-2025-03")
    out["audit"] = f"{audited['attendance']['present']}/{audited['attendance']['expected']}"
    return out


def test_the_same_figure_on_every_page_and_document(tricky, personas, client_for):
    figures = figures_everywhere(tricky, personas, client_for)
    assert figures == {
        "meeting list": "4/6", "meeting page": "4/6", "recording page": "4/6", "minutes.pdf": "4/6",
        "minutes.docx": "4/6", "resolution.pdf": "4/6", "stored result": "4/6", "dashboard": "4/6", "audit": "4/6",
    }
    # the raw rows would have said otherwise (the bug this guards against)
    rows = list(Attendance.objects.filter(meeting=tricky).values_list("status", flat=True))
    assert (sum(s in ("present", "late") for s in rows), len(rows)) == (7, 10)


def test_the_same_figure_once_finalized(tricky, personas, client_for):
    recording_services.meeting_finalize(tricky, personas["secretary"])
    tricky.refresh_from_db()
    assert tricky.status == "finalized"
    figures = figures_everywhere(tricky, personas, client_for)
    assert set(figures.values()) == {"4/6"}, figures
    assert len(figures) == 8
