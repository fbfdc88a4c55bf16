"""Background jobs (chibo.jobs, Celery): in the embedded default a job runs in-process once its
transaction commits and never when it rolls back; a failing job is retried and then stored for the
administrators; a job that runs twice does its work once; and a real worker consumes the jobs from
the machine's Redis (a dedicated database number and a queue of the test's own)."""

import os
import smtplib
import subprocess
import sys
import threading
import time
import uuid
from datetime import date
from datetime import time as clock

import kombu.pools
import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connections, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from chibo import jobs
from chibo.jobs.models import JobFailure, MailDelivery
from chibo.jobs.tasks import clear_sessions, send_email
from chibo.meetings import dates
from chibo.meetings.models import Notice
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from chibo.meetings.tasks import notice_key, send_notice
from chibo.orgs.models import Member
from chibo.results.models import CellYear
from chibo.results.tasks import nightly_refresh

ADDRESSES = ["an@example.vn", "binh@example.vn", "staff@example.vn"]


class FlakySMTP(EmailBackend):
    """The locmem backend, but the addresses in FAIL are refused (SMTP server disconnected) as
    many times as their count says (-1: always); every attempt is counted in ATTEMPTS."""

    FAIL: dict[str, int] = {}
    ATTEMPTS: list[str] = []

    def send_messages(self, messages):
        for message in messages:
            address = message.to[0]
            FlakySMTP.ATTEMPTS.append(address)
            left = FlakySMTP.FAIL.get(address, 0)
            if left:
                FlakySMTP.FAIL[address] = left - 1
                raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed ({address})")
        return super().send_messages(messages)


FLAKY = f"{FlakySMTP.__module__}.FlakySMTP"  # the module as pytest imported it


@pytest.fixture(autouse=True)
def setup(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: date(2025, 1, 20))
    FlakySMTP.FAIL, FlakySMTP.ATTEMPTS = {}, []


@pytest.fixture
def planned(tree, personas):
    for code, address in (("M1", ADDRESSES[0]), ("M2", ADDRESSES[1])):
        Member.objects.filter(code=code).update(email=address)
    personas["staff"].email = ADDRESSES[2]
    personas["staff"].save()
    return planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 2, 3), start=clock(19, 30),
                                        place="Nhà văn hóa thôn Đông")


def send(planned, personas):
    return preparation_services.notice_send(planned, personas["secretary"], base_url="https://chibo.example",
                                     on=date(2025, 1, 25))


def delivered(notice):
    return sorted(MailDelivery.objects.filter(key__startswith=f"notice:{notice.pk}:").values_list("key", flat=True))


# --- the embedded default: in-process, on commit ------------------------------------------------

def test_the_embedded_default_is_eager():
    assert jobs.app.conf.task_always_eager is True
    assert jobs.app.conf.task_eager_propagates is False
    assert jobs.app.conf.task_acks_late is True


@pytest.mark.parametrize(("env", "eager", "broker"), [
    ({}, "True", "memory://localhost/"),  # never used: eager jobs are not sent
    ({"REDIS_URL": "redis://cache:6379/0"}, "False", "redis://cache:6379/0"),
    ({"REDIS_URL": "redis://a:6379/0", "CELERY_BROKER_URL": "redis://b:6379/1"}, "False", "redis://b:6379/1"),
])
def test_a_broker_turns_the_eager_mode_off(env, eager, broker):
    """Outside pytest: eager without a broker (scripts/start.sh), through the broker with one."""
    clean = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    out = subprocess.run(
        [sys.executable, "-c", "import chibo.settings as s; print(s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL)"],
        env={**clean, **env, "CHIBO_DEV": "1"}, capture_output=True, text=True, check=True)
    assert out.stdout == f"{eager} {broker}\n"


