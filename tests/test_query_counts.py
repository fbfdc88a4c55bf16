"""List pages run a constant number of queries whatever the data size."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.orgs import services

pytestmark = pytest.mark.django_db


def grow(tree, n):
    """Add n members to C1 and n/5 cells under G, with periods and positions."""
    for i in range(n):
        m = services.member_create(code=f"G{n}-{i}", full_name=f"Nguyễn Văn Số {i}", organization=tree["C1"],
                                   start=date(2021, 1, 1), joined_on=date(2000, 1, 1), official_on=date(2001, 1, 1))
        if i % 3 == 0:
            services.period_add(m, kind="exempt", start=date(2022, 1, 1), end=None)
        if i % 7 == 0:
            services.position_add(m, organization=tree["C1"], title="chi_uy_vien", start=date(2022, 1, 1), end=None)
    for j in range(n // 5):
        services.org_create(code=f"X{n}-{j}", name=f"Chi bộ số {j}", kind="chi_bo", parent=tree["G"])


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


URLS = ["/to-chuc/", "/to-chuc/C1/", "/to-chuc/G/", "/dang-vien/?q=nguyen", "/api/orgs", "/api/orgs/C1/roll",
        "/api/members?q=van", "/to-chuc/C1/sinh-hoat/", "/to-chuc/C1/quy-tac/"]


@pytest.mark.parametrize("persona", ["admin", "staff"])
def test_constant_queries(client, personas, persona):
    client.force_login(personas[persona])
    small = {url: count(client, url) for url in URLS}
    grow(_tree(), 25)
    large = {url: count(client, url) for url in URLS}
    assert large == small


def _tree():
    from chibo.orgs.models import Organization

    return {code: Organization.objects.get(code=code) for code in ("G", "C1")}


# ---------------------------------------------------------------- detail pages, feeds, ballots, API

def grow_meeting(tree, meeting, vote, n):
    """n more members of C1 present at the meeting, each with a speech, a task, a show-of-hands vote,
    a guest and a secret ballot cast; n upcoming meetings of C1 (the feeds) with an open task for M2
    each; n past memberships, periods and positions of M2 (its detail page)."""
    from datetime import time, timedelta

    from chibo.meetings import dates
    from chibo.meetings.ballot import services as ballot
    from chibo.meetings.models import Attendance, Guest, Meeting, Speech, Task, Vote
    from chibo.orgs.models import Membership

    m2, today = tree["M2"], dates.today()
    base = Attendance.objects.filter(meeting=meeting).count()
    for i in range(n):
        member = services.member_create(code=f"D{n}-{i}", full_name=f"Trần Văn Số {i}", organization=tree["C1"],
                                        start=date(2021, 1, 1), joined_on=date(2000, 1, 1),
                                        official_on=date(2001, 1, 1))
        Attendance.objects.create(meeting=meeting, member=member, position=base + i, status="present")
        Speech.objects.create(meeting=meeting, position=i, member=member, item="Thảo luận", summary=f"Ý kiến {i}")
        Task.objects.create(meeting=meeting, position=i, assignee=member, description=f"Nhiệm vụ {i}",
                            due=date(2025, 2, 1))
        Vote.objects.create(meeting=meeting, position=vote.position + 1 + i, kind="resolution",
                            method="show_of_hands", subject=f"Biểu quyết {i}", votes_for=3)
        Guest.objects.create(meeting=meeting, position=i, name=f"Khách {i}", title="Đảng ủy viên")
        ballot.ballot_cast(vote.ballot_box, member, "for")
        later = Meeting.objects.create(ident=f"C1-LATER-{n}-{i}", organization=tree["C1"], kind="regular",
                                       date=today + timedelta(days=7 + i), start=time(19, 30), end=time(21, 0))
        Task.objects.create(meeting=later, position=0, assignee=m2, description=f"Việc {i}",
                            due=today + timedelta(days=30 + i))
        Membership.objects.create(member=m2, organization=tree["C2"], start=date(1990 + i, 1, 1),
                                  end=date(1990 + i, 6, 30))
        services.period_add(m2, kind="away", start=date(2010 + i, 1, 1), end=date(2010 + i, 3, 31))
        services.position_add(m2, organization=tree["C1"], title="chi_uy_vien", start=date(2010 + i, 1, 1),
                              end=date(2010 + i, 12, 31))


# who asks, the page, its queries (session and user included), and a text the larger data adds to it;
# a login with a member record also counts its meeting notices not opened (the top bar, chibo.notices),
# and opening a meeting's page records that its notice was opened; the meeting page reads its superior
# visits and recommendations (2, chibo.supervision), the member feed the member's planned visits (1);
# the verdict takes its rule profile from the cell's record it reads (not read again: 2 fewer)
DETAIL_PAGES = {
    "meeting detail (admin)": ("admin", "/sinh-hoat/C1-2025-01/", 28, "Trần Văn Số 7"),
    "meeting detail (secretary)": ("secretary", "/sinh-hoat/C1-2025-01/", 29, "Ý kiến 7"),
    "meeting detail (member)": ("member", "/sinh-hoat/C1-2025-01/", 29, "Khách 7"),
    # the section "Tài khoản và vai trò" (administrators, committee staff): the login and its roles
    "member detail (admin)": ("admin", "/dang-vien/M2/", 10, "31/12/2017"),
    "member detail (secretary)": ("secretary", "/dang-vien/M2/", 11, "30/06/1997"),
    # the feeds read their cells' rule profiles (2 queries): a meeting without an end lasts its minimum
    "cell feed": (None, "/lich/{cell_feed}.ics", 5, "C1-LATER-8-7"),
    "member feed": (None, "/lich/{member_feed}.ics", 8, "Việc 7"),
    "ballot (voter)": ("member", "/bo-phieu/{vote}/", 17, None),
    "ballot panel": ("secretary", "/bo-phieu/{vote}/dieu-hanh/", 16, "Trần Văn Số 7"),
    "API member (admin)": ("admin", "/api/members/M2", 4, None),
    "API member (secretary)": ("secretary", "/api/members/M2", 6, None),
}


def test_detail_pages_feeds_ballots_and_api_constant_queries(client_for, personas, meeting):
    """Every detail page, feed, ballot page and API detail runs the same exact number of queries
    with 3 attendees and nothing else as with 8 more attendees, speeches, tasks, votes, guests,
    ballots, upcoming meetings and member history rows."""
    from chibo.meetings.ballot import services as ballot
    from chibo.meetings.models import Vote
    from chibo.meetings.planning import services as planning_services
    from chibo.orgs.models import Member, Organization

    tree = {**{o.code: o for o in Organization.objects.all()}, **{m.code: m for m in Member.objects.all()}}
    vote = Vote.objects.create(meeting=meeting, position=0, kind="election", method="secret_ballot",
                               subject="Bầu phó bí thư chi bộ")
    ballot.ballot_open(vote, personas["secretary"])
    vote.refresh_from_db()
    keys = {"vote": vote.pk,
            "cell_feed": planning_services.calendar_token_get(user=personas["secretary"], organization=tree["C1"]).token,
            "member_feed": planning_services.calendar_token_get(user=personas["member"], member=tree["M2"]).token}

    def measure():
        counts, pages = {}, {}
        for label, (who, url, _n, _text) in DETAIL_PAGES.items():
            client = client_for(personas[who] if who else None)
            counts[label] = count(client, url.format(**keys))
            pages[label] = client.get(url.format(**keys)).content.decode()
        return counts, pages

    expected = {label: n for label, (_who, _url, n, _text) in DETAIL_PAGES.items()}
    small, before = measure()
    assert small == expected
    grow_meeting(tree, meeting, vote, 8)
    large, after = measure()
    assert large == expected
    for label, (_who, _url, _n, text) in DETAIL_PAGES.items():
        if text:
            assert text not in before[label] and text in after[label], label
