"""The fee pages as their keepers use them: figures on the sheet, a month edited and paid, a
relief decided, the month's import (all rows or none), the books opened and checked against
hand-worked figures, constant query counts, the month's status block."""

import io
from datetime import date

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from chibo.changelog.models import LogEntry
from chibo.fees import ledger_io, services
from chibo.fees.models import FeeRecord, Relief
from chibo.orgs import services as org_services
from tests.access_matrix import snapshot
from tests.test_fees import MARCH, keeper, march  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, keeper, march):  # noqa: F811
    client.force_login(keeper)
    return client


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_sheet_shows_the_hand_worked_figures(client):
    page = text(client.get("/dang-phi/C1/?thang=2026-03"))
    assert "Phải đóng sau miễn, giảm: <b>87.320</b> đồng · đã nộp: <b>78.432</b> đồng · chưa nộp đủ: <b>2</b>" in page
    assert page.count('class="unpaid"') == 2
    assert "6.843.210" in page and "68.432" in page and "13.888" in page and "Giảm 50% đảng phí" in page


def test_a_bad_month_is_a_bad_request(client):
    response = client.get("/dang-phi/C1/?thang=2026-13")
    assert response.status_code == 400 and "Tháng &#x27;2026-13&#x27; không hợp lệ" in response.content.decode()
    assert client.get("/dang-phi/C1/2026-13/M2/").status_code == 404


def test_a_month_is_edited_and_a_form_error_keeps_what_was_typed(client, march):  # noqa: F811
    page = text(client.post("/dang-phi/C1/2026-03/M3/", {"category": "other", "base": "", "due": "", "paid": "0"}))
    assert "Nhập số phải đóng (đối tượng này chưa có căn cứ để tính, hoặc chưa nhập thu nhập)." in page
    assert '<option value="other" selected>' in page
    assert FeeRecord.objects.get(member=march["M3"]).due == 5000
    response = client.post("/dang-phi/C1/2026-03/M3/", {"category": "bhxh", "base": "4100000", "due": "", "paid": "0"})
    assert response.status_code == 302 and response["Location"] == "/dang-phi/C1/?thang=2026-03"
    record = FeeRecord.objects.get(member=march["M3"])
    assert (record.category, record.base, record.due, record.updated_by.username) == ("bhxh", 4_100_000, 41_000,
                                                                                      "keeper")


def test_a_payment_is_recorded(client, march):  # noqa: F811
    page = text(client.post("/dang-phi/C1/2026-03/M3/nop/", {"pay-paid": "5000", "pay-paid_on": "",
                                                             "pay-channel": "cash"}))
    assert "Ghi ngày nộp." in page and 'value="5000"' in page
    response = client.post("/dang-phi/C1/2026-03/M3/nop/", {"pay-paid": "5000", "pay-paid_on": "07/03/2026",
                                                            "pay-channel": "cash", "pay-collector": "M1"})
    assert response.status_code == 302
    record = FeeRecord.objects.get(member=march["M3"])
    assert (record.paid, record.paid_on, record.channel, record.collector.code) == (5000, date(2026, 3, 7), "cash",
                                                                                    "M1")


def test_a_relief_is_decided_by_the_committee_above(client_for, personas, march):  # noqa: F811
    client = client_for(personas["staff"])
    data = {"member": "M3", "kind": "reduce_30", "basis": "5.2", "from_month": "04/2026", "to_month": "02/2026",
            "decided_by": "G", "decision_number": "15-QĐ/ĐU", "decision_date": "01/04/2026", "reason": "Ốm"}
    page = text(client.post("/dang-phi/C1/mien-giam/", data))
    assert "Tháng kết thúc phải từ tháng bắt đầu trở đi." in page and 'value="15-QĐ/ĐU"' in page
    assert client.post("/dang-phi/C1/mien-giam/", {**data, "to_month": "03/2027"}).status_code == 302
    relief = Relief.objects.get(member=march["M3"])
    assert (relief.kind, relief.from_month, relief.to_month, relief.decided_by.code, relief.created_by.username) == \
        ("reduce_30", date(2026, 4, 1), date(2027, 3, 1), "G", "staff")


