"""The daily reminders (issue 9 item 4): who gets what on a pinned day against hand-made data, the
real mail outbox, a second run sending nothing twice, the dry run sending and writing nothing,
each kind turned off per person, late items again the next week, the command and the beat job,
and a constant number of queries."""

import json
from datetime import UTC, date, datetime, time
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chibo.meetings import dates
from chibo.meetings.models import Meeting, Task
from chibo.orgs import services as org_services
from chibo.orgs.models import Member, Role
from chibo.reminders import selectors, services
from chibo.reminders.models import Notification, ReminderPreference
from chibo.results.models import MeetingResult, PeriodFinding
from chibo.supervision.models import Recommendation, VisitPlan
from tests.access_matrix import snapshot

pytestmark = pytest.mark.django_db
TODAY = date(2025, 3, 2)  # a Sunday; the default profile: regular meeting by the 3rd, notice 1 day before
SENT = datetime(2025, 2, 6, 8, 0, tzinfo=UTC)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: TODAY)
    return TODAY


def result(meeting, findings):
    """A stored audit entry of `meeting` with these finding codes (as chibo.results keeps it)."""
    return MeetingResult.objects.create(
        meeting=meeting, organization=meeting.organization, ident=meeting.ident, date=meeting.date, kind=meeting.kind,
        entry=json.dumps({"id": meeting.ident, "findings": [{"code": c} for c in findings]}), score_total=70,
        grade="kha", meets_framework=False, expected=3, present=2, rescheduled=False, removal_threshold=3)


@pytest.fixture
def world(tree, personas, today):
    """C1 (secretary `secretary` = M1; member `member` = M2): February's meeting held, minutes not
    finalized, with two stored findings and two recommendations to G; March's planned for the 3rd
    (its notice due by the 2nd), which `other` (M4) is assigned to attend for G. C2 (secretary
    `sibling`): nothing planned in March, February's meeting never marked held, a stored finding
    of February. Tasks of M2: due in 2 days, overdue, due in 8 days, done; of M1: due in 3 days.
    G's staff: `staff` and `designated`. E-mail: secretary and staff by their login, member by
    their member record, designated and sibling without."""
    users = personas
    for name, email in (("secretary", "bithu@example.vn"), ("staff", "dangy@example.vn"), ("other", "khach@example.vn")):
        users[name].email = email
        users[name].save()
    Member.objects.filter(pk=tree["M2"].pk).update(email="binh@example.vn")
    feb = Meeting.objects.create(ident="C1-2025-02", organization=tree["C1"], kind="regular", date=date(2025, 2, 3),
                                 status="held", notice_sent_on=date(2025, 2, 1))
    mar = Meeting.objects.create(ident="C1-2025-03", organization=tree["C1"], kind="regular", date=date(2025, 3, 3),
                                 status="planned", start=time(19, 30), place="Nhà văn hóa thôn Đông")
    Meeting.objects.create(ident="C1-2025-04", organization=tree["C1"], kind="regular", date=date(2025, 4, 3),
                           status="planned")  # far off: nothing yet
    c2_feb = Meeting.objects.create(ident="C2-2025-02", organization=tree["C2"], kind="regular",
                                    date=date(2025, 2, 3), status="notified", notice_sent_on=date(2025, 2, 1))
    Meeting.objects.create(ident="C2-2025-03X", organization=tree["C2"], kind="regular", date=date(2025, 3, 1),
                           status="cancelled", cancel_reason="Bão")  # a cancelled one does not count
    Meeting.objects.create(ident="C1-2025-01", organization=tree["C1"], kind="regular", date=date(2025, 1, 3),
                           status="finalized", finalized_at=SENT, notice_sent_on=date(2025, 1, 1))  # done: nothing
    ids = {"G": tree["G"].pk}
    for n, (due, done, who, what) in enumerate(((date(2025, 3, 4), None, "M2", "Làm đường liên thôn"),
                                 (date(2025, 2, 25), None, "M2", "Thu đảng phí quý I"),
                                 (date(2025, 3, 10), None, "M2", "Báo cáo xa"),
                                 (date(2025, 2, 20), date(2025, 2, 19), "M2", "Đã xong"),
                                 (date(2025, 3, 5), None, "M1", "Họp tổ đảng")), start=1):
        ids[f"t{n}"] = Task.objects.create(meeting=feb, position=n, assignee=tree[who], description=what, due=due,
                                           done_on=done).pk
    ids["plan"] = VisitPlan.objects.create(committee=tree["G"], cell=tree["C1"], assignee=tree["M4"], year=2025,
                                           half=1, meeting=mar).pk
    result(feb, ["NOTICE_LATE", "MINUTES_INCOMPLETE", "NOTICE_LATE"])
    result(c2_feb, [])  # no findings: nothing to say
    PeriodFinding.objects.create(organization=tree["C2"], year=2025, code="MISSING_THEMATIC_MEETING", period="2025-Q4",
                                 first=date(2024, 10, 1), last=date(2024, 12, 31))  # ended too long ago
    PeriodFinding.objects.create(organization=tree["C2"], year=2025, code="LATE_REGULAR_MEETING", period="2025-02",
                                 first=date(2025, 2, 1), last=date(2025, 2, 28))
    for n, (status, due_on, text) in enumerate((("received", date(2025, 3, 7), "Đề nghị làm đường"),
                                                 ("handling", date(2025, 2, 28), "Đề nghị hỗ trợ vốn"),
                                                 ("answered", date(2025, 2, 28), "Đã trả lời")), start=1):
        ids[f"r{n}"] = Recommendation.objects.create(
            organization=tree["C1"], meeting=feb, committee=tree["G"], topic="economy", text=text, status=status,
            sent_at=SENT, due_on=due_on, **({"answer": "Đã xử lý", "answered_at": SENT} if status == "answered" else {})
        ).pk
    return ids


