"""Every route of the start page and of the committees' orientation, for every persona: who may
see it, and that a refused write changed nothing. (The exact content is in tests/test_home.py
and tests/test_orientation.py.)"""

from datetime import date

import pytest

from chibo.meetings import dates
from chibo.meetings.planning import services as planning_services
from chibo.supervision import services
from tests.access_matrix import PERSONAS, allowed_response, denied_response, snapshot

COVERED = ("home", "role_switch", "orientation_list", "orientation_detail", "orientation_take_up")
ALL = set(PERSONAS) - {"anonymous"}
SUPERVISE_G = {"admin", "staff", "designated"}


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))


@pytest.fixture
def setting(tree, personas):
    feb = planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3))
    orientation = services.orientation_publish(tree["G"], year=2025, month=2, title="Chủ đề tháng hai")
    return {"meeting": feb.ident, "orientation": orientation.pk}


READS = [
    ("home", "/", ALL),
    ("role_switch", "/vai-tro/", ALL),
    ("orientation_list", "/to-chuc/G/dinh-huong/", SUPERVISE_G),
    ("orientation_list", "/to-chuc/G2/dinh-huong/", {"admin", "rival"}),
    ("orientation_detail", "/dinh-huong/{orientation}/", SUPERVISE_G),
]

WRITES = [
    ("orientation_list", "/to-chuc/G/dinh-huong/", {"month": "2", "year": "2025", "title": "Chủ đề mới"}, SUPERVISE_G),
    ("orientation_take_up", "/sinh-hoat/{meeting}/dinh-huong/{orientation}/", {},
     {"admin", "staff", "designated", "secretary"}),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", READS, ids=lambda c: f"{c[0]}:{c[1]}")
def test_reads(personas, setting, client_for, persona, case):
    _name, path, allowed = case
    response = client_for(personas[persona]).get(path.format(**setting))
    if persona in allowed:
        assert response.status_code == 200, (persona, path, response.status_code)
    else:
        assert denied_response(response), (persona, path, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", WRITES, ids=lambda c: c[0])
def test_writes(personas, setting, client_for, persona, case):
    _name, path, data, allowed = case
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post(path.format(**setting), data)
    if persona in allowed:
        assert response.status_code == 302 and allowed_response(response), (persona, path, response.status_code)
        assert snapshot() != before
    else:
        assert denied_response(response), (persona, path, response.status_code)
        assert snapshot() == before
