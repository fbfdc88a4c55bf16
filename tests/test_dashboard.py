"""The committee dashboard: every figure equals what the rule engine's audit of the same subtree
and period says (counted independently here from `engine.audit`), per child and in total; the
period and cell-kind filters; a constant number of queries; who may see it; bad input."""

from collections import Counter
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.interchange.db import audit_input
from chibo.interchange.generate import generate_province
from chibo.orgs.models import CELL_KINDS, Organization
from chibo.reports.dashboard import MEETING_CODES, PERIOD_CODES, dashboard
from chibo.results import services
from chibo.rules import engine
from tests.access_matrix import PERSONAS, snapshot

pytestmark = pytest.mark.django_db
#: URL names whose access is tested here (tests/test_access_orgs.py counts them).
COVERED = {"dashboard", "dashboard_xlsx", "dashboard_pdf"}

@pytest.fixture
def province(db):
    generate_province(members=240, cells=8, seed=11, months=12, year=2025)
    root = Organization.objects.get(code="T01")
    services.refresh_subtree(root, [2025], as_of=date(2025, 12, 31))
    return root


#: A member's findings (no organisation in the audit): the dashboard counts each cell-year slice's.
MEMBER_CODES = ("REMOVAL_REVIEW", "FEE_UNPAID_REVIEW", "FEE_RELIEF_TOO_LONG")


def expected(org, date_from, date_to, cell_kind=None) -> dict:
    """The dashboard's figures counted from the engine's version-2 audit of `org` (as of the
    refresh day): its meetings from November 2025 are judged by HD 42."""
    audit = engine.audit(audit_input(org, date_from, date_to, 2), date_from, date_to, date(2025, 12, 31))
    kinds = dict(Organization.objects.values_list("code", "kind"))
    meetings = [m for m in audit["meetings"] if cell_kind is None or kinds[m["organization"]] == cell_kind]
    cell_of = {m["id"]: m["organization"] for m in audit["meetings"]}
    regular = [m for m in meetings if m["kind"] in engine.REGULAR_KINDS]
    findings = Counter()
    for f in audit["findings"]:
        owner = f.get("organization") or cell_of.get(f.get("meeting"))
        if f["code"] in MEMBER_CODES:
            continue  # a member's finding: counted per cell-year slice (compared separately below)
        if cell_kind is None or kinds[owner] == cell_kind:
            findings[f["code"]] += 1
    return {
        "meetings": len(meetings),
        "regular": len(regular),
        "regular_months": len({(m["organization"], m["date"][:7]) for m in regular}),
        "thematic": sum(m["kind"] in engine.THEMATIC_KINDS for m in meetings),
        "present": sum(m["attendance"]["present"] for m in meetings),
        "expected": sum(m["attendance"]["expected"] for m in meetings),
        "framework": sum(m["meets_framework"] is True for m in meetings),
        "hd12": sum(m["meets_framework"] is not None for m in meetings),
        "score_sum": sum(m["score"]["total"] for m in meetings),
        "grades": {g: sum((m["score"].get("official_grade") or m["score"]["grade"]) == g for m in meetings)
                   for g in ("tot", "kha", "trung_binh", "kem")},
        "findings": {c: findings[c] for c in PERIOD_CODES if c not in MEMBER_CODES},
        "meeting_findings": {c: sum(any(f["code"] == c for f in m["findings"]) for m in meetings)
                             for c in MEETING_CODES},
    }


def figures(fig) -> dict:
    return {"meetings": fig.meetings, "regular": fig.regular, "regular_months": fig.regular_months,
            "thematic": fig.thematic, "present": fig.present, "expected": fig.expected, "framework": fig.framework,
            "score_sum": fig.score_sum, "grades": fig.grades, "hd12": fig.hd12,
            "findings": {c: n for c, n in fig.findings.items() if c not in MEMBER_CODES},
            "meeting_findings": fig.meeting_findings}


@pytest.mark.parametrize(("date_from", "date_to"), [(date(2025, 1, 1), date(2025, 12, 31)),
                                                    (date(2025, 4, 1), date(2025, 6, 30)),
                                                    (date(2025, 3, 1), date(2025, 3, 31))])
def test_figures_are_the_engines(province, date_from, date_to):
    data = dashboard(province, date_from, date_to)
    assert figures(data["total"]) == expected(province, date_from, date_to)
    children = list(Organization.objects.filter(parent=province).order_by("path"))
    assert [c.code for c in data["children"]] == [c.code for c in children]
    for fig, child in zip(data["children"], children, strict=True):
        assert figures(fig) == expected(child, date_from, date_to), child.code
    assert data["total"].meetings >= 8 and data["total"].problems > 0
    if date_to.month == 12:  # meetings on both sides of 28/10/2025
        assert 0 < data["total"].hd12 < data["total"].meetings
    assert [month for month, _m in data["months"]] == sorted({date(2025, m, 1) for m in range(
        date_from.month, date_to.month + 1)})


