"""chibo.meetings.documents: the produced files are opened (python-docx, pypdf) and read back.

Pure tests, no database: `pytest tests/test_documents.py -p no:django`.
"""

import datetime as dt
import io
import re

import pytest
from docx import Document as open_docx
from docx.shared import Pt
from pypdf import PdfReader

from chibo.meetings import documents
from chibo.meetings.documents import (
    AgendaItem,
    Counts,
    MinutesData,
    VoteLine,
    group_speeches,
    minutes_book_pdf,
    minutes_docx,
    minutes_pdf,
    resolution_docx,
    resolution_pdf,
)
from chibo.meetings.documents import fonts as fonts_module
from chibo.meetings.documents.data import cell_line, date_words, month_words, percent, superior_line

A4_PT = (595.28, 841.89)


def sample_minutes_data(month: int = 1, **changes) -> MinutesData:
    """A regular meeting of Chi bộ thôn 1 with every part of the minutes filled in."""
    date = dt.date(2025, month, 3)
    fields = dict(
        superior_name="Đảng bộ xã Tân Thành",
        cell_name="Chi bộ thôn 1",
        place_of_issue="Tân Thành",
        meeting_id=f"CB1-2025-{month:02d}",
        kind="regular",
        date=date,
        start=dt.time(19, 30),
        end=dt.time(21, 5),
        place="Nhà văn hóa thôn 1",
        counts=Counts(on_roll=17, official=15, probationary=2, exempt=1, away=0, expected=16, present=14),
        present_members=[
            "Nguyễn Văn An",
            "Trần Thị Bích",
            "Lê Văn Cường",
            "Phạm Thị Dung",
            "Hoàng Văn Đức",
            "Vũ Thị Hạnh",
            "Đặng Văn Hùng",
            "Bùi Thị Lan",
            "Đỗ Văn Long",
            "Hồ Thị Mai",
            "Ngô Văn Nam",
            "Dương Thị Oanh",
            "Lý Văn Phúc",
            "Trịnh Thị Quyên",
        ],
        absent=[
            ("Mai Văn Sơn", "absent_excused", "Ốm, điều trị tại bệnh viện huyện"),
            ("Cao Văn Tài", "absent_unexcused", None),
        ],
        guests=[("Trần Văn Bình", "Đảng ủy viên", "Đảng ủy xã Tân Thành")],
        chair_name="Nguyễn Văn An",
        secretary_name="Trần Thị Bích",
        topic=None,
        agenda=group_speeches(
            ["Đánh giá kết quả thực hiện nhiệm vụ tháng 12", "Phương hướng nhiệm vụ tháng 01"],
            [
                (
                    "Đánh giá kết quả thực hiện nhiệm vụ tháng 12",
                    "Lê Văn Cường",
                    "Thôn hoàn thành thu thuế sử dụng đất; còn 3 hộ chưa nộp.",
                ),
                (
                    "Phương hướng nhiệm vụ tháng 01",
                    "Phạm Thị Dung",
                    "Đề nghị sửa đường liên thôn trước Tết.\nVận động hộ dân hiến đất làm đường.",
                ),
                ("Việc riêng", "Hoàng Văn Đức", "Đề nghị tổ chức thăm hỏi gia đình chính sách dịp Tết."),
            ],
        ),
        votes=[
            VoteLine("Nghị quyết tháng 01/2025", "resolution", "show_of_hands", 13, 0, 1, 0, 15, 8, True),
            VoteLine(
                "Kết nạp quần chúng Lò Thị Xuân", "admission", "show_of_hands", 9, 4, 1, 0, 15, 10, False
            ),
            VoteLine("Bầu phó bí thư chi bộ", "election", "secret_ballot", 10, 2, 1, 3, 15, 8, None),
        ],
        conclusion="Chi bộ thống nhất tập trung hoàn thành thu thuế.\nChuẩn bị tốt các điều kiện đón Tết.",
        tasks=[
            ("Lê Văn Cường", "Đôn đốc 3 hộ còn nợ thuế", dt.date(2025, 1, 31)),
            ("Phạm Thị Dung", "Vận động hộ dân hiến đất làm đường", dt.date(2025, 2, 15)),
            (None, "Rà soát danh sách gia đình chính sách", None),
        ],
        score_total=82,
        grade="kha",
        provisional=True,
        amendments=[
            (
                dt.datetime(2025, 1, 5, 8, 30),
                "Trần Thị Bích",
                "Ghi thiếu ý kiến",
                "Bổ sung ý kiến đồng chí Hoàng Văn Đức",
            ),
        ],
        resolution_number="05-NQ/CB",
        resolution_text="1. Hoàn thành thu thuế sử dụng đất trước ngày 31/01/2025.\n2. Chuẩn bị đón Tết an toàn, tiết kiệm.",
        secretary_title_for_signing="BÍ THƯ",
        signer_name="Nguyễn Văn An",
    )
    fields.update(changes)
    return MinutesData(**fields)


