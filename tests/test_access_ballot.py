"""The secret ballot pages and the document downloads for six personas: who may see and who may
change what; a denied change changes nothing."""

import pytest

from chibo.meetings.ballot import services as ballot
from chibo.meetings.models import Vote
from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot

pytestmark = pytest.mark.django_db

CELL_READERS = {"admin", "staff", "designated", "secretary", "member"}
CELL_MANAGERS = {"admin", "designated", "secretary"}

#: URL names this module covers (read by the URL coverage test in test_access_orgs).
COVERED = {"ballot_vote", "ballot_panel", "ballot_open", "ballot_close", "minutes_docx", "minutes_pdf",
           "resolution_docx", "resolution_pdf", "minutes_book"}

# (url name, path ({vote}: the secret vote's id), personas allowed)
READS = [
    ("ballot_vote", "/bo-phieu/{vote}/", CELL_READERS),
    ("ballot_panel", "/bo-phieu/{vote}/dieu-hanh/", CELL_MANAGERS),  # M1 chairs and manages; M2 only reads
    ("minutes_docx", "/sinh-hoat/C1-2025-01/bien-ban.docx", CELL_READERS),
    ("minutes_pdf", "/sinh-hoat/C1-2025-01/bien-ban.pdf", CELL_READERS),
    ("resolution_docx", "/sinh-hoat/C1-2025-01/nghi-quyet.docx", CELL_READERS),
    ("resolution_pdf", "/sinh-hoat/C1-2025-01/nghi-quyet.pdf", CELL_READERS),
    ("minutes_book", "/to-chuc/C1/so-bien-ban/2025.pdf", CELL_READERS),
]

# (url name, path, data, box open before the request, personas allowed)
WRITES = [
    ("ballot_open", "/bo-phieu/{vote}/mo/", {}, False, CELL_MANAGERS),
    ("ballot_close", "/bo-phieu/{vote}/dong/", {}, True, CELL_MANAGERS),
    # Only members of the cell present at the meeting vote, each from their own login:
    # M1 (login 'secretary') and M2 (login 'member'); admin and staff have no member record.
    ("ballot_vote", "/bo-phieu/{vote}/", {"choice": "for"}, True, {"secretary", "member"}),
]


@pytest.fixture
def secret_vote(meeting):
    return Vote.objects.create(meeting=meeting, position=0, kind="election", method="secret_ballot",
                               subject="Bầu phó bí thư chi bộ")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", READS, ids=lambda c: f"{c[0]}:{c[1]}")
def test_reads(personas, secret_vote, client_for, persona, case):
    _name, path, allowed = case
    ballot.ballot_open(secret_vote, personas["secretary"])
    response = client_for(personas[persona]).get(path.format(vote=secret_vote.pk))
    if persona in allowed:
        assert allowed_response(response), (persona, path, response.status_code)
    else:
        assert denied_response(response), (persona, path, response.status_code)
        if persona == "other":
            assert response.status_code == 404  # another cell's records are not revealed


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: c[0])
def test_writes(personas, secret_vote, client_for, persona, case):
    _name, path, data, box_open, allowed = case
    if box_open:
        ballot.ballot_open(secret_vote, personas["secretary"])
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(path.format(vote=secret_vote.pk), data)
    if persona in allowed:
        assert response.status_code == 302 and "/dang-nhap/" not in response["Location"], (
            persona, path, response.status_code, response.content.decode()[:2000])
        assert snapshot() != before
    else:
        assert denied_response(response), (persona, path, response.status_code)
        assert snapshot() == before
