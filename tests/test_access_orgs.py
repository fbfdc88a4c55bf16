"""Every URL of the organisation pages for six personas: who may see and who may change what;
a denied change changes nothing."""

import pytest
from django.urls import get_resolver

from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot

pytestmark = pytest.mark.django_db

ALL = set(PERSONAS) - {"anonymous"}

# (url name, method, path, data, personas allowed)
READS = [
    ("home", "get", "/", None, ALL),
    ("org_tree", "get", "/to-chuc/", None, ALL),
    ("org_detail", "get", "/to-chuc/C1/", None, {"admin", "staff", "designated", "secretary", "member"}),
    ("org_detail", "get", "/to-chuc/C2/", None, {"admin", "staff", "designated", "other", "sibling"}),
    ("org_detail", "get", "/to-chuc/G/", None, {"admin", "staff", "designated"}),
    ("org_detail", "get", "/to-chuc/P/", None, {"admin"}),
    ("member_list", "get", "/dang-vien/?q=van", None, ALL),
    ("member_detail", "get", "/dang-vien/M2/", None, {"admin", "staff", "designated", "secretary", "member"}),
    ("member_detail", "get", "/dang-vien/M4/", None, {"admin", "staff", "designated", "other", "sibling"}),
    ("member_import_template", "get", "/nhap-excel/mau-dang-vien.xlsx", None, ALL),
    ("rule_profile", "get", "/to-chuc/C1/quy-tac/", None, {"admin", "staff", "designated", "secretary", "member"}),
    ("org_audit", "get", "/to-chuc/G/kiem-tra/", None, {"admin", "staff", "designated"}),
    ("meeting_list", "get", "/to-chuc/C1/sinh-hoat/", None, {"admin", "staff", "designated", "secretary", "member"}),
    ("meeting_detail", "get", "/sinh-hoat/C1-2025-01/", None, {"admin", "staff", "designated", "secretary", "member"}),
    ("my_page", "get", "/cua-toi/", None, {"secretary", "member", "other", "sibling"}),
    ("org_create", "get", "/to-chuc/them/?parent=G", None, {"admin", "staff", "designated"}),
    ("org_edit", "get", "/to-chuc/C1/sua/", None, {"admin", "staff", "designated"}),
    ("member_create", "get", "/to-chuc/C1/them-dang-vien/", None, {"admin", "staff", "designated", "secretary"}),
    ("member_import", "get", "/to-chuc/C1/nhap-excel/", None, {"admin", "staff", "designated", "secretary"}),
    ("member_edit", "get", "/dang-vien/M2/sua/", None, {"admin", "staff", "designated", "secretary"}),
    ("member_transfer", "get", "/dang-vien/M2/chuyen-sinh-hoat/", None, {"admin", "staff", "designated"}),
    ("period_add", "get", "/dang-vien/M2/mien-vang/", None, {"admin", "staff", "designated", "secretary"}),
    ("position_add", "get", "/dang-vien/M2/chuc-vu/", None, {"admin", "staff", "designated", "secretary"}),
    ("api:list_orgs", "get", "/api/orgs", None, ALL),
    ("api:org_roll", "get", "/api/orgs/C1/roll", None, {"admin", "staff", "designated", "secretary", "member"}),
    ("api:search_members", "get", "/api/members?q=an", None, ALL),
    ("api:member_detail", "get", "/api/members/M2", None, {"admin", "staff", "designated", "secretary", "member"}),
]