# ---------------------------------------------------------------------------------------
# Helpers


def docx_text(content: bytes) -> tuple[object, str]:
    doc = open_docx(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return doc, "\n".join(parts)


def pdf_pages(content: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(content))
    return reader, [page.extract_text() for page in reader.pages]


def pdf_font_names(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def squash(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------
# Data and wording


def test_tuples_become_records_and_bad_codes_are_refused():
    data = sample_minutes_data()
    assert data.absent[0].reason.startswith("Ốm")
    assert data.tasks[2].assignee_name is None
    with pytest.raises(ValueError):
        sample_minutes_data(kind="monthly")
    with pytest.raises(ValueError):
        sample_minutes_data(absent=[("X", "absent", None)])
    with pytest.raises(ValueError):
        VoteLine("X", "resolution", "raise_hands", 1, 0, 0, 0, 1, 1, True)


def test_speeches_without_a_matching_item_go_under_other_opinions():
    agenda = sample_minutes_data().agenda
    assert [item.title for item in agenda] == [
        "Đánh giá kết quả thực hiện nhiệm vụ tháng 12",
        "Phương hướng nhiệm vụ tháng 01",
        "Ý kiến khác",
    ]
    assert [s.speaker_name for s in agenda[2].speeches] == ["Hoàng Văn Đức"]
    # Case and spacing do not matter; no "Ý kiến khác" when every speech matches.
    agenda = group_speeches(["Thảo luận"], [("  thảo luận ", "A", "x")])
    assert agenda == [AgendaItem("Thảo luận", (("A", "x"),))]


def test_header_names_and_dates():
    assert superior_line("Đảng bộ xã Tân Thành") == "ĐẢNG BỘ XÃ TÂN THÀNH"
    assert superior_line("xã Tân Thành") == "ĐẢNG BỘ XÃ TÂN THÀNH"
    assert cell_line("Chi bộ thôn 1") == "CHI BỘ THÔN 1"
    assert cell_line("chi bộ  Ấp Đông") == "CHI BỘ ẤP ĐÔNG"
    assert cell_line("Thôn 1") == "CHI BỘ THÔN 1"
    assert date_words(dt.date(2025, 1, 3)) == "ngày 03 tháng 01 năm 2025"
    assert date_words(dt.date(2025, 11, 20)) == "ngày 20 tháng 11 năm 2025"
    assert date_words(dt.date(2025, 5, 9)) == "ngày 09 tháng 5 năm 2025"
    assert percent(14, 16) == "87,50%"
    assert percent(2, 3) == "66,67%"
    assert percent(1, 0) == ""


# ---------------------------------------------------------------------------------------
# Word files


def test_minutes_docx_content_and_layout():
    doc, text = docx_text(minutes_docx(sample_minutes_data()))

    header = doc.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    assert left.split("\n") == ["ĐẢNG BỘ XÃ TÂN THÀNH", "CHI BỘ THÔN 1", "*"]
    assert right.split("\n")[0] == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert "Tân Thành, ngày 03 tháng 01 năm 2025" in right
    nation = header.rows[0].cells[1].paragraphs[0].runs[0]
    assert nation.bold and nation.underline
    cell_run = header.rows[0].cells[0].paragraphs[1].runs[0]
    assert cell_run.bold
    date_run = header.rows[0].cells[1].paragraphs[-1].runs[0]
    assert date_run.italic
    assert header.style is None or header.style.name != "Table Grid"

    assert "BIÊN BẢN" in [p.text for p in doc.paragraphs]
    assert "Sinh hoạt chi bộ thường kỳ tháng 01 năm 2025" in text
    assert "bắt đầu vào lúc 19 giờ 30 phút, ngày 03/01/2025" in text
    assert "Nhà văn hóa thôn 1" in text
    assert "17 đồng chí (chính thức: 15, dự bị: 2)" in text
    assert "Có mặt: 14/16 đồng chí (đạt 87,50%)" in text
    for name in sample_minutes_data().present_members:
        assert name in text
    assert "Đồng chí Mai Văn Sơn: vắng có lý do (Ốm, điều trị tại bệnh viện huyện)." in text
    assert "Đồng chí Cao Văn Tài: vắng không có lý do." in text
    assert "Đồng chí Trần Văn Bình, Đảng ủy viên, Đảng ủy xã Tân Thành." in text
    assert "Chủ trì: đồng chí Nguyễn Văn An" in text and "Thư ký: đồng chí Trần Thị Bích" in text

    # Proceedings: items in order, speakers under their item, unmatched under "Ý kiến khác".
    order = [
        text.index(s)
        for s in (
            "1. Đánh giá kết quả thực hiện nhiệm vụ tháng 12",
            "Đồng chí Lê Văn Cường: Thôn hoàn thành",
            "2. Phương hướng nhiệm vụ tháng 01",
            "Đồng chí Phạm Thị Dung: Đề nghị sửa đường",
            "Vận động hộ dân hiến đất làm đường.",
            "3. Ý kiến khác",
            "Đồng chí Hoàng Văn Đức: Đề nghị tổ chức",
        )
    ]
    assert order == sorted(order)

    assert (
        "Hình thức: giơ tay. Số đảng viên có quyền biểu quyết: 15; số phiếu tán thành cần để thông qua: 8."
        in text
    )
    assert "Kết quả: tán thành 13/15 (86,67%); không tán thành 0; không biểu quyết 1." in text
    assert "Kết quả: tán thành 9/15 (60,00%); không tán thành 4; không biểu quyết 1." in text
    assert "Hình thức: bỏ phiếu kín." in text
    assert "phiếu không hợp lệ 3." in text
    verdicts = re.findall(r"Kết luận: (.+)\.", text)
    assert verdicts == ["thông qua", "không thông qua", "không xác định (số phiếu không hợp lệ)"]

    assert "Chuẩn bị tốt các điều kiện đón Tết." in text
    tasks = doc.tables[1]
    assert [c.text for c in tasks.rows[0].cells] == [
        "STT",
        "Người thực hiện",
        "Nội dung công việc",
        "Thời hạn",
    ]
    assert [c.text for c in tasks.rows[1].cells] == [
        "1",
        "Lê Văn Cường",
        "Đôn đốc 3 hộ còn nợ thuế",
        "31/01/2025",
    ]
    assert [c.text for c in tasks.rows[3].cells] == [
        "3",
        "Chưa phân công",
        "Rà soát danh sách gia đình chính sách",
        "Chưa xác định",
    ]
    assert "Tổng điểm: 82/100 (tạm tính); xếp loại: Khá." in text
    assert "Buổi sinh hoạt kết thúc vào lúc 21 giờ 05 phút cùng ngày." in text

    signatures = doc.tables[2].rows[0].cells
    assert (
        signatures[0].paragraphs[0].text == "THƯ KÝ" and signatures[0].paragraphs[-1].text == "Trần Thị Bích"
    )
    assert (
        signatures[1].paragraphs[0].text == "CHỦ TRÌ" and signatures[1].paragraphs[-1].text == "Nguyễn Văn An"
    )
    assert sum(1 for p in signatures[0].paragraphs if not p.text) >= 3  # room to sign

    amendments = doc.tables[3]
    assert [c.text for c in amendments.rows[1].cells] == [
        "1",
        "05/01/2025 08:30",
        "Trần Thị Bích",
        "Ghi thiếu ý kiến",
        "Bổ sung ý kiến đồng chí Hoàng Văn Đức",
    ]

    # Layout: A4, party margins, Times New Roman 14 everywhere except the titles.
    section = doc.sections[0]
    measured = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    # Word stores lengths in twentieths of a point: compare to a tenth of a millimetre.
    assert [round(length.mm, 1) for length in measured] == [210, 297, 20, 20, 30, 15]
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size == Pt(14)
    rfonts = normal.element.rPr.rFonts
    assert {
        rfonts.get(f"{{{rfonts.nsmap['w']}}}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")
    } == {"Times New Roman"}
    sizes = {run.font.size for p in doc.paragraphs for run in p.runs}
    assert sizes <= {None, Pt(16)}  # None: the style's 14 pt; 16 pt: the title "BIÊN BẢN"
    assert all(run.font.name in (None, "Times New Roman") for p in doc.paragraphs for run in p.runs)


def test_minutes_docx_without_optional_parts():
    data = sample_minutes_data(
        kind="thematic",
        topic="Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        end=None,
        absent=[],
        guests=[],
        votes=[],
        tasks=[],
        score_total=None,
        grade=None,
        amendments=[],
        conclusion="",
    )
    doc, text = docx_text(minutes_docx(data))
    assert "Sinh hoạt chi bộ chuyên đề tháng 01 năm 2025" in text
    assert "Chuyên đề: Học tập và làm theo tư tưởng" in text
    assert "Vắng mặt: không." in text
    assert "BIỂU QUYẾT" not in text and "ĐÁNH GIÁ CHẤT LƯỢNG" not in text and "SỬA ĐỔI" not in text
    assert "III. KẾT LUẬN CỦA CHỦ TRÌ" in text
    assert "kết thúc vào lúc …… giờ …… phút cùng ngày" in text
    assert len(doc.tables) == 2  # header and signatures


def test_resolution_docx():
    doc, text = docx_text(resolution_docx(sample_minutes_data()))
    left, right = (cell.text.split("\n") for cell in doc.tables[0].rows[0].cells)
    assert left == ["ĐẢNG BỘ XÃ TÂN THÀNH", "CHI BỘ THÔN 1", "*", "Số 05-NQ/CB"]
    assert right[0] == "ĐẢNG CỘNG SẢN VIỆT NAM" and right[-1] == "Tân Thành, ngày 03 tháng 01 năm 2025"
    paragraphs = [p.text for p in doc.paragraphs]
    assert "NGHỊ QUYẾT" in paragraphs
    assert "Sinh hoạt chi bộ thường kỳ tháng 01 năm 2025" in paragraphs
    assert "CHI BỘ QUYẾT NGHỊ:" in paragraphs
    assert "1. Hoàn thành thu thuế sử dụng đất trước ngày 31/01/2025." in paragraphs
    assert "- Lê Văn Cường: Đôn đốc 3 hộ còn nợ thuế (thời hạn: 31/01/2025)." in paragraphs
    assert "thông qua với 13/15 đảng viên có quyền biểu quyết tán thành (đạt 86,67%)" in text
    recipients, signer = doc.tables[1].rows[0].cells
    assert [p.text for p in recipients.paragraphs] == [
        "Nơi nhận:",
        "- Đảng ủy xã Tân Thành,",
        "- Lưu chi bộ.",
    ]
    assert signer.paragraphs[0].text == "T/M CHI BỘ" and signer.paragraphs[1].text == "BÍ THƯ"
    assert signer.paragraphs[-1].text == "Nguyễn Văn An"
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size == Pt(14)

    deputy = sample_minutes_data(
        secretary_title_for_signing="PHÓ BÍ THƯ",
        signer_name="Lê Văn Cường",
        resolution_number=None,
        resolution_text=None,
    )
    doc, text = docx_text(resolution_docx(deputy))
    assert "PHÓ BÍ THƯ" in text and "Lê Văn Cường" in text
    assert "-NQ/CB" in doc.tables[0].rows[0].cells[0].text  # the number is left blank to fill in
    assert "Chi bộ thống nhất tập trung hoàn thành thu thuế." in text  # the conclusion stands in


# ---------------------------------------------------------------------------------------
# PDF files


def assert_a4(reader: PdfReader) -> None:
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_PT[0]) <= 1 and abs(height - A4_PT[1]) <= 1


def assert_tinos_only(reader: PdfReader) -> None:
    names = pdf_font_names(reader)
    assert names and all(re.fullmatch(r"/[A-Z]{6}\+Tinos(-[\w-]+)?", n) for n in names), names


def test_minutes_pdf():
    reader, pages = pdf_pages(minutes_pdf(sample_minutes_data()))
    text = squash(" ".join(pages))
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "ĐẢNG BỘ XÃ TÂN THÀNH",
        "CHI BỘ THÔN 1",
        "BIÊN BẢN",
        "Tân Thành, ngày 03 tháng 01 năm 2025",
        "Sinh hoạt chi bộ thường kỳ tháng 01 năm 2025",
        "Đồng chí Mai Văn Sơn: vắng có lý do (Ốm, điều trị tại bệnh viện huyện).",
        "Đồng chí Cao Văn Tài: vắng không có lý do.",
        "Đồng chí Phạm Thị Dung:",
        "Ý kiến khác",
        "tán thành 13/15 (86,67%)",
        "không xác định (số phiếu không hợp lệ)",
        "Đôn đốc 3 hộ còn nợ thuế",
        "xếp loại: Khá",
        "kết thúc vào lúc 21 giờ 05 phút cùng ngày",
        "THƯ KÝ",
        "CHỦ TRÌ",
        "Trần Thị Bích",
        "CÁC LẦN SỬA ĐỔI BIÊN BẢN",
    ):
        assert expected in text, expected
    assert_a4(reader)
    assert_tinos_only(reader)
    assert reader.metadata.title == "Biên bản sinh hoạt chi bộ thường kỳ tháng 01 năm 2025"
    # Page numbers from the second page on.
    assert len(pages) >= 2
    assert pages[1].strip().endswith("2")


def test_resolution_pdf():
    reader, pages = pdf_pages(resolution_pdf(sample_minutes_data()))
    text = squash(" ".join(pages))
    for expected in (
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Số 05-NQ/CB",
        "NGHỊ QUYẾT",
        "Sinh hoạt chi bộ thường kỳ tháng 01 năm 2025",
        "Căn cứ Điều lệ Đảng Cộng sản Việt Nam",
        "CHI BỘ QUYẾT NGHỊ:",
        "Chuẩn bị đón Tết an toàn, tiết kiệm.",
        "T/M CHI BỘ",
        "BÍ THƯ",
        "Nguyễn Văn An",
        "Nơi nhận:",
        "Đảng ủy xã Tân Thành",
        "Lưu chi bộ",
    ):
        assert expected in text, expected
    assert_a4(reader)
    assert_tinos_only(reader)


def test_pdf_escapes_markup_in_user_text():
    data = sample_minutes_data(conclusion="<b>Chú ý</b> & <script>alert(1)</script>", place="Nhà <Văn hóa>")
    text = squash(" ".join(pdf_pages(minutes_pdf(data))[1]))
    assert "<b>Chú ý</b> & <script>alert(1)</script>" in text
    assert "Nhà <Văn hóa>" in text


def test_minutes_book_pdf():
    # Meetings of different lengths, given out of order: the book sorts them by date.
    items = [sample_minutes_data(month=m) for m in (3, 1, 2)]
    items[1] = sample_minutes_data(month=1, present_members=[f"Đảng viên số {n}" for n in range(120)])
    reader, pages = pdf_pages(minutes_book_pdf("Chi bộ thôn 1", "Đảng bộ xã Tân Thành", 2025, items))
    assert_a4(reader)
    assert_tinos_only(reader)

    cover = squash(pages[0])
    assert "SỔ BIÊN BẢN SINH HOẠT CHI BỘ" in cover and "Năm 2025" in cover
    assert "CHI BỘ THÔN 1" in cover and "ĐẢNG BỘ XÃ TÂN THÀNH" in cover
    assert not re.search(r"\b1\s*$", pages[0].strip())  # no page number on the cover

    index = pages[1]
    assert "MỤC LỤC" in index
    rows = re.findall(r"(\d{2}/\d{2}/\d{4})\s+Thường kỳ\s+(\d+)", squash(index))
    assert [d for d, _ in rows] == ["03/01/2025", "03/02/2025", "03/03/2025"]
    starts = [int(p) for _, p in rows]
    assert starts[0] == 3 and starts[0] < starts[1] < starts[2] <= len(pages)
    assert starts[1] - starts[0] >= 2  # the long meeting takes more than one page
    for (day, _), start in zip(rows, starts, strict=True):
        date = dt.datetime.strptime(day, "%d/%m/%Y").date()
        page = squash(pages[start - 1])
        assert page.startswith("ĐẢNG BỘ XÃ TÂN THÀNH"), page[:80]  # the meeting starts at the top of its page
        assert f"BIÊN BẢN Sinh hoạt chi bộ thường kỳ {month_words(date)}" in page
        assert f"Tân Thành, {date_words(date)}" in page
        assert "BIÊN BẢN Sinh hoạt" not in squash(pages[start - 2])  # and not on the page before
    # Every page but the cover carries its number in the footer.
    for number, page in enumerate(pages[1:], start=2):
        assert page.strip().endswith(str(number)), (number, page[-60:])


def test_empty_minutes_book():
    reader, pages = pdf_pages(minutes_book_pdf("Thôn 1", "xã Tân Thành", 2025, []))
    assert len(pages) == 2
    assert "Chưa có biên bản sinh hoạt nào trong năm 2025." in squash(pages[1])


def test_missing_node_modules_tells_to_run_npm_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts_module, "node_modules_dir", lambda: tmp_path)
    with pytest.raises(documents.FontsMissing, match="npm ci"):
        fonts_module.font_face_css()