@pytest.fixture
def expected(world):
    """EXPECTED with the ids of the world's rows (keys name them)."""
    return {(who, kind, key.format(**world), text) for who, kind, key, text in EXPECTED}


EXPECTED = {
    ("secretary", "notice", "notice-due:C1-2025-03",
     "Chi bộ thôn Đông: thông báo triệu tập cuộc họp ngày 03/03/2025 cần gửi chậm nhất ngày 02/03/2025."),
    ("secretary", "minutes", "not-final:C1-2025-02:2025-W09",
     "Chi bộ thôn Đông: cuộc họp ngày 03/02/2025 chưa hoàn tất biên bản."),
    ("secretary", "task", "task-due:{t5}",
     "Nhiệm vụ “Họp tổ đảng” (Chi bộ thôn Đông, cuộc họp ngày 03/02/2025) đến hạn ngày 05/03/2025."),
    ("member", "task", "task-due:{t1}",
     "Nhiệm vụ “Làm đường liên thôn” (Chi bộ thôn Đông, cuộc họp ngày 03/02/2025) đến hạn ngày 04/03/2025."),
    ("member", "task", "task-overdue:{t2}:2025-W09",
     "Nhiệm vụ “Thu đảng phí quý I” (Chi bộ thôn Đông, cuộc họp ngày 03/02/2025) đã quá hạn từ ngày 25/02/2025."),
    ("sibling", "meeting_date", "date-due:C2:2025-03",
     "Chi bộ thôn Tây: chưa lên lịch cuộc họp thường kỳ tháng 03/2025; phải họp chậm nhất ngày 03/03/2025."),
    ("sibling", "minutes", "not-held:C2-2025-02:2025-W09",
     "Chi bộ thôn Tây: cuộc họp ngày 03/02/2025 đã qua ngày họp nhưng chưa đánh dấu đã họp."),
    ("other", "visit", "visit:{plan}:C1-2025-03:2025-03-03",
     "Đảng bộ xã Tân Thành phân công đồng chí dự sinh hoạt Chi bộ thôn Đông lúc 19:30 ngày 03/03/2025 "
     "tại Nhà văn hóa thôn Đông."),
    *((who, "findings", "findings:C1-2025-02",
       "Chi bộ thôn Đông, cuộc họp ngày 03/02/2025: Thông báo triệu tập muộn; Biên bản chưa đầy đủ.") for who in ("staff", "designated")),
    *((who, "findings", "findings:C2:2025-02",
       "Chi bộ thôn Tây, tháng 02/2025: Sinh hoạt thường kỳ muộn so với ngày quy định.") for who in ("staff", "designated")),
    *((who, "recommendations", "rec-wait:{r1}:{G}",
       "Kiến nghị của Chi bộ thôn Đông (cuộc họp ngày 03/02/2025) chờ trả lời, hạn trả lời ngày 07/03/2025.")
      for who in ("staff", "designated")),
    *((who, "recommendations", "rec-late:{r2}:{G}:2025-W09",
       "Kiến nghị của Chi bộ thôn Đông (cuộc họp ngày 03/02/2025) quá hạn trả lời từ ngày 28/02/2025; đang xử lý.")
      for who in ("staff", "designated")),
}


