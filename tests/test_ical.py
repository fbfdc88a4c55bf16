"""iCal feeds: RFC 5545 text written by hand, parsed back here line by line."""

from datetime import UTC, date, datetime, time

import pytest

from chibo.meetings import dates
from chibo.meetings.models import CalendarToken, Meeting, Task
from chibo.meetings.planning import ical
from chibo.meetings.planning import services as planning_services


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """The personas are created with passwords: a cheap hasher keeps this module fast."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STAMP = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def unfold(text: str) -> list[str]:
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # CRLF only
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def events(lines: list[str]) -> list[list[str]]:
    out, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT":
            out.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return out


# --- pure ----------------------------------------------------------------------------------------

def test_escape_text():
    assert ical.escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    assert ical.escape_text("Hội trường\x07 A") == "Hội trường A"


def test_fold_ascii_and_utf8():
    line = "DESCRIPTION:" + "x" * 100
    folded = ical.fold(line)
    parts = folded.split("\r\n")
    assert [len(p.encode()) for p in parts] == [75, 38]
    assert parts[1].startswith(" ")
    viet = "SUMMARY:" + "Sinh hoạt chuyên đề “Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh” " * 3
    parts = ical.fold(viet).split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join([parts[0]] + [p[1:] for p in parts[1:]]) == viet
    for p in parts:
        p.encode("utf-8").decode("utf-8")  # no split character
    assert ical.fold("SHORT:x") == "SHORT:x"


def test_calendar_exact_text():
    event = ical.Event(uid="meeting-7@chibo", summary="Sinh hoạt thường kỳ – Chi bộ A", day=date(2025, 1, 3),
                       stamp=STAMP, start=time(19, 30), end=time(21, 5), location="Nhà văn hóa, thôn Đông",
                       status="CONFIRMED")
    text = ical.calendar("Lịch; chi bộ", [event])
    assert text == "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Chibo//So bien ban dien tu//VI", "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH", "X-WR-CALNAME:Lịch\\; chi bộ", "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
        "BEGIN:VTIMEZONE", "TZID:Asia/Ho_Chi_Minh", "BEGIN:STANDARD", "DTSTART:19750613T000000",
        "TZOFFSETFROM:+0800", "TZOFFSETTO:+0700", "TZNAME:+07", "END:STANDARD", "END:VTIMEZONE",
        "BEGIN:VEVENT", "UID:meeting-7@chibo", "DTSTAMP:20250102T030405Z",
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20250103T193000", "DTEND;TZID=Asia/Ho_Chi_Minh:20250103T210500",
        "SUMMARY:Sinh hoạt thường kỳ – Chi bộ A", "LOCATION:Nhà văn hóa\\, thôn Đông", "STATUS:CONFIRMED",
        "END:VEVENT", "END:VCALENDAR", ""])


def test_all_day_and_default_length():
    all_day = ical.Event(uid="u", summary="s", day=date(2025, 12, 31), stamp=STAMP).lines()
    assert all_day[3:5] == ["DTSTART;VALUE=DATE:20251231", "DTEND;VALUE=DATE:20260101"]
    no_end = ical.Event(uid="u", summary="s", day=date(2025, 1, 3), stamp=STAMP, start=time(23, 0),
                        minutes=120).lines()
    assert no_end[3:5] == ["DTSTART;TZID=Asia/Ho_Chi_Minh:20250103T230000",
                           "DTEND;TZID=Asia/Ho_Chi_Minh:20250104T010000"]


# --- feeds ---------------------------------------------------------------------------------------

@pytest.fixture
def fixed_today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))


@pytest.fixture
def feed_data(tree, meeting, fixed_today):
    planned = Meeting.objects.create(ident="C1-2025-02", organization=tree["C1"], kind="combined",
                                     date=date(2025, 2, 3), status="planned", topic="Chuyển đổi số, năm 2025",
                                     place="Hội trường A; tầng 2")
    other = Meeting.objects.create(ident="C2-2025-02", organization=tree["C2"], kind="regular",
                                   date=date(2025, 2, 3), status="planned")
    old = Meeting.objects.create(ident="C1-2023-01", organization=tree["C1"], kind="regular", date=date(2023, 1, 3))
    Meeting.objects.update(updated_at=STAMP)
    open_task = Task.objects.create(meeting=meeting, position=0, assignee=tree["M2"], description="Báo cáo quỹ",
                                    due=date(2025, 1, 31))
    Task.objects.create(meeting=meeting, position=1, assignee=tree["M2"], description="Đã xong",
                        due=date(2025, 1, 10), done_on=date(2025, 1, 9))
    Task.objects.create(meeting=meeting, position=2, assignee=tree["M1"], description="Việc người khác",
                        due=date(2025, 1, 31))
    return {"planned": planned, "other": other, "old": old, "task": open_task}


def test_cell_feed_exact_events(client, tree, personas, meeting, feed_data):
    token = planning_services.calendar_token_get(user=personas["secretary"], organization=tree["C1"]).token
    response = client.get(f"/lich/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    lines = unfold(text)
    assert "X-WR-CALNAME:Lịch sinh hoạt – Chi bộ thôn Đông" in lines
    assert events(lines) == [
        [f"UID:meeting-{meeting.pk}@chibo", "DTSTAMP:20250102T030405Z",
         "DTSTART;TZID=Asia/Ho_Chi_Minh:20250103T193000", "DTEND;TZID=Asia/Ho_Chi_Minh:20250103T210500",
         "SUMMARY:Sinh hoạt thường kỳ – Chi bộ thôn Đông", "LOCATION:Nhà văn hóa thôn Đông",
         "DESCRIPTION:Trạng thái: Đã họp.", "URL:http://testserver/sinh-hoat/C1-2025-01/chuan-bi/",
         "STATUS:CONFIRMED"],
        [f"UID:meeting-{feed_data['planned'].pk}@chibo", "DTSTAMP:20250102T030405Z",
         "DTSTART;VALUE=DATE:20250203", "DTEND;VALUE=DATE:20250204",
         "SUMMARY:Sinh hoạt thường kỳ kết hợp chuyên đề – Chi bộ thôn Đông: Chuyển đổi số\\, năm 2025",
         "LOCATION:Hội trường A\\; tầng 2",
         "DESCRIPTION:Trạng thái: Dự kiến.\\nChuyên đề: Chuyển đổi số\\, năm 2025",
         "URL:http://testserver/sinh-hoat/C1-2025-02/chuan-bi/", "STATUS:TENTATIVE"],
    ]
    # Stable: the same text on the next request.
    assert client.get(f"/lich/{token}.ics").content.decode() == text


def test_member_feed_has_current_cell_meetings_and_own_open_tasks(client, tree, personas, meeting, feed_data):
    token = planning_services.calendar_token_get(user=personas["member"], member=tree["M2"]).token
    lines = unfold(client.get(f"/lich/{token}.ics").content.decode())
    evs = events(lines)
    assert [e[0] for e in evs] == [f"UID:meeting-{meeting.pk}@chibo", f"UID:meeting-{feed_data['planned'].pk}@chibo",
                                   f"UID:task-{feed_data['task'].pk}@chibo"]
    assert evs[2] == [f"UID:task-{feed_data['task'].pk}@chibo", "DTSTAMP:20250102T030405Z",
                      "DTSTART;VALUE=DATE:20250131", "DTEND;VALUE=DATE:20250201", "SUMMARY:Hạn nhiệm vụ: Báo cáo quỹ",
                      "DESCRIPTION:Nhiệm vụ giao tại cuộc họp ngày 03/01/2025."]
    assert "X-WR-CALNAME:Lịch sinh hoạt – Trần Thị Bình" in lines


def test_wrong_token_and_no_leak_between_cells(client, tree, personas, meeting, feed_data):
    assert client.get("/lich/khong-co.ics").status_code == 404
    assert client.get("/lich/.ics").status_code == 404
    c2 = planning_services.calendar_token_get(user=personas["staff"], organization=tree["C2"]).token
    text = client.get(f"/lich/{c2}.ics").content.decode()
    assert "C1-2025" not in text and "Chi bộ thôn Đông" not in text
    assert [e[0] for e in events(unfold(text))] == [f"UID:meeting-{feed_data['other'].pk}@chibo"]


def test_regenerate_invalidates_the_old_token(client, tree, personas, feed_data):
    secretary = personas["secretary"]
    old = planning_services.calendar_token_get(user=secretary, organization=tree["C1"]).token
    assert planning_services.calendar_token_get(user=secretary, organization=tree["C1"]).token == old  # created once
    new = planning_services.calendar_token_regenerate(user=secretary, organization=tree["C1"]).token
    assert new != old and len(new) >= 40
    assert client.get(f"/lich/{old}.ics").status_code == 404
    assert client.get(f"/lich/{new}.ics").status_code == 200
    assert CalendarToken.objects.count() == 1


def test_tokens_created_from_the_pages(personas, tree, client_for, fixed_today):
    client = client_for(personas["secretary"])
    assert client.post("/to-chuc/C1/lich/").status_code == 302
    token = CalendarToken.objects.get(organization=tree["C1"]).token
    page = client.get("/to-chuc/C1/sinh-hoat/").content.decode()
    assert f"http://testserver/lich/{token}.ics" in page
    client.post("/to-chuc/C1/lich/", {"action": "regenerate"})
    assert CalendarToken.objects.get(organization=tree["C1"]).token != token
    client = client_for(personas["member"])
    assert client.post("/cua-toi/lich/").status_code == 302
    token = CalendarToken.objects.get(member=tree["M2"]).token
    assert f"http://testserver/lich/{token}.ics" in client.get("/cua-toi/").content.decode()
    # A member does not see the cell's feed address (it is for those who run the cell).
    assert "/lich/" not in client.get("/to-chuc/C1/sinh-hoat/").content.decode()
