"""chibo.orgs.member_import: the Excel template and the all-errors-at-once member parser."""

import io
import unicodedata
import zipfile
from datetime import date, datetime

import openpyxl
import pytest

from chibo.orgs.member_import import (
    COLUMNS,
    DATA_SHEET_TITLE,
    GUIDE_SHEET_TITLE,
    ImportErrors,
    MemberRow,
    RowError,
    build_template,
    parse_members_xlsx,
)

HEADERS = [c.header for c in COLUMNS]
CELLS = {"CB01", "CB02"}
EXISTING = {"EXIST1"}
UNREADABLE = "không đọc được tệp: tệp phải là bảng tính Excel .xlsx (hãy dùng tệp mẫu và lưu dạng .xlsx)"
NO_DATA = "tệp không có dòng dữ liệu nào (dữ liệu bắt đầu từ dòng 2)"


def make_xlsx(rows, header=HEADERS, title="Đảng viên", extra_sheet_first=False) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    if extra_sheet_first:
        wb.create_sheet("Hướng dẫn", index=0).append(["Hướng dẫn"])
    if header is not None:
        ws.append(list(header))
    for r in rows:
        ws.append(list(r) if r is not None else [])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def parse(data, cells=CELLS, existing=EXISTING, **kw):
    return parse_members_xlsx(data, cells, existing, **kw)


def errors_of(data, **kw) -> list[tuple]:
    with pytest.raises(ImportErrors) as info:
        parse(data, **kw)
    return [(e.row, e.column, e.message) for e in info.value.errors]


GOOD = ["DV001", "Nguyễn Văn An", "Nam", "05/09/1980", "03/02/2010", "03/02/2011", "CB01", "01/01/2020",
        "0912 345 678", "an.nguyen@example.vn", "Số 1 Tràng Tiền, Hà Nội"]


# ---------------------------------------------------------------- good files


def test_good_file_gives_exact_rows():
    data = make_xlsx([
        GOOD,
        # Excel date cells, lower-case gender without accents, padded text, NFD name, no optional fields
        ["  DV_002 ", unicodedata.normalize("NFD", "Trần  Thị Ánh "), "nu", datetime(1990, 12, 31),
         datetime(2015, 5, 19), None, "CB02", datetime(2016, 1, 2), None, None, None],
        ["dv-3", "Lê Văn Ân", "NỮ", None, "1/2/2000", "01.02.2001", "CB01", "3-4-2005", "+84912345678",
         "an@sub.example.com", None],
    ])
    assert parse(data) == [
        MemberRow(row=2, code="DV001", full_name="Nguyễn Văn An", gender="nam", birth_date=date(1980, 9, 5),
                  joined_on=date(2010, 2, 3), official_on=date(2011, 2, 3), cell_code="CB01",
                  start=date(2020, 1, 1), phone="0912 345 678", email="an.nguyen@example.vn",
                  address="Số 1 Tràng Tiền, Hà Nội"),
        MemberRow(row=3, code="DV_002", full_name="Trần Thị Ánh", gender="nu", birth_date=date(1990, 12, 31),
                  joined_on=date(2015, 5, 19), official_on=None, cell_code="CB02", start=date(2016, 1, 2),
                  phone="", email="", address=""),
        MemberRow(row=4, code="dv-3", full_name="Lê Văn Ân", gender="nu", birth_date=None,
                  joined_on=date(2000, 2, 1), official_on=date(2001, 2, 1), cell_code="CB01",
                  start=date(2005, 4, 3), phone="+84912345678", email="an@sub.example.com", address=""),
    ]


def test_member_row_helpers():
    [row] = parse(make_xlsx([GOOD]))
    assert row.is_probationary is False
    assert row.member_fields() == {
        "full_name": "Nguyễn Văn An", "gender": "nam", "birth_date": date(1980, 9, 5),
        "joined_on": date(2010, 2, 3), "official_on": date(2011, 2, 3), "phone": "0912 345 678",
        "email": "an.nguyen@example.vn", "address": "Số 1 Tràng Tiền, Hà Nội",
    }
    with pytest.raises(AttributeError):
        row.code = "X"  # frozen


