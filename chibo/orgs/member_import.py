"""Excel (.xlsx) import of party members: the template and a parser that checks every row.

Pure: no ORM, no Django. The caller passes the organisation codes a member may be placed in
(`known_cells`) and the member codes already in the database (`existing_codes`), then creates
the members from the returned `MemberRow`s, e.g.::

    rows = parse_members_xlsx(data, known_cells=set(cells_by_code), existing_codes=codes)
    for r in rows:
        member_create(code=r.code, organization=cells_by_code[r.cell_code], start=r.start,
                      **r.member_fields())

`parse_members_xlsx` validates the whole file first and raises `ImportErrors` listing every
problem of every row (Excel row numbers, header names, Vietnamese messages), so nothing is
imported from a file with mistakes.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date, datetime

from chibo.limits import (
    SPREADSHEET_BLANK_RUN,
    SPREADSHEET_MAX_BYTES,
    SPREADSHEET_MAX_ROWS,
    SPREADSHEET_MAX_UNPACKED,
    YEAR_MAX,
    YEAR_MIN,
    size_label,
)
from chibo.orgs.codes import CODE_MESSAGE, CODE_RE
from chibo.orgs.vntext import fold

__all__ = [
    "COLUMNS", "DATA_SHEET_TITLE", "GUIDE_SHEET_TITLE", "FILE_ROW", "HEADER_ROW", "MAX_DATA_ROWS",
    "Column", "MemberRow", "RowError", "ImportErrors", "build_template", "parse_members_xlsx",
]

DATA_SHEET_TITLE = "Đảng viên"
GUIDE_SHEET_TITLE = "Hướng dẫn"
LISTS_SHEET_TITLE = "Danh mục"
HEADER_ROW = 1
FILE_ROW = 0  # RowError.row for problems of the whole file (unreadable, empty, too many rows)
MAX_DATA_ROWS = SPREADSHEET_MAX_ROWS  # chibo.limits
MAX_BYTES = SPREADSHEET_MAX_BYTES
MAX_UNPACKED = SPREADSHEET_MAX_UNPACKED
#: Reading stops after this many blank rows in a row: what follows is not read (a sheet with a
#: million formatted but empty rows is not walked to its end).
BLANK_RUN = SPREADSHEET_BLANK_RUN


@dataclass(frozen=True)
class Column:
    letter: str
    header: str
    field: str
    required: bool
    width: int
    help: str


COLUMNS: tuple[Column, ...] = (
    Column("A", "Mã đảng viên", "code", True, 16,
           "Mã đảng viên, không trùng trong tệp và trong hệ thống; tối đa 32 ký tự gồm chữ không dấu, "
           "chữ số, dấu '-', '_' và '.' (bắt đầu bằng chữ hoặc số). Ví dụ: DV-0001."),
    Column("B", "Họ và tên", "full_name", True, 30, "Họ và tên đầy đủ, có dấu; tối đa 120 ký tự. Ví dụ: Nguyễn Văn An."),
    Column("C", "Giới tính", "gender", True, 11, "Chọn 'Nam' hoặc 'Nữ'."),
    Column("D", "Ngày sinh", "birth_date", False, 13, "Không bắt buộc. Định dạng dd/mm/yyyy, ví dụ 05/09/1980."),
    Column("E", "Ngày vào Đảng", "joined_on", True, 15,
           "Ngày kết nạp vào Đảng, định dạng dd/mm/yyyy; không được trước ngày sinh."),
    Column("F", "Ngày chính thức", "official_on", False, 16,
           "Ngày được công nhận đảng viên chính thức, định dạng dd/mm/yyyy; không được trước ngày vào Đảng. "
           "Để trống nếu là đảng viên dự bị."),
    Column("G", "Mã chi bộ", "cell_code", True, 14, "Mã của chi bộ nơi đảng viên sinh hoạt (xem trong hệ thống)."),
    Column("H", "Sinh hoạt từ ngày", "start", True, 17,
           "Ngày bắt đầu sinh hoạt tại chi bộ này, định dạng dd/mm/yyyy."),
    Column("I", "Số điện thoại", "phone", False, 16,
           "Không bắt buộc. Chỉ gồm chữ số, dấu cách, dấu '+' và dấu '.'; tối đa 20 ký tự."),
    Column("J", "Email", "email", False, 28, "Không bắt buộc. Địa chỉ thư điện tử, ví dụ an.nguyen@example.vn."),
    Column("K", "Địa chỉ", "address", False, 40, "Không bắt buộc. Tối đa 255 ký tự."),
)
HEADERS = tuple(c.header for c in COLUMNS)
_NCOLS = len(COLUMNS)
_COL = {c.field: c for c in COLUMNS}

MIN_YEAR, MAX_YEAR = YEAR_MIN, YEAR_MAX  # dates outside are typing mistakes
MAX_LENGTH = {"code": 32, "full_name": 120, "phone": 20, "email": 254, "address": 255}


@dataclass(frozen=True)
class MemberRow:
    """One valid data row. Text is stripped and NFC-normalised; optional text is '' when empty."""

    row: int  # Excel row number
    code: str
    full_name: str
    gender: str  # 'nam' | 'nu'
    birth_date: date | None
    joined_on: date
    official_on: date | None  # None: probationary (dự bị)
    cell_code: str
    start: date  # membership start (Sinh hoạt từ ngày)
    phone: str
    email: str
    address: str

    @property
    def is_probationary(self) -> bool:
        return self.official_on is None

    def member_fields(self) -> dict:
        """Keyword arguments for the Member model / member_create (without code and membership)."""
        d = asdict(self)
        return {k: d[k] for k in ("full_name", "gender", "birth_date", "joined_on", "official_on",
                                  "phone", "email", "address")}


@dataclass(frozen=True)
class RowError:
    row: int  # Excel row number; FILE_ROW (0) for the file as a whole, HEADER_ROW (1) for headers
    column: str  # header name, e.g. "Ngày vào Đảng"; '' for the file as a whole
    message: str  # Vietnamese reason

    def __str__(self) -> str:
        where = f"Dòng {self.row}" if self.row != FILE_ROW else "Tệp"
        if self.column:
            where += f", cột '{self.column}'"
        return f"{where}: {self.message}"


class ImportErrors(Exception):
    """Raised with every problem found; `errors` is ordered by row, then column."""

    def __init__(self, errors: list[RowError]):
        self.errors = list(errors)
        super().__init__(f"{len(self.errors)} lỗi trong tệp nhập đảng viên")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


# ---------------------------------------------------------------- template


def build_template(cell_codes: Iterable[str] = ()) -> bytes:
    """The empty import workbook: data sheet with the header row, plus a 'Hướng dẫn' sheet.

    When `cell_codes` is given, 'Mã chi bộ' gets a drop-down of those codes (hidden sheet).
    """
    import openpyxl  # imported here: openpyxl would add 0.1 s to every command's start-up
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = DATA_SHEET_TITLE
    head_font = Font(bold=True, color="FFFFFF")
    head_fill = PatternFill("solid", fgColor="B71C1C")
    for i, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=col.header)
        cell.font = head_font
        cell.fill = head_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[col.letter].width = col.width
        # Text format: dates typed as dd/mm/yyyy stay as typed whatever Excel's locale,
        # and phone numbers keep their leading zero.
        ws.column_dimensions[col.letter].number_format = "@"
    ws.row_dimensions[HEADER_ROW].height = 30
    ws.freeze_panes = "A2"
    last = 10_001

    gender = DataValidation(type="list", formula1='"Nam,Nữ"', allow_blank=True, showErrorMessage=True,
                            errorTitle="Giới tính", error="Chọn 'Nam' hoặc 'Nữ'.")
    gender.add(f"{_COL['gender'].letter}2:{_COL['gender'].letter}{last}")
    ws.add_data_validation(gender)

    codes = sorted({c.strip() for c in cell_codes if c and c.strip()})
    if codes:
        lists = wb.create_sheet(LISTS_SHEET_TITLE)
        for i, code in enumerate(codes, start=1):
            lists.cell(row=i, column=1, value=code).number_format = "@"
        lists.sheet_state = "hidden"
        cells = DataValidation(type="list", formula1=f"'{LISTS_SHEET_TITLE}'!$A$1:$A${len(codes)}",
                               allow_blank=True, showErrorMessage=True, errorTitle="Mã chi bộ",
                               error="Chọn một mã chi bộ có trong danh sách.")
        cells.add(f"{_COL['cell_code'].letter}2:{_COL['cell_code'].letter}{last}")
        ws.add_data_validation(cells)

    guide = wb.create_sheet(GUIDE_SHEET_TITLE, index=1)
    guide.append(["HƯỚNG DẪN NHẬP DANH SÁCH ĐẢNG VIÊN"])
    guide["A1"].font = Font(bold=True, size=13)
    notes = [
        f"Nhập mỗi đảng viên trên một dòng của trang '{DATA_SHEET_TITLE}', bắt đầu từ dòng 2; "
        "không sửa, không xóa dòng tiêu đề và không đổi thứ tự cột.",
        "Các cột bắt buộc phải có dữ liệu; các dòng để trống hoàn toàn sẽ được bỏ qua "
        f"(sau {BLANK_RUN:,} dòng trống liên tiếp, phần còn lại của trang không được đọc).".replace(",", "."),
        f"Tệp không quá {size_label(MAX_BYTES)} và không quá {MAX_DATA_ROWS:,} dòng dữ liệu.".replace(",", "."),
        "Ngày ghi theo định dạng dd/mm/yyyy (ngày/tháng/năm), ví dụ 03/02/2010.",
        "Nếu tệp có lỗi, hệ thống liệt kê tất cả các lỗi (dòng, cột, lý do) và không nhập dòng nào; "
        "sửa hết lỗi rồi tải tệp lên lại.",
    ]
    for note in notes:
        guide.append([note])
    guide.append([])
    guide.append(["Cột", "Tiêu đề", "Bắt buộc", "Nội dung và cách ghi"])
    table_head = guide.max_row
    for cell in guide[table_head]:
        cell.font = Font(bold=True)
    for col in COLUMNS:
        guide.append([col.letter, col.header, "Có" if col.required else "Không", col.help])
    guide.append([])
    guide.append(["Ví dụ một dòng:"])
    guide.append(["DV-0001", "Nguyễn Văn An", "Nam", "05/09/1980", "03/02/2010", "03/02/2011", "CB01",
                  "01/01/2020", "0912 345 678", "an.nguyen@example.vn", "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội"])
    for row in guide.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for letter, width in zip("ABCD", (16, 22, 10, 90), strict=True):
        guide.column_dimensions[letter].width = width

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- parsing

_CODE_RE = CODE_RE  # chibo.orgs.codes: the safe alphabet of every code
_PHONE_RE = re.compile(r"[0-9 +.]+")
_DATE_RE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_EMAIL_USER_RE = re.compile(r"[-!#$%&'*+/=?^_`{}|~0-9a-z]+(\.[-!#$%&'*+/=?^_`{}|~0-9a-z]+)*", re.IGNORECASE)
_EMAIL_DOMAIN_RE = re.compile(r"((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+)(?:[a-z0-9-]{2,63}(?<!-))",
                              re.IGNORECASE)
_GENDERS = {"nam": "nam", "nu": "nu"}


def _text(value) -> str:
    """Cell value as stripped NFC text ('' for empty); integral numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        return text if text.isascii() else unicodedata.normalize("NFC", text)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y") if value.time() == datetime.min.time() else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _email_ok(email: str) -> bool:
    if "@" not in email or len(email) > 320:
        return False
    user, _, domain = email.rpartition("@")
    if not _EMAIL_USER_RE.fullmatch(user):
        return False
    if _EMAIL_DOMAIN_RE.fullmatch(domain):
        return True
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    return bool(_EMAIL_DOMAIN_RE.fullmatch(ascii_domain))


