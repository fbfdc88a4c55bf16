"""The official documents printed from the record (not from hand-made data): the adapter
turns a stored meeting into `MinutesData`, the views and the commands serve the files, and the
files are opened and read back (python-docx, pypdf)."""

import io
import re
from datetime import date, datetime, time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document as open_docx
from pypdf import PdfReader

from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.documents.data import date_words
from chibo.meetings.models import Amendment, Attendance, Guest, Meeting, Speech, Task, Vote
from chibo.meetings.recording.numbering import assign_resolution_number
from chibo.orgs import services as org_services
from chibo.orgs.models import MemberPeriod, Position
from chibo.orgs.selectors import cell_roll

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_text(content: bytes) -> str:
    document = open_docx(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages]


def add_member(tree, code, name, *, official=True, start=date(2020, 1, 1)):
    return org_services.member_create(code=code, full_name=name, organization=tree["C1"], start=start,
                                      joined_on=date(2010, 1, 1), official_on=date(2011, 1, 1) if official else None)


@pytest.fixture
def record(tree, meeting):
    """The fixture meeting of C1 (03/01/2025) with a full record.

    Roll on the day: M1, M2, M3 (probationary), M6, M7, M8 (exempt), M9, M10 = 8 on the roll,
    7 official, 1 exempt, 7 expected. Present: M1, M2, M3, M9, M10 (5 of 7 expected).
    Eligible voters: 7 official - M8 (exempt, absent) = 6; a resolution passes with 4."""
    tree["G"].locality = "Tân Thành"
    tree["G"].save()
    m6 = add_member(tree, "M6", "Hoàng Thị Phương")
    m7 = add_member(tree, "M7", "Vũ Văn Giang")
    m8 = add_member(tree, "M8", "Đinh Văn Hậu")
    m9 = add_member(tree, "M9", "Bùi Văn Hải")
    m10 = add_member(tree, "M10", "Lý Thị Lan")
    MemberPeriod.objects.create(member=m8, kind="exempt", start=date(2024, 1, 1), reason="Tuổi cao")
    Position.objects.create(member=tree["M1"], organization=tree["C1"], title="bi_thu", start=date(2020, 1, 1))
    Position.objects.create(member=tree["M2"], organization=tree["C1"], title="pho_bi_thu", start=date(2020, 1, 1))
    for i, (member, status, reason) in enumerate([
        (m6, "absent_excused", "Ốm, điều trị tại bệnh viện huyện"),
        (m7, "absent_unexcused", ""),
        (m9, "present", ""),
        (m10, "late", ""),
    ], start=3):
        Attendance.objects.create(meeting=meeting, member=member, position=i, status=status, reason=reason)
    Guest.objects.create(meeting=meeting, name="Trần Văn Bình", title="Đảng ủy viên",
                         organization="Đảng ủy xã Tân Thành")
    for i, (member, item, summary) in enumerate([
        (tree["M1"], "Đánh giá kết quả tháng 12", "Thôn hoàn thành thu thuế; còn 3 hộ chưa nộp."),
        (tree["M3"], "Phương hướng tháng 01", "Đề nghị sửa đường liên thôn trước Tết."),
        (m9, "Đánh giá kết quả tháng 12", "Thống nhất với báo cáo."),
        (tree["M2"], "", "Đề nghị thăm hỏi gia đình chính sách."),
    ]):
        Speech.objects.create(meeting=meeting, position=i, member=member, item=item, summary=summary)
    Vote.objects.create(meeting=meeting, position=0, kind="resolution", method="show_of_hands",
                        subject="Nghị quyết tháng 01/2025", votes_for=4)
    Vote.objects.create(meeting=meeting, position=1, kind="election", method="secret_ballot",
                        subject="Bầu phó bí thư chi bộ", votes_for=3, votes_against=1)
    Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description="Đôn đốc 3 hộ còn nợ thuế",
                        due=date(2025, 1, 31))
    Task.objects.create(meeting=meeting, position=1, description="Rà soát danh sách gia đình chính sách")
    meeting.conclusion = "Chi bộ thống nhất hoàn thành thu thuế trước Tết."
    meeting.resolution_text = "1. Hoàn thành thu thuế trước ngày 31/01/2025.\n2. Đón Tết an toàn, tiết kiệm."
    meeting.status, meeting.finalized_at = "finalized", timezone.now()
    meeting.save()
    assign_resolution_number(meeting)
    Amendment.objects.create(meeting=meeting, author=None, reason="Ghi thiếu lý do vắng",
                             changes={"attendance:M6": {"label": "Điểm danh Hoàng Thị Phương",
                                                        "old": "Vắng có lý do", "new": "Vắng có lý do (Ốm)"}})
    return meeting


