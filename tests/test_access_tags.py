"""One helper decides both the link and its target (issue 13 item 7): the `allowed` template tag
answers exactly what the view behind a link answers — yes where the view serves the persona, no
where it refuses with 403."""

from datetime import date, time

import pytest
from django.template import Context, Template

from chibo.meetings import dates
from chibo.meetings.planning import services as planning_services
from chibo.orgs.access import scope_for
from tests.access_matrix import PERSONAS


def allowed(user, right, org) -> bool:
    text = Template('{% load access_tags %}{% allowed right org as ok %}{{ ok }}').render(
        Context({"scope": scope_for(user), "right": right, "org": org}))
    return {"True": True, "False": False}[text]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_the_tag_says_what_the_view_answers(tree, personas, meeting, client_for, monkeypatch, persona):
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))
    upcoming = planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=time(19, 30))
    client = client_for(personas[persona])
    user = personas[persona]
    for right, url in [("manage", f"/sinh-hoat/{upcoming.ident}/thong-bao/"),
                       ("manage", f"/sinh-hoat/{upcoming.ident}/huy/"),
                       ("record", f"/sinh-hoat/{meeting.ident}/ghi/"),
                       ("record", f"/sinh-hoat/{meeting.ident}/dinh-chinh/"),
                       ("read", f"/sinh-hoat/{meeting.ident}/")]:
        status = client.get(url).status_code
        if status == 404:  # outside the read scope: no page links there at all
            assert not allowed(user, "read", tree["C1"]), (persona, url)
            continue
        assert status in (200, 302, 403), (persona, url, status)
        assert allowed(user, right, tree["C1"]) is (status != 403), (persona, right, url, status)


def test_expected_answers(tree, personas):
    """The table behind the test above, spelled out for C1."""
    table = {p: (allowed(personas[p], "manage", tree["C1"]), allowed(personas[p], "record", tree["C1"]))
             for p in PERSONAS if p != "anonymous"}
    assert table == {"admin": (True, True), "staff": (True, False), "designated": (True, True),
                     "secretary": (True, True), "member": (False, False), "other": (False, False),
                     "sibling": (False, False), "rival": (False, False)}
    assert allowed(None, "read", tree["C1"]) is False