class _RowChecker:
    """Validates one row, collecting errors; returns typed values (None where invalid)."""

    def __init__(self, row: int, errors: list[RowError]):
        self.row = row
        self.errors = errors

    def error(self, field: str, message: str) -> None:
        self.errors.append(RowError(self.row, _COL[field].header, message))

    def text(self, field: str, value) -> str | None:
        text = _text(value)
        if not text:
            if _COL[field].required:
                self.error(field, "bắt buộc phải nhập")
                return None
            return ""
        limit = MAX_LENGTH.get(field)
        if limit is not None and len(text) > limit:
            self.error(field, f"quá dài: {len(text)} ký tự (tối đa {limit})")
            return None
        return text

    def date(self, field: str, value) -> date | None:
        if _is_blank(value):
            if _COL[field].required:
                self.error(field, "bắt buộc phải nhập")
            return None
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date) and MIN_YEAR <= value.year <= MAX_YEAR:
            return value
        text = _text(value)
        m = _DATE_RE.fullmatch(text)
        if m and MIN_YEAR <= int(m[3]) <= MAX_YEAR:
            try:
                return date(int(m[3]), int(m[2]), int(m[1]))
            except ValueError:
                pass
        self.error(field, f"ngày không hợp lệ '{text}' (định dạng dd/mm/yyyy)")
        return None


