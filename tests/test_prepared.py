"""chibo.prepared: a query compiled once and run again with new values returns exactly what the
queryset returns (rows, related objects, annotations, converters), on SQLite and PostgreSQL; every
prepared query of the project is checked here against its queryset."""

import threading
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import chibo.urls  # noqa: F401  (every module the site serves: their prepared queries are in the registry)
from chibo.accounts import backends
from chibo.meetings import access as meeting_access
from chibo.meetings import facts
from chibo.meetings import selectors as meeting_selectors
from chibo.meetings.models import Attendance, Meeting, Task
from chibo.meetings.recording import forms as recording_forms
from chibo.meetings.recording import services as recording_services
from chibo.notices.models import NoticeDelivery
from chibo.orgs import access as org_access
from chibo.orgs.models import Member, Membership, Role
from chibo.prepared import Prepared
from chibo.reminders import selectors as reminder_selectors
from chibo.reminders.models import Notification
from chibo.supervision import selectors as supervision_selectors
from chibo.supervision.models import Visit, VisitPlan

pytestmark = pytest.mark.django_db


def same(rows_a, rows_b):
    """Equal rows; model instances compared field by field, with their loaded relations and
    extra attributes (annotations)."""
    assert len(rows_a) == len(rows_b)
    for a, b in zip(rows_a, rows_b, strict=True):
        if hasattr(a, "_meta"):
            assert type(a) is type(b)
            plain = {k: v for k, v in vars(a).items() if k != "_state"}
            assert plain == {k: v for k, v in vars(b).items() if k != "_state"}
            assert a._state.fields_cache.keys() == b._state.fields_cache.keys()
            for name, related in a._state.fields_cache.items():
                same([related], [b._state.fields_cache[name]])
        else:
            assert a == b


def cases(tree, personas, meeting):
    """Per prepared query of the project: the values to run it with (rows found, and none)."""
    secretary, member = personas["secretary"], personas["member"]
    m1, m2 = tree["M1"], tree["M2"]
    upcoming = Meeting.objects.create(ident="C1-2025-02", organization=tree["C1"], kind="regular",
                                      date=date(2025, 2, 3), status="notified")
    Task.objects.create(meeting=meeting, position=0, assignee=m2, description="Việc xong", due=date(2025, 1, 20),
                        done_on=date(2025, 1, 15))
    Task.objects.create(meeting=meeting, position=1, assignee=m2, description="Việc còn", due=date(2025, 2, 1))
    Notification.objects.create(user=member, kind="task", key="k1", day=date(2025, 1, 2), text="Nhắc")
    Notification.objects.create(user=secretary, kind="task", key="k2", day=date(2025, 1, 2), text="Nhắc")
    NoticeDelivery.objects.create(meeting=upcoming, member=m2, channel="app", sent_at=timezone.now())
    for year, half in ((2024, 2), (2025, 1), (2025, 2), (2026, 1)):
        VisitPlan.objects.create(committee=tree["G"], cell=tree["C1"], assignee=m2, year=year, half=half)
    c1 = tree["C1"]
    Visit.objects.create(organization=c1, date=date(2025, 1, 2), visitor="Đồng chí Thăm")
    year_values = [  # C1's year up to its meeting (found); its ancestor G's span, a year with no meeting
        {"lo": c1.path, "hi": c1.path + "g", "date_from": date(2025, 1, 1), "date_to": meeting.date,
         "include": meeting.ident},
        {"lo": tree["G"].path, "hi": tree["G"].path + "g", "date_from": date(2024, 1, 1),
         "date_to": date(2024, 12, 31), "include": "C9-2024-01"},
    ]
    return {
        backends.USER_BY_PK: [{"pk": secretary.pk}, {"pk": personas["admin"].pk}, {"pk": 999_999}],
        org_access.SCOPE_ROWS: [{"user_id": personas["designated"].pk}, {"user_id": member.pk},
                                {"user_id": secretary.pk}, {"user_id": 999_999}],
        org_access.MEMBER_OF_USER: [{"user_id": secretary.pk}, {"user_id": personas["staff"].pk}],
        meeting_access.MEETING_BY_IDENT: [{"ident": meeting.ident}, {"ident": "C9-2025-01"}],
        recording_services.MEETING_LOCKED: [{"pk": meeting.pk}, {"pk": 999_999}],
        recording_services.ON_ROLL: [
            {"day": date(2025, 1, 3), "cell_id": tree["C1"].pk, "member_id": m1.pk},
            {"day": date(2024, 5, 31), "cell_id": tree["C1"].pk, "member_id": tree["M3"].pk},  # not yet on it
            {"day": date(2024, 6, 1), "cell_id": tree["C1"].pk, "member_id": tree["M3"].pk},   # its first day
            {"day": date(2025, 1, 3), "cell_id": tree["C2"].pk, "member_id": m1.pk},
        ],
        recording_services.ROLL_AHEAD: [
            {"day": date(2025, 1, 3), "cell_id": tree["C1"].pk, "sort_key": tree["M3"].sort_key},
            {"day": date(2025, 1, 3), "cell_id": tree["C1"].pk, "sort_key": ""},  # no one before: no row
        ],
        recording_services.ROLL_TAP: [
            {"day": date(2025, 1, 3), "cell_id": tree["C1"].pk, "member_id": m1.pk, "meeting_id": meeting.pk,
             "sort_key": m1.sort_key},
            {"day": date(2025, 1, 3), "cell_id": tree["C1"].pk, "member_id": m2.pk, "meeting_id": meeting.pk,
             "sort_key": m2.sort_key},
            {"day": date(2024, 5, 31), "cell_id": tree["C1"].pk, "member_id": tree["M3"].pk,  # not yet on it
             "meeting_id": meeting.pk, "sort_key": tree["M3"].sort_key},
            {"day": date(2025, 1, 3), "cell_id": tree["C1"].pk, "member_id": tree["M4"].pk,  # another cell's
             "meeting_id": meeting.pk, "sort_key": tree["M4"].sort_key},
        ],
        recording_services.ATTENDANCE_ROW: [{"meeting_id": meeting.pk, "member_id": m1.pk},
                                            {"meeting_id": meeting.pk, "member_id": tree["M4"].pk}],
        reminder_selectors.TOPBAR_MEMBER: [{"user_id": member.pk, "member_id": m2.pk, "on": date(2025, 1, 10)},
                                           {"user_id": member.pk, "member_id": m2.pk, "on": date(2025, 2, 4)}],
        reminder_selectors.TOPBAR: [{"user_id": secretary.pk}, {"user_id": personas["staff"].pk}],
        supervision_selectors.MEMBER_VISITS: [{"member_id": m2.pk, "year": 2025, "half": 1},
                                              {"member_id": m2.pk, "year": 2025, "half": 2},
                                              {"member_id": m1.pk, "year": 2025, "half": 1}],
        meeting_selectors.MEMBER_TASKS: [{"member_id": m2.pk}, {"member_id": m1.pk}],
        meeting_selectors.MEMBER_ATTENDANCE: [{"member_id": m2.pk}, {"member_id": tree["M4"].pk}],
        recording_forms.CELL_MEMBER_BY_CODE: [{"cell_id": tree["C1"].pk, "code": "M2"},
                                              {"cell_id": tree["C1"].pk, "code": "M4"},  # another cell's
                                              {"cell_id": tree["C2"].pk, "code": "M4"}],
        **{prepared: [{k: v for k, v in values.items() if k in prepared.samples} for values in year_values]
           for prepared in facts.CELL_YEAR.values()},
    }