def test_blank_rows_are_skipped_and_row_numbers_kept():
    data = make_xlsx([
        None,
        [None, "   ", None, ""],
        GOOD,
        None,
        None,
        ["DV002"] + GOOD[1:],
        [None] * 11,
    ])
    rows = parse(data)
    assert [(r.row, r.code) for r in rows] == [(4, "DV001"), (7, "DV002")]


def test_columns_after_k_are_ignored_and_official_same_day_as_joined_is_fine():
    row = GOOD[:5] + [GOOD[4]] + GOOD[6:] + ["ghi chú", 123]
    data = make_xlsx([row], header=HEADERS + ["Ghi chú", "Khác"])
    [parsed] = parse(data)
    assert parsed.official_on == parsed.joined_on == date(2010, 2, 3)


def test_headers_compared_without_case_accents_or_spacing():
    header = [h.upper() for h in HEADERS]
    header[1] = "  Ho va  ten "
    assert [r.code for r in parse(make_xlsx([GOOD], header=header))] == ["DV001"]


def test_data_sheet_found_by_title_or_first_non_guide_sheet():
    assert len(parse(make_xlsx([GOOD], extra_sheet_first=True))) == 1
    assert len(parse(make_xlsx([GOOD], title="Sheet1", extra_sheet_first=True))) == 1


# ---------------------------------------------------------------- errors


def test_every_problem_of_every_row_is_listed():
    data = make_xlsx([
        GOOD,  # row 2
        [None, "Trần Thị Bình", "nu", "31/02/2020", "01/01/2015", "01/01/2014", "CB01", None,
         None, None, None],  # row 3
        None,  # row 4: blank, skipped
        ["DV001", "Lê Văn Cường", "Nam", None, "2015-01-01", None, "CB99", "01/01/2020", "09x",
         "not-an-email", "x" * 256],  # row 5
        ["DV 2", "", "Male", datetime(1990, 1, 1), datetime(1989, 5, 1), None, "CB01",
         datetime(2000, 1, 1), None, None, None],  # row 6
        ["EXIST1", "Phạm Thị Dung", "Nữ", None, "01/01/2000", None, "cb02", "01/01/2000",
         "+84 912 345 678", "dung@", None],  # row 7
        ["X" * 33, "A" * 121, "Nam", None, "01/01/2000", None, "CB01", "1/1/2000", "1" * 21, None, None],  # row 8
        ["DV001", "Nguyễn" + " " * 60 + "Văn" + " " * 50 + "Bảy"] + GOOD[2:],  # row 9: 125 chars, 16 once collapsed
        ["DV009", "Hoàng Văn Em", "Nam", "15/13/1980", "00/01/2000", "01/01/1800", "CB01", 43831,
         "+", "a b@example.com", None],  # row 10
    ])
    assert errors_of(data) == [
        (3, "Mã đảng viên", "bắt buộc phải nhập"),
        (3, "Ngày sinh", "ngày không hợp lệ '31/02/2020' (định dạng dd/mm/yyyy)"),
        (3, "Ngày chính thức", "ngày chính thức 01/01/2014 không được trước ngày vào Đảng 01/01/2015"),
        (3, "Sinh hoạt từ ngày", "bắt buộc phải nhập"),
        (5, "Mã đảng viên", "mã đảng viên 'DV001' bị trùng: đã có ở dòng 2"),
        (5, "Ngày vào Đảng", "ngày không hợp lệ '2015-01-01' (định dạng dd/mm/yyyy)"),
        (5, "Mã chi bộ", "không có chi bộ mã 'CB99' (hoặc không được nhập vào chi bộ này)"),
        (5, "Số điện thoại", "số điện thoại không hợp lệ '09x' (chỉ gồm chữ số, dấu cách, '+' và '.')"),
        (5, "Email", "email không hợp lệ 'not-an-email'"),
        (5, "Địa chỉ", "quá dài: 256 ký tự (tối đa 255)"),
        (6, "Mã đảng viên", "mã 'DV 2' không hợp lệ. Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự - _ . "
                            "(bắt đầu bằng chữ hoặc số)."),
        (6, "Họ và tên", "bắt buộc phải nhập"),
        (6, "Giới tính", "giới tính phải là 'Nam' hoặc 'Nữ', không phải 'Male'"),
        (6, "Ngày vào Đảng", "ngày vào Đảng 01/05/1989 phải sau ngày sinh 01/01/1990"),
        (7, "Mã đảng viên", "mã đảng viên 'EXIST1' đã có trong hệ thống"),
        (7, "Mã chi bộ", "không có chi bộ mã 'cb02' (hoặc không được nhập vào chi bộ này)"),
        (7, "Email", "email không hợp lệ 'dung@'"),
        (8, "Mã đảng viên", "quá dài: 33 ký tự (tối đa 32)"),
        (8, "Họ và tên", "quá dài: 121 ký tự (tối đa 120)"),
        (8, "Số điện thoại", "quá dài: 21 ký tự (tối đa 20)"),
        (9, "Mã đảng viên", "mã đảng viên 'DV001' bị trùng: đã có ở dòng 2"),
        (10, "Ngày sinh", "ngày không hợp lệ '15/13/1980' (định dạng dd/mm/yyyy)"),
        (10, "Ngày vào Đảng", "ngày không hợp lệ '00/01/2000' (định dạng dd/mm/yyyy)"),
        (10, "Ngày chính thức", "ngày không hợp lệ '01/01/1800' (định dạng dd/mm/yyyy)"),
        (10, "Sinh hoạt từ ngày", "ngày không hợp lệ '43831' (định dạng dd/mm/yyyy)"),
        (10, "Số điện thoại", "số điện thoại không hợp lệ '+' (chỉ gồm chữ số, dấu cách, '+' và '.')"),
        (10, "Email", "email không hợp lệ 'a b@example.com'"),
    ]


