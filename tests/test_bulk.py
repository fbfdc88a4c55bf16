"""chibo.bulk.RowWriter: COPY on PostgreSQL, executemany elsewhere; the columns not given get
their default, a callable one computed for each row and put in the database's form."""

from datetime import date

import pytest

from chibo.bulk import BATCH, RowWriter
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
