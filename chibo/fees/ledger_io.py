"""The month's ledger in and out of Excel: the import of a month (`parse_month_xlsx`, all rows or
none, as the member import: every problem names its row, column and reason in Vietnamese) and the
*sổ thu nộp đảng phí* of a month or a year as .xlsx (`book_xlsx`). The month's book has the
import's columns first, so a cell fills the downloaded book in and loads it back.

openpyxl is imported inside the functions (docs/architecture.md: heavy libraries load when used).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from chibo import vocabulary
from chibo.fees import calculator
from chibo.limits import (
    SPREADSHEET_BLANK_RUN,
    SPREADSHEET_MAX_BYTES,
    SPREADSHEET_MAX_ROWS,
    SPREADSHEET_MAX_UNPACKED,
)

SHEET_TITLE = "Sổ đảng phí"
#: (field, header) of the import's columns A..H, in order.
COLUMNS = (
    ("member", "Mã đảng viên"),
    ("name", "Họ và tên"),
    ("category", "Đối tượng"),
    ("base", "Thu nhập làm căn cứ (đồng)"),
    ("due", "Số phải đóng (đồng)"),
    ("paid", "Số đã nộp (đồng)"),
    ("paid_on", "Ngày nộp"),
    ("channel", "Hình thức nộp"),
)
HEADER = {field: header for field, header in COLUMNS}
LETTER = {field: chr(ord("A") + i) for i, (field, _h) in enumerate(COLUMNS)}
#: The book's columns after the import's (ignored when a book is loaded back).
BOOK_EXTRA = ("Miễn, giảm", "Số phải đóng sau miễn, giảm (đồng)", "Người thu", "Còn thiếu")


def problem(row: int, field: str, message: str) -> str:
    """'Dòng 5, cột D (Thu nhập làm căn cứ (đồng)): ...'; row 0 is the whole file."""
    if row == 0:
        return f"Tệp: {message}"
    if field in HEADER:
        return f"Dòng {row}, cột {LETTER[field]} ({HEADER[field]}): {message}"
    return f"Dòng {row}: {message}"


def _fold(text: str) -> str:
    from chibo.orgs.vntext import fold

    return " ".join(fold(str(text)).split())


def _code_of(code_list, value) -> str | None:
    """A code list's code from a cell that holds its code or its label (accents and case not
    significant); '' when empty; None when unknown."""
    if value is None or str(value).strip() == "":
        return ""
    text = _fold(value)
    for term in code_list:
        if text in (_fold(term.code), _fold(term.label)):
            return term.code
    return None


def _amount(value) -> int | None | str:
    """An amount cell: int, None when empty, or the Vietnamese reason it is not one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        return "phải là số tiền (đồng)"
    if isinstance(value, float):
        if not value.is_integer():
            return "phải là số đồng chẵn"
        value = int(value)
    if isinstance(value, str):
        text = value.strip().replace(".", "").replace(" ", "")
        if not text.isdigit():
            return "phải là số tiền (đồng), ví dụ 68000"
        value = int(text)
    if not isinstance(value, int):
        return "phải là số tiền (đồng)"
    if not 0 <= value <= calculator.MAX_AMOUNT:
        return "phải từ 0 đến 1.000.000.000.000 đồng"
    return value


def _date(value) -> date | None | str:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.strptime(str(value).strip(), "%d/%m/%Y").date()
    except ValueError:
        return "phải là ngày dd/mm/yyyy"