def test_every_prepared_query_returns_what_its_queryset_returns(tree, personas, meeting):
    Membership.objects.filter(member=tree["M1"]).update(end=date(2030, 1, 1))  # M1 has no current cell
    table = cases(tree, personas, meeting)
    assert set(map(id, Prepared.registry)) == set(map(id, table)), "a prepared query without a case here"
    found = 0
    year_found = {}
    with transaction.atomic():  # MEETING_LOCKED locks its row
        for prepared, runs in table.items():
            for values in runs:
                expected = list(prepared.build(**values))
                with CaptureQueriesContext(connection) as ctx:
                    got = prepared.all(**values)
                assert len(ctx.captured_queries) == 1  # related objects come in the same query
                same(got, expected)
                assert prepared.first(**values) == (expected[0] if expected else None)
                found += bool(expected)
                if prepared in facts.CELL_YEAR.values():
                    year_found.setdefault(prepared, []).append(len(expected))
    assert found == 34  # the runs above that find a row
    # The cell's year of the meeting: its organisation, 3 memberships and members, the meeting with 3
    # attendance rows and 2 tasks, the visit; G's 2024: its 3 organisations, 5 memberships and members.
    assert {name: year_found[prepared] for name, prepared in facts.CELL_YEAR.items()} == {
        "organizations": [1, 3], "memberships": [3, 5], "periods": [0, 0], "members": [3, 5], "guests": [0, 0],
        "attendance": [3, 0], "speeches": [0, 0], "votes": [0, 0], "tasks": [2, 0], "meetings": [1, 0],
        "visits": [1, 0]}