def table(dues, people):
    return {(people[d.user_id].username, d.kind, d.key, d.text) for d in dues}


def test_who_gets_what(world, expected):
    dues, people = selectors.due_reminders(TODAY)
    assert table(dues, people) == expected
    assert len(dues) == len(EXPECTED)  # no reminder twice
    assert {p.username: p.email for p in people.values() if p.username in {"secretary", "member", "designated"}} == {
        "secretary": "bithu@example.vn", "member": "binh@example.vn", "designated": ""}


def test_each_reminder_links_to_where_it_is_done(world):
    dues, people = selectors.due_reminders(TODAY)
    urls = {(people[d.user_id].username, d.key.format(**world)): d.url for d in dues}
    assert urls[("secretary", "notice-due:C1-2025-03")] == "/sinh-hoat/C1-2025-03/thong-bao/"
    assert urls[("secretary", "not-final:C1-2025-02:2025-W09")] == "/sinh-hoat/C1-2025-02/"
    assert urls[("sibling", "date-due:C2:2025-03")] == "/to-chuc/C2/sinh-hoat/"
    assert urls[("member", f"task-due:{world['t1']}")] == "/cua-toi/"
    assert urls[("other", f"visit:{world['plan']}:C1-2025-03:2025-03-03")] == "/cua-toi/du-sinh-hoat/"
    assert urls[("staff", f"rec-wait:{world['r1']}:{world['G']}")] == f"/kien-nghi/{world['r1']}/"
    assert urls[("staff", "findings:C1-2025-02")] == "/sinh-hoat/C1-2025-02/"
    assert urls[("staff", "findings:C2:2025-02")] == "/to-chuc/C2/"


def test_every_reminder_leads_to_a_page_its_person_may_open(world, client_for):
    """No dead end: opening each notification lands its person on a page that answers 200."""
    services.remind(TODAY)
    for n in Notification.objects.select_related("user").order_by("pk"):
        client = client_for(n.user)
        response = client.post(f"/nhac-viec/{n.pk}/mo/")
        assert response.status_code == 302 and response["Location"] == n.url, n.key
        assert client.get(n.url).status_code == 200, (n.user.username, n.key, n.url)
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_the_labels_come_from_the_engine(world):
    """The finding texts above are the engine's labels (a test that would fail if they changed)."""
    from chibo.rules import engine

    assert engine.FINDING_LABELS["NOTICE_LATE"] == "Thông báo triệu tập muộn"
    assert engine.FINDING_LABELS["LATE_REGULAR_MEETING"] == "Sinh hoạt thường kỳ muộn so với ngày quy định"


