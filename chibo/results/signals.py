"""What a save makes stale: the cell-years whose results it changes, re-audited after the
transaction commits, by a job (`tasks.refresh_cells`; in the embedded default in-process at
once; with a worker RESULTS_REFRESH_DELAY seconds later, one job for the saves of those seconds:
`tasks.request_refresh`; RESULTS_RECORDING_DELAY for the saves of a meeting's live recording,
`meetings.recording.live`); a rolled-back transaction refreshes nothing.

- a meeting or one of its parts (attendance, speeches, votes, tasks, guests, the HD 42 quality
  record): its cell's year
  (and the old year when its date moved);
- a member, a membership or an exempt/away period: every cell the member belongs or belonged to,
  for the years already stored and this one;
- a visit: its cell's year;
- a rule profile or a committee's scoring sheet: every cell of the organisation's subtree, and
  every other cell its members belong or belonged to (a fee threshold counts across a transfer),
  for the years already stored and this one;
- a party-fee record (its due, a payment): every cell the member belongs or belonged to, for the
  record's year; a relief: those cells for the years it covers (and, when corrected, covered) that are
  stored, and this one;
- a meeting or a task of it (version 2: the next year's first HD 42 meeting scores the tasks of
  the last regular meeting before it): also its cell's next year, once that year has begun.

The HD 42 preparation dates (notice, documents, the chi ủy's agreement, results posted) are
the meeting's own fields, and the quality record a part of it: their saves mark as above.

Bulk loads (`chibo import`, `chibo generate`) write without signals and refresh afterwards."""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from chibo.changelog.record import ROW_BEFORE
from chibo.fees.models import FeeRecord, Relief
from chibo.meetings.models import Attendance, Guest, Meeting, QualityRecord, Speech, Task, Vote
from chibo.meetings.recording import live
from chibo.orgs.models import CELL_KINDS, Member, MemberPeriod, Membership, Organization
from chibo.rules.models import RuleProfile, ScoringSheet
from chibo.supervision.models import Visit

_state = threading.local()


def _pending() -> dict[tuple[int, int], bool]:
    """{(cell id, year): whether a save outside a live recording (`meetings.recording.live`) marked it:
    then it waits a save's delay, else the recording's}."""
    if not hasattr(_state, "pending"):
        _state.pending = {}
    return _state.pending


def mark(cell_id: int, year: int) -> None:
    """Refresh (cell, year) after the current transaction commits (at once outside one)."""
    pending = _pending()
    pending[(cell_id, year)] = pending.get((cell_id, year), False) or not live.active()
    transaction.on_commit(flush)


def flush() -> None:
    """Send the cell-years marked so far to be re-audited (chibo.results.tasks.refresh_cells: in
    the embedded default at once, in-process; in production on a worker). The first callback
    of a commit takes them all."""
    from chibo.results.tasks import RECORDING, request_refresh

    pending = _pending()
    if not pending:
        return
    usual = sorted(pair for pair, outside_recording in pending.items() if outside_recording)
    recording = sorted(pair for pair, outside_recording in pending.items() if not outside_recording)
    pending.clear()
    if usual:
        request_refresh(usual)
    if recording:
        request_refresh(recording, kind=RECORDING)


def _stored_years(cell_ids) -> set[tuple[int, int]]:
    from chibo.results.models import CellYear

    this_year = timezone.localdate().year
    pairs = set(CellYear.objects.filter(organization_id__in=cell_ids).values_list("organization_id", "year"))
    return pairs | {(cell_id, this_year) for cell_id in cell_ids}


def _member_changed(member_id: int) -> None:
    cells = set(Membership.objects.filter(member_id=member_id).values_list("organization_id", flat=True))
    for cell_id, year in _stored_years(cells):
        mark(cell_id, year)


@receiver(pre_save, sender=Meeting)
def _meeting_moving(sender, instance, **kwargs):
    if instance.pk:
        before = instance.__dict__.get(ROW_BEFORE)  # read under a lock just before (meeting_field_set)
        if before is not None:
            old = (before.organization_id, before.date)
        else:
            old = Meeting.objects.filter(pk=instance.pk).values_list("organization_id", "date").first()
        if old and (old[0] != instance.organization_id or old[1].year != instance.date.year):
            mark(old[0], old[1].year)


