"""The meeting life cycle: the transition table (pure), one service per move on the database,
refusals that change nothing, and the database constraints the services rely on."""

from datetime import date, time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from chibo import vocabulary
from chibo.changelog.models import LogEntry
from chibo.meetings import lifecycle
from chibo.meetings.lifecycle import CANCELLED, FINALIZED, HELD, NOTIFIED, PLANNED, RESCHEDULED
from chibo.meetings.models import AgendaItem, Attendance, Guest, Meeting, Speech, Task, Vote
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from chibo.meetings.recording import services

TARGETS = (NOTIFIED, HELD, FINALIZED, CANCELLED, RESCHEDULED)
ALLOWED = {
    (PLANNED, NOTIFIED), (NOTIFIED, NOTIFIED), (PLANNED, HELD), (NOTIFIED, HELD), (HELD, FINALIZED),
    (PLANNED, CANCELLED), (NOTIFIED, CANCELLED), (PLANNED, RESCHEDULED), (NOTIFIED, RESCHEDULED),
}
EVERY = [(current, target) for current in lifecycle.STATUSES for target in TARGETS]


# --- the table, without the database ---------------------------------------------------------------

def test_the_statuses_are_the_vocabulary():
    assert lifecycle.STATUSES == vocabulary.MEETING_STATUSES.codes
    assert vocabulary.MEETING_STATUSES.labels[CANCELLED] == "Đã hủy"


@pytest.mark.parametrize(("current", "target"), EVERY)
def test_refusal_follows_the_table(current, target):
    reason = lifecycle.refusal(current, target)
    assert (reason is None) == ((current, target) in ALLOWED)
    assert lifecycle.allowed(current, target) == ((current, target) in ALLOWED)
    if reason is not None:
        assert reason.endswith(".") and reason[0].isupper()


def test_refusal_messages():
    assert lifecycle.refusal(PLANNED, FINALIZED) == ("Chỉ có thể hoàn tất biên bản của cuộc họp đã diễn ra: hãy "
                                                     "đánh dấu đã họp trước.")
    assert lifecycle.refusal(NOTIFIED, FINALIZED) == lifecycle.NOT_HELD
    assert lifecycle.refusal(HELD, NOTIFIED) == ("Cuộc họp đã diễn ra; chỉ sửa được khi cuộc họp còn ở trạng "
                                                 "thái dự kiến hoặc đã thông báo.")
    assert lifecycle.refusal(HELD, HELD) == "Cuộc họp đã được đánh dấu đã họp."
    assert lifecycle.refusal(FINALIZED, FINALIZED) == "Biên bản đã hoàn tất và bị khóa."
    assert lifecycle.refusal(FINALIZED, CANCELLED) == "Biên bản cuộc họp đã hoàn tất và bị khóa; không thể hủy cuộc họp."
    assert lifecycle.refusal(CANCELLED, HELD) == "Cuộc họp đã bị hủy; không thể đánh dấu đã họp."
    assert lifecycle.refusal(CANCELLED, RESCHEDULED) == "Cuộc họp đã bị hủy; không thể đổi ngày, giờ hoặc địa điểm họp."


def test_unknown_moves_are_programming_errors():
    with pytest.raises(ValueError):
        lifecycle.refusal(PLANNED, "postponed")
    with pytest.raises(ValueError):
        lifecycle.refusal("draft", HELD)


# --- the services, on the database -----------------------------------------------------------------

def _meeting(tree, status: str) -> Meeting:
    """A meeting of C1 on 03/01/2025 in `status`, complete enough to be finalized when held."""
    m = Meeting.objects.create(
        ident=f"C1-{status}", organization=tree["C1"], kind="regular", date=date(2025, 1, 3), start=time(19, 30),
        end=time(21, 0), place="Nhà văn hóa", chair=tree["M1"], secretary=tree["M2"], notice_sent_on=date(2025, 1, 1),
        conclusion="Chi bộ thống nhất.", status=status,
        finalized_at=timezone.now() if status == FINALIZED else None,
        cancel_reason="Mưa bão" if status == CANCELLED else "")
    for i, code in enumerate(["M1", "M2", "M3"]):
        Attendance.objects.create(meeting=m, member=tree[code], position=i, status="present")
    Speech.objects.create(meeting=m, position=0, member=tree["M2"], item="Tình hình", summary="Nhất trí.")
    return m