def test_a_run_sends_each_reminder_once(world, expected):
    run = services.remind(TODAY, base_url="https://chibo.example.vn")
    assert (run.reminders, run.emails, run.already) == (len(EXPECTED), 4, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["binh@example.vn", "bithu@example.vn", "dangy@example.vn",
                                                   "khach@example.vn"]
    member = next(m for m in mail.outbox if m.to == ["binh@example.vn"])
    assert member.subject == "Chibo nhắc việc ngày 02/03/2025: 2 việc"
    assert member.body == (
        "Kính gửi đồng chí Trần Thị Bình,\n\nChibo nhắc đồng chí những việc sau (ngày 02/03/2025):\n\n"
        "- Nhiệm vụ của tôi sắp đến hạn hoặc quá hạn: Nhiệm vụ “Làm đường liên thôn” (Chi bộ thôn Đông, cuộc họp "
        "ngày 03/02/2025) đến hạn ngày 04/03/2025.\n  https://chibo.example.vn/cua-toi/\n\n"
        "- Nhiệm vụ của tôi sắp đến hạn hoặc quá hạn: Nhiệm vụ “Thu đảng phí quý I” (Chi bộ thôn Đông, cuộc họp "
        "ngày 03/02/2025) đã quá hạn từ ngày 25/02/2025.\n  https://chibo.example.vn/cua-toi/\n\n"
        "Những việc này cũng hiện ở mục \"Nhắc việc\" trên thanh trên cùng của Chibo. Đồng chí có thể tắt từng loại "
        "nhắc việc ở trang Tài khoản.\n")
    staff = next(m for m in mail.outbox if m.to == ["dangy@example.vn"])
    assert staff.subject == "Chibo nhắc việc ngày 02/03/2025: 4 việc"
    assert {(n.user.username, n.kind, n.key, n.text) for n in Notification.objects.select_related("user")} == expected
    assert set(Notification.objects.filter(user__username="designated").values_list("emailed_to", flat=True)) == {""}
    assert set(Notification.objects.filter(user__username="member").values_list("emailed_to", flat=True)) == {
        "binh@example.vn"}

    before = snapshot()
    again = services.remind(TODAY)
    assert (again.reminders, again.emails, again.already, again.lines) == (0, 0, len(EXPECTED), [])
    assert len(mail.outbox) == 4 and snapshot() == before


def test_a_retry_after_an_smtp_error_records_nothing(world, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def fail(self, messages):
        raise OSError("SMTP server away")

    monkeypatch.setattr(EmailBackend, "send_messages", fail)
    with pytest.raises(OSError):
        services.remind(TODAY)
    assert Notification.objects.count() == 0 and mail.outbox == []
    monkeypatch.undo()
    assert services.remind(TODAY).reminders == len(EXPECTED)


def test_the_dry_run_sends_and_writes_nothing(world):
    before = snapshot()
    out = StringIO()
    call_command("remind", "--date", "2025-03-02", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert mail.outbox == [] and snapshot() == before
    assert len(lines) == len(EXPECTED) + 1
    assert lines[-1] == f"Ngày 02/03/2025: sẽ gửi {len(EXPECTED)} nhắc việc (chạy thử, chưa gửi gì); 0 nhắc việc đã gửi trước đó."
    assert ("member (binh@example.vn) · Nhiệm vụ của tôi sắp đến hạn hoặc quá hạn: Nhiệm vụ “Làm đường liên thôn” "
            "(Chi bộ thôn Đông, cuộc họp ngày 03/02/2025) đến hạn ngày 04/03/2025.") in lines
    assert ("designated (không có e-mail, chỉ báo trong ứng dụng) · Kiến nghị, đề xuất của chi bộ đang chờ trả lời: "
            "Kiến nghị của Chi bộ thôn Đông (cuộc họp ngày 03/02/2025) chờ trả lời, hạn trả lời ngày 07/03/2025.") in lines
    # after a real run, the dry run has nothing left to send
    call_command("remind", "--date", "2025-03-02", stdout=StringIO())
    out = StringIO()
    call_command("remind", "--date", "2025-03-02", "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        f"Ngày 02/03/2025: sẽ gửi 0 nhắc việc (chạy thử, chưa gửi gì); {len(EXPECTED)} nhắc việc đã gửi trước đó."]


def test_the_command_reports_and_refuses_a_bad_date(world):
    out = StringIO()
    call_command("remind", stdout=out)  # today: dates.today() is pinned
    assert out.getvalue().splitlines()[-1] == (
        f"Ngày 02/03/2025: đã gửi {len(EXPECTED)} nhắc việc trong 4 e-mail; 0 nhắc việc đã gửi trước đó, không gửi lại.")
    with pytest.raises(CommandError) as exc:
        call_command("remind", "--date", "02/03/2025")
    assert exc.value.returncode == 2
    assert str(exc.value) == "--date: ngày không hợp lệ '02/03/2025' (định dạng YYYY-MM-DD)"


def test_each_kind_can_be_turned_off_per_person(world, expected, personas):
    services.preferences_save(personas["member"], {"notice", "minutes"})  # no tasks for the member
    services.preferences_save(personas["designated"], {"task", "findings"})  # no recommendations for designated
    dues, people = selectors.due_reminders(TODAY)
    got = table(dues, people)
    assert got == {row for row in expected if not (row[0] == "member" and row[1] == "task")
                   and not (row[0] == "designated" and row[1] == "recommendations")}
    services.remind(TODAY)
    assert sorted(m.to[0] for m in mail.outbox) == ["bithu@example.vn", "dangy@example.vn", "khach@example.vn"]
    # turned on again: what is still due is sent on the next run
    services.preferences_save(personas["member"], set(selectors.KIND_ORDER))
    run = services.remind(TODAY)
    assert run.reminders == 2 and [m.to for m in mail.outbox[3:]] == [["binh@example.vn"]]


def test_what_stays_late_is_reminded_again_the_next_week(world):
    services.remind(TODAY)
    next_week = date(2025, 3, 3)  # a Monday: ISO week 10
    dues, _people = selectors.due_reminders(next_week)
    run = services.remind(next_week)
    keys = {d.key for d in dues}
    assert f"task-overdue:{world['t2']}:2025-W10" in keys and "not-final:C1-2025-02:2025-W10" in keys
    assert f"task-due:{world['t1']}" in keys and f"rec-wait:{world['r1']}:{world['G']}" in keys  # sent already
    # known already: the meeting date and the visit (due on 03/03), tasks due, findings, recommendation waiting
    assert run.already == sum(1 for d in dues if "-W10" not in d.key) == 10
    sent_now = set(Notification.objects.filter(day=next_week).values_list("key", flat=True))
    assert sent_now == {d.key for d in dues if "-W10" in d.key} == {
        "notice-late:C1-2025-03:2025-W10", "not-final:C1-2025-02:2025-W10", "not-held:C2-2025-02:2025-W10",
        f"task-overdue:{world['t2']}:2025-W10", f"rec-late:{world['r2']}:{world['G']}:2025-W10"}


def test_a_visit_made_or_a_meeting_cancelled_is_no_longer_reminded(world, tree):
    from chibo.supervision.models import Visit

    plan = VisitPlan.objects.get()
    Visit.objects.create(organization=tree["C1"], date=date(2025, 3, 3), visitor="Phạm Văn Dũng", plan=plan)
    dues, _people = selectors.due_reminders(TODAY)
    assert not [d for d in dues if d.kind == "visit"]


def test_a_notice_past_its_deadline_and_a_meeting_after_the_regular_day(world, tree):
    Meeting.objects.filter(ident="C1-2025-03").update(date=date(2025, 3, 10))  # after the 3rd, no reason given
    on_time = selectors.due_reminders(date(2025, 3, 9))[0]
    assert [d.text for d in on_time if d.kind == "notice"] == [
        "Chi bộ thôn Đông: thông báo triệu tập cuộc họp ngày 10/03/2025 cần gửi chậm nhất ngày 09/03/2025."]
    dues, people = selectors.due_reminders(date(2025, 3, 10))
    got = {(people[d.user_id].username, d.key, d.text) for d in dues if d.kind in ("notice", "meeting_date")}
    assert got == {
        ("secretary", "notice-late:C1-2025-03:2025-W11",
         "Chi bộ thôn Đông: thông báo triệu tập cuộc họp ngày 10/03/2025 phải gửi chậm nhất ngày 09/03/2025; chưa gửi."),
        ("secretary", "date-off:C1-2025-03:2025-03-10",
         "Chi bộ thôn Đông: cuộc họp thường kỳ ngày 10/03/2025 sau ngày sinh hoạt thường kỳ chậm nhất trong tháng "
         "(ngày 3) mà chưa ghi lý do đổi ngày."),
        ("sibling", "date-late:C2:2025-03:2025-W11",
         "Chi bộ thôn Tây: chưa có cuộc họp thường kỳ tháng 03/2025; ngày sinh hoạt thường kỳ chậm nhất trong tháng "
         "là 03/03/2025 đã qua."),
    }
    Meeting.objects.filter(ident="C1-2025-03").update(rescheduled_reason="Trùng lịch bầu cử")
    dues, _people = selectors.due_reminders(date(2025, 3, 10))
    assert not [d for d in dues if d.key.startswith("date-off")]


def test_an_inactive_login_gets_nothing(world, personas):
    personas["staff"].is_active = False
    personas["staff"].save()
    dues, people = selectors.due_reminders(TODAY)
    assert "staff" not in {people[d.user_id].username for d in dues}


def test_the_beat_job(world):
    from chibo.jobs.celery import app
    from chibo.reminders.tasks import daily_reminders

    assert app.conf.beat_schedule["daily-reminders"]["task"] == daily_reminders.name
    assert daily_reminders.apply().get() == len(EXPECTED)
    assert daily_reminders.apply().get() == 0 and len(mail.outbox) == 4


def grow(tree, n):
    """n more cells under G, each with a secretary, a held meeting not finalized with findings, a
    member with a login and an overdue task, a recommendation waiting, a visit planned."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for i in range(n):
        cell = org_services.org_create(code=f"X{i}", name=f"Chi bộ số {i}", kind="chi_bo", parent=tree["G"])
        member = org_services.member_create(code=f"XM{i}", full_name=f"Ngô Văn {i}", organization=cell,
                                            start=date(2020, 1, 1))
        user = User.objects.create_user(f"x{i}", email=f"x{i}@example.vn")
        Member.objects.filter(pk=member.pk).update(user=user)
        Role.objects.create(user=user, organization=cell, kind=Role.Kind.SECRETARY)
        m = Meeting.objects.create(ident=f"X{i}-2025-02", organization=cell, kind="regular", date=date(2025, 2, 3),
                                   status="held")
        Task.objects.create(meeting=m, position=0, assignee=member, description="Việc", due=date(2025, 2, 1))
        result(m, ["NOTICE_LATE"])
        Recommendation.objects.create(organization=cell, meeting=m, committee=tree["G"], topic="other_topic",
                                      text="Kiến nghị", sent_at=SENT, due_on=date(2025, 3, 20))
        nxt = Meeting.objects.create(ident=f"X{i}-2025-03", organization=cell, kind="regular", date=date(2025, 3, 3),
                                     status="notified", notice_sent_on=date(2025, 3, 1))
        VisitPlan.objects.create(committee=tree["G"], cell=cell, assignee=tree["M4"], year=2025, half=1, meeting=nxt)


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_the_reminders_are_read_in_a_fixed_number_of_queries(world, tree):
    small = queries(lambda: selectors.due_reminders(TODAY))
    grow(tree, 6)
    assert queries(lambda: selectors.due_reminders(TODAY)) == small == 12
    dues, _people = selectors.due_reminders(TODAY)
    assert len(dues) == len(EXPECTED) + 6 * 7  # per cell: minutes, task, findings x2, recommendation x2, visit


def test_a_run_takes_a_fixed_number_of_queries_per_batch(world, tree, monkeypatch):
    grow(tree, 6)
    monkeypatch.setattr(services, "BATCH", 10)
    dues, _people = selectors.due_reminders(TODAY)
    batches = len(list(services.batches(dues)))
    assert batches == 6
    # reading (12), then per batch: what was sent, and in its transaction: savepoint, insert, release
    assert queries(lambda: services.remind(TODAY, dry_run=True)) == 12 + batches
    assert queries(lambda: services.remind(TODAY)) == 12 + 4 * batches
    assert queries(lambda: services.remind(TODAY)) == 12 + batches  # nothing left: only the look-ups


def test_batches_keep_a_persons_reminders_together():
    from chibo.reminders.selectors import Due

    dues = [Due(u, "task", f"k{u}-{i}", "", "") for u, n in ((1, 3), (2, 4), (3, 12), (4, 1)) for i in range(n)]
    services_batch = services.BATCH
    try:
        services.BATCH = 5
        cut = [[d.user_id for d in b] for b in services.batches(dues)]
    finally:
        services.BATCH = services_batch
    assert cut == [[1, 1, 1], [2, 2, 2, 2], [3] * 5, [3] * 5, [3, 3, 4]]


def test_preferences_keep_only_what_is_off(personas):
    assert services.preferences_save(personas["member"], {"task"})["task"] is True
    assert set(ReminderPreference.objects.values_list("kind", "enabled")) == {
        (k, False) for k in selectors.KIND_ORDER if k != "task"}
    assert selectors.preferences_of(personas["member"].pk)["notice"] is False
    assert selectors.preferences_of(personas["staff"].pk) == {k: True for k in selectors.KIND_ORDER}