def _check_row(row: int, values: tuple, errors: list[RowError], first_row_of_code: dict[str, int],
               known_cells: set[str], existing_codes: set[str], today: date | None = None) -> MemberRow | None:
    n_before = len(errors)
    c = _RowChecker(row, errors)
    v = dict(zip((col.field for col in COLUMNS), values, strict=True))

    code = c.text("code", v["code"])
    if code:
        if not _CODE_RE.match(code):
            c.error("code", f"mã '{code}' không hợp lệ. {CODE_MESSAGE}")
        elif code in first_row_of_code:
            c.error("code", f"mã đảng viên '{code}' bị trùng: đã có ở dòng {first_row_of_code[code]}")
        else:
            first_row_of_code[code] = row
            if code in existing_codes:
                c.error("code", f"mã đảng viên '{code}' đã có trong hệ thống")

    full_name = c.text("full_name", " ".join(_text(v["full_name"]).split()))

    gender = None
    gender_text = c.text("gender", v["gender"])
    if gender_text:
        gender = _GENDERS.get(fold(gender_text))
        if gender is None:
            c.error("gender", f"giới tính phải là 'Nam' hoặc 'Nữ', không phải '{gender_text}'")

    birth_date = c.date("birth_date", v["birth_date"])
    joined_on = c.date("joined_on", v["joined_on"])
    if today is not None and birth_date and birth_date > today:
        c.error("birth_date", f"ngày sinh {birth_date:%d/%m/%Y} sau hôm nay")
    if today is not None and joined_on and joined_on > today:
        c.error("joined_on", f"ngày vào Đảng {joined_on:%d/%m/%Y} sau hôm nay")
    if birth_date and joined_on and joined_on <= birth_date:
        c.error("joined_on", f"ngày vào Đảng {joined_on:%d/%m/%Y} phải sau ngày sinh {birth_date:%d/%m/%Y}")
    official_on = c.date("official_on", v["official_on"])
    if joined_on and official_on and official_on < joined_on:
        c.error("official_on",
                f"ngày chính thức {official_on:%d/%m/%Y} không được trước ngày vào Đảng {joined_on:%d/%m/%Y}")

    cell_code = c.text("cell_code", v["cell_code"])
    if cell_code and cell_code not in known_cells:
        c.error("cell_code", f"không có chi bộ mã '{cell_code}' (hoặc không được nhập vào chi bộ này)")

    start = c.date("start", v["start"])

    phone = c.text("phone", v["phone"])
    if phone and not (_PHONE_RE.fullmatch(phone) and any(ch.isdigit() for ch in phone)):
        c.error("phone", f"số điện thoại không hợp lệ '{phone}' (chỉ gồm chữ số, dấu cách, '+' và '.')")

    email = c.text("email", v["email"])
    if email and not _email_ok(email):
        c.error("email", f"email không hợp lệ '{email}'")

    address = c.text("address", v["address"])

    if len(errors) > n_before:
        return None
    return MemberRow(row=row, code=code, full_name=full_name, gender=gender, birth_date=birth_date,
                     joined_on=joined_on, official_on=official_on, cell_code=cell_code, start=start,
                     phone=phone, email=email, address=address)