def test_errors_are_row_error_objects_with_readable_text():
    with pytest.raises(ImportErrors) as info:
        parse(make_xlsx([[None] + GOOD[1:]]))
    assert info.value.errors == [RowError(row=2, column="Mã đảng viên", message="bắt buộc phải nhập")]
    assert str(info.value) == "Dòng 2, cột 'Mã đảng viên': bắt buộc phải nhập"
    assert str(RowError(0, "", NO_DATA)) == f"Tệp: {NO_DATA}"


def test_required_columns_all_reported_on_one_row():
    row = [None, None, None, "01/01/1980", None, None, None, None, "0912", None, None]
    assert errors_of(make_xlsx([row])) == [
        (2, h, "bắt buộc phải nhập")
        for h in ["Mã đảng viên", "Họ và tên", "Giới tính", "Ngày vào Đảng", "Mã chi bộ", "Sinh hoạt từ ngày"]
    ]


def test_wrong_header_row_names_the_expected_headers():
    header = HEADERS[:]
    header[2] = "Giới"
    header[4] = "Ngày vào đoàn"
    header = header[:10]  # no "Địa chỉ"
    assert errors_of(make_xlsx([GOOD], header=header)) == [
        (1, "Giới tính", "cột C phải có tiêu đề 'Giới tính', không phải 'Giới'"),
        (1, "Ngày vào Đảng", "cột E phải có tiêu đề 'Ngày vào Đảng', không phải 'Ngày vào đoàn'"),
        (1, "Địa chỉ", "thiếu tiêu đề 'Địa chỉ' ở cột K"),
    ]


def test_missing_header_row():
    # data typed straight into row 1
    errs = errors_of(make_xlsx([GOOD], header=None))
    assert errs[0] == (1, "Mã đảng viên", "cột A phải có tiêu đề 'Mã đảng viên', không phải 'DV001'")
    assert len(errs) == 11
    # empty sheet
    assert errors_of(make_xlsx([], header=None))[-1] == (1, "Địa chỉ", "thiếu tiêu đề 'Địa chỉ' ở cột K")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an excel file",
        "Mã đảng viên,Họ và tên\nDV001,Nguyễn Văn An\n".encode(),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,  # old .xls (OLE2) signature
    ],
)
def test_unreadable_file(data):
    assert errors_of(data) == [(0, "", UNREADABLE)]


def test_zip_that_is_not_a_workbook_is_unreadable():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "xin chào")
    assert errors_of(out.getvalue()) == [(0, "", UNREADABLE)]


