"""A minute-taker records a whole meeting on a 360-px phone, then finalizes it; changes made
offline are saved once the network is back; a reload keeps what was typed."""

import os
from datetime import date, time

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.contrib.auth import get_user_model  # noqa: E402

from chibo.meetings.models import AgendaItem, Attendance, Meeting, Speech, Task, Vote  # noqa: E402
from chibo.orgs import services as org_services  # noqa: E402
from chibo.orgs.models import Role  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "e2e-test-password"
NAMES = [
    "Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Đức", "Vũ Thị Giang",
    "Đặng Văn Hải", "Bùi Thị Hạnh", "Đỗ Văn Hùng", "Hồ Thị Lan", "Ngô Văn Long", "Dương Thị Mai",
    "Lý Văn Nam", "Phan Thị Nga", "Võ Văn Phúc", "Đinh Thị Quỳnh", "Trương Văn Sơn", "Lưu Thị Thảo",
    "Mai Văn Tuấn", "Cao Thị Yến",
]
AGENDA = ["Đánh giá tình hình tháng trước", "Phương hướng nhiệm vụ tháng tới", "Sinh hoạt chuyên đề"]


@pytest.fixture
def cell(transactional_db):
    """A cell of 20 members (M01 probationary), its minute-taker, a notified meeting with 3 agenda items."""
    g = org_services.org_create(code="G", name="Đảng bộ xã Tân Thành", kind="dang_bo_co_so")
    c = org_services.org_create(code="C1", name="Chi bộ thôn Đông", kind="chi_bo", parent=g)
    members = []
    for i, name in enumerate(NAMES):
        members.append(org_services.member_create(
            code=f"M{i:02d}", full_name=name, organization=c, start=date(2020, 1, 1),
            joined_on=date(2000, 1, 1), official_on=None if i == 1 else date(2001, 1, 1)))
    user = get_user_model().objects.create_user("thuky", password=PASSWORD)
    Role.objects.create(user=user, organization=c, kind=Role.Kind.SECRETARY)
    meeting = Meeting.objects.create(ident="C1-2025-03", organization=c, kind="regular", status="notified",
                                     date=date(2025, 3, 3))
    for i, title in enumerate(AGENDA):
        AgendaItem.objects.create(meeting=meeting, position=i, title=title)
    return {"cell": c, "members": members, "user": user, "meeting": meeting}


def login(page, live_server):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "thuky")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def wait_saved(page, timeout=15000):
    page.wait_for_function(
        "() => document.getElementById('save-state').textContent === 'Đã lưu'"
        " && (localStorage.getItem('chibo-record:C1-2025-03') || '[]') === '[]'"
        " && !document.getElementById('panel').hasAttribute('aria-busy')",
        timeout=timeout)


def set_field(page, selector, value):
    """Type into a field and leave it (date and time fields save on change)."""
    page.fill(selector, value)
    page.locator(selector).blur()


