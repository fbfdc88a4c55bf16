"""Every API endpoint runs the same exact number of queries with the small tree as with many more
organisations, members, periods, positions, meetings and minutes rows (the token's lookup, its
last use and the caller's scope included)."""

import json
import uuid
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.api import services as token_services
from chibo.api.models import ApiToken
from chibo.meetings.models import Attendance, Guest, Meeting, Speech, Task, Vote
from chibo.orgs import services
from chibo.orgs.models import Organization
from chibo.results.services import refresh_roots

pytestmark = pytest.mark.django_db

PERIOD = "date_from=2025-01-01&date_to=2025-12-31"

#: label: (persona, method, url, body, status, queries)
ENDPOINTS = {
    "orgs": ("staff", "get", "/api/v1/orgs?limit=200", None, 200, 5),
    "org": ("staff", "get", "/api/v1/orgs/C1", None, 200, 4),
    "org members": ("staff", "get", "/api/v1/orgs/G/members?limit=200", None, 200, 7),
    "member (profile)": ("secretary", "get", "/api/v1/members/M2", None, 200, 9),
    "member (card)": ("member", "get", "/api/v1/members/M1", None, 200, 6),
    "org meetings": ("staff", "get", "/api/v1/orgs/G/meetings?limit=200", None, 200, 6),
    "meeting": ("secretary", "get", "/api/v1/meetings/C1-2025-01", None, 200, 12),  # + the rule profile (HD 12?)
    # the stored audit is version 2's: +4 for the fees of whole years read back as stored (the slices'
    # as-of days, a member on a roll outside G, the stored fee findings, the slices' monthly totals)
    "audit": ("staff", "get", f"/api/v1/orgs/G/audit?{PERIOD}", None, 200, 15),
    "dashboard": ("staff", "get", f"/api/v1/orgs/G/dashboard?{PERIOD}", None, 200, 11),
    "bundle": ("staff", "get", "/api/v1/orgs/G/bundle", None, 200, 18),
    "first: orgs": ("staff", "get", "/api/orgs", None, 200, 4),
    "first: member": ("secretary", "get", "/api/members/M2", None, 200, 6),
    "attendance": ("secretary", "put", "/api/v1/meetings/C1-2025-01/attendance/M3",
                   {"status": "absent_excused", "reason": "Ốm"}, 200, 13),
    "speech": ("secretary", "put", "/api/v1/meetings/C1-2025-01/speeches/0", {"member": "M2", "summary": "Đồng ý"},
               200, 17),
    "vote": ("secretary", "put", "/api/v1/meetings/C1-2025-01/votes/0",
             {"kind": "resolution", "method": "show_of_hands", "votes_for": 2}, 200, 12),
    "task": ("secretary", "put", "/api/v1/meetings/C1-2025-01/tasks/0", {"description": "Sửa đường", "assignee": "M1"},
             200, 16),
    "guest": ("secretary", "put", "/api/v1/meetings/C1-2025-01/guests/0", {"name": "Khách"}, 200, 11),
    "speech by key": ("secretary", "post", "/api/v1/meetings/C1-2025-01/speeches",
                      {"key": "{uuid}", "member": "M2", "summary": "Đồng ý"}, 200, 18),
    "header": ("secretary", "put", "/api/v1/meetings/C1-2025-01/header/place", {"value": "Nhà {day}"}, 200, 9),
    "meeting create": ("secretary", "post", "/api/v1/orgs/C1/meetings", {"date": "{day}", "place": "Nhà"}, 201, 24),
    "task delete": ("secretary", "delete", "/api/v1/meetings/C1-2025-01/tasks/0", None, 200, 14),
    "member period": ("secretary", "post", "/api/v1/members/M2/periods", {"kind": "away", "start": "{day}", "end": "{end}"}, 201, 14),
    "member update": ("secretary", "put", "/api/v1/members/M2", {"full_name": "Trần Thị Bình", "address": "Thôn {day}"},
                      200, 18),
}