def test_the_cell_kind_filter(province):
    kinds = set(Organization.objects.filter(kind__in=CELL_KINDS).values_list("kind", flat=True))
    for kind in sorted(kinds):
        data = dashboard(province, date(2025, 1, 1), date(2025, 12, 31), kind)
        assert figures(data["total"]) == expected(province, date(2025, 1, 1), date(2025, 12, 31), kind)


def test_worst_cells_first(province):
    data = dashboard(province, date(2025, 1, 1), date(2025, 12, 31))
    problems = [c.problems for c in data["worst"]]
    assert problems == sorted(problems, reverse=True) and problems[0] > 0
    assert all(c.is_cell and c.name for c in data["worst"])


def test_the_page(province, client):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_user("root", is_superuser=True)
    client.force_login(admin)
    response = client.get("/to-chuc/T01/bang-theo-doi/?ky=2025-Q2")
    assert response.status_code == 200
    page = response.content.decode()
    data = dashboard(province, date(2025, 4, 1), date(2025, 6, 30))
    assert "Số liệu quý II năm 2025 (01/04/2025 – 30/06/2025)" in page
    assert f"<b>{data['total'].regular}</b>Cuộc sinh hoạt thường kỳ" in page
    assert page.count('<tr data-child="') == len(data["children"])
    assert page.count('<tr data-month="') == 3 and "<meter" in page


def test_constant_queries(province, client):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("root", is_superuser=True))
    counts = []
    for code in ["T01", Organization.objects.filter(depth=1).order_by("path").first().code,
                 Organization.objects.filter(depth=2).order_by("path").first().code]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/to-chuc/{code}/bang-theo-doi/?ky=2025").status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts == [counts[0]] * 3


@pytest.mark.parametrize(("query", "message"), [
    ("?ky=2025-Q5", "Kỳ &#x27;2025-Q5&#x27; không hợp lệ (ví dụ: 2025, 2025-Q2, 2025-H1, 2025-05)."),
    ("?ky=1800", "Năm 1800 không hợp lệ."),
    ("?tu=01/06/2025&den=01/01/2025", "Ngày kết thúc phải sau ngày bắt đầu."),
    ("?loai=to_dang", "Loại chi bộ không hợp lệ."),
])
def test_bad_period_is_a_400(tree, personas, client_for, query, message):
    response = client_for(personas["staff"]).get(f"/to-chuc/G/bang-theo-doi/{query}")
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_see_it(tree, personas, client_for, meeting, persona):
    client = client_for(personas[persona])
    before = snapshot()
    responses = {code: client.get(f"/to-chuc/{code}/bang-theo-doi/?ky=2025").status_code for code in ("P", "G", "G2")}
    allowed = {"admin": {"P", "G", "G2"}, "staff": {"G"}, "designated": {"G"}, "rival": {"G2"}}.get(persona, set())
    expected_codes = {code: (200 if code in allowed else (302 if persona == "anonymous" else 404))
                      for code in ("P", "G", "G2")}
    assert responses == expected_codes
    if persona not in ("admin", "staff", "designated", "rival"):
        assert snapshot() == before  # refused: nothing computed or stored
    cell = client.get("/to-chuc/C1/bang-theo-doi/").status_code
    assert cell == (302 if persona == "anonymous" else 404)


def test_removal_review_counts_the_stored_slices(province):
    from chibo.results.models import PeriodFinding

    data = dashboard(province, date(2025, 1, 1), date(2025, 12, 31))
    for code in MEMBER_CODES:
        assert data["total"].findings[code] == PeriodFinding.objects.filter(code=code).count(), code
    assert data["total"].findings["FEE_UNPAID_REVIEW"] > 0  # the generated ledgers (chibo generate)


# --- reports out of the dashboard ---------------------------------------------------------------

def _xlsx_rows(content: bytes) -> list[tuple]:
    from io import BytesIO

    from openpyxl import load_workbook

    return [tuple(row) for row in load_workbook(BytesIO(content)).active.iter_rows(values_only=True)]