def test_record_a_20_member_meeting_on_a_phone(live_server, cell, phone, shot):
    page = phone.new_page()
    login(page, live_server)
    page.goto(f"{live_server.url}/sinh-hoat/C1-2025-03/ghi/")
    shot(page, "01-empty", full_page=False)

    # Header
    set_field(page, "#f-start", "19:30")
    set_field(page, "#f-end", "21:15")
    page.fill("#f-place", "Nhà văn hóa thôn Đông")
    page.select_option("#f-chair", "M00")
    page.select_option("#f-secretary", "M02")
    set_field(page, "#f-notice", "01/03/2025")

    # The roll: one tap per member; M05 and M11 are away with a reason, M07 is late.
    excused = {"M05": "Đi công tác tỉnh", "M11": "Ốm, nằm viện"}
    for i in range(20):
        code = f"M{i:02d}"
        row = page.locator(f'.roll-row[data-member="{code}"]')
        status = "absent_excused" if code in excused else ("late" if code == "M07" else "present")
        row.locator(f'button[data-status="{status}"]').click()
        if code in excused:
            row.locator(".reason").fill(excused[code])
    wait_saved(page)
    assert page.locator("#bar-counts").text_content() == "Có mặt 18/20 · 90,00% · Biểu quyết 17/19"
    shot(page, "02-roll", full_page=False)

    # Six speeches, two per agenda item.
    groups = page.locator(".group[data-item]")
    speakers = ["M00", "M03", "M04", "M08", "M12", "M15"]
    for n, speaker in enumerate(speakers):
        group = groups.nth(n // 2)
        group.locator("button[data-add=speech]").click()
        card = group.locator(".speech").last
        card.locator("select[name=member]").select_option(speaker)
        card.locator("textarea[name=summary]").fill(f"Ý kiến số {n + 1}: đồng ý với báo cáo, đề nghị bổ sung.")

    # Two votes: the resolution, and an admission by two thirds.
    page.click("button[data-add=vote]")
    vote = page.locator(".vote").nth(0)
    vote.locator("input[name=subject]").fill("Thông qua nghị quyết tháng 3")
    vote.locator("input[name=votes_for]").fill("17")
    vote.locator("input[name=votes_against]").fill("0")
    vote.locator("input[name=votes_abstain]").fill("0")
    page.click("button[data-add=vote]")
    vote2 = page.locator(".vote").nth(1)
    vote2.locator("select[name=kind]").select_option("admission")
    vote2.locator("input[name=subject]").fill("Đề nghị kết nạp quần chúng Lê Thị Hoa")
    vote2.locator("input[name=votes_for]").fill("12")
    vote2.locator("input[name=votes_against]").fill("5")
    wait_saved(page)
    assert "cần ít nhất 10 phiếu tán thành (quá nửa)" in vote.locator(".verdict").text_content()
    assert vote.locator(".outcome").text_content() == "Thông qua"
    assert "cần ít nhất 13 phiếu tán thành (ít nhất hai phần ba)" in vote2.locator(".verdict").text_content()
    assert vote2.locator(".outcome").text_content() == "Không thông qua"
    shot(page, "03-votes", full_page=False)

    # Conclusion and resolution text.
    page.fill("#f-conclusion", "Chi bộ thống nhất các nhiệm vụ trọng tâm tháng 3.")
    page.fill("#f-resolution", "Nghị quyết về nhiệm vụ tháng 3 năm 2025.")

    # Three tasks.
    tasks = [("M04", "Hoàn thành báo cáo quý I", "31/03/2025"),
             ("M08", "Vận động đảng phí", "15/03/2025"),
             ("M12", "Chuẩn bị sinh hoạt chuyên đề", "30/04/2025")]
    for assignee, text, due in tasks:
        page.click("button[data-add=task]")
        card = page.locator(".task").last
        card.locator("select[name=assignee]").select_option(assignee)
        card.locator("textarea[name=description]").fill(text)
        card.locator("input[name=due]").fill(due)
        card.locator("input[name=due]").blur()
    wait_saved(page)
    page.locator(".speech").first.scroll_into_view_if_needed()
    shot(page, "04-speeches", full_page=False)
    page.locator(".task").first.scroll_into_view_if_needed()
    shot(page, "05-tasks", full_page=False)
    page.locator("#s-kiem-tra").scroll_into_view_if_needed()
    assert page.locator(".checklist li.todo").count() == 0
    shot(page, "06-checks", full_page=False)
    shot(page, "full-page")

    # Finalizing is deliberate: the findings, then a confirmation.
    page.click("#finalize")
    page.wait_for_url(f"{live_server.url}/sinh-hoat/C1-2025-03/hoan-tat/?")
    assert page.locator("#finalize-checks .checklist li.todo").count() == 0
    shot(page, "06b-finalize-confirm", full_page=False)
    page.click("#finalize-submit")
    assert page.locator("#confirm-err").text_content() == "Đánh dấu ô xác nhận để hoàn tất biên bản."
    assert Meeting.objects.get(ident="C1-2025-03").status == "held"
    page.check("#id_confirm")
    page.click("#finalize-submit")
    page.wait_for_url(f"{live_server.url}/sinh-hoat/C1-2025-03/")
    assert page.locator("#meeting-status").text_content() == "Đã hoàn tất biên bản"
    shot(page, "07-detail", full_page=False)
    page.locator("#checks").scroll_into_view_if_needed()
    shot(page, "08-detail-checks", full_page=False)
    page.locator("#score").scroll_into_view_if_needed()
    shot(page, "09-detail-score", full_page=False)
    page.locator("ul.votes").scroll_into_view_if_needed()
    shot(page, "10-detail-votes", full_page=False)

    m = Meeting.objects.get(ident="C1-2025-03")
    assert (m.status, m.start, m.end, m.place, m.chair.code, m.secretary.code, m.notice_sent_on) == (
        "finalized", time(19, 30), time(21, 15), "Nhà văn hóa thôn Đông", "M00", "M02", date(2025, 3, 1))
    assert m.finalized_by == cell["user"]
    assert m.conclusion == "Chi bộ thống nhất các nhiệm vụ trọng tâm tháng 3."
    assert m.resolution_text == "Nghị quyết về nhiệm vụ tháng 3 năm 2025."
    rows = {a.member.code: (a.status, a.reason) for a in Attendance.objects.filter(meeting=m).select_related("member")}
    assert len(rows) == 20
    assert rows["M05"] == ("absent_excused", "Đi công tác tỉnh")
    assert rows["M11"] == ("absent_excused", "Ốm, nằm viện")
    assert rows["M07"] == ("late", "")
    assert sorted(c for c, (s, _r) in rows.items() if s == "present") == sorted(
        f"M{i:02d}" for i in range(20) if i not in (5, 7, 11))
    speeches = list(Speech.objects.filter(meeting=m).order_by("position").values_list("member__code", "item", "summary"))
    assert speeches == [
        (speaker, AGENDA[n // 2], f"Ý kiến số {n + 1}: đồng ý với báo cáo, đề nghị bổ sung.")
        for n, speaker in enumerate(speakers)]
    votes = list(Vote.objects.filter(meeting=m).order_by("position").values_list(
        "kind", "method", "subject", "votes_for", "votes_against", "votes_abstain", "votes_invalid"))
    assert votes == [("resolution", "show_of_hands", "Thông qua nghị quyết tháng 3", 17, 0, 0, 0),
                     ("admission", "show_of_hands", "Đề nghị kết nạp quần chúng Lê Thị Hoa", 12, 5, 0, 0)]
    assert list(Task.objects.filter(meeting=m).order_by("position").values_list(
        "assignee__code", "description", "due")) == [
        ("M04", "Hoàn thành báo cáo quý I", date(2025, 3, 31)),
        ("M08", "Vận động đảng phí", date(2025, 3, 15)),
        ("M12", "Chuẩn bị sinh hoạt chuyên đề", date(2025, 4, 30))]


def test_offline_changes_are_sent_when_back_online(live_server, cell, phone, shot):
    page = phone.new_page()
    login(page, live_server)
    page.goto(f"{live_server.url}/sinh-hoat/C1-2025-03/ghi/")
    phone.set_offline(True)
    page.locator('.roll-row[data-member="M00"] button[data-status="present"]').click()
    page.locator('.roll-row[data-member="M03"] button[data-status="absent_excused"]').click()
    page.locator('.roll-row[data-member="M03"] .reason').fill("Về quê")
    page.fill("#f-conclusion", "Kết luận ghi khi mất mạng.")
    page.wait_for_function("() => document.getElementById('save-state').textContent.startsWith('Chưa lưu, sẽ thử lại')")
    shot(page, "11-offline", full_page=False)
    meeting = cell["meeting"]
    assert Attendance.objects.filter(meeting=meeting).count() == 0
    assert Meeting.objects.get(pk=meeting.pk).conclusion == ""

    phone.set_offline(False)
    wait_saved(page)
    rows = dict(Attendance.objects.filter(meeting=meeting).values_list("member__code", "status"))
    assert rows == {"M00": "present", "M03": "absent_excused"}
    assert Attendance.objects.get(meeting=meeting, member__code="M03").reason == "Về quê"
    assert Meeting.objects.get(pk=meeting.pk).conclusion == "Kết luận ghi khi mất mạng."


def test_reload_keeps_what_was_typed(live_server, cell, phone):
    page = phone.new_page()
    login(page, live_server)
    url = f"{live_server.url}/sinh-hoat/C1-2025-03/ghi/"
    page.goto(url)
    page.fill("#f-place", "Hội trường UBND xã")
    wait_saved(page)
    # Typed and reloaded at once, before the pause that sends it: the queue in localStorage keeps it.
    page.fill("#f-conclusion", "Kết luận đang gõ dở")
    page.reload()
    assert page.locator("#f-place").input_value() == "Hội trường UBND xã"
    assert page.locator("#f-conclusion").input_value() == "Kết luận đang gõ dở"
    wait_saved(page)
    page.reload()
    assert page.locator("#f-conclusion").input_value() == "Kết luận đang gõ dở"
    meeting = Meeting.objects.get(pk=cell["meeting"].pk)
    assert (meeting.place, meeting.conclusion) == ("Hội trường UBND xã", "Kết luận đang gõ dở")


def refused_state(page, n=1):
    page.wait_for_function(
        f"() => document.getElementById('save-state').textContent === 'Không lưu được {n} thay đổi: xem thông báo bên cạnh'"
        " && (localStorage.getItem('chibo-record:C1-2025-03') || '[]') === '[]'")


def test_two_phones_record_one_meeting_at_once(live_server, cell, phone, browser, shot):
    """Both phones keep the rows they add; the second edit of one field is told what the first wrote."""
    from tests.e2e.conftest import PHONE

    meeting = cell["meeting"]
    for i in range(6):
        Attendance.objects.create(meeting=meeting, member=cell["members"][i], position=i, status="present")
    other = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True,
                                locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    other.set_default_timeout(15000)
    try:
        a, b = phone.new_page(), other.new_page()
        url = f"{live_server.url}/sinh-hoat/C1-2025-03/ghi/"
        for page in (a, b):
            login(page, live_server)
            page.goto(url)

        # Each phone adds a speech to the first agenda item, neither having seen the other's.
        for page, speaker, text in ((a, "M00", "Ý kiến ghi trên máy A"), (b, "M03", "Ý kiến ghi trên máy B")):
            group = page.locator(".group[data-item]").first
            group.locator("button[data-add=speech]").click()
            card = group.locator(".speech").last
            card.locator("select[name=member]").select_option(speaker)
            card.locator("textarea[name=summary]").fill(text)
        for page, name in ((a, "Khách của máy A"), (b, "Khách của máy B")):
            page.click("button[data-add=guest]")
            page.locator(".guest").last.locator("input[name=name]").fill(name)
        wait_saved(a)
        wait_saved(b)
        # both rows kept, at positions 0 and 1 in the order the server received them (a race)
        guests = list(meeting.guests.values_list("position", "name"))
        assert sorted(p for p, _n in guests) == [0, 1]
        assert sorted(n for _p, n in guests) == ["Khách của máy A", "Khách của máy B"]
        speeches = list(Speech.objects.filter(meeting=meeting).values_list("position", "member__code", "summary"))
        assert sorted(p for p, *_rest in speeches) == [0, 1]
        assert sorted(rest for _p, *rest in speeches) == [["M00", "Ý kiến ghi trên máy A"],
                                                          ["M03", "Ý kiến ghi trên máy B"]]
        assert len(set(Speech.objects.filter(meeting=meeting).values_list("key", flat=True))) == 2

        # The same field on both: A first, then B, who had not seen A's value.
        a.fill("#f-place", "Hội trường A")
        wait_saved(a)
        b.fill("#f-place", "Sân đình B")
        refused_state(b)
        assert b.locator('[data-key="field:place"] .err').text_content() == (
            "Địa điểm vừa được sửa trên máy khác thành «Hội trường A». Thay đổi của bạn chưa được lưu; "
            "sửa lại nếu vẫn muốn đổi.")
        assert b.locator("#f-place").input_value() == "Sân đình B"  # what B typed stays, marked refused
        assert Meeting.objects.get(pk=meeting.pk).place == "Hội trường A"

        # One member marked on both phones: B's tap is refused, not shown as saved.
        a.locator('.roll-row[data-member="M10"] button[data-status="absent_unexcused"]').click()
        wait_saved(a)
        b.locator('.roll-row[data-member="M10"] button[data-status="present"]').click()
        refused_state(b, 2)
        assert b.locator('.roll-row[data-member="M10"] .err').text_content() == (
            "Ngô Văn Long vừa được điểm danh trên máy khác là «Vắng không có lý do». Thay đổi của bạn chưa được lưu; "
            "sửa lại nếu vẫn muốn đổi.")
        shot(b, "12-two-phones-refused", full_page=False)
        assert Attendance.objects.get(meeting=meeting, member__code="M10").status == "absent_unexcused"
        assert Meeting.objects.get(pk=meeting.pk).place == "Hội trường A"  # leaving the field sent nothing

        # Told, B changes the place again on purpose: saved, the refusal cleared.
        b.fill("#f-place", "Sân đình thôn Đông")
        refused_state(b, 1)
        assert b.locator('[data-key="field:place"] .err').text_content() == ""
        assert Meeting.objects.get(pk=meeting.pk).place == "Sân đình thôn Đông"
    finally:
        other.close()


def test_a_change_refused_when_the_offline_queue_is_replayed_is_shown_refused(live_server, cell, phone):
    page = phone.new_page()
    login(page, live_server)
    page.goto(f"{live_server.url}/sinh-hoat/C1-2025-03/ghi/")
    phone.set_offline(True)
    page.locator('.roll-row[data-member="M00"] button[data-status="present"]').click()
    group = page.locator(".group[data-item]").first
    group.locator("button[data-add=speech]").click()
    card = group.locator(".speech").last
    card.locator("select[name=member]").select_option("M04")  # not marked present
    card.locator("textarea[name=summary]").fill("Ý kiến của người chưa điểm danh")
    page.wait_for_function("() => document.getElementById('save-state').textContent.startsWith('Chưa lưu, sẽ thử lại')")
    phone.set_offline(False)
    refused_state(page)
    assert card.locator(".err").text_content() == (
        "Người phát biểu Hoàng Văn Đức chưa được điểm danh: chỉ người có mặt mới phát biểu; hãy điểm danh trước.")
    meeting = cell["meeting"]
    assert dict(Attendance.objects.filter(meeting=meeting).values_list("member__code", "status")) == {"M00": "present"}
    assert not Speech.objects.filter(meeting=meeting).exists()
    # Marked present, the speech saved again from the page is accepted.
    page.locator('.roll-row[data-member="M04"] button[data-status="present"]').click()
    card.locator("textarea[name=summary]").fill("Ý kiến của người đã điểm danh")
    wait_saved(page)
    assert list(Speech.objects.filter(meeting=meeting).values_list("member__code", "summary")) == [
        ("M04", "Ý kiến của người đã điểm danh")]