def parse_month_xlsx(data: bytes) -> list:
    """The rows of an import workbook (`services.ImportRow`), or ValueError(list of problems)
    naming every bad cell. Header in row 1 (the book's headers; columns after H ignored)."""
    from chibo.fees.services import ImportRow

    unreadable = [problem(0, "", "không đọc được tệp: hãy lưu lại dưới dạng Excel (.xlsx) rồi tải lên")]
    if len(data) > SPREADSHEET_MAX_BYTES:
        raise ValueError([problem(0, "", "tệp quá lớn")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > SPREADSHEET_MAX_UNPACKED:
                raise ValueError([problem(0, "", "tệp chứa quá nhiều dữ liệu")])
    except zipfile.BadZipFile:
        raise ValueError(unreadable) from None
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # BadZipFile, InvalidFileException, XML errors
        raise ValueError(unreadable) from None
    problems, rows = [], []
    try:
        sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [(_fold(v) if v is not None else "") for v in (next(values, ()) or ())][:len(COLUMNS)]
        expected = [_fold(h) for _f, h in COLUMNS]
        if header != expected:
            raise ValueError([problem(1, "", "dòng tiêu đề phải là: " + "; ".join(h for _f, h in COLUMNS)
                                      + " (tải sổ tháng về để có đúng mẫu)")])
        blanks = 0
        for number, cells in enumerate(values, start=2):
            cells = (tuple(cells) + (None,) * len(COLUMNS))[:len(COLUMNS)]
            if all(c is None or str(c).strip() == "" for c in cells):
                blanks += 1
                if blanks >= SPREADSHEET_BLANK_RUN:
                    break
                continue
            blanks = 0
            if _is_total(cells):
                continue
            if len(rows) + 1 > SPREADSHEET_MAX_ROWS:
                raise ValueError([problem(0, "", "tệp có quá nhiều dòng")])
            rows.append(_row(number, dict(zip([f for f, _h in COLUMNS], cells, strict=True)), problems, ImportRow))
    finally:
        book.close()
    if problems:
        raise ValueError(problems)
    if not rows:
        raise ValueError([problem(0, "", "tệp không có dòng dữ liệu nào")])
    return rows


def _is_total(cells) -> bool:
    """The book's last line ("Cộng", no member code): skipped when a book is loaded back."""
    return (cells[0] is None or str(cells[0]).strip() == "") and cells[1] is not None and _fold(cells[1]) == "cong"


def _row(number: int, cell: dict, problems: list, ImportRow):
    code = str(cell["member"] or "").strip()
    if not code:
        problems.append(problem(number, "member", "thiếu mã đảng viên"))
    category = _code_of(vocabulary.FEE_CATEGORIES, cell["category"])
    if category is None:
        problems.append(problem(number, "category", "đối tượng không có trong danh mục"))
    channel = _code_of(vocabulary.FEE_CHANNELS, cell["channel"])
    if channel is None:
        problems.append(problem(number, "channel", "hình thức nộp là "
                                + " hoặc ".join(f"'{t.label}'" for t in vocabulary.FEE_CHANNELS)))
    values = {}
    for field in ("base", "due", "paid"):
        value = _amount(cell[field])
        if isinstance(value, str):
            problems.append(problem(number, field, value))
            value = None
        values[field] = value
    paid_on = _date(cell["paid_on"])
    if isinstance(paid_on, str):
        problems.append(problem(number, "paid_on", paid_on))
        paid_on = None
    return ImportRow(row=number, member_code=code, category=category or "", base=values["base"], due=values["due"],
                     paid=values["paid"] or 0, paid_on=paid_on, channel=channel or "")


def _money(n) -> str:
    return "" if n is None else f"{n:,}".replace(",", ".")


def sheet_rows(ledger) -> list[list]:
    """The month's book as rows (header first): the import's columns, then the book's."""
    rows = [[h for _f, h in COLUMNS] + list(BOOK_EXTRA)]
    for r in ledger.rows:
        rec = r.record
        relief = vocabulary.RELIEF_KINDS.labels[r.relief.kind] if r.relief else ""
        if rec is None:
            rows.append([r.member.code, r.member.full_name, "", None, None, None, None, "", relief, None, "", ""])
            continue
        channel = vocabulary.FEE_CHANNELS.labels.get(rec.channel, "")
        short = max(r.due_after - rec.paid, 0)
        rows.append([r.member.code, r.member.full_name, r.category_label, rec.base, rec.due, rec.paid,
                     rec.paid_on.strftime("%d/%m/%Y") if rec.paid_on else "", channel, relief, r.due_after,
                     rec.collector.full_name if rec.collector else "", short])
    rows.append(["", "Cộng", "", None, ledger.total_due, ledger.total_paid, "", "", "", ledger.total_due_after,
                 "", sum(max(r.due_after - r.record.paid, 0) for r in ledger.recorded)])
    return rows


def title_lines(cell, period: str, made_on: date) -> list[str]:
    return [f"SỔ THU NỘP ĐẢNG PHÍ {period.upper()}", f"{cell.name} ({cell.code})",
            f"Lập ngày {made_on:%d/%m/%Y}"]


def book_xlsx(cell, ledgers: list, made_on: date) -> bytes:
    """One sheet per month (a month's book: one sheet titled SHEET_TITLE, loadable back)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    for i, ledger in enumerate(ledgers):
        ws = book.active if i == 0 else book.create_sheet()
        ws.title = SHEET_TITLE if len(ledgers) == 1 else f"Tháng {ledger.month.month:02d}"
        for row in sheet_rows(ledger):
            ws.append(row)
        for cell_ in ws[1]:
            cell_.font = Font(bold=True)
        ws.column_dimensions["B"].width = 28
    if len(ledgers) > 1:
        ws = book.create_sheet("Cả năm", 0)
        for line in title_lines(cell, f"năm {ledgers[0].month.year}", made_on):
            ws.append([line])
        ws.append([])
        ws.append(["Tháng", "Số đảng viên có sổ", "Phải đóng sau miễn, giảm (đồng)", "Đã nộp (đồng)",
                   "Số đảng viên chưa nộp đủ"])
        for ledger in ledgers:
            ws.append([f"{ledger.month:%m/%Y}", len(ledger.recorded), ledger.total_due_after, ledger.total_paid,
                       len(ledger.unpaid_rows)])
        ws.append(["Cộng", sum(len(x.recorded) for x in ledgers), sum(x.total_due_after for x in ledgers),
                   sum(x.total_paid for x in ledgers), ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