WRITES = [
    ("org_create", "/to-chuc/them/?parent=G",
     {"code": "C9", "name": "Chi bộ mới", "kind": "chi_bo", "parent": "G"}, {"admin", "staff", "designated"}),
    ("org_edit", "/to-chuc/C1/sua/",
     {"code": "C1", "name": "Chi bộ thôn Đông mới", "kind": "chi_bo", "parent": "G"}, {"admin", "staff", "designated"}),
    ("member_create", "/to-chuc/C1/them-dang-vien/",
     {"code": "N1", "full_name": "Hồ Văn Mới", "start": "01/01/2025"}, {"admin", "staff", "designated", "secretary"}),
    ("member_edit", "/dang-vien/M2/sua/",
     {"code": "M2", "full_name": "Trần Thị Bình", "phone": "0912 345 678"}, {"admin", "staff", "designated", "secretary"}),
    ("member_transfer", "/dang-vien/M2/chuyen-sinh-hoat/",
     {"organization": "C2", "on": "01/06/2025"}, {"admin", "staff", "designated"}),
    ("period_add", "/dang-vien/M2/mien-vang/",
     {"kind": "exempt", "start": "01/01/2025", "reason": "Ốm dài ngày"}, {"admin", "staff", "designated", "secretary"}),
    ("position_add", "/dang-vien/M2/chuc-vu/",
     {"title": "chi_uy_vien", "start": "01/01/2025"}, {"admin", "staff", "designated", "secretary"}),
    ("rule_profile", "/to-chuc/C1/quy-tac/", {"regular_meeting_day": "5"}, {"admin", "staff", "designated"}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", READS, ids=lambda c: f"{c[0]}:{c[2]}")
def test_reads(personas, meeting, client_for, persona, case):
    _name, method, path, data, allowed = case
    client = client_for(personas[persona])
    response = getattr(client, method)(path)
    if persona in allowed:
        assert allowed_response(response), (persona, path, response.status_code)
    else:
        assert denied_response(response) or (path.startswith("/api/") and response.status_code == 401), (
            persona, path, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: c[0])
def test_writes(personas, client_for, persona, case):
    _name, path, data, allowed = case
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(path, data)
    if persona in allowed:
        assert response.status_code == 302 and "/dang-nhap/" not in response["Location"], (
            persona, path, response.status_code, response.content.decode()[:2000])
        assert snapshot() != before
    else:
        assert denied_response(response), (persona, path, response.status_code)
        assert snapshot() == before


def test_every_url_is_in_the_matrix():
    """A new page must be added to an access test (here or in another test_access_* module)."""
    import tests

    covered = {c[0] for c in READS} | {c[0] for c in WRITES}
    for module in ("test_access_meetings", "test_access_plan", "test_access_ballot", "test_access_accounts",
                   "test_access_changelog", "test_security_defaults", "test_lifecycle_pages", "test_dashboard",
                   "test_access_home", "test_access_roles", "test_help", "test_api_v1", "test_year_sheet",
                   "test_access_reminders", "test_hd42_preparation", "test_hd42_quality_pages", "test_hd42_sheets",
                   "test_access_fees", "test_supervision_visits", "test_supervision_recommendations"):
        try:
            mod = __import__(f"tests.{module}", fromlist=["COVERED"])
            covered |= set(getattr(mod, "COVERED", ()))
        except ImportError:
            pass
    names = set()

    def walk(resolver, prefix=""):
        for p in resolver.url_patterns:
            if hasattr(p, "url_patterns"):
                ns = p.namespace
                walk(p, f"{prefix}{ns}:" if ns else prefix)
            elif p.name:
                names.add(prefix + p.name)

    walk(get_resolver())
    ignored = {n for n in names if n.startswith("admin:") or n in {"login", "logout"}
               or n == "api:api-root" or n.startswith("api:openapi") or n.endswith(":openapi-json") or n.endswith(":openapi-view")}
    assert tests is not None
    assert sorted(names - ignored - covered) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_transfer_button_only_for_those_the_transfer_page_admits(personas, client_for, persona):
    """A member's page shows "Chuyển sinh hoạt" exactly to the personas whose GET of the transfer
    page succeeds (the cell's secretary manages the member but the transfer is the committee's)."""
    client = client_for(personas[persona])
    page = client.get("/dang-vien/M2/")
    shows = page.status_code == 200 and "/dang-vien/M2/chuyen-sinh-hoat/" in page.content.decode()
    admitted = allowed_response(client.get("/dang-vien/M2/chuyen-sinh-hoat/"))
    assert shows == admitted == (persona in {"admin", "staff", "designated"})