def test_file_without_data_rows():
    assert errors_of(make_xlsx([])) == [(0, "", NO_DATA)]
    assert errors_of(make_xlsx([None, [None, " "], None])) == [(0, "", NO_DATA)]
    assert errors_of(build_template()) == [(0, "", NO_DATA)]


def test_too_many_rows():
    rows = [[f"DV{i}"] + GOOD[1:] for i in range(4)]
    assert len(parse(make_xlsx(rows), max_rows=4)) == 4
    assert errors_of(make_xlsx(rows), max_rows=3) == [(0, "", "tệp có quá nhiều dòng dữ liệu (tối đa 3 dòng)")]


# ---------------------------------------------------------------- template


def test_template_layout():
    wb = openpyxl.load_workbook(io.BytesIO(build_template()))
    assert wb.sheetnames == [DATA_SHEET_TITLE, GUIDE_SHEET_TITLE]
    ws = wb[DATA_SHEET_TITLE]
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.bold for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1
    for col in COLUMNS:
        assert ws.column_dimensions[col.letter].width == col.width
    [validation] = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"Nam,Nữ"'
    assert str(validation.sqref) == "C2:C10001"
    guide_text = "\n".join(str(c.value) for row in wb[GUIDE_SHEET_TITLE].iter_rows() for c in row if c.value)
    for col in COLUMNS:
        assert col.header in guide_text
        assert col.help in guide_text
    assert "dd/mm/yyyy" in guide_text


def test_template_with_cell_codes_offers_a_drop_down():
    wb = openpyxl.load_workbook(io.BytesIO(build_template(["CB02", "CB01", " CB02 "])))
    assert wb.sheetnames == [DATA_SHEET_TITLE, GUIDE_SHEET_TITLE, "Danh mục"]
    assert wb["Danh mục"].sheet_state == "hidden"
    assert [r[0] for r in wb["Danh mục"].iter_rows(values_only=True)] == ["CB01", "CB02"]
    formulas = {str(v.sqref): v.formula1 for v in wb[DATA_SHEET_TITLE].data_validations.dataValidation}
    assert formulas == {"C2:C10001": '"Nam,Nữ"', "G2:G10001": "'Danh mục'!$A$1:$A$2"}


def test_template_round_trip():
    wb = openpyxl.load_workbook(io.BytesIO(build_template(sorted(CELLS))))
    ws = wb[DATA_SHEET_TITLE]
    ws.append(GOOD)
    ws.append(["DV002", "Trần Thị Ánh", "Nữ", None, "19/05/2015", None, "CB02", "02/01/2016", None, None, None])
    wb.active = 1  # saved with the guide sheet active: the data sheet is still found by title
    out = io.BytesIO()
    wb.save(out)
    rows = parse(out.getvalue())
    assert [(r.row, r.code, r.full_name, r.gender, r.joined_on, r.official_on, r.cell_code, r.start) for r in rows] == [
        (2, "DV001", "Nguyễn Văn An", "nam", date(2010, 2, 3), date(2011, 2, 3), "CB01", date(2020, 1, 1)),
        (3, "DV002", "Trần Thị Ánh", "nu", date(2015, 5, 19), None, "CB02", date(2016, 1, 2)),
    ]


# ---------------------------------------------------------------- a large file (the time: bench/bench_member_import.py)


def build_big_file(n: int) -> bytes:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(DATA_SHEET_TITLE)
    ws.append(HEADERS)
    for i in range(n):
        ws.append([f"DV{i:05d}", f"Nguyễn Thị Ngọc Ánh {i}", "Nữ" if i % 2 else "Nam", "05/09/1980",
                   datetime(2010, 2, 3), "03/02/2011" if i % 3 else None, "CB01", "01/01/2020",
                   "0912 345 678", f"dv{i}@example.vn", "Số 1 Tràng Tiền, Hoàn Kiếm, Hà Nội"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.mark.slow
def test_ten_thousand_rows_parse():
    rows = parse(build_big_file(10_000))
    assert len(rows) == 10_000
    assert [r.row for r in rows[:2]] == [2, 3] and rows[-1].row == 10_001
    last = rows[-1]
    assert (last.code, last.full_name, last.gender, last.official_on, last.cell_code) == (
        "DV09999", "Nguyễn Thị Ngọc Ánh 9999", "nu", None, "CB01")
