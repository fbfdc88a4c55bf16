"""The notifications in the application (issue 9 item 5) and the choice of reminders on the
account page: what each person sees and may do, refusals changing nothing, the top bar's count,
and constant query counts with more data."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.meetings import dates
from chibo.reminders.models import Notification, ReminderPreference
from tests.access_matrix import PERSONAS, denied_response, snapshot

pytestmark = pytest.mark.django_db
#: URL names whose access is tested here (tests/test_access_orgs.py counts them).
COVERED = {"notifications", "notification_open", "notifications_read_all", "reminder_preferences"}
TODAY = date(2025, 3, 2)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: TODAY)


def note(user, key, text, url="/cua-toi/", kind="task", read=False):
    from django.utils import timezone

    return Notification.objects.create(user=user, kind=kind, key=key, day=TODAY, text=text, url=url,
                                       read_at=timezone.now() if read else None)


@pytest.fixture
def notes(personas):
    return {"mine": note(personas["member"], "task-due:1", "Nhiệm vụ “Làm đường” đến hạn ngày 04/03/2025."),
            "mine_read": note(personas["member"], "task-due:2", "Nhiệm vụ cũ.", read=True),
            "other": note(personas["secretary"], "notice-due:C1-2025-03", "<b>Chi bộ thôn Đông</b>: thông báo.",
                          url="/sinh-hoat/C1-2025-03/", kind="notice")}


def test_the_list_shows_ones_own_notifications_only(personas, client_for, notes):
    page = client_for(personas["member"]).get("/nhac-viec/").content.decode()
    assert f'data-notification="{notes["mine"].pk}"' in page and f'data-notification="{notes["mine_read"].pk}"' in page
    assert f'data-notification="{notes["other"].pk}"' not in page and "Chi bộ thôn Đông" not in page
    assert "Nhiệm vụ “Làm đường” đến hạn ngày 04/03/2025." in page
    assert 'id="topbar-reminders">Nhắc việc <span class="tag warn count" title="Nhắc việc chưa xem">1</span>' in page
    assert "Đánh dấu đã xem tất cả (1)" in page
    # user text is escaped
    page = client_for(personas["secretary"]).get("/nhac-viec/").content.decode()
    assert "&lt;b&gt;Chi bộ thôn Đông&lt;/b&gt;" in page and "<b>Chi bộ thôn Đông</b>" not in page


def test_no_count_in_the_top_bar_without_unread(personas, client_for, notes):
    page = client_for(personas["staff"]).get("/huong-dan/").content.decode()
    assert 'id="topbar-reminders"' not in page


def test_opening_marks_read_and_goes_to_the_page(personas, client_for, notes):
    client = client_for(personas["member"])
    response = client.post(f"/nhac-viec/{notes['mine'].pk}/mo/")
    assert response.status_code == 302 and response["Location"] == "/cua-toi/"
    first = Notification.objects.get(pk=notes["mine"].pk).read_at
    assert first is not None
    client.post(f"/nhac-viec/{notes['mine'].pk}/mo/")  # opened again: the first opening is kept
    assert Notification.objects.get(pk=notes["mine"].pk).read_at == first
    assert 'id="topbar-reminders"' not in client.get("/nhac-viec/").content.decode()


def test_an_outside_url_is_never_followed(personas, client_for):
    n = note(personas["member"], "x", "Lạ", url="https://evil.example/")
    response = client_for(personas["member"]).post(f"/nhac-viec/{n.pk}/mo/")
    assert response.status_code == 302 and response["Location"] == "/nhac-viec/"


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_opens_anothers_notification(personas, client_for, notes, persona):
    """The member's notification: opened by the member only; anyone else 404 (or the login page)
    and nothing changed; a GET is refused (405) even for the member."""
    client = client_for(personas[persona])
    before = snapshot()
    if persona == "member":
        assert client.get(f"/nhac-viec/{notes['mine'].pk}/mo/").status_code == 405
        assert snapshot() == before
        return
    response = client.post(f"/nhac-viec/{notes['mine'].pk}/mo/")
    assert denied_response(response), (persona, response.status_code)
    assert snapshot() == before
    assert Notification.objects.get(pk=notes["mine"].pk).read_at is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_marking_all_read_touches_only_ones_own(personas, client_for, notes, persona):
    client = client_for(personas[persona])
    before = snapshot()
    response = client.post("/nhac-viec/da-xem/")
    if persona == "anonymous":
        assert denied_response(response) and snapshot() == before
        return
    assert response.status_code == 302 and response["Location"] == "/nhac-viec/"
    unread = set(Notification.objects.filter(read_at__isnull=True).values_list("pk", flat=True))
    expected = {"member": {notes["other"].pk}, "secretary": {notes["mine"].pk}}.get(
        persona, {notes["mine"].pk, notes["other"].pk})
    assert unread == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_page(personas, client_for, persona):
    response = client_for(personas[persona]).get("/nhac-viec/")
    assert response.status_code == (302 if persona == "anonymous" else 200)
    if persona == "anonymous":
        assert "/dang-nhap/" in response["Location"]


def test_the_account_page_has_the_choice(personas, client_for):
    client = client_for(personas["member"])
    ReminderPreference.objects.create(user=personas["member"], kind="visit", enabled=False)
    page = client.get("/tai-khoan/").content.decode()
    assert '<div class="card" id="nhac-viec">' in page
    assert ('<label><input type="checkbox" name="kinds" value="task" checked> Nhiệm vụ của tôi sắp đến hạn hoặc quá '
            'hạn</label>') in page
    assert ('<label><input type="checkbox" name="kinds" value="visit"> Lịch đi dự sinh hoạt chi bộ được phân công '
            'trong tuần tới</label>') in page


def test_saving_the_choice_changes_only_ones_own(personas, client_for):
    ReminderPreference.objects.create(user=personas["staff"], kind="findings", enabled=False)
    client = client_for(personas["member"])
    response = client.post("/tai-khoan/nhac-viec/", {"kinds": ["notice", "task"]})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert set(ReminderPreference.objects.values_list("user__username", "kind", "enabled")) == {
        ("staff", "findings", False), *{("member", k, False) for k in
                                         ("meeting_date", "minutes", "visit", "findings", "recommendations")}}
    # a user id in the form is not a way to reach another's choice: there is no such field
    client.post("/tai-khoan/nhac-viec/", {"kinds": ["notice"], "user": personas["staff"].pk})
    assert list(ReminderPreference.objects.filter(user=personas["staff"]).values_list("kind", flat=True)) == [
        "findings"]


def test_a_bad_choice_changes_nothing(personas, client_for):
    client = client_for(personas["member"])
    before = snapshot()
    response = client.post("/tai-khoan/nhac-viec/", {"kinds": ["task", "lottery"]}, follow=True)
    assert snapshot() == before
    assert "Loại nhắc việc không hợp lệ: lottery." in response.content.decode()


@pytest.mark.parametrize("persona", ["anonymous"])
def test_anonymous_cannot_save_a_choice(personas, client_for, persona):
    client = client_for(None)
    before = snapshot()
    assert denied_response(client.post("/tai-khoan/nhac-viec/", {"kinds": []}))
    assert denied_response(client.get("/tai-khoan/nhac-viec/"))
    assert snapshot() == before


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["member", "staff"])
def test_the_top_bar_and_the_list_in_a_fixed_number_of_queries(personas, client_for, persona, meeting):
    """The top bar's counts are one query (a member's notices and notifications together); the
    list one more; the same with many more notifications and notices."""
    from django.utils import timezone

    from chibo.meetings.models import Meeting
    from chibo.notices.models import NoticeDelivery

    user = personas[persona]
    client = client_for(user)
    help_small, list_small = count(client, "/huong-dan/"), count(client, "/nhac-viec/")
    for i in range(30):
        note(user, f"k{i}", f"Việc {i}", read=i % 2 == 0)
    for i in range(5):
        m = Meeting.objects.create(ident=f"C1-2025-N{i}", organization=meeting.organization, kind="regular",
                                   date=date(2025, 4 + i, 3), status="notified", notice_sent_on=TODAY)
        NoticeDelivery.objects.create(meeting=m, member=meeting.secretary, channel="app", sent_at=timezone.now())
    assert (count(client, "/huong-dan/"), count(client, "/nhac-viec/")) == (help_small, list_small)
    assert (help_small, list_small) == {"member": (4, 5), "staff": (4, 5)}[persona]
    page = client.get("/nhac-viec/").content.decode()
    assert 'title="Nhắc việc chưa xem">15</span>' in page
    if persona == "member":  # M2: the five notices not opened, beside "Của tôi"
        assert 'title="Thông báo họp chưa xem">5</span>' in page
