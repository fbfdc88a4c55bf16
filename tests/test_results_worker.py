"""A saved meeting's results arrive through a real Celery worker on the machine's Redis: the save
commits, its re-audit job (chibo.results.tasks.refresh_cells) goes to Redis, a worker takes it
and stores the cell-year's results, which then equal what the engine computes."""

import threading

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun, task_prerun
from django.db import transaction

from chibo.interchange.auditjson import dump_audit
from chibo.interchange.db import audit_input
from chibo.meetings.models import Attendance
from chibo.results.models import MeetingResult
from chibo.results.selectors import stored_audit
from chibo.results.tasks import refresh_cells
from chibo.rules import engine
from tests.test_jobs import worker_app  # noqa: F401  (the fixture: Redis db 5, a queue of its own)


@pytest.mark.django_db(transaction=True)
def test_a_saved_meetings_results_arrive_through_a_worker(meeting, tree, worker_app, settings):  # noqa: F811
    from datetime import date

    settings.RESULTS_REFRESH_DELAY = 0  # at once: the job's way through Redis and the worker

    app, queue = worker_app  # requested after the meeting: its own saves were re-audited in-process
    ran, done = [], threading.Event()

    def seen(task=None, **kwargs):
        ran.append((task.name, task.request.is_eager, (task.request.delivery_info or {}).get("routing_key")))

    def finished(task=None, state=None, **kwargs):
        if task.name == refresh_cells.name and state in ("SUCCESS", "FAILURE"):
            done.set()

    row = Attendance.objects.get(meeting=meeting, member=tree["M3"])
    task_prerun.connect(seen, weak=False)
    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue],
                          loglevel="WARNING", shutdown_timeout=30):
            with transaction.atomic():
                row.status = "absent_unexcused"
                row.save()
            # No query while the worker runs (SQLite's shared in-memory test database locks
            # whole tables); the bound is for a broken worker, not a measured time.
            assert done.wait(60)
    finally:
        task_prerun.disconnect(seen)
        task_postrun.disconnect(finished)
    assert [r for r in ran if r[0] == refresh_cells.name] == [(refresh_cells.name, False, queue)]
    stored = MeetingResult.objects.get(meeting=meeting)
    assert stored.unexcused == ["M3"]
    first, last = date(2025, 1, 1), date(2025, 12, 31)
    assert dump_audit(stored_audit(tree["C1"], first, last)) == dump_audit(
        engine.audit(audit_input(tree["C1"], first, last, 2), first, last))  # the stored results are version 2


@pytest.mark.django_db(transaction=True)
def test_the_taps_of_a_few_seconds_share_one_re_audit(meeting, tree, worker_app, settings):  # noqa: F811
    """RESULTS_REFRESH_DELAY: three saves of one cell-year in a row send one job, which runs after the
    delay and stores what the last save left; a save after that job started sends a new one."""
    app, queue = worker_app
    settings.RESULTS_REFRESH_DELAY = 1
    ran, done = [], threading.Semaphore(0)

    def finished(task=None, state=None, args=None, **kwargs):
        if task.name == refresh_cells.name:
            ran.append((state, args))
            done.release()

    rows = {code: Attendance.objects.get(meeting=meeting, member=tree[code]) for code in ("M1", "M2", "M3")}
    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue],
                          loglevel="WARNING", shutdown_timeout=30):
            for code, status in (("M3", "absent_unexcused"), ("M2", "late"), ("M3", "absent_excused")):
                with transaction.atomic():
                    rows[code].status = status
                    rows[code].save()
            assert done.acquire(timeout=60)
            with transaction.atomic():
                rows["M1"].status = "absent_unexcused"
                rows["M1"].save()
            assert done.acquire(timeout=60)
            assert not done.acquire(timeout=2)  # no third job
    finally:
        task_postrun.disconnect(finished)
    cell_year = [[tree["C1"].pk, meeting.date.year]]
    assert ran == [("SUCCESS", [cell_year]), ("SUCCESS", [cell_year])]
    stored = MeetingResult.objects.get(meeting=meeting)
    assert stored.unexcused == ["M1"]


@pytest.mark.django_db(transaction=True)
def test_a_live_recording_is_re_audited_after_the_recording_delay_and_other_saves_after_theirs(
        meeting, tree, personas, client_for, worker_app, settings):  # noqa: F811
    """The recording page's autosaves wait RESULTS_RECORDING_DELAY (a cell meeting for two hours is
    re-audited every few minutes, not every few seconds); a save outside the recording (finalizing,
    another page) still sends its own job after RESULTS_REFRESH_DELAY, though the recording's waits."""
    import time

    app, queue = worker_app
    settings.RESULTS_REFRESH_DELAY, settings.RESULTS_RECORDING_DELAY = 1, 4
    ran, done = [], threading.Semaphore(0)

    def finished(task=None, state=None, args=None, kwargs=None, **extra):
        if task.name == refresh_cells.name:
            ran.append((state, args, kwargs, round(time.monotonic() - start)))
            done.release()

    client = client_for(personas["secretary"])
    other = Attendance.objects.get(meeting=meeting, member=tree["M2"])
    task_postrun.connect(finished, weak=False)
    try:
        with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, queues=[queue],
                          loglevel="WARNING", shutdown_timeout=30):
            start = time.monotonic()
            for code, status in (("M3", "absent_unexcused"), ("M1", "late"), ("M3", "late")):
                answer = client.post(f"/sinh-hoat/{meeting.ident}/ghi/diem-danh/",
                                     {"member": code, "status": status, "panel": "0"})
                assert answer.json()["ok"] is True
            with transaction.atomic():  # a save elsewhere: not the recording's
                other.status = "absent_unexcused"
                other.save()
            assert done.acquire(timeout=60) and done.acquire(timeout=60)
            assert not done.acquire(timeout=2)  # no third job
    finally:
        task_postrun.disconnect(finished)
    cell_year = [[tree["C1"].pk, meeting.date.year]]
    assert [(state, args, kwargs) for state, args, kwargs, _at in ran] == [
        ("SUCCESS", [cell_year], {}), ("SUCCESS", [cell_year], {"kind": "recording"})]
    assert ran[0][3] < 4 <= ran[1][3]  # the save's after about 1 s, the recording's after 4
    stored = MeetingResult.objects.get(meeting=meeting)
    assert sorted(stored.unexcused) == ["M2"]
