"""A month's work, each role on a phone-sized browser (390x844), as the quality bar of issue 13
asks: the committee publishes the month's orientation; the secretary starts from the start page,
prepares (takes the orientation up into the agenda), notifies (the member without an e-mail
address gets the printed notice), tries to finalize before the meeting's day (refused, saying
why), records on the day (a speech by a member marked absent is refused and shown refused),
finalizes after the findings and a confirmation, and prints the minutes; a member reads the
notice, sends an absence reason and, after the meeting, marks their task done; the committee sees
the cell's uptake of the orientation and the finished meeting. axe-core (WCAG 2.0/2.1 A and AA)
runs on every page visited and finds nothing; no page scrolls sideways.

Today's date is the app's (`chibo.meetings.dates.today`, patched: the live server runs in this
process; and Django's `timezone.localdate`, which a few services still read); the meeting is ten days after the real today, so the orientation's month (which the
committee's form pre-fills from the real date) is the meeting's."""

import os
from datetime import timedelta

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone  # noqa: E402

from chibo.meetings import dates  # noqa: E402
from chibo.meetings.models import AbsenceNotice, AgendaItem, Attendance, Meeting, Speech, Task  # noqa: E402
from chibo.meetings.planning import services as planning_services  # noqa: E402
from chibo.notices.models import NoticeDelivery  # noqa: E402
from chibo.orgs.models import Member  # noqa: E402
from chibo.supervision.models import Orientation, OrientationUptake  # noqa: E402
from tests.conftest import PASSWORD  # noqa: E402
from tests.e2e.test_accessibility import AXE, AXE_RUN, SCROLLS_SIDEWAYS, TAGS  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

VIEWPORT = {"width": 390, "height": 844}
TOPIC = "Quán triệt Nghị quyết về chuyển đổi số"


class Walk:
    """Pages of one person: every page it lands on is checked with axe-core and for sideways
    scrolling; what is found is collected and asserted empty at the end."""

    def __init__(self, browser, live_server, username):
        self.live_server = live_server
        self.context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1, is_mobile=True, has_touch=True,
                                           locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", accept_downloads=True)
        self.context.set_default_timeout(20000)
        self.context.add_init_script(path=str(AXE))
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.page.goto(f"{live_server.url}/dang-nhap/")
        self.check()
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{live_server.url}/")
        self.check()

    def url(self, path: str) -> str:
        return f"{self.live_server.url}{path}"

    def check(self) -> None:
        page = self.page
        page.wait_for_load_state()
        path = page.url.removeprefix(self.live_server.url)
        self.visited.append(path.split("?")[0])
        self.problems += [f"{path}: {v['id']} ({v['impact']}) {v['nodes'][:3]}" for v in page.evaluate(AXE_RUN, TAGS)]
        if page.evaluate(SCROLLS_SIDEWAYS):
            self.problems.append(f"{path}: scrolls sideways")

    def click(self, selector_or_locator, url_path: str | None = None) -> None:
        """Click and wait for the page it leads to (`url_path`, or any), then check it."""
        target = self.page.locator(selector_or_locator) if isinstance(selector_or_locator, str) else selector_or_locator
        with self.page.expect_navigation():
            target.click()
        if url_path is not None:
            self.page.wait_for_url(self.url(url_path))
        self.check()

    def close(self):
        self.context.close()


def wait_saved(page, ident):
    page.wait_for_function(
        "(ident) => document.getElementById('save-state').textContent === 'Đã lưu'"
        " && (localStorage.getItem('chibo-record:' + ident) || '[]') === '[]'"
        " && !document.getElementById('panel').hasAttribute('aria-busy')", arg=ident)