def test_minutes_data_from_the_record(record, tree):
    data = docs_adapter.minutes_data(record)
    roll = cell_roll(tree["C1"], record.date)
    assert (data.counts.on_roll, data.counts.official, data.counts.probationary, data.counts.exempt,
            data.counts.away, data.counts.expected) == (
        roll.on_roll, roll.official, roll.probationary, roll.exempt, roll.away, roll.expected) == (8, 7, 1, 1, 0, 7)
    assert data.counts.present == 5
    assert data.superior_name == "Đảng bộ xã Tân Thành"
    assert data.cell_name == "Chi bộ thôn Đông"
    assert data.place_of_issue == "Tân Thành"  # the parent's locality (the cell has none)
    assert data.present_members == ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Bùi Văn Hải", "Lý Thị Lan"]
    assert [(a.name, a.status, a.reason) for a in data.absent] == [
        ("Hoàng Thị Phương", "absent_excused", "Ốm, điều trị tại bệnh viện huyện"),
        ("Vũ Văn Giang", "absent_unexcused", None),
    ]
    assert [(g.name, g.title, g.organization) for g in data.guests] == [
        ("Trần Văn Bình", "Đảng ủy viên", "Đảng ủy xã Tân Thành")]
    assert (data.chair_name, data.secretary_name) == ("Nguyễn Văn An", "Trần Thị Bình")
    # No AgendaItem rows: the items come from the speeches, in order of first mention.
    assert [(a.title, [s.speaker_name for s in a.speeches]) for a in data.agenda] == [
        ("Đánh giá kết quả tháng 12", ["Nguyễn Văn An", "Bùi Văn Hải"]),
        ("Phương hướng tháng 01", ["Lê Văn Cường"]),
        ("Ý kiến khác", ["Trần Thị Bình"]),
    ]
    assert [(v.subject, v.for_, v.against, v.eligible, v.threshold, v.passed) for v in data.votes] == [
        ("Nghị quyết tháng 01/2025", 4, 0, 6, 4, True),
        ("Bầu phó bí thư chi bộ", 3, 1, 6, 4, False),
    ]
    assert [(t.assignee_name, t.description, t.due) for t in data.tasks] == [
        ("Trần Thị Bình", "Đôn đốc 3 hộ còn nợ thuế", date(2025, 1, 31)),
        (None, "Rà soát danh sách gia đình chính sách", None),
    ]
    # Score from the engine: manual criteria missing -> provisional.
    assert (data.score_total, data.grade, data.provisional) == (50, "trung_binh", True)
    assert data.resolution_number == "01-NQ/CB"
    assert (data.signer_name, data.secretary_title_for_signing) == ("Nguyễn Văn An", "BÍ THƯ")
    assert [(a.author, a.reason, a.summary) for a in data.amendments] == [
        ("—", "Ghi thiếu lý do vắng", "Điểm danh Hoàng Thị Phương: Vắng có lý do → Vắng có lý do (Ốm)")]


def test_signer_and_place_fallbacks(record, tree):
    Position.objects.filter(title="bi_thu").update(end=date(2024, 12, 31))  # no bí thư on the day
    data = docs_adapter.minutes_data(record)
    assert (data.signer_name, data.secretary_title_for_signing) == ("Nguyễn Văn An", "CHỦ TRÌ")
    Meeting.objects.filter(pk=record.pk).update(chair=tree["M2"])  # the deputy chairs and signs as such
    data = docs_adapter.minutes_data(record)
    assert (data.signer_name, data.secretary_title_for_signing) == ("Trần Thị Bình", "PHÓ BÍ THƯ")
    tree["C1"].locality = "Đông Hòa"
    tree["C1"].save()
    assert docs_adapter.minutes_data(record).place_of_issue == "Đông Hòa"  # the cell's own locality first
    tree["C1"].locality = tree["G"].locality = ""
    tree["C1"].save()
    tree["G"].save()
    assert docs_adapter.minutes_data(record).place_of_issue == "Chi bộ thôn Đông"


def test_agenda_items_when_recorded(record):
    from chibo.meetings.models import AgendaItem

    AgendaItem.objects.create(meeting=record, position=0, section="opening", title="Khai mạc")
    AgendaItem.objects.create(meeting=record, position=1, title="Đánh giá kết quả tháng 12")
    data = docs_adapter.minutes_data(record)
    assert [(a.title, len(a.speeches)) for a in data.agenda] == [
        ("Khai mạc", 0), ("Đánh giá kết quả tháng 12", 2), ("Ý kiến khác", 2)]