def _header_errors(header: tuple) -> list[RowError]:
    errors = []
    for col, value in zip(COLUMNS, header, strict=True):
        found = _text(value)
        if fold(found) == fold(col.header):
            continue
        if found:
            msg = f"cột {col.letter} phải có tiêu đề '{col.header}', không phải '{found}'"
        else:
            msg = f"thiếu tiêu đề '{col.header}' ở cột {col.letter}"
        errors.append(RowError(HEADER_ROW, col.header, msg))
    return errors


def _pad(values: tuple) -> tuple:
    return (tuple(values) + (None,) * _NCOLS)[:_NCOLS]


def _data_sheet(wb):
    sheets = wb.worksheets
    for ws in sheets:
        if ws.title == DATA_SHEET_TITLE:
            return ws
    for ws in sheets:
        if ws.title not in (GUIDE_SHEET_TITLE, LISTS_SHEET_TITLE):
            return ws
    return sheets[0]


class _Unreadable(Exception):
    pass


def _sheet_rows(ws):
    """Row value tuples from row 1, exactly _NCOLS wide; openpyxl failures become _Unreadable."""
    ws.reset_dimensions()  # don't trust the stored dimension: read every row
    rows = ws.iter_rows(min_row=HEADER_ROW, max_col=_NCOLS, values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # corrupt sheet XML found while reading
            raise _Unreadable from exc
        yield values if len(values) == _NCOLS else _pad(values)


def parse_members_xlsx(data: bytes, known_cells: set[str], existing_codes: set[str], *,
                       max_rows: int = MAX_DATA_ROWS, max_bytes: int = MAX_BYTES,
                       max_unpacked: int = MAX_UNPACKED, blank_run: int = BLANK_RUN,
                       today: date | None = None) -> list[MemberRow]:
    """Parse and validate an import workbook; every row valid or `ImportErrors` with all problems.

    Reads the sheet 'Đảng viên' (or else the first sheet other than the guide): header in row 1
    (exactly the template's headers A..K; case, accents and spacing are not significant; columns
    after K are ignored), data from row 2. Completely blank rows are skipped. Member codes are
    compared exactly (case-sensitive) with each other and with `existing_codes`, cell codes with
    `known_cells`. Returns the rows in file order. At most `max_rows` non-blank data rows and
    `max_bytes` bytes, unpacking to at most `max_unpacked` bytes; reading stops after `blank_run`
    blank rows in a row. With `today`, a date of birth or admission after it is refused.
    """
    if len(data) > max_bytes:
        raise ImportErrors([RowError(FILE_ROW, "", f"tệp lớn quá {size_label(max_bytes)}")])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception:  # not a zip archive: not an .xlsx
        raise ImportErrors([RowError(FILE_ROW, "", _UNREADABLE)]) from None
    if unpacked > max_unpacked:
        raise ImportErrors([RowError(FILE_ROW, "", f"tệp chứa quá nhiều dữ liệu (giải nén ra hơn "
                                                   f"{size_label(max_unpacked)}): hãy xóa các dòng, cột thừa "
                                                   "rồi lưu lại")])
    import openpyxl  # here, not at the top: see build_template

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # BadZipFile, InvalidFileException, KeyError, XML errors...
        raise ImportErrors([RowError(FILE_ROW, "", _UNREADABLE)]) from None
    errors: list[RowError] = []
    members: list[MemberRow] = []
    count = 0
    try:
        if not wb.worksheets:
            raise _Unreadable
        rows = _sheet_rows(_data_sheet(wb))
        header_errors = _header_errors(next(rows, (None,) * _NCOLS))
        if header_errors:
            raise ImportErrors(header_errors)
        first_row_of_code: dict[str, int] = {}
        blanks = 0
        for number, values in enumerate(rows, start=HEADER_ROW + 1):
            if all(_is_blank(x) for x in values):
                blanks += 1
                if blanks >= blank_run:
                    break
                continue
            blanks = 0
            count += 1
            if count > max_rows:
                limit = f"{max_rows:,}".replace(",", ".")
                raise ImportErrors([RowError(FILE_ROW, "", f"tệp có quá nhiều dòng dữ liệu (tối đa {limit} dòng)")])
            member = _check_row(number, values, errors, first_row_of_code, known_cells, existing_codes, today)
            if member is not None:
                members.append(member)
    except _Unreadable:
        raise ImportErrors([RowError(FILE_ROW, "", _UNREADABLE)]) from None
    finally:
        wb.close()
    if errors:
        raise ImportErrors(errors)
    if not count:
        raise ImportErrors([RowError(FILE_ROW, "", "tệp không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)")])
    return members


_UNREADABLE = "không đọc được tệp: tệp phải là bảng tính Excel .xlsx (hãy dùng tệp mẫu và lưu dạng .xlsx)"
