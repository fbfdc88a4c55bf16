"""Who may see and change the fee ledger (docs/permissions.md, "party fees"): amounts and incomes
only to the cell's secretary, its committee member in charge of fees ('keeper') and
administrators; relief decisions also to the committee above a chi bộ trực thuộc; the superior
committee sees totals only; a member sees their own months only; a sibling cell nothing. Every
refused request changes nothing."""

import io
from datetime import date

import pytest

from chibo.fees import ledger_io
from chibo.fees.models import FeeRecord, Relief
from tests.access_matrix import denied_response, snapshot
from tests.test_fees import keeper, march  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

#: The routes these tests cover (tests/test_access_orgs.py::test_every_url_is_in_the_matrix).
COVERED = ("fee_ledger", "fee_record", "fee_pay", "fee_import", "fee_reliefs", "fee_relief_edit", "fee_relief_delete", "fee_totals",
           "fee_mine", "fee_book_month", "fee_book_year")

EVERYONE = ("admin", "staff", "designated", "secretary", "keeper", "member", "other", "sibling", "rival", "anonymous")
KEEPERS = {"admin", "secretary", "keeper"}
RELIEF = KEEPERS | {"staff", "designated"}
TOTALS = {"admin", "staff", "designated"}

GETS = [
    ("/dang-phi/C1/?thang=2026-03", KEEPERS),
    ("/dang-phi/C1/2026-03/M2/", KEEPERS),
    ("/dang-phi/C1/2026-03/nhap-excel/", KEEPERS),
    ("/dang-phi/C1/so/2026-03.xlsx", KEEPERS),
    ("/dang-phi/C1/so/2026-03.pdf", KEEPERS),
    ("/dang-phi/C1/so-nam/2026.xlsx", KEEPERS),
    ("/dang-phi/C1/so-nam/2026.pdf", KEEPERS),
    ("/dang-phi/C1/mien-giam/", RELIEF),
    ("RELIEF_EDIT", RELIEF),
    ("/dang-phi/tong-hop/G/?nam=2026", TOTALS),
    ("/dang-phi/tong-hop/C1/?nam=2026", TOTALS),
]


@pytest.fixture
def world(march, personas, keeper):  # noqa: F811
    return {**personas, "keeper": keeper}


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
    return out.getvalue()


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_fee_page_and_download(world, client_for, persona):
    client = client_for(world[persona])
    edit = f"/dang-phi/C1/mien-giam/{Relief.objects.get().pk}/sua/"
    for url, allowed in GETS:
        url = edit if url == "RELIEF_EDIT" else url
        before = snapshot()
        response = client.get(url)
        if persona in allowed:
            assert response.status_code == 200, (persona, url, response.status_code)
        else:
            assert denied_response(response), (persona, url, response.status_code)
            assert snapshot() == before, (persona, url)


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_fee_write(world, client_for, persona, march):  # noqa: F811
    client = client_for(world[persona])
    relief = Relief.objects.get()
    writes = [
        ("/dang-phi/C1/2026-03/M2/", {"category": "pension", "base": "1", "due": "1"}, KEEPERS),
        ("/dang-phi/C1/2026-03/M2/nop/", {"pay-paid": "27777", "pay-paid_on": "06/03/2026", "pay-channel": "cash"},
         KEEPERS),
        ("/dang-phi/C1/mien-giam/", {"member": "M1", "kind": "exempt", "basis": "5.1", "from_month": "01/2027",
                                     "decided_by": "C1"}, RELIEF),
        (f"/dang-phi/C1/mien-giam/{relief.pk}/sua/", {"member": "M2", "kind": "exempt", "basis": "5.1",
                                                     "from_month": "03/2026", "decided_by": "G"}, RELIEF),
        (f"/dang-phi/C1/mien-giam/{relief.pk}/xoa/", {}, RELIEF),
        ("/dang-phi/C1/2026-03/nhap-excel/",
         {"file": io.BytesIO(_book([["M1", "", "bhxh", 1, 1, 0, None, None]]))}, KEEPERS),
    ]
    for url, data, allowed in writes:
        if isinstance(data.get("file"), io.BytesIO):
            data["file"].seek(0)
            data["file"].name = "so.xlsx"
        if persona in allowed:
            continue  # the allowed writes are tested with their effects in tests/test_fees_pages.py
        before = snapshot()
        response = client.post(url, data)
        assert denied_response(response), (persona, url, response.status_code)
        assert snapshot() == before, (persona, url)
    assert FeeRecord.objects.get(member=march["M2"], month=date(2026, 3, 1)).due == 27_777


def test_a_member_sees_their_own_months_only(world, client_for):
    page = client_for(world["member"]).get("/dang-phi/cua-toi/?nam=2026").content.decode()
    assert 'data-month="2026-03"' in page
    assert "27.777" in page and "13.888" in page and "10.000" in page  # M2's due, after relief, paid
    assert "68.432" not in page and "6.843.210" not in page and "Nguyễn Văn An" not in page  # M1's
    other = client_for(world["other"]).get("/dang-phi/cua-toi/?nam=2026").content.decode()
    assert "90.000" in other and "27.777" not in other and "13.888" not in other
    for persona in ("admin", "staff"):  # no member record: nothing to show
        assert client_for(world[persona]).get("/dang-phi/cua-toi/").status_code == 404
    assert denied_response(client_for(None).get("/dang-phi/cua-toi/"))