def test_a_running_relief_is_ended_before_a_new_one(client, march):  # noqa: F811
    relief = Relief.objects.get()
    url = f"/dang-phi/C1/mien-giam/{relief.pk}/sua/"
    page = text(client.get(url))
    assert 'value="03/2026"' in page and 'value="08/2026"' in page and 'value="12-QĐ/ĐU"' in page
    new = {"member": "M2", "kind": "exempt", "basis": "5.1", "from_month": "06/2026", "decided_by": "C1"}
    page = text(client.post("/dang-phi/C1/mien-giam/", new))
    assert "Trùng thời gian với quyết định giảm 50% đảng phí từ 03/2026 đến 08/2026" in page
    edit = {"member": "M2", "kind": "reduce_50", "basis": "5.2", "from_month": "03/2026", "to_month": "05/2026",
            "decided_by": "G", "decision_number": "12-QĐ/ĐU", "reason": "Ốm nặng"}
    page = text(client.post(url, {**edit, "member": "M3"}))
    assert "Không đổi được đảng viên của một quyết định: xóa quyết định này và ghi quyết định mới." in page
    assert client.post(url, edit).status_code == 302
    assert client.post("/dang-phi/C1/mien-giam/", new).status_code == 302
    assert [(r.kind, r.from_month, r.to_month) for r in Relief.objects.order_by("from_month")] == [
        ("reduce_50", MARCH, date(2026, 5, 1)), ("exempt", date(2026, 6, 1), None)]


