"""Visits of superior committees to cells' meetings (issue 9 item 1): the committee's plan for a
half-year (filters, add and remove through services), the visit recorded on the meeting (printed
among the minutes' guests, stored once), the coverage and the engine's NO_SUPERIOR_VISIT from
these records, the member's own visits (page, start page, calendar feed); every refusal changes
nothing; constant queries."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from chibo.interchange.db import audit_input
from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.models import Guest, Meeting
from chibo.meetings.planning import services as calendar_services
from chibo.meetings.planning import visits as plan_visits
from chibo.orgs import services as org_services
from chibo.orgs.models import Member, Position
from chibo.rules import engine
from chibo.supervision import selectors, services
from chibo.supervision.models import Visit, VisitPlan
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db

#: The pages and actions whose access this module tests (tests/test_access_orgs.py checks every URL
#: is covered somewhere).
COVERED = ("visit_plan", "visit_plan_remove", "my_visits", "meeting_upward", "visit_add", "visit_remove")

TODAY = date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    from chibo.meetings import dates

    monkeypatch.setattr(dates, "today", lambda: TODAY)


@pytest.fixture
def people(tree, personas):
    """V1: a committee member of G (a position on G); S1: the 'staff' login's member record (G's
    staff); R1: a committee member of G2."""
    mk = org_services.member_create
    v1 = mk(code="V1", full_name="Trần Văn Bình", organization=tree["C2"], start=date(2020, 1, 1), gender="nam",
            joined_on=date(1995, 1, 1), official_on=date(1996, 1, 1))
    s1 = mk(code="S1", full_name="Hoàng Thị Lan", organization=tree["C2"], start=date(2020, 1, 1), gender="nu",
            joined_on=date(1997, 1, 1), official_on=date(1998, 1, 1))
    r1 = mk(code="R1", full_name="Vũ Văn Khải", organization=tree["C3"], start=date(2020, 1, 1), gender="nam",
            joined_on=date(1997, 1, 1), official_on=date(1998, 1, 1))
    Position.objects.create(member=v1, organization=tree["G"], title="pho_bi_thu", start=date(2020, 1, 1))
    Position.objects.create(member=r1, organization=tree["G2"], title="bi_thu", start=date(2020, 1, 1))
    Member.objects.filter(pk=s1.pk).update(user=personas["staff"])
    s1.refresh_from_db()
    return {"V1": v1, "S1": s1, "R1": r1}


@pytest.fixture
def feb(tree):
    return Meeting.objects.create(ident="C1-2025-02", organization=tree["C1"], kind="regular", date=date(2025, 2, 3),
                                  status="held", start=time(19, 30), end=time(21, 30), place="Nhà văn hóa")


def test_committee_members_are_positions_and_staff(tree, people):
    assert [m.code for m in selectors.committee_members(tree["G"], TODAY)] == ["V1", "S1"]  # by given name
    assert [m.code for m in selectors.committee_members(tree["G2"], TODAY)] == ["R1"]


def test_plan_add_and_remove(tree, people, feb, personas):
    plan = services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=people["V1"], year=2025, half=1,
                                   meeting=feb, note="Dự cùng Ban Tuyên giáo", user=personas["staff"])
    assert (plan.committee.code, plan.cell.code, plan.assignee.code, plan.meeting_id) == ("G", "C1", "V1", feb.pk)
    open_plan = services.visit_plan_add(tree["G"], cell=tree["C2"], assignee=people["S1"], year=2025, half=1)
    before = snapshot()
    for kwargs, message in [
        ({"cell": tree["C3"], "assignee": people["V1"]}, "không thuộc cấp ủy"),
        ({"cell": tree["C1"], "assignee": people["R1"]}, "không phải cán bộ"),
        ({"cell": tree["C1"], "assignee": people["V1"], "meeting": feb}, "đã được phân công"),
        ({"cell": tree["C2"], "assignee": people["S1"]}, "đã được phân công"),
        ({"cell": tree["C2"], "assignee": people["V1"], "meeting": feb}, "không phải của chi bộ"),
        ({"cell": tree["C1"], "assignee": people["V1"], "half": 2, "meeting": feb}, "không thuộc 6 tháng"),
    ]:
        with pytest.raises(ValidationError, match=message):
            services.visit_plan_add(tree["G"], **{"year": 2025, "half": 1, **kwargs})
    with pytest.raises(ValidationError, match="không thuộc kế hoạch"):
        services.visit_plan_remove(open_plan, tree["G2"])
    assert snapshot() == before
    services.visit_plan_remove(open_plan, tree["G"])
    assert list(VisitPlan.objects.values_list("pk", flat=True)) == [plan.pk]


def test_visit_recorded_on_the_meeting_fulfils_the_plan(tree, people, feb, personas):
    plan = services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=people["V1"], year=2025, half=1)
    visit = services.visit_record(feb, committee=tree["G"], member=people["V1"], remarks="Chuẩn bị chu đáo.",
                                  guidance="Tập trung giảm nghèo.", user=personas["secretary"], today=TODAY)
    assert (visit.organization.code, visit.date, visit.visitor, visit.committee, visit.plan_id, visit.meeting_id) == (
        "C1", date(2025, 2, 3), "Trần Văn Bình", "Đảng bộ xã Tân Thành", plan.pk, feb.pk)
    assert visit.recorded_by == personas["secretary"]
    before = snapshot()
    with pytest.raises(ValidationError, match="Đã ghi nhận"):
        services.visit_record(feb, committee=tree["G"], member=people["V1"], today=TODAY)
    with pytest.raises(ValidationError, match="không phải cấp ủy cấp trên"):
        services.visit_record(feb, committee=tree["G2"], member=people["R1"], today=TODAY)
    with pytest.raises(ValidationError, match="không phải cán bộ"):
        services.visit_record(feb, committee=tree["G"], member=people["R1"], today=TODAY)
    with pytest.raises(ValidationError, match="chưa diễn ra"):
        services.visit_record(feb, committee=tree["G"], member=people["S1"], today=date(2025, 2, 2))
    with pytest.raises(ValidationError, match="Đã ghi nhận lượt dự"):
        services.visit_plan_remove(plan, tree["G"])
    assert snapshot() == before
    Meeting.objects.filter(pk=feb.pk).update(status="finalized", finalized_at=timezone.now())
    feb.refresh_from_db()
    before = snapshot()
    with pytest.raises(ValidationError, match="chưa hoàn tất"):
        services.visit_record(feb, committee=tree["G"], member=people["S1"], today=TODAY)
    with pytest.raises(ValidationError, match="hoàn tất"):
        services.visit_remove(visit, feb)
    assert snapshot() == before


def test_the_minutes_print_the_visitor_among_the_guests_once(tree, people, feb):
    Guest.objects.create(meeting=feb, name="Nguyễn Thị Hoa", title="Bí thư Đoàn xã")
    services.visit_record(feb, committee=tree["G"], member=people["V1"], today=TODAY)
    data = docs_adapter.minutes_data(feb)
    assert [(g.name, g.title, g.organization) for g in data.guests] == [
        ("Nguyễn Thị Hoa", "Bí thư Đoàn xã", None),
        ("Trần Văn Bình", "đại diện cấp ủy cấp trên dự sinh hoạt", "Đảng bộ xã Tân Thành")]
    assert Guest.objects.filter(meeting=feb).count() == 1  # the visit is not stored again as a guest


def _no_visit(org, first, last):
    result = engine.audit(audit_input(org, first, last), first, last, last)
    return sorted((f["organization"], f["period"]) for f in result["findings"] if f["code"] == "NO_SUPERIOR_VISIT")


def test_the_engine_finding_comes_from_the_recorded_visits(tree, people, feb):
    first, last = date(2025, 1, 1), date(2025, 6, 30)
    assert _no_visit(tree["G"], first, last) == [("C1", "2025-H1"), ("C2", "2025-H1")]
    services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=people["V1"], year=2025, half=1, meeting=feb)
    assert _no_visit(tree["G"], first, last) == [("C1", "2025-H1"), ("C2", "2025-H1")]  # a plan is not a visit
    services.visit_record(feb, committee=tree["G"], member=people["V1"], today=TODAY)
    assert _no_visit(tree["G"], first, last) == [("C2", "2025-H1")]
    page = plan_visits.plan_page(tree["G"], 2025, 1, today=TODAY)
    assert [(r["cell"].code, r["visits"], r["minimum"], r["short"]) for r in page["rows"]] == [
        ("C1", 1, 1, False), ("C2", 0, 1, True)]
    assert ([c.code for c in page["cells_short"]], [c.code for c in page["cells_unvisited"]]) == (["C2"], ["C2"])
    assert [m.code for m in page["members_not_visited"]] == ["S1"]
    assert (page["covered"], page["total"]) == (1, 2)


def test_plan_page_filters_and_add(client_for, personas, tree, people, feb):
    client = client_for(personas["staff"])
    services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=people["V1"], year=2025, half=1)
    services.visit_plan_add(tree["G"], cell=tree["C2"], assignee=people["S1"], year=2025, half=1)
    url = reverse("visit_plan", args=["G"])
    page = client.get(url + "?nam=2025&ky=1").content.decode()
    assert page.count("data-plan=") == 2
    page = client.get(url + "?nam=2025&ky=1&nguoi=V1").content.decode()
    assert page.count("data-plan=") == 1 and 'data-cell="C2"' not in page
    assert client.get(url + "?nam=2025&ky=1&loai=chi_bo_co_so").content.decode().count("data-cell=") == 0
    assert client.get(url + "?nguoi=R1").status_code == 400
    assert client.get(url + "?loai=dang_bo").status_code == 400
    response = client.post(url + "?nam=2025&ky=1", {"cell": tree["C1"].pk, "assignee": people["S1"].pk,
                                                    "meeting": feb.pk, "note": ""})
    assert response.status_code == 302
    assert VisitPlan.objects.filter(assignee=people["S1"], meeting=feb).count() == 1
    bad = client.post(url + "?nam=2025&ky=1", {"cell": tree["C1"].pk, "assignee": "", "note": "Giữ ghi chú"})
    assert bad.status_code == 400
    assert "Giữ ghi chú" in bad.content.decode() and "Trường này bắt buộc." in bad.content.decode()


#: session, user, the scope: 1 query (roles, member id, current cells), the top bar, the committee, then
#: the page (cells, members, entries, visits, profiles (2), meetings)
QUERIES_PLAN = 12


def test_plan_page_constant_queries(client_for, personas, tree, people, feb, django_assert_num_queries):
    client = client_for(personas["staff"])
    services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=people["V1"], year=2025, half=1, meeting=feb)
    url = reverse("visit_plan", args=["G"]) + "?nam=2025&ky=1"
    client.get(url)
    with django_assert_num_queries(QUERIES_PLAN):
        assert client.get(url).status_code == 200
    for i in range(4):
        cell = org_services.org_create(code=f"CX{i}", name=f"Chi bộ thêm {i}", kind="chi_bo", parent=tree["G"])
        m = Meeting.objects.create(ident=f"CX{i}-2025-02", organization=cell, kind="regular", date=date(2025, 2, 5),
                                   status="held")
        services.visit_plan_add(tree["G"], cell=cell, assignee=people["S1"], year=2025, half=1, meeting=m)
        services.visit_record(m, committee=tree["G"], member=people["S1"], today=TODAY)
    with django_assert_num_queries(QUERIES_PLAN):
        page = client.get(url).content.decode()
    assert page.count("data-plan=") == 5 and page.count("Đã dự ngày") == 4


@pytest.mark.parametrize(("persona", "status"), [
    ("admin", 200), ("staff", 200), ("designated", 200), ("secretary", 404), ("member", 404), ("other", 404),
    ("sibling", 404), ("rival", 404), ("anonymous", 302)])
def test_plan_page_access(client_for, personas, tree, people, feb, persona, status):
    plan = services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=people["V1"], year=2025, half=1)
    client = client_for(personas[persona])
    before = snapshot()
    url = reverse("visit_plan", args=["G"])
    assert client.get(url).status_code == status
    if status != 200:
        response = client.post(url, {"cell": tree["C1"].pk, "assignee": people["S1"].pk, "note": ""})
        assert response.status_code == status
        assert client.post(reverse("visit_plan_remove", args=["G", plan.pk])).status_code == status
        assert snapshot() == before
    assert client.get(reverse("visit_plan", args=["C1"])).status_code in (302, 403, 404)
    if persona == "rival":  # its own committee's page shows none of G's plan
        assert client.get(reverse("visit_plan", args=["G2"])).content.decode().count("data-plan=") == 0


@pytest.mark.parametrize(("persona", "ok"), [
    ("admin", True), ("staff", True), ("designated", True), ("secretary", True), ("member", False),
    ("other", False), ("sibling", False), ("rival", False), ("anonymous", False)])
def test_recording_a_visit_on_the_meeting_page(client_for, personas, tree, people, feb, persona, ok):
    client = client_for(personas[persona])
    before = snapshot()
    url = reverse("meeting_upward", args=[feb.ident])
    response = client.post(reverse("visit_add", args=[feb.ident]),
                           {"who": f"{people['V1'].pk}-{tree['G'].pk}", "remarks": "Tốt", "guidance": "Giữ vững"})
    if ok:
        assert response.status_code == 302
        assert client.get(url).status_code == 200
        visit = Visit.objects.get()
        assert (visit.member, visit.committee_org, visit.remarks, visit.guidance) == (
            people["V1"], tree["G"], "Tốt", "Giữ vững")
        page = client.get(reverse("meeting_detail", args=[feb.ident])).content.decode()
        assert "Trần Văn Bình (Đảng bộ xã Tân Thành)" in page
    else:
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert "/dang-nhap/" in response["Location"]
        assert client.get(url).status_code in (302, 403, 404)
        assert snapshot() == before


def test_a_member_cannot_remove_a_visit(client_for, personas, tree, people, feb):
    visit = services.visit_record(feb, committee=tree["G"], member=people["V1"], today=TODAY)
    for persona in ("member", "other", "rival", "sibling"):
        client = client_for(personas[persona])
        before = snapshot()
        response = client.post(reverse("visit_remove", args=[feb.ident, visit.pk]))
        assert response.status_code in (403, 404)
        assert snapshot() == before
    assert client_for(personas["secretary"]).post(reverse("visit_remove", args=[feb.ident, visit.pk])).status_code == 302
    assert not Visit.objects.exists()


def test_the_member_sees_their_visits_on_their_pages_and_calendar(client_for, personas, tree, people, feb,
                                                                 django_assert_num_queries):
    services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=people["S1"], year=2025, half=1, meeting=feb)
    client = client_for(personas["staff"])
    page = client.get(reverse("my_visits")).content.decode()
    assert page.count("data-plan=") == 1 and "Chi bộ thôn Đông" in page and "03/02/2025 lúc 19:30" in page
    start = client.get(reverse("home")).content.decode()
    assert 'id="du-sinh-hoat"' in start and "Chi bộ thôn Đông" in start
    token = calendar_services.calendar_token_get(user=personas["staff"], member=people["S1"])
    feed = client_for(None).get(reverse("ical_feed", args=[token.token])).content.decode()
    assert "UID:visit-plan-" in feed and "SUMMARY:Dự sinh hoạt Chi bộ thôn Đông" in feed
    assert "DTSTART;TZID=Asia/Ho_Chi_Minh:20250203T193000" in feed
    # nobody else's visits: the 'other' login (M4) has none
    assert client_for(personas["other"]).get(reverse("my_visits")).content.decode().count("data-plan=") == 0
    client = client_for(personas["staff"])
    client.get(reverse("my_visits"))
    with django_assert_num_queries(QUERIES_MY_VISITS):
        client.get(reverse("my_visits"))
    for i in range(3):
        cell = org_services.org_create(code=f"CY{i}", name=f"Chi bộ mới {i}", kind="chi_bo", parent=tree["G"])
        services.visit_plan_add(tree["G"], cell=cell, assignee=people["S1"], year=2025, half=1)
    with django_assert_num_queries(QUERIES_MY_VISITS):
        assert client.get(reverse("my_visits")).content.decode().count("data-plan=") == 4


#: session, user, the scope: 1 query (roles, member id, current cells), the top bar, the plans; the "read"
#: checks of the links come from the scope
QUERIES_MY_VISITS = 5


def test_the_frozen_minutes_keep_the_visitor(tree, people, meeting):
    """Finalizing freezes the minutes with the visitor among the guests (the snapshot), and the
    visit can no longer be removed."""
    from chibo.meetings.models import Speech
    from chibo.meetings.recording import services as recording

    visit = services.visit_record(meeting, committee=tree["G"], member=people["V1"], guidance="Chỉ đạo",
                                  today=TODAY)
    Speech.objects.create(meeting=meeting, position=0, member=tree["M1"], summary="Báo cáo tình hình.")
    Meeting.objects.filter(pk=meeting.pk).update(conclusion="Kết luận.")
    meeting.refresh_from_db()
    recording.meeting_finalize(meeting, None)
    meeting.refresh_from_db()
    assert meeting.status == "finalized"
    Visit.objects.filter(pk=visit.pk).update(visitor="Tên sửa sau")  # the frozen minutes do not follow
    assert [(g.name, g.organization) for g in docs_adapter.minutes_data(meeting).guests] == [
        ("Trần Văn Bình", "Đảng bộ xã Tân Thành")]
    with pytest.raises(ValidationError, match="hoàn tất"):
        services.visit_remove(visit, meeting)


@pytest.mark.parametrize(("persona", "status"), [("admin", 404), ("anonymous", 302), ("member", 200)])
def test_my_visits_needs_a_member_record(client_for, personas, persona, status):
    response = client_for(personas[persona]).get(reverse("my_visits"))
    assert response.status_code == status
    if status == 302:
        assert "/dang-nhap/" in response["Location"]


def test_plan_remove_through_the_page(client_for, personas, tree, people, feb):
    client = client_for(personas["staff"])
    open_plan = services.visit_plan_add(tree["G"], cell=tree["C2"], assignee=people["V1"], year=2025, half=1)
    done = services.visit_plan_add(tree["G"], cell=tree["C1"], assignee=people["V1"], year=2025, half=1, meeting=feb)
    services.visit_record(feb, committee=tree["G"], member=people["V1"], today=TODAY)
    response = client.post(reverse("visit_plan_remove", args=["G", open_plan.pk]))
    assert response.status_code == 302 and response["Location"].endswith("?nam=2025&ky=1")
    before = snapshot()
    page = client.post(reverse("visit_plan_remove", args=["G", done.pk]), follow=True).content.decode()
    assert "Đã ghi nhận lượt dự sinh hoạt này: không thể xóa khỏi kế hoạch." in page
    assert snapshot() == before
    assert list(VisitPlan.objects.values_list("pk", flat=True)) == [done.pk]
    # a plan of another committee is not found through this one
    rival = services.visit_plan_add(tree["G2"], cell=tree["C3"], assignee=people["R1"], year=2025, half=1)
    assert client_for(personas["admin"]).post(reverse("visit_plan_remove", args=["G", rival.pk])).status_code == 404