def test_rows_and_relations_are_those_of_the_values_given(tree, personas, meeting):
    other = Meeting.objects.create(ident="C2-2025-01", organization=tree["C2"], kind="regular", date=date(2025, 1, 4))
    first = meeting_access.MEETING_BY_IDENT.first(ident=meeting.ident)
    second = meeting_access.MEETING_BY_IDENT.first(ident=other.ident)
    assert (first.pk, first.organization.code, second.pk, second.organization.code) == (
        meeting.pk, "C1", other.pk, "C2")
    user = backends.USER_BY_PK.first(pk=personas["secretary"].pk)
    assert (user.username, user.chibo_session_epoch, user.chibo_has_device, user.chibo_must_change_password) == (
        "secretary", 0, False, False)
    ahead = [recording_services.ROLL_AHEAD.first(day=date(2025, 1, 3), cell_id=tree["C1"].pk,
                                                 sort_key=tree[code].sort_key) for code in ("M1", "M2", "M3")]
    roll = sorted(tree[code].sort_key for code in ("M1", "M2", "M3"))
    assert ahead == [roll.index(tree[code].sort_key) or None for code in ("M1", "M2", "M3")]
    rows = dict(Attendance.objects.filter(meeting=meeting).values_list("member__code", "pk"))
    taps = [recording_services.ROLL_TAP.first(day=date(2025, 1, 3), cell_id=tree["C1"].pk, member_id=tree[code].pk,
                                              meeting_id=meeting.pk, sort_key=tree[code].sort_key)
            for code in ("M1", "M2", "M3", "M4")]
    assert taps == [(roll.index(tree[code].sort_key) or None, rows.get(code)) for code in ("M1", "M2", "M3")] + [None]
    cases(tree, personas, meeting)
    counts = [reminder_selectors.topbar_counts(personas[who].pk, member_id, date(2025, 1, 10))
              for who, member_id in (("member", tree["M2"].pk), ("secretary", None), ("staff", None))]
    assert [(c.notices, c.reminders) for c in counts] == [(1, 1), (0, 1), (0, 0)]
    assert [(p.year, p.half) for p in supervision_selectors.member_visits(tree["M2"].pk, date(2025, 8, 1))] == [
        (2025, 2), (2026, 1)]
    assert [t.description for t in meeting_selectors.tasks_of_member(tree["M2"].pk)] in (
        ["Việc còn", "Việc xong"], ["Việc xong", "Việc còn"])  # where NULL sorts: the database's
    assert sorted(org_access.SCOPE_ROWS.all(user_id=personas["designated"].pk)) == [
        ("r", "committee_staff", tree["G"].path, None, ""), ("r", "designated", tree["C1"].path, None, "")]
    member = personas["member"]
    assert sorted(org_access.SCOPE_ROWS.all(user_id=member.pk)) == [
        ("c", "", tree["C1"].path, tree["C1"].pk, ""), ("m", "", "", tree["M2"].pk, tree["M2"].full_name)]


def test_a_sample_that_is_not_a_parameter_of_its_own_is_refused(tree):
    shaped = Prepared(lambda code: Member.objects.filter(code__startswith=code), code="prepared-sample-x")
    with pytest.raises(ValueError, match="is not a parameter of its own"):
        shaped.all(code="M")
    Prepared.registry.remove(shaped)
    twice = Prepared(lambda a, b: Member.objects.filter(pk=a, user_id=b), a=-5, b=-5)
    with pytest.raises(ValueError, match="is not a parameter of its own"):
        twice.all(a=1, b=2)
    Prepared.registry.remove(twice)
    with pytest.raises(TypeError, match="expected the values of"):
        org_access.SCOPE_ROWS.all(member=1)


@pytest.mark.django_db(transaction=True)
def test_a_lock_outside_a_transaction_is_refused_as_by_the_queryset(tree, meeting):
    with transaction.atomic():  # compiled inside one, as the autosaves do
        assert recording_services.MEETING_LOCKED.first(pk=meeting.pk).pk == meeting.pk
    if not connection.features.has_select_for_update:  # SQLite: no row locks, the queryset runs
        assert recording_services.MEETING_LOCKED.first(pk=meeting.pk).pk == meeting.pk
        return
    with pytest.raises(TransactionManagementError, match="outside of a transaction"):
        list(recording_services.MEETING_LOCKED.build(pk=meeting.pk))
    with pytest.raises(TransactionManagementError, match="outside of a transaction"):
        recording_services.MEETING_LOCKED.first(pk=meeting.pk)


@pytest.mark.django_db(transaction=True)
def test_each_thread_runs_on_its_own_connection(tree):
    """A server's threads share the compiled query, not the connection it was compiled on."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] in ("", ":memory:") or (
            connection.vendor == "sqlite" and "mode=memory" in str(connection.settings_dict["NAME"])):
        pytest.skip("an in-memory SQLite database is not shared with another thread")
    staff = get_user_model().objects.create_user("thread-staff")
    Role.objects.create(user=staff, organization=tree["C2"], kind="committee_staff")
    assert org_access.SCOPE_ROWS.all(user_id=staff.pk) == [("r", "committee_staff", tree["C2"].path, None, "")]
    out = {}

    def other_thread():
        from django.db import connections
        out["rows"] = org_access.SCOPE_ROWS.all(user_id=staff.pk)
        out["same connection"] = connections["default"] is connection
        connections.close_all()

    thread = threading.Thread(target=other_thread)
    thread.start()
    thread.join()
    assert out == {"rows": [("r", "committee_staff", tree["C2"].path, None, "")], "same connection": False}
