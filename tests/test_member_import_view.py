"""Importing members from Excel through the page: all rows or none, errors named by row and column."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from chibo.orgs.access import scope_for
from chibo.orgs.importing import import_members
from chibo.orgs.models import Member, Membership
from tests.access_matrix import snapshot
from tests.test_member_import import HEADERS, make_xlsx

pytestmark = pytest.mark.django_db

GOOD = ["N01", "Hồ Thị Lan", "Nữ", "12/03/1980", "19/05/2005", "19/05/2006", "C1", "01/01/2025", "0912345678",
        "lan@example.vn", "Thôn Đông"]


def upload(client, data):
    return client.post("/to-chuc/C1/nhap-excel/",
                       {"file": SimpleUploadedFile("ds.xlsx", data, content_type="application/octet-stream")})


def test_good_file_saves_every_row(client, personas):
    client.force_login(personas["secretary"])
    second = ["N02", "Vũ Văn Nam", "Nam", "", "01/02/2024", "", "C1", "01/02/2024", "", "", ""]
    response = upload(client, make_xlsx([GOOD, second]))
    assert response.status_code == 302
    lan = Member.objects.get(code="N01")
    assert (lan.full_name, lan.gender, str(lan.official_on), lan.phone, lan.search_name) == (
        "Hồ Thị Lan", "nu", "2006-05-19", "0912345678", "ho thi lan")
    assert Member.objects.get(code="N02").official_on is None
    assert list(Membership.objects.filter(member__code__in=["N01", "N02"]).values_list(
        "organization__code", flat=True)) == ["C1", "C1"]


def test_one_bad_row_saves_nothing_and_names_row_column_reason(client, personas):
    client.force_login(personas["secretary"])
    bad = ["N02", "Vũ Văn Nam", "Nam", "", "31/02/2024", "", "C2", "01/02/2024", "", "", ""]
    before = snapshot()
    response = upload(client, make_xlsx([GOOD, bad, GOOD]))
    assert response.status_code == 200
    errors = [(e.row, e.column) for e in response.context["errors"]]
    # row 3: invalid date; C2 is not a cell this secretary manages; row 4 repeats N01
    assert errors == [(3, "Ngày vào Đảng"), (3, "Mã chi bộ"), (4, "Mã đảng viên")]
    page = response.content.decode()
    assert "31/02/2024" in page and "chưa lưu dòng nào" in page
    assert snapshot() == before


def test_ten_thousand_rows_import(personas):
    """All 10,000 rows saved, each in C1 (the time: bench/bench_member_import_db.py)."""
    rows = [[f"B{i:05d}", f"Nguyễn Văn Thứ {i}", "Nam", "", "01/01/2000", "01/01/2001", "C1", "01/01/2020", "",
             "", ""] for i in range(10_000)]
    result = import_members(make_xlsx(rows), scope=scope_for(personas["admin"]))
    assert result.errors == [] and result.count == 10_000
    assert Member.objects.filter(code__startswith="B").count() == 10_000
    assert Membership.objects.filter(member__code__startswith="B", organization__code="C1").count() == 10_000
    last = Member.objects.get(code="B09999")
    assert (last.full_name, last.gender, str(last.official_on), last.search_name) == (
        "Nguyễn Văn Thứ 9999", "nam", "2001-01-01", "nguyen van thu 9999")


def test_template_download_has_the_headers(client, personas):
    import io

    import openpyxl

    client.force_login(personas["secretary"])
    response = client.get("/nhap-excel/mau-dang-vien.xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in ws[1]][: len(HEADERS)] == HEADERS


def test_form_keeps_what_was_typed(client, personas):
    client.force_login(personas["secretary"])
    before = snapshot()
    response = client.post("/to-chuc/C1/them-dang-vien/", {
        "code": "Mã có dấu", "full_name": "Lý Thị Hoa", "start": "32/01/2025", "email": "không-phải-email"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["code"] == ["Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự - _ . (bắt đầu bằng chữ hoặc số)."]
    assert errors["start"] == ["Ngày không hợp lệ (định dạng dd/mm/yyyy)."]
    assert errors["email"] == ["Email không hợp lệ."]
    page = response.content.decode()
    assert 'value="Lý Thị Hoa"' in page and 'value="32/01/2025"' in page
    assert snapshot() == before


def test_service_error_lands_on_the_form(client, personas):
    client.force_login(personas["secretary"])
    response = client.post("/to-chuc/C1/them-dang-vien/", {
        "code": "M9", "full_name": "Lý Thị Hoa", "start": "01/01/2025", "joined_on": "01/01/2020",
        "official_on": "01/01/2019"})
    assert response.status_code == 200
    assert response.context["form"].errors["official_on"] == ["Ngày chính thức không được trước ngày vào Đảng."]
