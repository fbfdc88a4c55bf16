"""The start page in a browser on a phone: a member logs in, lands on it and sends an absence
reason with one tap; the secretary logs in, sees it among the absence reasons received, and
switches to their member role. Nothing is refused by the Content-Security-Policy."""

import os
from datetime import timedelta

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402

from chibo.meetings.models import AbsenceNotice  # noqa: E402
from chibo.meetings.planning import services as planning_services  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.e2e.test_csp_browser import _watch  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit], input[type=submit]")
    page.wait_for_load_state()


def test_a_member_sends_an_absence_from_the_start_page_and_the_secretary_sees_it(live_server, personas, tree, phone):
    day = timezone.localdate() + timedelta(days=10)
    meeting = planning_services.meeting_create(tree["C1"], kind="regular", date=day, place="Nhà văn hóa thôn Đông")
    page = phone.new_page()
    problems = _watch(page)
    login(page, live_server, "member")
    assert page.url == f"{live_server.url}/"
    assert page.locator("#next-meeting").get_attribute("data-ident") == meeting.ident
    page.get_by_label("Tôi sẽ vắng, vì…").fill("Đi công tác tỉnh")
    page.get_by_role("button", name="Gửi báo vắng").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/"
    assert page.locator(".messages").inner_text() == f"Đã gửi báo vắng cuộc họp ngày {day:%d/%m/%Y}."
    assert "Đã báo vắng: Đi công tác tỉnh" in page.locator("#next-meeting").inner_text()
    assert list(AbsenceNotice.objects.values_list("member__code", "reason")) == [("M2", "Đi công tác tỉnh")]
    assert problems == []

    secretary = phone.new_page()
    problems = _watch(secretary)
    login(secretary, live_server, "secretary")
    assert secretary.locator("#absences").inner_text() == "Trần Thị Bình: Đi công tác tỉnh"
    secretary.click("#topbar-menu > summary")  # on a phone the role switch is in the top bar's menu
    secretary.click("#role-switch")
    secretary.get_by_role("button", name="Đảng viên · Chi bộ thôn Đông").click()
    secretary.wait_for_load_state()
    assert secretary.url == f"{live_server.url}/"
    secretary.click("#topbar-menu > summary")
    assert "(Đảng viên · Chi bộ thôn Đông)" in secretary.locator("#whoami").inner_text()
    assert secretary.locator("#absence-form").count() == 1  # the secretary's own absence, as a member
    assert problems == []