def test_the_superior_sees_totals_only(world, client_for):
    page = client_for(world["staff"]).get("/dang-phi/tong-hop/G/?nam=2026").content.decode()
    assert "78.432 / 87.320" in page and "90.000 / 90.000" in page and "2 chưa đủ" in page
    for secret in ("68.432", "27.777", "13.888", "6.843.210", "5.555.555", "Trần Thị Bình", "Lê Văn Cường"):
        assert secret not in page, secret


def test_a_fee_keeper_of_one_cell_sees_nothing_of_another(world, client_for):
    client = client_for(world["keeper"])
    assert client.get("/dang-phi/C2/?thang=2026-03").status_code == 404
    assert client.get("/dang-phi/C2/2026-03/M4/").status_code == 404
    assert client.get("/dang-phi/C1/2026-03/M4/").status_code == 404  # M4 is not on C1's sheet
    sibling = client_for(world["sibling"])
    assert sibling.get("/dang-phi/C2/?thang=2026-03").status_code == 200
    assert sibling.get("/dang-phi/C1/?thang=2026-03").status_code == 404


def test_the_fee_keeper_role_is_given_like_the_secretary_s(personas, tree, client_for):
    """Committee staff give it on a cell of their subtree (never on a committee); a secretary gives
    nothing; once given, the login keeps that cell's fee sheet and no other."""
    from django.core.exceptions import PermissionDenied, ValidationError

    from chibo.orgs.services_accounts import role_give

    member = tree["M2"]  # login 'member'
    with pytest.raises((ValidationError, PermissionDenied)):
        role_give(personas["secretary"], member, kind="fees", organization=tree["C1"])
    with pytest.raises(ValidationError) as err:
        role_give(personas["staff"], member, kind="fees", organization=tree["G"])
    assert err.value.messages == ["Vai trò này chỉ giao trên một chi bộ."]
    assert client_for(personas["member"]).get("/dang-phi/C1/").status_code == 403
    role = role_give(personas["staff"], member, kind="fees", organization=tree["C1"])
    assert (role.kind, role.organization.code, role.user.username) == ("fees", "C1", "member")
    client = client_for(personas["member"])
    assert client.get("/dang-phi/C1/").status_code == 200
    assert client.get("/dang-phi/C2/").status_code == 404


#: A member's figures in the March sheet (tests/test_fees.py::march): incomes, dues, dues after
#: relief and payments of M1, M2 and C2's M4, as pages, files and JSON would print them.
MEMBER_FIGURES = ("6.843.210", "6843210", "68.432", "68432", "5.555.555", "5555555", "27.777", "27777", "13.888",
                  "13888", "9.000.000", "9000000")


def test_the_superior_s_other_views_of_fees_show_totals_only(world, client_for, march):  # noqa: F811
    """Every other page, file and API answer of the superior committee's staff that carries fee
    figures (the year-end sheet and its files, the dashboard and its files, the compliance page,
    a member's record, the stored audit of the API): allowed, and never a member's income or
    amount (the totals and counts are there); a page changes nothing."""
    from chibo.api import services as token_services
    from chibo.results import services as results_services

    results_services.refresh_subtree(march["G"], [2026])
    secret = token_services.token_create(world["staff"], "kiểm thử")[1]
    views = [
        ("/to-chuc/C1/tong-hop/2026/", {}), ("/to-chuc/C1/tong-hop/2026/tong-hop.xlsx", {}),
        ("/to-chuc/G/bang-theo-doi/?ky=2026", {}), ("/to-chuc/G/bang-theo-doi/bao-cao.xlsx?ky=2026", {}),
        ("/to-chuc/C1/kiem-tra/?tu=01/01/2026&den=31/03/2026&xet=30/04/2026", {}), ("/dang-vien/M2/", {}),
        ("/api/v1/orgs/G/audit?date_from=2026-01-01&date_to=2026-03-31&as_of=2026-04-30",
         {"HTTP_AUTHORIZATION": f"Bearer {secret}"}),
    ]
    client = client_for(world["staff"])
    for url, headers in views:
        before = snapshot()
        response = client.get(url, **headers)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content
        if url.endswith(".xlsx") or ".xlsx?" in url:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(body))
            text = " ".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row)
        else:
            text = body.decode()
        for figure in MEMBER_FIGURES:
            assert figure not in text, (url, figure)
        if "xlsx" not in url and "/api/" not in url:  # a download is logged, a token's use noted
            assert snapshot() == before, url
    audit = client.get(views[-1][0], **views[-1][1]).json()
    assert [(t["organization"], t["month"], t["due"], t["paid"], t["unpaid"]) for t in audit["fees"]] == [
        ("C1", "2026-03", 87_320, 78_432, ["M2", "M3"]), ("C2", "2026-03", 90_000, 90_000, [])]
