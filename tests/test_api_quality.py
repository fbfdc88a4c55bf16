"""The meeting read endpoint carries the HD 42 quality record (issue 14): scorer, groups with their
points, total, grade, status (self, adopted, official), the official grade and who decided it;
null for a meeting judged by HD 12. Same scope as the meeting's page; constant queries."""

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.meetings.models import Attendance, Meeting, QualityRecord
from chibo.meetings.recording import services_quality as q
from chibo.orgs import services as org_services
from tests.test_api_v1 import api, error  # noqa: F401  (fixture)
from tests.test_hd42_documents import scored, today  # noqa: F401  (fixtures: 03/01/2026, total 78, Khá)

pytestmark = pytest.mark.django_db

URL = "/api/v1/meetings/C1-2026-01"

#: Hand-worked in tests/test_hd42_documents.py's `scored`: 4 + 3 + 8 + 30 + 5 + 24 + 4 = 78.
GROUPS = [("time", 5, 4, False), ("attendance", 5, 3, False), ("preparation", 10, 8, True),
          ("organisation", 40, 30, True), ("principles", 5, 5, True), ("results", 30, 24, False),
          ("closing", 5, 4, True)]


def test_the_quality_record_through_its_states(api, personas, tree, scored):  # noqa: F811
    q.quality_scorer_set(scored, tree["M2"])
    body = api("secretary").get(URL).json()["quality"]
    assert [(g["id"], g["max"], g["points"], g["entered"]) for g in body["groups"]] == GROUPS
    assert all(g["scored"] for g in body["groups"])
    assert body["groups"][0]["reason"] == "Thiếu 15 phút so với tối thiểu 90 phút: 4/5 điểm"
    assert {k: v for k, v in body.items() if k != "groups"} == {
        "rubric": "hd42-frame", "rubric_name": body["rubric_name"], "scorer": "M2", "scorer_name": "Trần Thị Bình",
        "total": 78, "grade": "kha", "provisional": False, "status": "self", "official_grade": None,
        "confirmed_by": None, "confirmed_at": None}
    q.quality_adopt(scored, personas["secretary"])
    assert api("member").get(URL).json()["quality"]["status"] == "adopted"
    q.quality_confirm_official(scored, personas["staff"], "tot")
    body = api("staff").get(URL).json()["quality"]
    confirmed_at = QualityRecord.objects.get(meeting=scored).confirmed_at
    assert (body["status"], body["official_grade"], body["grade"], body["total"]) == ("official", "tot", "kha", 78)
    assert body["confirmed_by"] == "staff"  # the login has no member record nor full name: its username
    sent = datetime.fromisoformat(body["confirmed_at"].replace("Z", "+00:00"))
    assert sent == confirmed_at.replace(microsecond=confirmed_at.microsecond // 1000 * 1000)  # to the millisecond


def test_an_unscored_group_is_provisional(api, tree):  # noqa: F811
    Meeting.objects.create(ident="C1-2026-01", organization=tree["C1"], kind="regular", date=date(2026, 1, 3),
                           status="held", start=time(19, 30), end=time(21, 0))
    body = api("secretary").get(URL).json()["quality"]
    assert (body["status"], body["scorer"], body["provisional"]) == (None, None, True)
    assert [(g["id"], g["points"], g["scored"]) for g in body["groups"] if g["entered"]] == [
        ("preparation", 0, False), ("organisation", 0, False), ("principles", 0, False), ("closing", 0, False)]


def test_null_for_a_meeting_judged_by_hd12(api, meeting):  # noqa: F811
    body = api("secretary").get("/api/v1/meetings/C1-2025-01").json()
    assert body["quality"] is None and body["ident"] == "C1-2025-01"


def test_denied_outside_the_scope_and_nothing_changes(api, scored):  # noqa: F811
    before = list(QualityRecord.objects.values())
    for who in ("other", "sibling", "rival"):
        response = api(who).get(URL)
        assert response.status_code == 404 and response.json() == error("Không tìm thấy cuộc họp"), who
    assert list(QualityRecord.objects.values()) == before


def test_constant_queries(api, personas, tree, scored):  # noqa: F811
    q.quality_scorer_set(scored, tree["M2"])
    q.quality_adopt(scored, personas["secretary"])
    q.quality_confirm_official(scored, personas["staff"], "tot")
    caller = api("staff")
    caller.get(URL)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert caller.get(URL).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for i in range(12):
        m = org_services.member_create(code=f"Q{i}", full_name=f"Đảng viên {i}", organization=tree["C1"],
                                       start=date(2021, 1, 1), joined_on=date(2000, 1, 1))
        Attendance.objects.create(meeting=scored, member=m, position=10 + i, status="present")
        Meeting.objects.create(ident=f"C1-2025-{i:02d}x", organization=tree["C1"], kind="regular",
                               date=date(2025, 11, 1 + i), status="held")
    assert count() == small == 30  # the verdict takes its profile from the record it reads