def queries_of(fn, *args) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn(*args)
    return len(ctx.captured_queries)


# The queries of one meeting's MinutesData (and of a whole year's, see the book test):
#  8  the meeting(s) (+ organization, parent, chair, secretary), then attendance, speeches, votes,
#     tasks, agenda items, amendments (+ authors) and guests, each one prefetch;
# 13  the bundle export of the cell's year up to the date: organisations, profile overrides (2),
#     memberships, periods, members, guests, attendance, speeches, votes, tasks, meetings, visits;
#  2  the effective rule profile of the cell (ancestors, their profiles);
#  1  the cell's bí thư / phó bí thư positions;
#  4  the fee ledger of the meetings' months (members, memberships, fee records, reliefs).
EXPECTED_QUERIES = 29  # + the visits of superior committees (printed among the guests)


def test_a_fixed_number_of_queries(record, tree):
    first = queries_of(docs_adapter.minutes_data, record)
    for n in range(10):  # more members, present, speaking, and more meetings earlier in the year
        m = add_member(tree, f"X{n}", f"Đảng viên Thêm {n}")
        Attendance.objects.create(meeting=record, member=m, position=10 + n, status="present")
        Speech.objects.create(meeting=record, position=10 + n, member=m, item="Thêm", summary="Ý kiến")
    assert queries_of(docs_adapter.minutes_data, record) == first == EXPECTED_QUERIES



# --- files through the views and the commands ---------------------------------------------

