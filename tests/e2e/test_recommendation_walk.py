"""A recommendation sent upward, walked in a phone-sized browser (issue 9 item 2): the secretary
opens the meeting's recording page, goes to its superior-committee page and sends a member's
speech up as a recommendation; the committee's staff find it in their inbox from the start page,
take it in hand and answer it; the member reads the answer on the meeting's page. axe-core (WCAG
2.0/2.1 A and AA) runs on every page visited and finds nothing; no page scrolls sideways."""

import os
from datetime import time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402

from chibo.meetings.models import Attendance, Meeting, Speech  # noqa: E402
from chibo.supervision.models import Recommendation  # noqa: E402
from tests.e2e.test_month_walk import Walk  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANSWER = "Xã đã đưa việc sửa đường liên thôn vào kế hoạch quý tới."


def test_a_recommendation_goes_up_is_answered_and_comes_back(live_server, personas, tree, browser):
    today = timezone.localdate()
    meeting = Meeting.objects.create(ident="C1-E2E-1", organization=tree["C1"], kind="regular", date=today,
                                     status="held", start=time(19, 30), end=time(21, 30), place="Nhà văn hóa",
                                     chair=tree["M1"], secretary=tree["M2"])
    for i, code in enumerate(["M1", "M2", "M3"]):
        Attendance.objects.create(meeting=meeting, member=tree[code], position=i, status="present")
    speech = Speech.objects.create(meeting=meeting, position=0, member=tree["M2"], item="Tình hình thôn",
                                   summary="Đề nghị xã sửa đường liên thôn trước mùa mưa.")
    walks = []

    # --- the secretary sends the speech up from the minutes ---------------------------------------
    secretary = Walk(browser, live_server, "secretary")
    walks.append(secretary)
    secretary.page.goto(secretary.url(f"/sinh-hoat/{meeting.ident}/ghi/"))
    secretary.check()
    secretary.click("#upward-link", f"/sinh-hoat/{meeting.ident}/cap-tren/")
    page = secretary.page
    row = page.locator(f'[data-source="speech-{speech.pk}"]')
    row.locator("summary").click()
    row.get_by_label("Lĩnh vực").select_option("economy")
    secretary.check()  # the open form passes axe-core too
    secretary.click(row.get_by_role("button", name="Gửi kiến nghị"), f"/sinh-hoat/{meeting.ident}/cap-tren/")
    assert page.locator(".messages").inner_text() == "Đã gửi kiến nghị lên cấp ủy cấp trên."
    rec = Recommendation.objects.get()
    assert (rec.committee.code, rec.status, rec.text) == ("G", "received", speech.summary)

    # --- the committee answers it from its inbox --------------------------------------------------
    staff = Walk(browser, live_server, "staff")
    walks.append(staff)
    staff.click("#inbox-link", "/to-chuc/G/kien-nghi/")
    inbox = staff.page.locator("#inbox")
    assert inbox.locator("[data-recommendation]").count() == 1
    assert "Chi bộ thôn Đông" in inbox.inner_text()
    staff.click(inbox.get_by_role("link", name=speech.summary), f"/kien-nghi/{rec.pk}/")
    staff.click("#take", f"/kien-nghi/{rec.pk}/")
    assert staff.page.locator("#recommendation-status").inner_text() == "Đang xử lý"
    staff.page.get_by_label("Nội dung trả lời").fill(ANSWER)
    staff.click("#answer", f"/kien-nghi/{rec.pk}/")
    assert staff.page.locator("#recommendation-status").inner_text() == "Đã trả lời"
    assert staff.page.locator("#steps tbody tr").count() == 3
    rec.refresh_from_db()
    assert (rec.status, rec.answer, rec.answered_by.username) == ("answered", ANSWER, "staff")

    # --- the cell reads the answer on the meeting's page -------------------------------------------
    member = Walk(browser, live_server, "member")
    walks.append(member)
    member.page.goto(member.url(f"/sinh-hoat/{meeting.ident}/"))
    member.check()
    answers = member.page.locator("#meeting-recommendations")
    assert ANSWER in answers.inner_text()
    assert "Đã trả lời" in answers.inner_text()

    problems = [p for w in walks for p in w.problems]
    for w in walks:
        w.close()
    assert problems == []