def _state(m: Meeting) -> tuple:
    row = Meeting.objects.get(pk=m.pk)
    return (row.status, row.updated_at, row.date, row.cancel_reason, row.finalized_at,
            LogEntry.objects.count(), Attendance.objects.filter(meeting=m).count())


def _move(target: str, m: Meeting, user, tree):
    if target == NOTIFIED:
        return preparation_services.notice_send(m, user, on=date(2025, 1, 1))
    if target == HELD:
        return services.meeting_mark_held(m, user)
    if target == FINALIZED:
        return services.meeting_finalize(m, user)
    if target == CANCELLED:
        return services.meeting_cancel(m, user, "Mưa bão, đường ngập")
    return preparation_services.meeting_schedule_set(m, date=date(2025, 1, 5), start=time(8, 0), place="Hội trường",
                                              rescheduled_reason="Trùng lịch họp của xã")


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_every_allowed_move_works(tree, personas, mailoutbox, current, target):
    tree["M1"].email = "an@example.vn"
    tree["M1"].save()
    m = _meeting(tree, current)
    before = LogEntry.objects.count()
    _move(target, m, personas["secretary"], tree)
    m.refresh_from_db()
    assert m.status == (current if target == RESCHEDULED else target)
    if target == CANCELLED:
        assert m.cancel_reason == "Mưa bão, đường ngập"
    if target == FINALIZED:
        assert m.finalized_at is not None and m.finalized_by == personas["secretary"]
    if target == RESCHEDULED:
        assert (m.date, m.rescheduled_reason) == (date(2025, 1, 5), "Trùng lịch họp của xã")
        entry = LogEntry.objects.get_for_object(m).order_by("-pk").first()
        assert entry.changes["date"] == ["2025-01-03", "2025-01-05"]  # the old date is kept
    if target != NOTIFIED or current == PLANNED:
        assert LogEntry.objects.count() > before  # the change log has the move


@pytest.mark.parametrize(("current", "target"), [e for e in EVERY if e not in ALLOWED])
def test_every_refused_move_changes_nothing(tree, personas, mailoutbox, current, target):
    m = _meeting(tree, current)
    before = _state(m)
    with pytest.raises(ValidationError) as exc:
        _move(target, m, personas["secretary"], tree)
    assert _state(m) == before
    assert not mailoutbox
    expected = lifecycle.refusal(current, target)
    if current == FINALIZED and target in (NOTIFIED, RESCHEDULED):
        expected = preparation_services.FINALIZED  # the preparation's own words
    elif current == FINALIZED and target == FINALIZED:
        expected = services.FINALIZED_MESSAGE
    elif current == CANCELLED and target in (NOTIFIED, RESCHEDULED):
        expected = preparation_services.CANCELLED
    elif current == CANCELLED and target == FINALIZED:
        expected = services.CANCELLED_MESSAGE
    assert exc.value.messages == [expected]


def test_finalize_refuses_a_meeting_not_held(tree, personas):
    m = _meeting(tree, NOTIFIED)
    with pytest.raises(ValidationError) as exc:
        services.meeting_finalize(m, personas["secretary"])
    assert exc.value.messages == ["Chỉ có thể hoàn tất biên bản của cuộc họp đã diễn ra: hãy đánh dấu đã họp trước."]
    services.meeting_mark_held(m, personas["secretary"])
    assert services.meeting_finalize(m, personas["secretary"]).status == FINALIZED