def test_xlsx_report_has_the_dashboard_figures(province, client):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from chibo.changelog.models import LogEntry

    client.force_login(get_user_model().objects.create_user("root", is_superuser=True))
    response = client.get("/to-chuc/T01/bang-theo-doi/bao-cao.xlsx?ky=2025-H1")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="bao-cao-T01-20250101-20250630.xlsx"'
    rows = _xlsx_rows(response.content)
    data = dashboard(province, date(2025, 1, 1), date(2025, 6, 30))
    assert rows[0][0] == "BÁO CÁO TÌNH HÌNH SINH HOẠT CHI BỘ" and rows[1][0] == province.name
    assert rows[2][0] == "Kỳ báo cáo: 6 tháng đầu năm 2025 (01/01/2025 – 30/06/2025)"
    assert rows[3][0] == f"Ngày lập báo cáo: {timezone.localdate():%d/%m/%Y}"
    heading = rows.index(next(r for r in rows if r[0] == "Đơn vị"))
    assert rows[heading][1:4] == ("Cuộc họp", "Sinh hoạt thường kỳ", "Tháng họp đúng hạn")
    units = rows[heading + 1: heading + 2 + len(data["children"])]
    assert [u[0] for u in units] == [c.name for c in data["children"]] + ["Tổng cộng"]
    total = units[-1]
    t = data["total"]
    assert total[1:8] == (t.meetings, t.regular, t.on_time_months, t.late_regular, t.missing_regular, t.thematic,
                          t.findings["MISSING_THEMATIC_MEETING"])
    assert total[8] == t.attendance_rate and total[-1] == t.problems
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_repr=province.name).count() == 1


def test_pdf_report(province, client):
    from io import BytesIO

    from django.contrib.auth import get_user_model
    from pypdf import PdfReader

    client.force_login(get_user_model().objects.create_user("root", is_superuser=True))
    response = client.get("/to-chuc/T01/bang-theo-doi/bao-cao.pdf?ky=2025")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(response.content)).pages)
    data = dashboard(province, date(2025, 1, 1), date(2025, 12, 31))
    assert "BÁO CÁO TÌNH HÌNH SINH HOẠT CHI BỘ" in text and "Kỳ báo cáo: năm 2025" in text
    for child in data["children"]:
        assert child.name in text
    assert f"Tổng cộng {data['total'].meetings} {data['total'].regular}" in text


def test_report_command(province, tmp_path):
    import json

    from django.core.management import call_command

    from chibo.commands import BadInput

    out = tmp_path / "r.json"
    call_command("report", "--org", "T01", "--from", "2025-04-01", "--to", "2025-06-30", "--format", "json",
                 "--output", str(out))
    report = json.loads(out.read_text(encoding="utf-8"))
    data = dashboard(province, date(2025, 4, 1), date(2025, 6, 30))
    assert report["units"][-1]["name"] == "Tổng cộng" and report["units"][-1]["code"] == "T01"
    assert report["units"][-1]["Cuộc họp"] == data["total"].meetings
    assert [u["code"] for u in report["units"][:-1]] == [c.code for c in data["children"]]
    assert [m["month"] for m in report["months"]] == ["2025-04", "2025-05", "2025-06"]
    xlsx = tmp_path / "r.xlsx"
    call_command("report", "--org", "T01", "--from", "2025-04-01", "--to", "2025-06-30", "--format", "xlsx",
                 "--output", str(xlsx))
    assert _xlsx_rows(xlsx.read_bytes())[0][0] == "BÁO CÁO TÌNH HÌNH SINH HOẠT CHI BỘ"
    cell = Organization.objects.filter(kind__in=CELL_KINDS).first().code
    for args, message in [
        (["--org", "NOPE"], "Không có tổ chức mã 'NOPE'."),
        (["--org", cell], f"'{cell}' là chi bộ: báo cáo dành cho cấp ủy cấp trên chi bộ."),
        (["--org", "T01", "--loai", "to_dang"], "--loai 'to_dang' không phải loại chi bộ (chi_bo, chi_bo_co_so)."),
        (["--org", "T01", "--output", "-"], "Chỉ in được JSON ra màn hình; với xlsx và pdf hãy cho --output một tệp."),
    ]:
        with pytest.raises(BadInput) as exc:
            call_command("report", "--from", "2025-04-01", "--to", "2025-06-30", "--format", "pdf",
                         *(["--output", str(tmp_path / "x.pdf")] if "--output" not in args else []), *args)
        assert str(exc.value) == message
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_may_download(tree, personas, client_for, meeting, persona):
    client = client_for(personas[persona])
    before = snapshot()
    status = client.get("/to-chuc/G2/bang-theo-doi/bao-cao.xlsx?ky=2025").status_code
    allowed = persona in ("admin", "rival")
    assert status == (200 if allowed else (302 if persona == "anonymous" else 404))
    if not allowed:
        assert snapshot() == before
