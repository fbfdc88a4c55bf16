"""Who may read the change log ("Nhật ký thay đổi"): administrators everything, committee staff their
subtree, nobody else; the page only reads, and a refused request changes nothing."""

from datetime import date

import pytest

from chibo.orgs import services
from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot

pytestmark = pytest.mark.django_db

COVERED = ("changelog",)

#: Committee staff: "staff" and "designated" supervise G, "rival" supervises G2.
READERS = {"admin", "staff", "designated", "rival"}

URLS = ["/nhat-ky/", "/nhat-ky/?nguoi=secretary", "/nhat-ky/?loai=orgs.member&ma=M2",
        "/nhat-ky/?loai=meetings.meeting&ma=C1-2025-01", "/nhat-ky/?tu=01/01/2025&den=31/12/2030"]


@pytest.fixture
def entries(tree, meeting):
    """Entries in both committees' subtrees: a rename in C1 (under G) and one in C3 (under G2)."""
    services.member_update(tree["M1"], full_name="Nguyễn Văn An Đông")
    member = services.member_create(code="N3", full_name="Vương Văn Bắc", organization=tree["C3"],
                                    start=date(2025, 1, 1))
    services.member_update(member, full_name="Vương Văn Bắc Tây")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url", URLS)
def test_read(personas, entries, client_for, persona, url):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.get(url)
    if persona in READERS:
        assert allowed_response(response), (persona, url, response.status_code)
    else:
        assert denied_response(response), (persona, url, response.status_code)
        if persona != "anonymous":
            assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("persona", sorted(READERS))  # the others are refused (test above)
def test_each_committee_sees_its_own_subtree(personas, entries, client_for, persona):
    page = client_for(personas[persona]).get("/nhat-ky/").content.decode()
    sees_g = "Nguyễn Văn An Đông" in page
    sees_g2 = "Vương Văn Bắc Tây" in page
    expected = {"admin": (True, True), "staff": (True, False), "designated": (True, False), "rival": (False, True)}
    assert (sees_g, sees_g2) == expected[persona]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("org, readers", [("C1", {"admin", "staff", "designated"}), ("G", {"admin", "staff", "designated"}),
                                          ("C3", {"admin", "rival"}), ("P", {"admin"})])
def test_organisation_filter(personas, entries, client_for, persona, org, readers):
    response = client_for(personas[persona]).get(f"/nhat-ky/?to_chuc={org}")
    if persona in readers:
        assert response.status_code == 200
    else:
        assert denied_response(response)


@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_are_refused(personas, entries, client_for, persona):
    client = client_for(personas[persona])
    before = snapshot()
    for method in ("post", "put", "delete"):
        response = getattr(client, method)("/nhat-ky/")
        assert denied_response(response) or response.status_code == 405, (persona, method, response.status_code)
    assert snapshot() == before
