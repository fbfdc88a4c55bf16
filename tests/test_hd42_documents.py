"""The minutes and the resolution of a meeting judged by HD 42 print the frame score (issue 14
item 3): each group with its points, the total, the grade, the remedies, and the superior's
official grade once decided; from the live record and, once finalized, from the snapshot. The
files are opened (python-docx, pypdf) and read back against hand-worked numbers."""

import io
from datetime import date, time

import pytest
from docx import Document as open_docx
from pypdf import PdfReader

from chibo.meetings import dates
from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.models import Attendance, Meeting, Speech, Task
from chibo.meetings.recording import services as recording
from chibo.meetings.recording import services_quality as q


def docx_text(content: bytes) -> str:
    document = open_docx(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2026, 1, 10))


@pytest.fixture
def scored(personas, tree):
    """03/01/2026, 19:30-20:45 (75 minutes: short by 15, time 4); M1, M2 present, M3 absent with
    reason (2/3 = 66.7%: attendance 2, + 1 bonus = 3); the previous meeting's 4 tasks due, 3 done
    (75%: results 24); entered preparation 8, organisation 30, principles 5, closing 4.
    Total 4 + 3 + 8 + 30 + 5 + 24 + 4 = 78: Khá."""
    prev = Meeting.objects.create(ident="C1-2025-12", organization=tree["C1"], kind="regular", date=date(2025, 12, 3),
                                  status="held")
    for i in range(4):
        Task.objects.create(meeting=prev, position=i, description=f"Việc {i}", due=date(2025, 12, 31),
                            done_on=date(2025, 12, 30) if i < 3 else None)
    m = Meeting.objects.create(ident="C1-2026-01", organization=tree["C1"], kind="regular", date=date(2026, 1, 3),
                               status="held", start=time(19, 30), end=time(20, 45), place="Nhà văn hóa",
                               chair=tree["M1"], secretary=tree["M2"], notice_sent_on=date(2025, 12, 30),
                               conclusion="Chi bộ thống nhất các nội dung.")
    Attendance.objects.create(meeting=m, member=tree["M1"], position=0, status="present")
    Attendance.objects.create(meeting=m, member=tree["M2"], position=1, status="present")
    Attendance.objects.create(meeting=m, member=tree["M3"], position=2, status="absent_excused", reason="Ốm")
    Speech.objects.create(meeting=m, position=0, member=tree["M2"], summary="Nhất trí.")
    for gid, v in {"preparation": 8, "organisation": 30, "principles": 5, "closing": 4}.items():
        q.quality_group_set(m, gid, v, user=personas["secretary"])
    return m


ROWS = [
    "1 | Chấp hành thời gian, thời lượng sinh hoạt (Thiếu 15 phút so với tối thiểu 90 phút: 4/5 điểm) | 5 | 4",
    "2 | Tỷ lệ đảng viên dự sinh hoạt (Dự họp 2/3 đảng viên; không có đảng viên vắng có lý do nhiều lần liên tiếp: "
    "cộng 1 điểm: 3/5 điểm) | 5 | 3",
    "3 | Công tác chuẩn bị | 10 | 8",
    "4 | Tổ chức sinh hoạt, điều hành của bí thư | 40 | 30",
    "5 | Thực hiện nguyên tắc tổ chức, sinh hoạt đảng | 5 | 5",
    "6 | Kết quả lãnh đạo thực hiện nghị quyết, kết luận kỳ trước (Hoàn thành 3/4 nhiệm vụ kỳ trước đến hạn: "
    "24/30 điểm) | 30 | 24",
    "7 | Kết thúc sinh hoạt | 5 | 4",
]


def test_minutes_print_the_groups_total_and_grade(scored):
    text = docx_text(docs_adapter.minutes_file(scored, "docx"))
    assert "ĐÁNH GIÁ CHẤT LƯỢNG SINH HOẠT" in text
    for row in ROWS:
        assert row in text
    assert "Tổng điểm: 78/100; xếp loại: Khá." in text
    assert "Biện pháp khắc phục:" in text
    assert "- Kết thúc sinh hoạt: Khắc phục những điểm còn hạn chế của nhóm tiêu chí này trong kỳ sinh hoạt tới." in text
    assert "Cấp ủy cấp trên quyết định xếp loại" not in text
    pdf = pdf_text(docs_adapter.minutes_file(scored, "pdf"))
    assert "Tổng điểm: 78/100; xếp loại: Khá." in pdf
    assert "Hoàn thành 3/4 nhiệm vụ kỳ trước đến hạn: 24/30 điểm" in pdf


def test_resolution_prints_the_grade_and_remedies(scored):
    text = docx_text(docs_adapter.resolution_file(scored, "docx"))
    assert "Chi bộ tự đánh giá chất lượng buổi sinh hoạt đạt 78/100 điểm, xếp loại Khá." in text
    remedies = [line for line in text.splitlines() if line.startswith("- ") and ": " in line]
    assert [r.split(":")[0] for r in remedies] == [
        "- Chấp hành thời gian, thời lượng sinh hoạt", "- Tỷ lệ đảng viên dự sinh hoạt", "- Công tác chuẩn bị",
        "- Tổ chức sinh hoạt, điều hành của bí thư", "- Kết quả lãnh đạo thực hiện nghị quyết, kết luận kỳ trước",
        "- Kết thúc sinh hoạt"]
    assert "Chi bộ tự đánh giá chất lượng buổi sinh hoạt đạt 78/100 điểm, xếp loại Khá." in pdf_text(
        docs_adapter.resolution_file(scored, "pdf"))


def test_finalized_minutes_print_the_snapshot_and_the_official_grade(personas, scored):
    q.quality_adopt(scored, personas["secretary"])
    recording.meeting_finalize(scored, personas["secretary"])
    q.quality_confirm_official(scored, personas["staff"], "trung_binh")
    Task.objects.filter(meeting__ident="C1-2025-12").update(done_on=None)  # the live record changes later
    text = docx_text(docs_adapter.minutes_file(Meeting.objects.get(pk=scored.pk), "docx"))
    assert ROWS[5] in text  # still 3/4 done: the frozen minutes
    assert "Tổng điểm: 78/100; xếp loại: Khá." in text
    assert "Cấp ủy cấp trên quyết định xếp loại: Trung bình." in text


def test_hd12_meeting_prints_as_before(meeting):
    text = docx_text(docs_adapter.minutes_file(meeting, "docx"))
    assert "Nhóm tiêu chí" not in text and "Biện pháp khắc phục" not in text
