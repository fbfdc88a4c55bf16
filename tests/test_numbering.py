"""Resolution numbers: the next number of the cell's year, without gaps or duplicates, also when
many meetings are finalized at the same moment (threads, on SQLite and PostgreSQL)."""

import sqlite3
import threading
import time as clock
from datetime import date

import pytest
from django.db import connection, transaction
from django.utils import timezone

from chibo.meetings.models import Meeting
from chibo.meetings.recording.numbering import assign_resolution_number, format_resolution_number

# --- threads against the test database ------------------------------------------------------


@pytest.fixture
def threads_share_the_database(transactional_db, tmp_path):
    """Let threads (each with its own connection) write to the test database concurrently.

    PostgreSQL: nothing to do. SQLite: the test database lives in memory with a shared cache,
    where a second writer fails at once ("database table is locked") instead of waiting; so the
    test runs on a copy in a file, where writers wait for each other (BEGIN IMMEDIATE, timeout
    30 s) exactly as in production. Create the data the threads need before this fixture runs
    (request it first) or inside the test."""
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield
        return
    connection.ensure_connection()
    target = sqlite3.connect(tmp_path / "threads.sqlite3")
    connection.connection.backup(target)
    target.close()
    memory, name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None  # detached, not closed: the in-memory database lives on for the teardown
    connection.settings_dict["NAME"] = str(tmp_path / "threads.sqlite3")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        connection.connection = memory


def run_together(n: int, fn) -> list:
    """Run fn(0..n-1) in n threads released at the same instant; returns each result or exception."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i):
        try:
            barrier.wait()
            results[i] = fn(i)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


# --- sequential behaviour ------------------------------------------------------------------------


def make_meetings(org, n, year=2025, prefix=None):
    prefix = prefix or org.code
    return [Meeting.objects.create(ident=f"{prefix}-{year}-{i:02d}", organization=org, kind="regular",
                                   date=date(year, 1 + i % 12, 3), status="finalized",
                                   finalized_at=timezone.now()) for i in range(n)]


def test_numbers_follow_each_other_per_cell_and_year(tree):
    a1, a2, a3 = make_meetings(tree["C1"], 3)
    b1, = make_meetings(tree["C2"], 1)
    old, = make_meetings(tree["C1"], 1, year=2024, prefix="C1-old")
    assert [assign_resolution_number(m) for m in (a2, a1, b1, old, a3)] == [1, 2, 1, 1, 3]
    assert (a2.resolution_year, a2.resolution_number) == (2025, 1)
    stored = dict(Meeting.objects.values_list("ident", "resolution_number"))
    assert stored == {"C1-2025-00": 2, "C1-2025-01": 1, "C1-2025-02": 3, "C2-2025-00": 1, "C1-old-2024-00": 1}
    assert Meeting.objects.get(pk=old.pk).resolution_year == 2024


def test_numbering_is_idempotent(tree):
    m1, m2 = make_meetings(tree["C1"], 2)
    assert assign_resolution_number(m1) == 1
    stale = Meeting.objects.get(pk=m1.pk)
    stale.resolution_number = None  # an instance read before numbering: the database decides
    assert assign_resolution_number(stale) == 1
    assert assign_resolution_number(m2) == 2
    assert assign_resolution_number(m2) == 2
    assert sorted(Meeting.objects.values_list("resolution_number", flat=True)) == [1, 2]


def test_the_number_as_written_on_the_resolution():
    assert format_resolution_number(5) == "05-NQ/CB"
    assert format_resolution_number(12) == "12-NQ/CB"
    assert format_resolution_number(123) == "123-NQ/CB"
    assert format_resolution_number(None) is None


# --- concurrency ------------------------------------------------------------------------------------

N = 8


@pytest.mark.django_db(transaction=True)
def test_meetings_finalized_at_once_get_1_to_n(tree, threads_share_the_database):
    meetings = make_meetings(tree["C1"], N)
    others = make_meetings(tree["C2"], 3)
    targets = meetings + others

    def finalize(i):
        # As meeting_finalize does: lock the meeting row, work a little, then number it in the
        # same transaction; the number is only visible to others after the commit.
        with transaction.atomic():
            locked = Meeting.objects.select_for_update().get(pk=targets[i].pk)
            clock.sleep(0.005)
            return assign_resolution_number(locked)

    results = run_together(len(targets), finalize)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results[:N]) == list(range(1, N + 1))
    assert sorted(results[N:]) == [1, 2, 3]
    stored = Meeting.objects.filter(organization=tree["C1"]).values_list("resolution_number", flat=True)
    assert sorted(stored) == list(range(1, N + 1))


@pytest.mark.django_db(transaction=True)
def test_one_meeting_finalized_twice_at_once_keeps_one_number(tree, threads_share_the_database):
    first, second = make_meetings(tree["C1"], 2)
    results = run_together(6, lambda i: assign_resolution_number(Meeting.objects.get(pk=first.pk)))
    assert results == [1] * 6
    assert assign_resolution_number(second) == 2