def _book(rows):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = ledger_io.SHEET_TITLE
    ws.append([h for _f, h in ledger_io.COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    out.name = "so.xlsx"
    out.seek(0)
    return out


def test_a_bad_row_saves_nothing_and_says_where(client, march):  # noqa: F811
    before = snapshot()
    f = _book([["M1", "Nguyễn Văn An", "bhxh", 7_000_000, None, 0, None, None],
               ["M9", "", "bhxh", 1, None, 0, None, None],
               ["M2", "", "Hưởng lương hưu", "năm triệu", None, 1000, "31/02/2026", "chuyển khoản"],
               ["M3", "", "Đối tượng khác", None, None, 0, None, None]])
    page = text(client.post("/dang-phi/C1/2026-03/nhap-excel/", {"file": f}))
    assert "Dòng 4, cột D (Thu nhập làm căn cứ (đồng)): phải là số tiền (đồng), ví dụ 68000" in page
    assert "Dòng 4, cột G (Ngày nộp): phải là ngày dd/mm/yyyy" in page
    assert "Dòng 4, cột H (Hình thức nộp): hình thức nộp là" in page
    assert snapshot() == before
    f = _book([["M1", "", "bhxh", 7_000_000, None, 0, None, None], ["M9", "", "bhxh", 1, None, 0, None, None],
               ["M3", "", "Đối tượng khác", None, None, 0, None, None]])
    page = text(client.post("/dang-phi/C1/2026-03/nhap-excel/", {"file": f}))
    assert "Dòng 3, cột A (Mã đảng viên): Mã M9 không có trong sổ đảng phí của chi bộ tháng 03/2026." in page
    assert ("Dòng 4, cột E (Số phải đóng (đồng)): Nhập số phải đóng (đối tượng này chưa có căn cứ để tính, hoặc "
            "chưa nhập thu nhập).") in page
    assert snapshot() == before


def test_an_import_sets_the_month(client, march):  # noqa: F811
    f = _book([["M1", "", "Tham gia bảo hiểm xã hội bắt buộc", 7_000_000, None, 70_000, "04/03/2026", "Tiền mặt nộp chi bộ"],
               ["M3", "", "other", None, 12_000, 0, None, None]])
    response = client.post("/dang-phi/C1/2026-03/nhap-excel/", {"file": f})
    assert response.status_code == 302
    got = {r.member.code: (r.category, r.base, r.due, r.paid, r.paid_on, r.channel)
           for r in FeeRecord.objects.filter(month=MARCH, member__code__in=["M1", "M3"])}
    assert got == {"M1": ("bhxh", 7_000_000, 70_000, 70_000, date(2026, 3, 4), "cash"),
                   "M3": ("other", None, 12_000, 0, None, "")}
    summary = LogEntry.objects.order_by("pk").last()
    assert summary.changes_dict["import"] == [None, "Nhập dữ liệu: sổ đảng phí tháng 03/2026, 2 dòng"]
    assert summary.actor.username == "keeper"


def test_the_month_book_round_trips_and_holds_the_figures(client):
    from openpyxl import load_workbook

    response = client.get("/dang-phi/C1/so/2026-03.xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="so-dang-phi-C1-2026-03.xlsx"'
    ws = load_workbook(io.BytesIO(response.content))[ledger_io.SHEET_TITLE]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[1] == ["M1", "Nguyễn Văn An", "Tham gia bảo hiểm xã hội bắt buộc", 6_843_210, 68_432, 68_432,
                       "03/03/2026", "Tiền mặt nộp chi bộ", None, 68_432, "Nguyễn Văn An", 0]
    assert rows[2][:6] == ["M2", "Trần Thị Bình", "Hưởng lương hưu", 5_555_555, 27_777, 10_000]
    assert rows[2][8:] == ["Giảm 50% đảng phí", 13_888, None, 3_888]
    assert rows[4] == [None, "Cộng", None, None, 101_209, 78_432, None, None, None, 87_320, None, 8_888]
    assert ledger_io.parse_month_xlsx(response.content)[0].base == 6_843_210  # loads back
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == 1


def test_the_year_book(client, march):  # noqa: F811
    from openpyxl import load_workbook
    from pypdf import PdfReader

    services.fee_record_save(cell=march["C1"], member=march["M1"], month=date(2026, 4, 1), due=70_000, paid=70_000,
                             paid_on=date(2026, 4, 3), channel="portal")
    book = load_workbook(io.BytesIO(client.get("/dang-phi/C1/so-nam/2026.xlsx").content))
    summary = [list(r) for r in book["Cả năm"].iter_rows(values_only=True)]
    assert summary[0][0] == "SỔ THU NỘP ĐẢNG PHÍ NĂM 2026" and summary[1][0] == "Chi bộ thôn Đông (C1)"
    assert summary[5:7] == [["01/2026", 0, 0, 0, 0], ["02/2026", 0, 0, 0, 0]]
    assert summary[7] == ["03/2026", 3, 87_320, 78_432, 2]
    assert summary[8] == ["04/2026", 1, 70_000, 70_000, 0]
    assert summary[-1] == ["Cộng", 4, 157_320, 148_432, None]
    assert len(book.sheetnames) == 13
    pdf = client.get("/dang-phi/C1/so-nam/2026.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "SỔ THU NỘP ĐẢNG PHÍ NĂM 2026" in words and "157.320" in words and "148.432" in words
    month = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get("/dang-phi/C1/so/2026-03.pdf").content)).pages)
    assert "Cộng 101.209 78.432 87.320 8.888" in month  # due, paid, due after relief, short
    assert "6.843.210" in month and "Giảm 50%" in month


# --- query counts ---------------------------------------------------------------------------------

def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(tree, n):
    """n more members in C1 with a month each and a relief for every third; n/3 more cells under G
    with a member and a record each."""
    for i in range(n):
        m = org_services.member_create(code=f"F{n}-{i}", full_name=f"Nguyễn Văn Số {i}", organization=tree["C1"],
                                       start=date(2021, 1, 1), joined_on=date(2000, 1, 1))
        services.fee_record_save(cell=tree["C1"], member=m, month=MARCH, category="bhxh", base=1_000_000 + i,
                                 collector=tree["M1"], paid=10_000, paid_on=date(2026, 3, 3), channel="cash")
        if i % 3 == 0:
            services.relief_save(cell=tree["C1"], member=m, kind="exempt", basis="5.1", from_month=MARCH,
                                 to_month=None, decided_by=tree["C1"])
    for j in range(n // 3):
        cell = org_services.org_create(code=f"FX{n}-{j}", name=f"Chi bộ số {j}", kind="chi_bo", parent=tree["G"])
        m = org_services.member_create(code=f"FY{n}-{j}", full_name=f"Lê Thị Số {j}", organization=cell,
                                       start=date(2021, 1, 1), joined_on=date(2000, 1, 1))
        services.fee_record_save(cell=cell, member=m, month=MARCH, due=5000)


PAGES = {  # url -> the persona reading it
    "/dang-phi/C1/?thang=2026-03": "keeper",
    "/dang-phi/C1/2026-03/M2/": "keeper",
    "/dang-phi/C1/mien-giam/": "keeper",
    "/dang-phi/C1/2026-03/nhap-excel/": "keeper",
    "/dang-phi/tong-hop/G/?nam=2026": "staff",
    "/dang-phi/cua-toi/?nam=2026": "member",
}


def test_constant_queries(client_for, personas, keeper, march):  # noqa: F811
    users = {**personas, "keeper": keeper}
    first = {url: count(client_for(users[who]), url) for url, who in PAGES.items()}
    grow(march, 9)
    assert {url: count(client_for(users[who]), url) for url, who in PAGES.items()} == first
    # 5 for the login (session, user, the scope: 1 query (roles, member record, current cell), the top
    # bar) and the cell, as the import page shows; then the page's own: sheet 4; member's month: the
    # member, 3, the collectors; reliefs: the list, the members, the deciding organisations; totals
    # (staff: no cell lookup): the organisation and 5; own months: the member and 3
    assert first == {"/dang-phi/C1/?thang=2026-03": 9, "/dang-phi/C1/2026-03/M2/": 10, "/dang-phi/C1/mien-giam/": 8,
                     "/dang-phi/C1/2026-03/nhap-excel/": 5, "/dang-phi/tong-hop/G/?nam=2026": 9,
                     "/dang-phi/cua-toi/?nam=2026": 8}


# --- the month's status, for the meeting pages ---------------------------------------------------

def test_the_month_status_block(personas, keeper, march):  # noqa: F811
    template = Template("{% load fees_tags %}{% fee_month_status org day %}")

    def render(user):
        request = RequestFactory().get("/")
        request.user = user
        return template.render(Context({"request": request, "org": march["C1"], "day": date(2026, 3, 3)}))

    html = render(keeper)
    assert "Đã nộp 78.432 / 87.320 đồng phải đóng sau miễn, giảm (3 đồng chí có sổ)." in html
    assert "Chưa nộp đủ: Trần Thị Bình, Lê Văn Cường." in html
    for persona in ("member", "staff", "sibling"):
        assert render(personas[persona]).strip() == ""
    with CaptureQueriesContext(connection) as ctx:
        render(keeper)
    assert len(ctx.captured_queries) == 4


# --- links to the fee pages, only for those they admit ------------------------------------------

def test_links_follow_the_rule_of_their_target(client_for, personas, keeper, march):  # noqa: F811
    users = {**personas, "keeper": keeper}
    for persona, sheet, totals in [("secretary", True, False), ("keeper", True, False), ("admin", True, True),
                                   ("staff", False, True), ("designated", False, True), ("member", False, False)]:
        page = client_for(users[persona]).get("/to-chuc/C1/").content.decode()
        assert ('href="/dang-phi/C1/"' in page) is sheet, persona
        assert ('href="/dang-phi/tong-hop/C1/"' in page) is totals, persona
    assert 'href="/dang-phi/tong-hop/G/"' in client_for(personas["staff"]).get("/to-chuc/G/").content.decode()


def test_a_member_sees_their_months_on_their_own_record(client_for, personas, march, monkeypatch):  # noqa: F811
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 5, 20))
    page = client_for(personas["member"]).get("/dang-vien/M2/").content.decode()
    assert "Tháng 03/2026: phải đóng 13.888 đồng, đã nộp 10.000 đồng" in page and 'href="/dang-phi/cua-toi/"' in page
    secretary = client_for(personas["secretary"]).get("/dang-vien/M2/").content.decode()
    assert "Đảng phí năm" not in secretary and "13.888" not in secretary
    assert "Đảng phí năm 2026" in client_for(personas["secretary"]).get("/dang-vien/M1/").content.decode()
