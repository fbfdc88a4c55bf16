"""A cell's year read by the queries compiled once (facts.cell_year with a meeting, chibo.prepared)
is exactly the record `subtree_record` reads with querysets built each time: for every meeting of
a generated province, of every status, on SQLite and PostgreSQL."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.interchange.generate import generate_province
from chibo.meetings import facts
from chibo.meetings.models import Meeting
from chibo.orgs import services
from chibo.orgs.models import MemberPeriod, Organization
from chibo.supervision.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    generate_province(members=150, cells=6, seed=7, months=12, year=2025, version=1)
    cell = Organization.objects.filter(kind="chi_bo").order_by("code").first()
    # A party group (tổ đảng) inside the cell: the cell's subtree; a member moved out in June.
    services.org_create(code=f"{cell.code}-T1", name="Tổ đảng số 1", kind="to_dang", parent=cell)
    member = cell.memberships.filter(end__isnull=True).order_by("member__code").first().member
    other = Organization.objects.filter(kind="chi_bo").exclude(pk=cell.pk).order_by("code").first()
    services.member_transfer(member, to=other, on=date(2025, 6, 1))
    MemberPeriod.objects.create(member=member, kind="away", start=date(2025, 7, 1), end=date(2025, 8, 31),
                                reason="Đi học")
    Visit.objects.create(organization=cell, date=date(2025, 5, 3), visitor="Đồng chí Thăm", committee="G")
    Meeting.objects.create(ident=f"{cell.code}-2025-03-X", organization=cell, kind="regular", status="cancelled", cancel_reason="Bão",
                           date=date(2025, 3, 25))
    Meeting.objects.create(ident=f"{cell.code}-2025-12-X", organization=cell, kind="regular", status="planned",
                           date=date(2025, 12, 20))
    return cell


def test_every_meeting_reads_the_same_record_as_the_querysets(province):
    meetings = list(Meeting.objects.select_related("organization").order_by("ident"))
    statuses = {m.status for m in meetings}
    assert {"cancelled", "planned", "finalized"} <= statuses
    parts = {"guests": 0, "speeches": 0, "votes": 0, "tasks": 0, "visits": 0, "away": 0}
    for meeting in meetings:
        cell = meeting.organization
        with CaptureQueriesContext(connection) as ctx:
            got = facts.cell_year(cell, meeting.date, include=meeting.ident)
        assert len(ctx.captured_queries) == 13, meeting.ident
        expected = facts.subtree_record(cell, date(meeting.date.year, 1, 1), meeting.date, meeting.ident)
        assert got == expected, meeting.ident
        for m in got["meetings"]:
            for part in ("guests", "speeches", "votes", "tasks"):
                parts[part] += len(m[part])
        parts["visits"] += len(got["visits"])
        parts["away"] += sum(len(m["away"]) for m in got["members"])
    assert all(parts.values()), parts  # every part of the record was compared, not only empty lists
    cell_bundle = facts.cell_year(province, date(2025, 12, 20), include=f"{province.code}-2025-12-X")
    assert [o["kind"] for o in cell_bundle["organizations"]] == [province.kind, "to_dang"]
    assert cell_bundle["meetings"][-1]["id"] == f"{province.code}-2025-12-X"  # judged as it stands
    cancelled = Meeting.objects.get(organization=province, status="cancelled")
    assert cancelled.ident not in {m["id"] for m in facts.cell_year(province, date(2025, 12, 31),
                                                                      include=cancelled.ident)["meetings"]}