def test_a_month_of_work_on_a_phone(live_server, personas, tree, browser, monkeypatch):
    real_today = timezone.localdate()
    clock = {"today": real_today}
    monkeypatch.setattr(dates, "today", lambda: clock["today"])
    # Some services still read Django's local date (the roll's "held" move, meeting_mark_held): the
    # same clock for them.
    localdate = timezone.localdate
    monkeypatch.setattr(timezone, "localdate",
                        lambda value=None, tz=None: clock["today"] if value is None else localdate(value, tz))
    day = real_today + timedelta(days=10)
    cell = tree["C1"]  # M1 (the secretary's member record), M2 (the member), M3 (no e-mail address)
    Member.objects.filter(code="M1").update(email="an@thondong.example")
    Member.objects.filter(code="M2").update(email="binh@thondong.example")
    meeting = planning_services.meeting_create(cell, kind="regular", date=day, place="Nhà văn hóa thôn Đông")
    ident = meeting.ident
    walks = []

    # --- the committee publishes the month's orientation ----------------------------------------------
    committee = Walk(browser, live_server, "staff")
    walks.append(committee)
    committee.click(committee.page.get_by_role("link", name="Định hướng sinh hoạt"), "/to-chuc/G/dinh-huong/")
    page = committee.page
    page.fill("#id_month", str(day.month))
    page.fill("#id_year", str(day.year))
    page.fill("#id_title", TOPIC)
    page.fill("#id_content", "Các chi bộ quán triệt, thảo luận việc ứng dụng công nghệ trong sinh hoạt.")
    committee.click(page.get_by_role("button", name="Ban hành"))
    orientation = Orientation.objects.get()
    assert page.url == committee.url(f"/dinh-huong/{orientation.pk}/")
    assert page.locator("#uptake-count").text_content() == "0/2"

    # --- the secretary starts from the start page and prepares -----------------------------------------
    secretary = Walk(browser, live_server, "secretary")
    walks.append(secretary)
    page = secretary.page
    assert page.locator("#next-meeting").get_attribute("data-ident") == ident
    assert page.locator('#prep-steps li[data-step="notice"]').get_attribute("data-done") == "0"
    secretary.click(page.get_by_role("link", name="Chuẩn bị cuộc họp"), f"/sinh-hoat/{ident}/chuan-bi/")
    secretary.click(page.get_by_role("button", name=f"Đưa vào chương trình cuộc họp ngày {day:%d/%m/%Y}"))
    assert OrientationUptake.objects.filter(orientation=orientation).count() == 1
    assert AgendaItem.objects.filter(meeting=meeting, title__contains=TOPIC).count() == 1
    assert sum(TOPIC in t for t in page.locator("ol.agenda").all_inner_texts()) == 1

    # --- notifies: in the application to all, e-mail to two, the printed notice for M3 ------------------
    secretary.click(page.get_by_role("link", name="Gửi thông báo"), f"/sinh-hoat/{ident}/thong-bao/")
    secretary.click(page.get_by_role("button", name="Gửi thông báo"))
    assert "Đã gửi thông báo đến 3 đảng viên trong ứng dụng, 2 đảng viên qua e-mail." in page.locator(
        ".messages").inner_text()
    assert "1 đảng viên không có e-mail: in thông báo để gửi tay." in page.locator(".messages").inner_text()
    with page.expect_download() as printed:
        page.get_by_role("link", name="In thông báo (PDF)").click()
    assert printed.value.suggested_filename.endswith(".pdf")
    with open(printed.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    m3 = page.locator('tr[data-member="M3"]')
    assert m3.locator('input[name="members"]').is_checked()  # no e-mail: ticked for a printed copy
    assert not page.locator('tr[data-member="M2"] input[name="members"]').is_checked()
    secretary.click(page.get_by_role("button", name="Ghi nhận bản in đã gửi tay"))
    assert page.locator(".messages").inner_text() == "Đã ghi nhận 1 bản in gửi tay."
    assert sorted(NoticeDelivery.objects.filter(meeting=meeting).values_list("member__code", "channel")) == [
        ("M1", "app"), ("M1", "email"), ("M2", "app"), ("M2", "email"), ("M3", "app"), ("M3", "paper")]

    # --- a member reads the notice and sends an absence reason ------------------------------------------
    member = Walk(browser, live_server, "member")
    walks.append(member)
    page = member.page
    assert page.locator("#next-meeting").get_attribute("data-ident") == ident
    assert page.locator("#notice").inner_text() == f"Thông báo triệu tập gửi ngày {real_today:%d/%m/%Y}."
    member.click(page.locator("#next-meeting").get_by_role("link", name="Xem chi tiết"), f"/sinh-hoat/{ident}/chuan-bi/")
    assert NoticeDelivery.objects.get(meeting=meeting, member__code="M2", channel="app").opened_at is not None
    member.click(page.get_by_role("link", name="Chibo"), "/")
    page.get_by_label("Tôi sẽ vắng, vì…").fill("Đi công tác tỉnh")
    member.click(page.get_by_role("button", name="Gửi báo vắng"), "/")
    assert page.locator(".messages").inner_text() == f"Đã gửi báo vắng cuộc họp ngày {day:%d/%m/%Y}."
    assert list(AbsenceNotice.objects.values_list("member__code", "reason")) == [("M2", "Đi công tác tỉnh")]

    # --- the secretary sees it opened, and the reason; finalizing before the day is refused -------------
    page = secretary.page
    secretary.click(page.get_by_role("link", name="Chibo"), "/")
    assert page.locator("#absences").inner_text() == "Trần Thị Bình: Đi công tác tỉnh"
    assert page.locator('#prep-steps li[data-step="notice"]').get_attribute("data-done") == "1"
    page.goto(secretary.url(f"/sinh-hoat/{ident}/thong-bao/"))
    secretary.check()
    assert page.locator('tr[data-member="M2"] td.opened .tag.ok').count() == 1
    assert page.locator('tr[data-member="M1"] td.opened').inner_text() == "Chưa xem"
    page.goto(secretary.url(f"/sinh-hoat/{ident}/ghi/"))
    secretary.check()
    secretary.click("#finalize", f"/sinh-hoat/{ident}/hoan-tat/?")
    assert page.locator("#finalize-refusal").inner_text() == (
        f"Cuộc họp ngày {day:%d/%m/%Y} chưa diễn ra: chưa thể hoàn tất biên bản trước ngày họp.")
    assert page.locator("#finalize-confirm").count() == 0
    assert Meeting.objects.get(pk=meeting.pk).status == "notified"

    # --- the meeting's day: the secretary records ---------------------------------------------------------
    clock["today"] = day
    page.goto(secretary.url(f"/sinh-hoat/{ident}/ghi/"))
    secretary.check()
    # M2's absence reason is on the roll already.
    m2 = page.locator('.roll-row[data-member="M2"]')
    assert m2.locator(".reason").input_value() == "Đi công tác tỉnh"
    page.fill("#f-start", "19:30")
    page.locator("#f-start").blur()
    page.fill("#f-end", "21:00")
    page.locator("#f-end").blur()
    page.select_option("#f-chair", "M1")
    page.select_option("#f-secretary", "M3")
    for code in ("M1", "M3"):
        page.locator(f'.roll-row[data-member="{code}"] button[data-status="present"]').click()
    wait_saved(page, ident)
    assert page.locator("#bar-counts").text_content().startswith("Có mặt 2/3")
    # A speech by M2, who is absent: refused, and shown refused beside it with the server's message.
    group = page.locator(".group[data-item]").first
    group.locator("button[data-add=speech]").click()
    refused = group.locator(".speech").last
    refused.locator("select[name=member]").select_option("M2")
    refused.locator("textarea[name=summary]").fill("Ý kiến của người vắng")
    page.wait_for_function(
        "() => document.getElementById('save-state').textContent === "
        "'Không lưu được 1 thay đổi: xem thông báo bên cạnh'")
    assert refused.locator(".err").text_content() == (
        "Người phát biểu Trần Thị Bình được điểm danh là vắng có lý do: chỉ người có mặt mới phát biểu.")
    assert Speech.objects.filter(meeting=meeting).count() == 0
    secretary.check()  # the refusal on the page passes axe-core too
    # The same card, given to a member present, is saved.
    refused.locator("select[name=member]").select_option("M1")
    refused.locator("textarea[name=summary]").fill("Đồng ý với báo cáo, đề nghị bổ sung phần chuyển đổi số.")
    page.click("button[data-add=vote]")
    vote = page.locator(".vote").first
    vote.locator("input[name=subject]").fill("Thông qua nghị quyết tháng")
    vote.locator("input[name=votes_for]").fill("2")
    vote.locator("input[name=votes_against]").fill("0")
    vote.locator("input[name=votes_abstain]").fill("0")
    page.fill("#f-conclusion", "Chi bộ thống nhất các nhiệm vụ trọng tâm của tháng.")
    page.fill("#f-resolution", "Nghị quyết về nhiệm vụ tháng.")
    page.click("button[data-add=task]")
    task_card = page.locator(".task").last
    task_card.locator("select[name=assignee]").select_option("M2")
    task_card.locator("textarea[name=description]").fill("Vận động đảng viên cài ứng dụng")
    task_card.locator("input[name=due]").fill(f"{day + timedelta(days=20):%d/%m/%Y}")
    task_card.locator("input[name=due]").blur()
    page.wait_for_function(
        "(ident) => document.getElementById('save-state').textContent === 'Đã lưu'"
        " && (localStorage.getItem('chibo-record:' + ident) || '[]') === '[]'", arg=ident)
    assert list(Speech.objects.filter(meeting=meeting).values_list("member__code", flat=True)) == ["M1"]
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("member__code", "status")) == {
        "M1": "present", "M2": "absent_excused", "M3": "present"}
    secretary.check()

    # --- finalizes: the findings, then the confirmation -----------------------------------------------------
    secretary.click("#finalize", f"/sinh-hoat/{ident}/hoan-tat/?")
    assert page.locator("#finalize-refusal").all_inner_texts() == []
    todo = page.locator("#finalize-checks .checklist li.todo").all_inner_texts()
    assert todo == []
    secretary.click("#finalize-submit")  # not confirmed: refused beside the box
    assert page.locator("#confirm-err").text_content() == "Đánh dấu ô xác nhận để hoàn tất biên bản."
    assert Meeting.objects.get(pk=meeting.pk).status == "held"
    page.check("#id_confirm")
    secretary.click("#finalize-submit", f"/sinh-hoat/{ident}/")
    assert page.locator("#meeting-status").text_content() == "Đã hoàn tất biên bản"
    assert Meeting.objects.get(pk=meeting.pk).status == "finalized"

    # --- prints the minutes ----------------------------------------------------------------------------------
    with page.expect_download() as minutes:
        page.get_by_role("link", name="Biên bản (PDF)").click()
    with open(minutes.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with page.expect_download() as word:
        page.get_by_role("link", name="Biên bản (Word)").click()
    assert word.value.suggested_filename.endswith(".docx")

    # --- the next day: the member marks the task done ---------------------------------------------------
    clock["today"] = day + timedelta(days=1)
    page = member.page
    member.click(page.get_by_role("link", name="Chibo"), "/")
    task = Task.objects.get(meeting=meeting)
    row = page.locator(f'#tasks tr[data-task="{task.pk}"]')
    member.click(row.get_by_role("link", name="Báo hoàn thành"), "/cua-toi/")
    row = page.locator(f'table.tasks tr[data-task="{task.pk}"]')
    row.locator("summary").click()
    row.get_by_label("Kết quả thực hiện").fill("Đã hướng dẫn 3 đồng chí cài ứng dụng")
    assert row.get_by_label("Ngày hoàn thành").input_value() == f"{day + timedelta(days=1):%d/%m/%Y}"
    member.check()  # the open form passes axe-core too
    member.click(row.get_by_role("button", name="Báo hoàn thành"), "/cua-toi/")
    assert page.locator(".messages").inner_text() == "Đã báo hoàn thành nhiệm vụ."
    task.refresh_from_db()
    assert (task.done_on, task.done_note) == (day + timedelta(days=1), "Đã hướng dẫn 3 đồng chí cài ứng dụng")

    # --- the committee sees the uptake and the finished meeting -------------------------------------------
    page = committee.page
    page.goto(committee.url(f"/dinh-huong/{orientation.pk}/"))
    committee.check()
    assert page.locator("#uptake-count").text_content() == "1/2"
    assert " ".join(page.locator('tr[data-cell="C1"] td').nth(1).inner_text().split()) == (
        f"Đã đưa vào cuộc họp ngày {day:%d/%m/%Y}")
    assert page.locator('tr[data-cell="C2"] td').nth(1).inner_text().strip() == "Chưa"
    committee.click(page.locator('tr[data-cell="C1"]').get_by_role("link", name=f"cuộc họp ngày {day:%d/%m/%Y}"),
                    f"/sinh-hoat/{ident}/chuan-bi/")
    committee.click(page.get_by_role("link", name="Biên bản", exact=True), f"/sinh-hoat/{ident}/")
    assert page.locator("#meeting-status").text_content() == "Đã hoàn tất biên bản"

    for walk in walks:
        walk.close()
    problems = [p for walk in walks for p in walk.problems]
    assert problems == []
    assert sum(len(w.visited) for w in walks) >= 25
