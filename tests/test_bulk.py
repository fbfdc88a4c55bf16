"""chibo.bulk.RowWriter: COPY on PostgreSQL, executemany elsewhere; the columns not given get
their default, a callable one computed for each row and put in the database's form."""

from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction

from chibo.bulk import BATCH, RowWriter, loading
from chibo.orgs.models import Member
from chibo.results.models import MeetingResult, PeriodFinding

pytestmark = pytest.mark.django_db


def test_rows_written_with_per_row_callable_defaults(meeting):
    writer = RowWriter(MeetingResult, ("meeting", "organization", "ident", "date", "kind", "entry", "score_total",
                                       "grade", "meets_framework", "expected", "present", "rescheduled",
                                       "removal_threshold"))
    writer.add((meeting.pk, meeting.organization_id, meeting.ident, meeting.date, "regular", '{"id": "x"}', 91,
                "tot", True, 3, 2, False, 3))
    writer.flush()  # fewer than BATCH rows: nothing written yet
    assert not MeetingResult.objects.exists()
    writer.flush(force=True)
    row = MeetingResult.objects.get()
    assert (row.ident, row.date, row.score_total, row.grade, row.meets_framework, row.present) == (
        meeting.ident, date(2025, 1, 3), 91, "tot", True, 2)
    assert row.unexcused == [] and row.tasks == [] and row.entry == '{"id": "x"}'


def test_a_batch_is_written_when_full(tree):
    cell = tree["C1"]
    writer = RowWriter(PeriodFinding, ("organization", "year", "code", "period", "first", "last", "member"))
    for i in range(BATCH):
        writer.add((cell.pk, 2025, "MISSING_REGULAR_MEETING", f"2025-{i % 12 + 1:02d}", date(2025, 1, 1),
                    date(2025, 1, 31), ""))
        writer.flush()
    assert PeriodFinding.objects.count() == BATCH and writer.rows == []
    assert PeriodFinding.objects.filter(meeting__isnull=True, task__isnull=True).count() == BATCH


# --- loading: the indexes and keys of empty tables made after their rows (PostgreSQL) ------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="drops and makes PostgreSQL indexes")


def _schema(table: str) -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table])
        indexes = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT conname, pg_get_constraintdef(oid), condeferrable, condeferred, convalidated "
                       "FROM pg_constraint WHERE conrelid = %s::regclass ORDER BY 1", [table])
        return indexes, cursor.fetchall()


def _findings(cell_id: int, count: int) -> RowWriter:
    writer = RowWriter(PeriodFinding, ("organization", "year", "code", "period", "first", "last", "member"))
    for i in range(count):
        writer.add((cell_id, 2025, "MISSING_REGULAR_MEETING", f"2025-{i % 12 + 1:02d}", date(2025, 1, 1),
                    date(2025, 1, 31), ""))
    return writer


@postgresql_only
def test_loading_an_empty_table_makes_its_indexes_and_keys_again(tree):
    table = PeriodFinding._meta.db_table
    before = _schema(table)
    assert len(before[0]) == 6 and sorted(c[1].split(" REFERENCES ")[1].split("(")[0] for c in before[1]
                                          if "FOREIGN KEY" in c[1]) == ["meetings_meeting", "orgs_organization"]
    member_table = Member._meta.db_table
    members_before = _schema(member_table)
    with loading([PeriodFinding, Member]):
        during = _schema(table)
        assert [d for d in during[0] if "_pkey" not in d] == [] and not any("FOREIGN KEY" in c[1] for c in during[1])
        assert _schema(member_table) == members_before  # it has rows (the tree's): untouched
        _findings(tree["C1"].pk, 30).flush(force=True)
    assert _schema(table) == before
    assert PeriodFinding.objects.filter(organization=tree["C1"]).count() == 30


@postgresql_only
def test_loading_a_row_that_breaks_a_key_fails_at_the_end_and_changes_nothing(tree):
    table = PeriodFinding._meta.db_table
    before = _schema(table)
    with pytest.raises(IntegrityError), transaction.atomic():
        with loading([PeriodFinding]):
            _findings(tree["C1"].pk, 3).flush(force=True)
            _findings(987_654_321, 1).flush(force=True)  # no such organisation: COPY takes it, the key does not
    assert _schema(table) == before
    assert not PeriodFinding.objects.exists()


def test_loading_writes_the_rows_on_any_database(tree):
    with loading([PeriodFinding]):
        _findings(tree["C2"].pk, 5).flush(force=True)
    assert PeriodFinding.objects.filter(organization=tree["C2"]).count() == 5