def test_mark_held_is_refused_before_the_day(tree, personas):
    m = _meeting(tree, PLANNED)
    before = _state(m)
    with pytest.raises(ValidationError) as exc:
        services.meeting_mark_held(m, personas["secretary"], on=date(2025, 1, 2))
    assert exc.value.messages == ["Cuộc họp ngày 03/01/2025 chưa diễn ra; chưa thể đánh dấu đã họp."]
    assert _state(m) == before


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_cancel_needs_a_reason(tree, personas, reason):
    m = _meeting(tree, PLANNED)
    before = _state(m)
    with pytest.raises(ValidationError) as exc:
        services.meeting_cancel(m, personas["secretary"], reason)
    assert exc.value.messages == (["Ghi lý do hủy cuộc họp."] if len(reason) < 500 else
                                  ["Lý do hủy dài quá 500 ký tự."])
    assert _state(m) == before


def test_a_cancelled_meeting_is_not_recorded(tree, personas):
    m = _meeting(tree, PLANNED)
    services.meeting_cancel(m, personas["secretary"], "Mưa bão")
    before = _state(m)
    for call in (lambda: services.attendance_set(m, tree["M3"], "late"),
                 lambda: services.meeting_field_set(m, "place", "Trụ sở"),
                 lambda: preparation_services.agenda_save(m, [("body", "Nội dung", "")])):
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.messages in (["Cuộc họp đã bị hủy; không thể ghi biên bản."],
                                      ["Cuộc họp đã bị hủy, không thể sửa phần chuẩn bị."])
    assert _state(m) == before


def test_recording_the_roll_marks_the_meeting_held(tree, personas):
    m = planning_services.meeting_create(tree["C1"], kind="regular", date=date(2025, 1, 10))
    assert m.status == PLANNED
    services.attendance_set(m, tree["M1"], "present")
    m.refresh_from_db()
    assert m.status == HELD
    coming = planning_services.meeting_create(tree["C1"], kind="regular", date=timezone.localdate().replace(year=2099))
    services.attendance_set(coming, tree["M1"], "present")  # recorded ahead: still to come
    coming.refresh_from_db()
    assert coming.status == PLANNED


def test_new_meetings_are_planned(tree):
    assert Meeting.objects.create(ident="X", organization=tree["C1"], kind="regular",
                                  date=date(2025, 1, 3)).status == PLANNED


# --- the database constraints ----------------------------------------------------------------------

@pytest.mark.parametrize("changes", [
    {"status": "postponed"},
    {"status": FINALIZED},  # without its time
    {"status": HELD, "finalized_at": "now"},
    {"status": HELD, "resolution_year": 2025, "resolution_number": 1},
    {"status": CANCELLED},  # without its reason
    {"status": CANCELLED, "cancel_reason": ""},
])
def test_meeting_constraints(tree, changes):
    m = _meeting(tree, HELD)
    if changes.get("finalized_at") == "now":
        changes["finalized_at"] = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.filter(pk=m.pk).update(**changes)
    assert Meeting.objects.get(pk=m.pk).status == HELD


def test_meeting_constraints_allow_the_valid_states(tree):
    m = _meeting(tree, HELD)
    Meeting.objects.filter(pk=m.pk).update(status=FINALIZED, finalized_at=timezone.now(), resolution_year=2025,
                                           resolution_number=1)
    Meeting.objects.filter(pk=_meeting(tree, PLANNED).pk).update(status=CANCELLED, cancel_reason="Mưa bão")


@pytest.mark.parametrize(("model", "fields"), [
    (Speech, {"member": "M1", "summary": "Ý kiến"}),
    (Vote, {"kind": "resolution", "method": "show_of_hands"}),
    (Task, {"description": "Việc"}),
    (AgendaItem, {"title": "Nội dung"}),
    (Guest, {"name": "Khách"}),
])
def test_one_row_per_position(tree, model, fields):
    m = _meeting(tree, HELD)
    values = {k: tree[v] if k == "member" else v for k, v in fields.items()}
    model.objects.create(meeting=m, position=5, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(meeting=m, position=5, **values)
    model.objects.create(meeting=m, position=6, **values)  # another position is fine
    assert model.objects.filter(meeting=m, position=5).count() == 1
