"""Resolution numbers: "Số 05-NQ/CB" counts a cell's resolutions within one year, without gaps.

The next number is `max + 1` over the cell's numbered meetings of that year, read while the
cell's Organization row is locked (`select_for_update`): on PostgreSQL two finalizations of
the same cell queue on that row, and the second reads the first one's committed number
(READ COMMITTED takes a new snapshot per statement). SQLite has no row locks but serializes
writers: every transaction starts with BEGIN IMMEDIATE (settings: transaction_mode).

Called inside `meeting_finalize`'s transaction, after it has locked the meeting row; the
locks are taken here in the same order (meeting, then cell), so a direct call cannot
deadlock against a finalization of the same meeting. The unique constraint
(organization, resolution_year, resolution_number) is the last guard.
"""

import copy

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from chibo.changelog import record as changelog
from chibo.meetings.models import Meeting
from chibo.orgs.models import Organization

SUFFIX = "-NQ/CB"


def assign_resolution_number(meeting: Meeting) -> int:
    """Give the meeting the next resolution number of its cell and year (the year of its date).

    Idempotent: a meeting already numbered keeps its number. Returns the number and sets
    `resolution_year` / `resolution_number` on the passed instance too."""
    with transaction.atomic():
        locked = Meeting.objects.select_for_update().only(
            "pk", "organization_id", "date", "resolution_year", "resolution_number").get(pk=meeting.pk)
        if locked.resolution_number is None:
            Organization.objects.select_for_update().filter(pk=locked.organization_id).values_list(
                "pk", flat=True).get()
            year = locked.date.year
            last = Meeting.objects.filter(organization_id=locked.organization_id, resolution_year=year).aggregate(
                last=Max("resolution_number"))["last"]
            before = copy.copy(locked)
            locked.resolution_year, locked.resolution_number = year, (last or 0) + 1
            Meeting.objects.filter(pk=locked.pk).update(resolution_year=year, resolution_number=locked.resolution_number,
                                                        updated_at=timezone.now())
            changelog.updated([before], resolution_year=year, resolution_number=locked.resolution_number)
    meeting.resolution_year, meeting.resolution_number = locked.resolution_year, locked.resolution_number
    return locked.resolution_number


def format_resolution_number(number: int | None) -> str | None:
    """ "05-NQ/CB" (at least two digits, as numbers are written on Party documents); None if unnumbered."""
    if number is None:
        return None
    return f"{number:02d}{SUFFIX}"