def grow(tree, meeting, n):
    """n more members of C1 (each present, with a speech, a vote, a task, a guest, a period and a
    position), n more cells under G with a meeting each, n past periods of M2."""
    for i in range(n):
        member = services.member_create(code=f"Q{i}", full_name=f"Trần Văn Số {i}", organization=tree["C1"],
                                        start=date(2021, 1, 1), joined_on=date(2000, 1, 1))
        services.period_add(member, kind="exempt", start=date(2022, 1, 1), end=None)
        services.position_add(member, organization=tree["C1"], title="chi_uy_vien", start=date(2022, 1, 1), end=None)
        Attendance.objects.create(meeting=meeting, member=member, position=3 + i, status="present")
        Speech.objects.create(meeting=meeting, position=1 + i, member=member, summary=f"Ý kiến {i}")
        Vote.objects.create(meeting=meeting, position=1 + i, kind="resolution", method="show_of_hands", votes_for=3)
        Task.objects.create(meeting=meeting, position=1 + i, assignee=member, description=f"Việc {i}")
        if i < 8:  # at most 10 guests a meeting
            Guest.objects.create(meeting=meeting, position=1 + i, name=f"Khách {i}")
        cell = services.org_create(code=f"X{i}", name=f"Chi bộ số {i}", kind="chi_bo", parent=tree["G"])
        Meeting.objects.create(ident=f"X{i}-2025-01", organization=cell, kind="regular", date=date(2025, 1, 5 + i % 20),
                               status="held")
        services.period_add(tree["M2"], kind="away", start=date(2000 + i, 1, 1), end=date(2000 + i, 2, 1))
    refresh_roots(["P"], as_of=date(2025, 12, 31))


def prepare(label, meeting, tree):
    """The same starting point for each write in both rounds: a new row, or one to change."""
    Attendance.objects.filter(meeting=meeting, member=tree["M3"]).update(status="present", reason="")
    Speech.objects.filter(meeting=meeting, position=0).delete()
    Vote.objects.filter(meeting=meeting, position=0).delete()
    Task.objects.filter(meeting=meeting, position=0).delete()
    Guest.objects.filter(meeting=meeting, position=0).delete()
    if label == "task delete":
        Task.objects.create(meeting=meeting, position=0, description="Việc cũ")


def test_every_endpoint_constant_queries(client, personas, tree, meeting):
    secrets = {who: token_services.token_create(personas[who], "đếm")[1] for who in ("staff", "secretary", "member")}
    refresh_roots(["P"], as_of=date(2025, 12, 31))
    days = iter(date(2030, 1, 1) + timedelta(days=60 * i) for i in range(100))

    def measure():
        counts = {}
        for label, (who, method, url, body, status, _n) in ENDPOINTS.items():
            # The token's last use is noted at most once a minute: make every call note it.
            ApiToken.objects.update(last_used_at=None)
            prepare(label, meeting, tree)
            kwargs = {"HTTP_AUTHORIZATION": f"Bearer {secrets[who]}"}
            if body is not None:
                day = next(days)
                text = json.dumps(body).replace("{day}", day.isoformat()).replace(
                    "{end}", (day + timedelta(days=10)).isoformat()).replace("{uuid}", str(uuid.uuid4()))
                kwargs.update(data=text, content_type="application/json")
            with CaptureQueriesContext(connection) as ctx:
                response = getattr(client, method)(url, **kwargs)
            assert response.status_code == status, (label, response.content)
            counts[label] = len(ctx.captured_queries)
        return counts

    measure()  # once first: the caches a process fills once (content types) are full in both rounds
    small = measure()
    grow(tree, meeting, 12)
    Organization.objects.get(code="C1")  # the tree is still there
    large = measure()
    assert large == small
    assert small == {label: spec[5] for label, spec in ENDPOINTS.items()}
