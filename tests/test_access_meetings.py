"""The meeting page, the live recording page and its endpoints, finalization, amendments and
scores for the six personas: who may see and who may change what; a denied change changes nothing."""

import importlib
import pkgutil
from datetime import date

import pytest

import tests
from chibo.meetings.models import Meeting, ScoreConfirmation, Speech
from chibo.meetings.recording import services
from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords are hashed with PBKDF2 otherwise: seconds per test for nothing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

ALL = set(PERSONAS) - {"anonymous"}
# Recording is the cell's work: its secretary, or committee staff the committee designated for it.
MANAGERS = {"admin", "designated", "secretary"}
URL = "/sinh-hoat/C1-2025-01/"

# (url name, path, personas allowed)
READS = [
    ("meeting_detail", URL, {"admin", "staff", "designated", "secretary", "member"}),
    ("meeting_record", URL + "ghi/", MANAGERS),
    ("record_status", URL + "ghi/kiem-tra/", MANAGERS),
    ("meeting_amend", URL + "dinh-chinh/", MANAGERS),
    ("meeting_finalize", URL + "hoan-tat/", MANAGERS),
]


def _finalize(m):
    services.meeting_finalize(m, None)


def _adopt(m):
    services.meeting_scores_adopt(m, None)


# (url name, path, data, personas allowed, setup before the request)
WRITES = [
    ("record_field", URL + "ghi/thong-tin/", {"field": "place", "value": "Hội trường mới"}, MANAGERS, None),
    ("record_attendance", URL + "ghi/diem-danh/", {"member": "M2", "status": "late"}, MANAGERS, None),
    ("record_speech", URL + "ghi/phat-bieu/", {"position": "1", "member": "M2", "summary": "Đồng ý."},
     MANAGERS, None),
    ("record_speech", URL + "ghi/phat-bieu/", {"position": "0", "delete": "1"}, MANAGERS, None),
    ("record_guest", URL + "ghi/khach-moi/", {"key": "00000000-0000-0000-0000-000000000001", "version": "0",
                                             "name": "Nguyễn Văn Khách"}, MANAGERS, None),
    ("record_vote", URL + "ghi/bieu-quyet/",
     {"position": "0", "kind": "resolution", "method": "show_of_hands", "votes_for": "2"}, MANAGERS, None),
    ("record_task", URL + "ghi/nhiem-vu/",
     {"position": "0", "assignee": "M2", "description": "Thu đảng phí", "due": "31/01/2025"}, MANAGERS, None),
    ("meeting_finalize", URL + "hoan-tat/", {"confirm": "1"}, MANAGERS, None),
    ("meeting_amend", URL + "dinh-chinh/",
     {"place": "Hội trường UBND xã", "start": "19:30", "end": "21:05", "chair": "M1", "secretary": "M2",
      "notice_sent_on": "01/01/2025", "conclusion": "Kết luận.", "reason": "Ghi nhầm địa điểm"},
     MANAGERS, _finalize),
    ("meeting_scores", URL + "danh-gia/", {"preparation": "8", "conduct": "9", "principles": "9"}, MANAGERS, None),
    ("meeting_scores_adopt", URL + "danh-gia/thong-qua/", {}, MANAGERS, None),
    ("meeting_scores_confirm", URL + "danh-gia/xac-nhan/", {}, {"admin", "staff", "designated"}, _adopt),
]


def _own_names() -> set[str]:
    return {c[0] for c in READS} | {c[0] for c in WRITES}


def _other_access_modules() -> set[str]:
    """URL names declared as COVERED by other tests/test_access_*.py modules (besides orgs, which the
    matrix test reads itself), so that engineers adding meeting pages in their own modules are counted."""
    names: set[str] = set()
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.name.startswith("test_access_") or info.name in ("test_access_orgs", "test_access_meetings"):
            continue
        module = importlib.import_module(f"tests.{info.name}")
        names |= set(getattr(module, "COVERED", ()))
    return names


COVERED = _own_names() | _other_access_modules()


@pytest.fixture
def complete(meeting, tree):
    """The held meeting of C1 with everything the minutes need, and the cell's proposed scores."""
    Speech.objects.create(meeting=meeting, position=0, member=tree["M1"], item="Tình hình", summary="Báo cáo.")
    Meeting.objects.filter(pk=meeting.pk).update(conclusion="Kết luận.", score_preparation=7, score_conduct=7,
                                                 score_principles=7)
    meeting.refresh_from_db()
    return meeting


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", READS, ids=lambda c: c[0])
def test_reads(personas, complete, client_for, persona, case):
    _name, path, allowed = case
    client = client_for(personas[persona])
    before = snapshot()
    response = client.get(path)
    if persona in allowed:
        assert allowed_response(response), (persona, path, response.status_code)
    else:
        assert denied_response(response), (persona, path, response.status_code)
    assert snapshot() == before  # reading changes nothing (no absence notice to pre-fill here)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: f"{c[0]}:{'-'.join(c[2])}")
def test_writes(personas, complete, client_for, persona, case):
    _name, path, data, allowed, setup = case
    if setup:
        setup(complete)
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(path, data)
    if persona in allowed:
        assert allowed_response(response), (persona, path, response.status_code, response.content[:500])
        if response.status_code == 200:
            assert response.json()["ok"] is True
        assert snapshot() != before
    else:
        assert denied_response(response), (persona, path, response.status_code)
        assert snapshot() == before


def test_secretary_cannot_confirm_own_scores(personas, complete, client_for):
    services.meeting_scores_adopt(complete, None)
    client = client_for(personas["secretary"])
    before = snapshot()
    response = client.post(URL + "danh-gia/xac-nhan/")
    assert response.status_code == 403
    assert snapshot() == before
    assert ScoreConfirmation.objects.get(meeting=complete).confirmed_at is None


def test_endpoints_refuse_get(personas, complete, client_for):
    client = client_for(personas["secretary"])
    for _name, path, _data, _allowed, _setup in WRITES:
        if path.endswith(("dinh-chinh/", "hoan-tat/")):
            continue  # the amendment form and the finalize confirmation are pages
        assert client.get(path).status_code == 405, path


def test_record_button_only_for_managers(personas, complete, client_for):
    for persona in ("admin", "staff", "secretary", "member"):
        html = client_for(personas[persona]).get(URL).content.decode()
        assert ("Ghi biên bản</a>" in html) is (persona in MANAGERS), persona
        assert (f'href="{URL}ghi/"' in html) is (persona in MANAGERS), persona


def test_other_cell_meeting_is_hidden(personas, tree, client_for):
    Meeting.objects.create(ident="C2-2025-01", organization=tree["C2"], kind="regular", date=date(2025, 1, 3))
    client = client_for(personas["secretary"])
    before = snapshot()
    assert client.get("/sinh-hoat/C2-2025-01/ghi/").status_code == 404
    assert client.post("/sinh-hoat/C2-2025-01/ghi/diem-danh/", {"member": "M4", "status": "present"}).status_code == 404
    assert snapshot() == before