def _mark_with_next(cell_id: int, year: int) -> None:
    """(cell, year), and (cell, year + 1) when that year has begun: a frame score of version 2
    counts the tasks of the cell's previous regular meeting, which may lie in the year before."""
    mark(cell_id, year)
    if year < timezone.localdate().year:
        mark(cell_id, year + 1)


@receiver(post_save, sender=Meeting)
@receiver(post_delete, sender=Meeting)
def _meeting_saved(sender, instance, **kwargs):
    _mark_with_next(instance.organization_id, instance.date.year)


@receiver(post_save, sender=Attendance)
@receiver(post_delete, sender=Attendance)
@receiver(post_save, sender=Speech)
@receiver(post_delete, sender=Speech)
@receiver(post_save, sender=Vote)
@receiver(post_delete, sender=Vote)
@receiver(post_save, sender=Task)
@receiver(post_delete, sender=Task)
@receiver(post_save, sender=Guest)
@receiver(post_delete, sender=Guest)
@receiver(post_save, sender=QualityRecord)
@receiver(post_delete, sender=QualityRecord)
def _part_saved(sender, instance, **kwargs):
    # The meeting already loaded on the row (the recording services set the locked one): not read
    # again. A meeting moved meanwhile marks its old and new cell-years itself (above).
    meeting = instance.meeting if sender.meeting.field.is_cached(instance) else None
    if meeting is not None and meeting.pk == instance.meeting_id:
        row = (meeting.organization_id, meeting.date)
    else:
        row = Meeting.objects.filter(pk=instance.meeting_id).values_list("organization_id", "date").first()
    if row:
        (_mark_with_next if sender is Task else mark)(row[0], row[1].year)


@receiver(post_save, sender=Member)
def _member_saved(sender, instance, **kwargs):
    _member_changed(instance.pk)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=MemberPeriod)
@receiver(post_delete, sender=MemberPeriod)
def _period_saved(sender, instance, **kwargs):
    _member_changed(instance.member_id)
    if sender is Membership:
        for year in range(instance.start.year, (instance.end or timezone.localdate()).year + 1):
            mark(instance.organization_id, year)


@receiver(post_save, sender=FeeRecord)
@receiver(post_delete, sender=FeeRecord)
def _fee_saved(sender, instance, **kwargs):
    for cell_id in set(Membership.objects.filter(member_id=instance.member_id).values_list(
            "organization_id", flat=True)):
        mark(cell_id, instance.month.year)


def _mark_relief(member_id: int, from_month, to_month) -> None:
    cells = set(Membership.objects.filter(member_id=member_id).values_list("organization_id", flat=True))
    last = to_month.year if to_month else None
    for cell_id, year in _stored_years(cells):
        if year >= from_month.year and (last is None or year <= last):
            mark(cell_id, year)


@receiver(pre_save, sender=Relief)
def _relief_moving(sender, instance, **kwargs):
    """A corrected relief: the years its old months covered are re-audited too."""
    if instance.pk:
        old = Relief.objects.filter(pk=instance.pk).values_list("member_id", "from_month", "to_month").first()
        if old and (old[1], old[2]) != (instance.from_month, instance.to_month):
            _mark_relief(*old)


@receiver(post_save, sender=Relief)
@receiver(post_delete, sender=Relief)
def _relief_saved(sender, instance, **kwargs):
    _mark_relief(instance.member_id, instance.from_month, instance.to_month)


@receiver(post_save, sender=Visit)
@receiver(post_delete, sender=Visit)
def _visit_saved(sender, instance, **kwargs):
    mark(instance.organization_id, instance.date.year)


@receiver(post_save, sender=RuleProfile)
@receiver(post_delete, sender=RuleProfile)
@receiver(post_save, sender=ScoringSheet)
@receiver(post_delete, sender=ScoringSheet)
def _profile_saved(sender, instance, **kwargs):
    org = Organization.objects.filter(pk=instance.organization_id).first()
    if org is None:
        return
    cells = set(Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).values_list("pk", flat=True))
    # a member who moved: the findings of their year, kept in one cell, count their months here
    # by the threshold here (rules-v2.md §8.3)
    cells |= set(Membership.objects.filter(member__in=Membership.objects.filter(organization__in=cells).values(
        "member_id")).values_list("organization_id", flat=True).distinct())
    for cell_id, year in _stored_years(cells):
        mark(cell_id, year)