def test_minutes_docx_and_pdf_from_the_views(record, personas, client_for):
    client = client_for(personas["secretary"])
    response = client.get("/sinh-hoat/C1-2025-01/bien-ban.docx")
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == 'attachment; filename="bien-ban-C1-2025-01.docx"'
    text = docx_text(response.content)
    for expected in (
        "ĐẢNG BỘ XÃ TÂN THÀNH", "CHI BỘ THÔN ĐÔNG", "Tân Thành, ngày 03 tháng 01 năm 2025",
        "bắt đầu vào lúc 19 giờ 30 phút, ngày 03/01/2025", "Nhà văn hóa thôn Đông",
        "Tổng số đảng viên của chi bộ: 8 đồng chí (chính thức: 7, dự bị: 1); miễn công tác và sinh hoạt đảng: 1",
        "Số đảng viên phải có mặt: 7 đồng chí.",
        "Có mặt: 5/7 đồng chí (đạt 71,43%), gồm các đồng chí: Nguyễn Văn An, Trần Thị Bình, Lê Văn Cường, "
        "Bùi Văn Hải, Lý Thị Lan.",
        "Đồng chí Hoàng Thị Phương: vắng có lý do (Ốm, điều trị tại bệnh viện huyện).",
        "Đồng chí Vũ Văn Giang: vắng không có lý do.",
        "Đồng chí Trần Văn Bình, Đảng ủy viên, Đảng ủy xã Tân Thành.",
        "Chủ trì: đồng chí Nguyễn Văn An.", "Thư ký: đồng chí Trần Thị Bình.",
        "Đồng chí Lê Văn Cường: Đề nghị sửa đường liên thôn trước Tết.",
        "Số đảng viên có quyền biểu quyết: 6; số phiếu tán thành cần để thông qua: 4.",
        "Kết quả: tán thành 4/6 (66,67%); không tán thành 0; không biểu quyết 0.",
        "Kết quả: tán thành 3/6 (50,00%); không tán thành 1; không biểu quyết 0; phiếu không hợp lệ 0.",
        "Chi bộ thống nhất hoàn thành thu thuế trước Tết.", "Đôn đốc 3 hộ còn nợ thuế", "31/01/2025",
        "Tổng điểm: 50/100 (tạm tính); xếp loại: Trung bình.", "Ghi thiếu lý do vắng",
    ):
        assert expected in text, expected
    assert re.findall(r"Kết luận: (.+)\.", text) == ["thông qua", "không thông qua"]

    response = client.get("/sinh-hoat/C1-2025-01/bien-ban.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = " ".join(pdf_pages(response.content))
    for expected in ("ĐẢNG BỘ XÃ TÂN THÀNH", "Có mặt: 5/7 đồng chí (đạt 71,43%)",
                     "Đồng chí Hoàng Thị Phương: vắng có lý do (Ốm, điều trị tại bệnh viện huyện).",
                     "Đồng chí Vũ Văn Giang: vắng không có lý do.", "Số đảng viên có quyền biểu quyết: 6",
                     "Nguyễn Văn An", "Lý Thị Lan"):
        assert expected in pdf, expected


def test_resolution_docx_and_pdf_from_the_views(record, personas, client_for):
    client = client_for(personas["member"])
    text = docx_text(client.get("/sinh-hoat/C1-2025-01/nghi-quyet.docx").content)
    for expected in ("Số 01-NQ/CB", "NGHỊ QUYẾT", "CHI BỘ QUYẾT NGHỊ:", "1. Hoàn thành thu thuế trước ngày 31/01/2025.",
                     "có 5/7 đảng viên phải dự có mặt",
                     "Nghị quyết được chi bộ biểu quyết thông qua với 4/6 đảng viên có quyền biểu quyết tán thành "
                     "(đạt 66,67%).", "- Đảng ủy xã Tân Thành,", "T/M CHI BỘ", "BÍ THƯ", "Nguyễn Văn An"):
        assert expected in text, expected
    response = client.get("/sinh-hoat/C1-2025-01/nghi-quyet.pdf")
    assert response["Content-Disposition"] == 'attachment; filename="nghi-quyet-C1-2025-01.pdf"'
    pdf = " ".join(pdf_pages(response.content))
    assert "Số 01-NQ/CB" in pdf and "CHI BỘ QUYẾT NGHỊ:" in pdf and "Nguyễn Văn An" in pdf


def test_documents_are_not_served_outside_the_scope(record, personas, client_for):
    assert client_for(personas["other"]).get("/sinh-hoat/C1-2025-01/bien-ban.pdf").status_code == 404
    assert client_for(personas["other"]).get("/to-chuc/C1/so-bien-ban/2025.pdf").status_code == 404
    assert client_for(personas["staff"]).get("/sinh-hoat/KHONG-CO/bien-ban.docx").status_code == 404
    assert client_for(personas["staff"]).get("/to-chuc/G/so-bien-ban/2025.pdf").status_code == 404  # not a cell
    response = client_for(None).get("/sinh-hoat/C1-2025-01/nghi-quyet.docx")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_commands_write_the_files(record, tmp_path):
    call_command("minutes", "C1-2025-01", "--format", "docx", "--output", str(tmp_path / "bb.docx"))
    assert "Đồng chí Vũ Văn Giang: vắng không có lý do." in docx_text((tmp_path / "bb.docx").read_bytes())
    call_command("minutes", "C1-2025-01", "--output", str(tmp_path / "bb.pdf"))  # format from the suffix
    assert "Có mặt: 5/7 đồng chí" in " ".join(pdf_pages((tmp_path / "bb.pdf").read_bytes()))
    call_command("resolution", "C1-2025-01", "--format", "pdf", "--output", str(tmp_path / "nq.pdf"))
    assert "Số 01-NQ/CB" in " ".join(pdf_pages((tmp_path / "nq.pdf").read_bytes()))
    call_command("resolution", "C1-2025-01", "--format", "docx", "--output", str(tmp_path / "nq.docx"))
    assert "Số 01-NQ/CB" in docx_text((tmp_path / "nq.docx").read_bytes())


def test_commands_refuse_unknown_ids_in_vietnamese(record, tmp_path):
    out = tmp_path / "x.pdf"
    with pytest.raises(CommandError, match="Không tìm thấy cuộc họp có mã 'C1-2099-01'."):
        call_command("minutes", "C1-2099-01", "--format", "pdf", "--output", str(out))
    with pytest.raises(CommandError, match="Không tìm thấy cuộc họp có mã 'NOPE'."):
        call_command("resolution", "NOPE", "--format", "docx", "--output", str(out))
    with pytest.raises(CommandError, match="Không tìm thấy tổ chức có mã 'C9'."):
        call_command("minutes_book", "--org", "C9", "--year", "2025", "--output", str(out))
    with pytest.raises(CommandError, match="không phải chi bộ"):
        call_command("minutes_book", "--org", "G", "--year", "2025", "--output", str(out))
    with pytest.raises(CommandError, match="Chọn định dạng"):
        call_command("minutes", "C1-2025-01", "--output", str(tmp_path / "x.txt"))
    assert not out.exists()


@pytest.fixture
def three_finalized(record, tree):
    """Meetings of C1 in January (the record), February and March 2025, finalized, plus an
    April meeting still being recorded (not in the book)."""
    made = [record]
    for month, long in ((2, True), (3, False), (4, False)):
        m = Meeting.objects.create(ident=f"C1-2025-{month:02d}", organization=tree["C1"], kind="regular",
                                   date=date(2025, month, 3), start=time(19, 30), end=time(21, 30),
                                   place="Nhà văn hóa thôn Đông", chair=tree["M1"], secretary=tree["M2"],
                                   notice_sent_on=date(2025, month, 1), conclusion=f"Kết luận tháng {month}.",
                                   status="finalized" if month < 4 else "held",
                                   finalized_at=timezone.now() if month < 4 else None)
        for i, code in enumerate(["M1", "M2", "M3"]):
            Attendance.objects.create(meeting=m, member=tree[code], position=i, status="present")
        for i in range(40 if long else 1):
            Speech.objects.create(meeting=m, position=i, member=tree["M2"], item="Thảo luận",
                                  summary=f"Ý kiến số {i} về công tác dân vận, đề nghị phân công đảng viên "
                                          "phụ trách từng hộ và báo cáo kết quả vào kỳ sinh hoạt sau.")
        if month < 4:
            assign_resolution_number(m)
        made.append(m)
    return made


def test_finalized_meetings_are_numbered_in_order(three_finalized):
    assert [m.resolution_number for m in three_finalized[:3]] == [1, 2, 3]


def test_minutes_book_of_three_meetings(three_finalized, personas, client_for, tmp_path):
    response = client_for(personas["staff"]).get("/to-chuc/C1/so-bien-ban/2025.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="so-bien-ban-C1-2025.pdf"'
    pages = pdf_pages(response.content)
    assert "SỔ BIÊN BẢN SINH HOẠT CHI BỘ" in pages[0] and "CHI BỘ THÔN ĐÔNG" in pages[0] and "Năm 2025" in pages[0]
    assert "MỤC LỤC" in pages[1]
    rows = re.findall(r"(\d{2}/\d{2}/\d{4}) Thường kỳ (\d+)", pages[1])
    assert [d for d, _ in rows] == ["03/01/2025", "03/02/2025", "03/03/2025"]  # not the April meeting
    starts = [int(p) for _, p in rows]
    assert starts[0] == 3
    assert starts[1] - starts[0] >= 2 and starts[2] - starts[1] >= 3  # January: 2+ pages, February: 3+ pages
    for (day, _), start in zip(rows, starts, strict=True):
        assert pages[start - 1].startswith("ĐẢNG BỘ XÃ TÂN THÀNH")
        assert f"Tân Thành, {date_words(datetime.strptime(day, '%d/%m/%Y').date())}" in pages[start - 1]
    assert "Kết luận tháng 3." in " ".join(pages[starts[2] - 1:])
    assert "tháng 4 năm 2025" not in " ".join(pages)
    # The command prints the same book (the CLI maps `minutes-book` to `minutes_book`).
    from chibo import cli

    cli.main(["chibo", "minutes-book", "--org", "C1", "--year", "2025", "--output", str(tmp_path / "so.pdf")])
    assert len(pdf_pages((tmp_path / "so.pdf").read_bytes())) == len(pages)


def test_the_year_is_built_in_the_same_queries(three_finalized, tree):
    assert queries_of(docs_adapter.year_minutes_data, tree["C1"], 2025) == EXPECTED_QUERIES
    assert [d.meeting_id for d in docs_adapter.year_minutes_data(tree["C1"], 2025)] == [
        "C1-2025-01", "C1-2025-02", "C1-2025-03"]
    assert [d.resolution_number for d in docs_adapter.year_minutes_data(tree["C1"], 2025)] == [
        "01-NQ/CB", "02-NQ/CB", "03-NQ/CB"]
    assert docs_adapter.year_minutes_data(tree["C1"], 2024) == []


def test_amendment_author_is_named(record, personas):
    Amendment.objects.create(meeting=record, author=personas["member"], reason="Sửa giờ",
                             changes={"end": {"label": "Giờ kết thúc", "old": "21:05", "new": "21:15"}})
    Amendment.objects.create(meeting=record, author=personas["staff"], reason="Khác", changes={"x": "y"})
    data = docs_adapter.minutes_data(record)
    assert [(a.author, a.summary) for a in data.amendments[1:]] == [
        ("Trần Thị Bình", "Giờ kết thúc: 21:05 → 21:15"), ("staff", "x: y")]
    assert all(isinstance(a.when, datetime) and a.when.tzinfo is not None for a in data.amendments)