def test_routes_send_chosen_jobs_to_their_own_queue():
    """CELERY_ROUTES: workers started with -Q refresh take the refreshes, the others the rest."""
    code = ("import django; django.setup(); from chibo.jobs import app; r = app.amqp.router; "
            "print([r.route({}, name)['queue'].name for name in sys.argv[1:]])")
    out = subprocess.run(
        [sys.executable, "-c", "import sys; " + code, "chibo.results.tasks.refresh_cells",
         "chibo.meetings.tasks.send_notice", "chibo.jobs.tasks.send_email"],
        env={**os.environ, "CHIBO_DEV": "1", "DJANGO_SETTINGS_MODULE": "chibo.settings",
             "CELERY_ROUTES": "chibo.results.tasks.*=refresh, chibo.jobs.tasks.send_email=mail"},
        capture_output=True, text=True, check=True)
    assert out.stdout == "['refresh', 'chibo', 'mail']\n"


def test_the_notice_job_runs_when_the_transaction_commits(planned, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = send(planned, personas)
    notice = result.notice
    assert (len(mail.outbox), delivered(notice)) == (0, [])  # nothing before the commit
    job = [c for c in callbacks if c.__module__ == "chibo.jobs.queue"]
    assert len(job) == 1
    job[0]()  # the commit
    assert [m.to for m in mail.outbox] == [[a] for a in ADDRESSES]
    assert delivered(notice) == [notice_key(notice.pk, a) for a in ADDRESSES]
    assert list(MailDelivery.objects.filter(recipient=ADDRESSES[0]).values_list("subject", flat=True)) == [
        "Thông báo: Chi bộ thôn Đông sinh hoạt thường kỳ ngày 03/02/2025"]
    assert JobFailure.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_committed_runs_in_process_and_rolled_back_runs_nothing(planned, personas):
    """With real transactions: a rolled-back notice mails nobody; a committed one is mailed by the
    time the transaction block has ended, in the same process."""
    with pytest.raises(RuntimeError), transaction.atomic():
        send(planned, personas)
        raise RuntimeError("the request fails after the notice")
    assert (Notice.objects.count(), len(mail.outbox), MailDelivery.objects.count()) == (0, 0, 0)
    with transaction.atomic():
        notice = send(planned, personas).notice
        assert len(mail.outbox) == 0
    assert [m.to for m in mail.outbox] == [[a] for a in ADDRESSES]
    assert delivered(notice) == [notice_key(notice.pk, a) for a in ADDRESSES]


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_sends_at_once():
    jobs.enqueue(send_email, "k-1", "Tiêu đề", "Nội dung", ["a@example.vn"])
    assert [(m.subject, m.to) for m in mail.outbox] == [("Tiêu đề", ["a@example.vn"])]


# --- retries, failures, idempotency ---------------------------------------------------------------

def test_a_failing_recipient_is_retried_without_mailing_the_others_twice(
        settings, planned, personas, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = FLAKY
    FlakySMTP.FAIL = {ADDRESSES[1]: 2}  # refused twice, then accepted
    with django_capture_on_commit_callbacks(execute=True):
        notice = send(planned, personas).notice
    # First run: an, binh (refused), staff; two retries for binh alone, the second one accepted.
    assert FlakySMTP.ATTEMPTS == [ADDRESSES[0], ADDRESSES[1], ADDRESSES[2], ADDRESSES[1], ADDRESSES[1]]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(ADDRESSES)
    assert delivered(notice) == [notice_key(notice.pk, a) for a in ADDRESSES]
    assert JobFailure.objects.count() == 0


def test_a_job_failing_after_its_retries_is_shown_to_administrators(
        settings, planned, personas, django_capture_on_commit_callbacks, client_for):
    settings.EMAIL_BACKEND = FLAKY
    FlakySMTP.FAIL = {ADDRESSES[2]: -1}  # always refused
    with django_capture_on_commit_callbacks(execute=True):
        notice = send(planned, personas).notice
    assert FlakySMTP.ATTEMPTS == ADDRESSES + [ADDRESSES[2]] * jobs.RETRY["max_retries"]
    assert delivered(notice) == [notice_key(notice.pk, a) for a in ADDRESSES[:2]]
    failure = JobFailure.objects.get()
    assert (failure.task, failure.label, failure.retries, failure.error) == (
        "chibo.meetings.tasks.send_notice", "Gửi thông báo họp qua email", 5,
        "SMTPServerDisconnected: Connection unexpectedly closed (staff@example.vn)")
    assert failure.arguments == f'{{"args": [{notice.pk}, "https://chibo.example"], "kwargs": {{}}}}'
    assert "SMTPServerDisconnected" in failure.traceback
    # The notice itself stands: recorded, the meeting notified.
    planned.refresh_from_db()
    assert planned.status == "notified"

    admin = client_for(personas["admin"])
    page = admin.get("/quan-tri/jobs/jobfailure/").content.decode()
    assert "Công việc nền bị lỗi" in page and "Gửi thông báo họp qua email" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed (staff@example.vn)" in page
    detail = admin.get(f"/quan-tri/jobs/jobfailure/{failure.pk}/change/")
    assert detail.status_code == 200 and "Số lần thử lại" in detail.content.decode()
    assert admin.get("/quan-tri/jobs/jobfailure/add/").status_code == 403
    assert "Công việc nền" in admin.get("/quan-tri/").content.decode()
    for persona in ("staff", "secretary", "member"):  # administrators only
        assert client_for(personas[persona]).get("/quan-tri/jobs/jobfailure/").status_code == 302

    # Once the server takes it again, running the job again mails only the one left.
    FlakySMTP.FAIL, FlakySMTP.ATTEMPTS = {}, []
    assert send_notice.apply(args=(notice.pk, "https://chibo.example")).get() == 1
    assert FlakySMTP.ATTEMPTS == [ADDRESSES[2]]


def test_a_notice_job_run_twice_mails_each_recipient_once(planned, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = send(planned, personas).notice
    assert len(mail.outbox) == 3
    assert send_notice.apply(args=(notice.pk, "https://chibo.example")).get() == 0
    assert send_notice(notice.pk) == 0
    assert len(mail.outbox) == 3 and MailDelivery.objects.count() == 3


def test_a_notice_sent_again_is_a_new_notice(planned, personas, django_capture_on_commit_callbacks):
    """Idempotency is per notice: sending the notice again (a change of place) mails everyone again."""
    with django_capture_on_commit_callbacks(execute=True):
        send(planned, personas)
        send(planned, personas)
    assert len(mail.outbox) == 6 and MailDelivery.objects.count() == 6


def test_a_mail_job_run_twice_sends_once(db):
    assert send_email.apply(args=("reset:1", "Chibo", "Nội dung", ["a@example.vn"])).get() is True
    assert send_email.apply(args=("reset:1", "Chibo", "Nội dung", ["a@example.vn"])).get() is False
    assert len(mail.outbox) == 1


def test_a_mail_job_is_retried_then_recorded(settings, db):
    settings.EMAIL_BACKEND = FLAKY
    FlakySMTP.FAIL = {"a@example.vn": -1}
    result = send_email.apply(args=("reset:2", "Chibo", "Nội dung", ["a@example.vn"]))
    assert result.failed() and isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert len(FlakySMTP.ATTEMPTS) == 1 + jobs.RETRY["max_retries"]
    assert JobFailure.objects.get().label == "Gửi thư"
    assert MailDelivery.objects.count() == 0


def test_a_job_the_broker_refuses_is_recorded_and_the_commit_stands(
        monkeypatch, planned, personas, django_capture_on_commit_callbacks):
    def refuse(*args, **kwargs):
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_notice, "apply_async", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        notice = send(planned, personas).notice
    failure = JobFailure.objects.get()
    assert (failure.task, failure.retries, failure.error) == (
        "chibo.meetings.tasks.send_notice", 0,
        "Không đưa được vào hàng đợi — OperationalError: Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    assert Notice.objects.get() == notice and len(mail.outbox) == 0


def test_the_demo_notice_mails_nobody(planned, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        preparation_services.notice_send(planned, personas["secretary"], on=date(2025, 1, 25), mail=False)
    assert not [c for c in callbacks if c.__module__ == "chibo.jobs.queue"]
    assert (Notice.objects.count(), len(mail.outbox)) == (1, 0)


def test_a_failure_that_cannot_be_stored_is_logged(settings, monkeypatch, caplog, db):
    settings.EMAIL_BACKEND = FLAKY
    FlakySMTP.FAIL = {"a@example.vn": -1}

    def database_away(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(JobFailure, "record", database_away)
    assert send_email.apply(args=("reset:3", "Chibo", "Nội dung", ["a@example.vn"])).failed()
    assert "could not store the failure of chibo.jobs.tasks.send_email" in caplog.text


def test_two_runs_at_the_same_moment_store_one_delivery(monkeypatch, db):
    """The other run stored the key between this run's check and its own record."""
    real_send = EmailBackend.send_messages

    def and_the_other_run(self, messages):
        MailDelivery.objects.create(key="reset:4", recipient="a@example.vn", subject="Chibo")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", and_the_other_run)
    assert send_email.apply(args=("reset:4", "Chibo", "Nội dung", ["a@example.vn"])).get() is True
    assert [str(d) for d in MailDelivery.objects.all()] == ["a@example.vn: Chibo"]


def test_a_mail_job_with_html(db):
    send_email.apply(args=("k-2", "Chibo", "Nội dung", ["a@example.vn"]), kwargs={"html": "<p>Nội dung</p>"}).get()
    assert mail.outbox[0].alternatives[0] == ("<p>Nội dung</p>", "text/html")


def test_the_notice_of_a_deleted_meeting_mails_nobody(planned, personas):
    notice = send(planned, personas).notice  # the job waits for a commit that never comes here
    pk = notice.pk
    planned.delete()
    assert send_notice.apply(args=(pk, "")).get() == 0
    assert len(mail.outbox) == 0


# --- nightly work ----------------------------------------------------------------------------------

def test_the_beat_schedule_names_registered_tasks():
    schedule = jobs.app.conf.beat_schedule
    assert {name: entry["task"] for name, entry in schedule.items()} == {
        "nightly-refresh": "chibo.results.tasks.nightly_refresh",
        "nightly-clearsessions": "chibo.jobs.tasks.clear_sessions",
        "daily-reminders": "chibo.reminders.tasks.daily_reminders"}
    for entry in schedule.values():
        assert entry["task"] in jobs.app.tasks
    assert (schedule["nightly-refresh"]["schedule"].hour, schedule["nightly-refresh"]["schedule"].minute) == ({1}, {30})


def test_clear_sessions_deletes_the_expired_ones(db):
    old, current = SessionStore(), SessionStore()
    old.create()
    current.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=timezone.now() - timezone.timedelta(days=1))
    clear_sessions.apply().get()
    assert list(Session.objects.values_list("session_key", flat=True)) == [current.session_key]


def test_the_nightly_refresh_stores_every_tree(meeting):
    CellYear.objects.all().delete()
    count = nightly_refresh.apply().get()
    assert count == CellYear.objects.count() > 0
    assert set(CellYear.objects.values_list("organization__code", flat=True)) == {"C1", "C2", "C3"}


# --- a real worker, through Redis ------------------------------------------------------------------

REDIS = os.environ.get("CHIBO_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


def redis_up() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except redis.RedisError:
        return False


def fresh(app):
    """Forget what the app built from its configuration (queues, router, connections)."""
    app.__dict__.pop("amqp", None)
    app._pool = None


@pytest.fixture
def worker_app():
    """The Celery app pointed at Redis (a dedicated database number) and a queue of its own, as
    in production; restored afterwards (back to the eager default)."""
    if not redis_up():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {REDIS}")
        pytest.skip(f"Redis is not running at {REDIS}")
    app = jobs.app
    queue = f"chibo-test-{uuid.uuid4().hex}"
    keys = ("broker_url", "task_always_eager", "task_default_queue")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(broker_url=REDIS, task_always_eager=False, task_default_queue=queue)
    fresh(app)

    def close_db(**kwargs):  # what Celery's Django fix-up does in a worker process
        if threading.current_thread() is not threading.main_thread():
            connections.close_all()

    task_postrun.connect(close_db, weak=False)
    try:
        yield app, queue
    finally:
        task_postrun.disconnect(close_db)
        kombu.pools.reset()  # closes and forgets the connections to the test's Redis database
        app.conf.update(saved)
        fresh(app)
        import redis

        client = redis.Redis.from_url(REDIS)
        client.delete(queue, *client.keys(f"_kombu.binding*.{queue}"))


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_mails_a_saved_notice(worker_app, planned, personas):
    """Sending a notice commits it and puts its job on Redis; a worker thread (Celery's own test
    worker, solo pool) takes it from there and mails the notice; the deliveries it stores are in
    the database."""
    app, queue = worker_app
    ran, done = [], threading.Event()

    def seen(task=None, **kwargs):
        ran.append((task.name, task.request.is_eager, (task.request.delivery_info or {}).get("routing_key"),
                    threading.current_thread() is threading.main_thread()))

    def finished(task=None, state=None, **kwargs):
        if task.name == send_notice.name and state in ("SUCCESS", "FAILURE"):
            done.set()

    task_prerun.connect(seen, weak=False)
    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue],
                          loglevel="WARNING", shutdown_timeout=30):
            with transaction.atomic():
                notice = send(planned, personas).notice
            # No query here while the worker runs (the save's re-audit job may follow the notice):
            # SQLite's shared in-memory test database locks whole tables. The worker stops before
            # the checks below. The bound is for a broken worker, not a measured time.
            assert done.wait(60)
    finally:
        task_prerun.disconnect(seen)
        task_postrun.disconnect(finished)
    assert [r for r in ran if r[0] == send_notice.name] == [(send_notice.name, False, queue, False)]
    assert delivered(notice) == [notice_key(notice.pk, a) for a in ADDRESSES]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(ADDRESSES)
    assert JobFailure.objects.count() == 0


def worker_database_url() -> str | None:
    """The test database as a URL another process can open (None: SQLite in memory)."""
    conn = connections["default"]
    s = conn.settings_dict
    if conn.vendor == "sqlite":
        return None if conn.is_in_memory_db() else f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_the_celery_command_runs_a_saved_notice(worker_app, planned, personas):
    """Production's own command, `celery -A chibo.jobs worker`, in its own process: it takes the
    notice's job from Redis and stores the deliveries in the (test) database."""
    url = worker_database_url()
    if url is None:
        pytest.skip("a worker process cannot open SQLite's in-memory test database (PostgreSQL runs it)")
    _app, queue = worker_app
    env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": REDIS, "CELERY_QUEUE": queue,
           "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "CHIBO_DEV": "1"}
    env.pop("CELERY_BROKER_URL", None)
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "chibo.jobs", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--without-mingle", "--without-gossip", "--without-heartbeat", "-n", f"{queue}@%h"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with transaction.atomic():
            notice = send(planned, personas).notice
        deadline = time.monotonic() + 90  # a bound for a broken worker, not a measured time
        while len(delivered(notice)) < 3 and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.1)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=60)[0]
    assert delivered(notice) == [notice_key(notice.pk, a) for a in ADDRESSES], output
    assert JobFailure.objects.count() == 0
    assert len(mail.outbox) == 0  # mailed by the worker process, not this one
