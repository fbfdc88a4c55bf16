"""A visit to a cell's meeting, walked in a phone-sized browser (issue 9 item 1): the committee's
staff plan that a committee member attends the cell's next meeting (the plan page, its filters);
the member sees it on their page; on the meeting's day the secretary records the visit with the
remarks and guidance; the plan page then counts the cell as visited. axe-core (WCAG 2.0/2.1 A and
AA) on every page visited; no page scrolls sideways."""

import os
from datetime import date, time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402

from chibo.meetings.models import Meeting  # noqa: E402
from chibo.orgs import services as org_services  # noqa: E402
from chibo.orgs.models import Member, Position  # noqa: E402
from chibo.supervision.models import Visit, VisitPlan  # noqa: E402
from tests.e2e.test_month_walk import Walk  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visit_planned_seen_recorded_and_counted(live_server, personas, tree, browser):
    today = timezone.localdate()
    half = 1 if today.month <= 6 else 2
    meeting = Meeting.objects.create(ident="C1-E2E-V", organization=tree["C1"], kind="regular", date=today,
                                     status="notified", start=time(19, 30), place="Nhà văn hóa")
    lan = org_services.member_create(code="S1", full_name="Hoàng Thị Lan", organization=tree["C2"],
                                     start=date(2020, 1, 1), gender="nu", joined_on=date(1997, 1, 1),
                                     official_on=date(1998, 1, 1))
    Member.objects.filter(pk=lan.pk).update(user=personas["staff"])
    Position.objects.create(member=tree["M4"], organization=tree["G"], title="chi_uy_vien", start=date(2020, 1, 1))
    walks = []

    staff = Walk(browser, live_server, "staff")
    walks.append(staff)
    staff.click(staff.page.get_by_role("link", name="Kế hoạch dự sinh hoạt"), "/to-chuc/G/du-sinh-hoat/")
    page = staff.page
    assert page.locator("#covered").inner_text() == "0/2"
    page.locator("#id_cell").select_option(str(tree["C1"].pk))
    page.locator("#id_assignee").select_option(str(lan.pk))
    page.locator("#id_meeting").select_option(str(meeting.pk))
    staff.click(page.get_by_role("button", name="Thêm vào kế hoạch"))
    assert list(VisitPlan.objects.values_list("cell__code", "assignee__code", "half")) == [("C1", "S1", half)]
    page.get_by_label("Người được phân công").select_option("M4")
    staff.click(page.get_by_role("button", name="Xem"))
    assert page.locator("[data-plan]").count() == 0  # M4 has no entry
    page.goto(staff.url("/cua-toi/du-sinh-hoat/"))
    staff.check()
    assert "Chi bộ thôn Đông" in page.locator("#my-visits").inner_text()

    secretary = Walk(browser, live_server, "secretary")
    walks.append(secretary)
    secretary.page.goto(secretary.url(f"/sinh-hoat/{meeting.ident}/"))
    secretary.check()
    secretary.click("#upward-link", f"/sinh-hoat/{meeting.ident}/cap-tren/")
    form = secretary.page.locator("#visit-form")
    form.locator("#id_who").select_option(f"{lan.pk}-{tree['G'].pk}")
    form.locator("#id_remarks").fill("Chuẩn bị chu đáo, nhiều ý kiến.")
    form.locator("#id_guidance").fill("Tập trung giảm nghèo bền vững.")
    secretary.click("#visit-add", f"/sinh-hoat/{meeting.ident}/cap-tren/")
    assert "Hoàng Thị Lan" in secretary.page.locator("#visits").inner_text()
    visit = Visit.objects.get()
    assert (visit.member_id, visit.plan.assignee_id, visit.guidance) == (lan.pk, lan.pk, "Tập trung giảm nghèo bền vững.")

    page.goto(staff.url("/to-chuc/G/du-sinh-hoat/"))
    staff.check()
    assert page.locator("#covered").inner_text() == "1/2"
    assert "Đã dự ngày" in page.locator('[data-cell="C1"]').inner_text()

    problems = [p for w in walks for p in w.problems]
    for w in walks:
        w.close()
    assert problems == []
