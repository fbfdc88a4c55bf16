"""One engine for every verdict (issue 11, item 2): each page path — the ballot service, the roll
page and API, the calendar feed, the notice service, the minutes' data — is called on data in the
database, and the rule engine is called on the same facts read by the one adapter
(`chibo.meetings.facts`); the two answers must be equal."""

from datetime import date, time, timedelta

import pytest

from chibo.meetings import dates, evaluation, facts, selectors
from chibo.meetings.ballot import services as ballot
from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.documents.data import percent
from chibo.meetings.models import Attendance, Meeting, Vote
from chibo.meetings.planning import ical
from chibo.meetings.planning import services as planning_services
from chibo.meetings.preparation import services as preparation_services
from chibo.orgs import services as org_services
from chibo.orgs.models import Member
from chibo.orgs.selectors import cell_roll
from chibo.rules import engine
from chibo.rules.services import effective_profile_for, profile_update

pytestmark = pytest.mark.django_db

DAY = date(2025, 1, 3)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def engine_roll_of(cell, day):
    """The engine's roll from the adapter's record (RollIndex over the stored members)."""
    record = facts.cell_year(cell, day)
    return engine.RollIndex(record["members"]).roll(cell.code, day), record


def add(tree, code, *, official=True, status=None, meeting=None, exempt=False, away=False, reason=""):
    member = org_services.member_create(code=code, full_name=f"Đảng viên {code}", organization=tree["C1"],
                                        start=date(2020, 1, 1), joined_on=date(2010, 1, 1),
                                        official_on=date(2011, 1, 1) if official else None)
    if exempt:
        org_services.period_add(member, kind="exempt", start=date(2024, 1, 1), end=None, reason="Tuổi cao")
    if away:
        org_services.period_add(member, kind="away", start=date(2024, 6, 1), end=None, reason="Đi học")
    if status:
        Attendance.objects.create(meeting=meeting, member=member, position=Attendance.objects.count(),
                                  status=status, reason=reason)
    return member


@pytest.fixture
def varied(tree, meeting):
    """C1 on 03/01/2025: M1, M2 official present, M3 probationary present, and one member of each
    other kind: official late, exempt present, exempt absent, away present, excused, unexcused,
    not recorded; M4 of the sibling cell."""
    add(tree, "V-LATE", status="late", meeting=meeting)
    add(tree, "V-EXEMPT-IN", exempt=True, status="present", meeting=meeting)
    add(tree, "V-EXEMPT-OUT", exempt=True, status="absent_excused", meeting=meeting, reason="Ốm")
    add(tree, "V-AWAY", away=True, status="present", meeting=meeting)
    add(tree, "V-EXCUSED", status="absent_excused", meeting=meeting, reason="Đi công tác")
    add(tree, "V-UNEXCUSED", status="absent_unexcused", meeting=meeting)
    add(tree, "V-NONE")
    add(tree, "V-PROB-LATE", official=False, status="late", meeting=meeting)
    return meeting


# --- who may vote in an electronic ballot ---------------------------------------------------------


def test_ballot_eligibility_is_the_engines(tree, personas, varied):
    meeting = varied
    roll, record = engine_roll_of(tree["C1"], meeting.date)
    target = next(m for m in record["meetings"] if m["id"] == meeting.ident)
    eligible, present = engine.eligible_voters(roll, engine.attendance_statuses(target))
    assert present == {"M1", "M2", "V-LATE", "V-EXEMPT-IN"}  # the data covers every case
    assert eligible == present | {"V-EXCUSED", "V-UNEXCUSED", "V-NONE"}

    # The ballot's voters (the phone page and the panel) ...
    assert {m.code for m in ballot.eligible_voters(meeting)} == present
    members = list(Member.objects.filter(code__in=roll.on_roll | {"M4"}))
    refused = {m.code: ballot.voter_refusal(meeting, m) for m in members}
    assert {code for code, reason in refused.items() if reason is None} == present
    assert refused["M3"] == refused["V-PROB-LATE"] == ballot.PROBATIONARY
    assert refused["V-AWAY"] == ballot.AWAY
    assert refused["M4"] == ballot.NOT_ON_ROLL
    assert {refused[c] for c in ("V-EXCUSED", "V-UNEXCUSED", "V-NONE", "V-EXEMPT-OUT")} == {ballot.NOT_PRESENT}
    # ... the panel's count, the meeting page and the votes' verdicts: the same numbers.
    vote = Vote.objects.create(meeting=meeting, position=0, kind="election", method="secret_ballot", subject="Bầu")
    box = ballot.ballot_open(vote, personas["secretary"])
    assert ballot.ballot_state(box).eligible == len(present)
    verdict = selectors.meeting_verdict(meeting)
    assert (verdict["eligible"], verdict["eligible_present"]) == (len(eligible), len(present))
    assert [(v["eligible"], v["eligible_present"]) for v in verdict["votes"].values()] == [(len(eligible), len(present))]


# --- the roll counts --------------------------------------------------------------------------------


def engine_counts(roll: engine.Roll) -> dict:
    """The counts by the engine's audit summary (rules.md §1), computed here from the sets."""
    summary = engine.summarize_attendance({"attendance": []}, roll)
    counts = {"on_roll": len(roll.on_roll), "official": len(roll.official),
              "probationary": len(roll.on_roll - roll.official), "exempt": len(roll.exempt - roll.away),
              "away": len(roll.away), "expected": len(roll.expected)}
    assert {k: counts[k] for k in ("on_roll", "exempt", "away", "expected")} == {
        k: summary[k] for k in ("on_roll", "exempt", "away", "expected")}
    return counts


def page_counts(roll) -> dict:
    return {k: getattr(roll, k) for k in ("on_roll", "official", "probationary", "exempt", "away", "expected")}


def test_roll_counts_are_the_engines(tree, personas, client_for, varied):
    # An exempt member who is also away counts once, as away (rules.md §1).
    both = add(tree, "V-BOTH", exempt=True)
    org_services.period_add(both, kind="away", start=date(2024, 6, 1), end=None, reason="Đi học")
    for day in (date(2024, 5, 31), DAY, date(2025, 6, 1)):
        roll, _record = engine_roll_of(tree["C1"], day)
        counts = engine_counts(roll)
        assert page_counts(cell_roll(tree["C1"], day)) == counts
        response = client_for(personas["admin"]).get(f"/to-chuc/C1/?ngay={day:%Y-%m-%d}")
        assert page_counts(response.context["roll"]) == counts
        api = client_for(personas["admin"]).get(f"/api/orgs/C1/roll?day={day:%Y-%m-%d}").json()
        assert {k: api[k] for k in counts if k != "expected"} == {k: v for k, v in counts.items() if k != "expected"}
    assert counts["on_roll"] == 12 and counts["probationary"] == 2 and counts["away"] == 2 and counts["exempt"] == 2


def test_the_minutes_count_the_roll_and_attendance_as_the_engine(tree, varied):
    meeting = varied
    roll, record = engine_roll_of(tree["C1"], meeting.date)
    target = next(m for m in record["meetings"] if m["id"] == meeting.ident)
    summary = engine.summarize_attendance(target, roll)
    counts = docs_adapter.minutes_data(meeting).counts
    assert (counts.on_roll, counts.official, counts.probationary, counts.exempt, counts.away, counts.expected,
            counts.present) == (summary["on_roll"], len(roll.official), summary["on_roll"] - len(roll.official),
                                summary["exempt"], summary["away"], summary["expected"], summary["present"])
    assert summary["present"] == len([a for a in target["attendance"] if a["member"] in roll.expected
                                      and a["status"] in engine.PRESENT_STATUSES])
    # the cell's meeting list shows the same figure (tests/test_one_figure.py compares every page)
    listed = next(m for m in selectors.year_meetings(tree["C1"], meeting.date.year) if m.pk == meeting.pk)
    assert (listed.attendance_figures["present"], listed.attendance_figures["expected"]) == (
        summary["present"], summary["expected"])


# --- percentages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("present", [0, 1, 2, 5, 7])
def test_rates_on_the_page_and_in_the_minutes_are_the_engines(tree, varied, present):
    meeting = varied
    rows = list(Attendance.objects.filter(meeting=meeting).order_by("position"))
    for i, row in enumerate(rows):
        row.status = "present" if i < present else "absent_unexcused"
        row.save()
    verdict = selectors.meeting_verdict(meeting)
    attendance = evaluation.evaluate(meeting)["attendance"]
    rate = engine.format_rate(attendance["present"], attendance["expected"])
    assert attendance["rate"] == rate
    assert verdict["rate_text"] == rate.replace(".", ",") + "%"
    counts = docs_adapter.minutes_data(meeting).counts
    assert percent(counts.present, counts.expected) == verdict["rate_text"]


@pytest.mark.parametrize(("part", "whole", "text"), [
    (2, 3, "66,67%"), (7, 8, "87,50%"), (1, 8, "12,50%"), (1, 200, "0,50%"), (1, 3, "33,33%"), (5, 5, "100,00%"),
    (0, 4, "0,00%"), (3, 0, "")])
def test_the_documents_percent_is_the_engines_rate(part, whole, text):
    assert percent(part, whole) == text
    rate = engine.format_rate(part, whole)
    assert percent(part, whole) == ("" if rate is None else rate.replace(".", ",") + "%")


# --- the minimum meeting length in the calendar feed ---------------------------------------------


def feed_lengths(client, token) -> dict[str, int]:
    """{meeting id: minutes from DTSTART to DTEND} of a feed."""
    text = client.get(f"/lich/{token}.ics").content.decode().replace("\r\n ", "")
    out, uid, start = {}, None, None
    for line in text.split("\r\n"):
        if line.startswith("UID:meeting-"):
            uid = int(line.split("-")[1].split("@")[0])
        elif line.startswith("DTSTART;TZID="):
            start = line.split(":")[1]
        elif line.startswith("DTEND;TZID=") and uid is not None:
            end = line.split(":")[1]
            minutes = lambda stamp: int(stamp[9:11]) * 60 + int(stamp[11:13])  # noqa: E731
            out[Meeting.objects.get(pk=uid).ident] = minutes(end) - minutes(start)
            uid = None
    return out


def test_the_feed_gives_a_meeting_without_an_end_the_engines_minimum(tree, personas, client):
    profile_update(tree["G"], user=None, values={"min_minutes_regular": 75, "min_minutes_combined": 150})
    profile_update(tree["C1"], user=None, values={"min_minutes_thematic": 100})
    soon = dates.today() + timedelta(days=10)
    for kind in ("regular", "thematic", "combined", "extraordinary"):
        Meeting.objects.create(ident=f"C1-{kind}", organization=tree["C1"], kind=kind, date=soon, start=time(19, 30))
    Meeting.objects.create(ident="C1-ended", organization=tree["C1"], kind="regular", date=soon,
                           start=time(19, 30), end=time(20, 0))
    token = planning_services.calendar_token_get(user=personas["secretary"], organization=tree["C1"]).token
    lengths = feed_lengths(client, token)
    profile = effective_profile_for(tree["C1"])
    for kind in ("regular", "thematic", "combined"):
        assert lengths[f"C1-{kind}"] == engine.minimum_minutes(kind, profile)
    assert (lengths["C1-regular"], lengths["C1-thematic"], lengths["C1-combined"]) == (75, 100, 150)
    assert engine.minimum_minutes("extraordinary", profile) is None
    assert lengths["C1-extraordinary"] == ical.NO_MINIMUM_MINUTES
    assert lengths["C1-ended"] == 30  # a recorded end wins
    # The member's feed reads the same profile.
    member_token = planning_services.calendar_token_get(user=personas["member"], member=tree["M2"]).token
    assert feed_lengths(client, member_token) == lengths


# --- the late notice ----------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [0, 1, 7])
def test_the_printed_deadline_is_the_last_day_the_engine_finds_not_late(tree, days):
    meeting = Meeting(ident="X", organization=tree["C1"], kind="regular", date=date(2025, 3, 1))
    profile = {"notice_days_before": days}
    deadline = preparation_services.notice_deadline(meeting, profile)
    facts_ = {"kind": "regular", "date": meeting.date}
    assert not engine.is_notice_late({**facts_, "notice_sent_on": deadline}, profile)
    assert engine.is_notice_late({**facts_, "notice_sent_on": deadline + timedelta(days=1)}, profile)
    assert preparation_services.notice_late(meeting, profile, deadline + timedelta(days=1))


@pytest.fixture
def mailable(tree, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    Member.objects.filter(code="M1").update(email="an@example.vn")
    return personas["secretary"]


@pytest.mark.parametrize("days_before", [0, 1, 3])
@pytest.mark.parametrize("kind", ["regular", "thematic", "extraordinary"])
def test_the_notice_warning_is_the_engines_late_notice(tree, mailable, monkeypatch, kind, days_before):
    profile_update(tree["G"], user=None, values={"notice_days_before": 2})
    meeting_day = date(2025, 2, 10)
    sent_on = meeting_day - timedelta(days=days_before)
    monkeypatch.setattr(dates, "today", lambda: sent_on)
    topic = {"topic": "Học tập chuyên đề"} if kind == "thematic" else {}
    planned = planning_services.meeting_create(tree["C1"], kind=kind, date=meeting_day, start=time(19, 30),
                                           place="Nhà văn hóa", **topic)
    result = preparation_services.notice_send(planned, mailable, on=sent_on)
    planned.refresh_from_db()
    profile = effective_profile_for(tree["C1"])
    late = engine.is_notice_late({"kind": kind, "date": meeting_day, "notice_sent_on": planned.notice_sent_on},
                                 profile)
    assert (result.warning is not None) == late
    assert late == (kind != "extraordinary" and days_before < 2)
    # The audit of the meeting (what the meeting page and the compliance report show) agrees.
    findings = {f["code"] for f in evaluation.evaluate(planned)["findings"]}
    assert ("NOTICE_LATE" in findings) == late



@pytest.mark.parametrize("days_before", [0, 1, 2, 3])
@pytest.mark.parametrize("kind", ["regular", "extraordinary"])
def test_the_notice_page_marks_late_as_the_engine(tree, personas, client_for, monkeypatch, kind, days_before):
    profile_update(tree["G"], user=None, values={"notice_days_before": 2})
    meeting_day = date(2025, 2, 10)
    today = meeting_day - timedelta(days=days_before)
    monkeypatch.setattr(dates, "today", lambda: today)
    planned = planning_services.meeting_create(tree["C1"], kind=kind, date=meeting_day, start=time(19, 30), place="Nhà")
    response = client_for(personas["secretary"]).get(f"/sinh-hoat/{planned.ident}/thong-bao/")
    profile = effective_profile_for(tree["C1"])
    late = engine.is_notice_late({"kind": kind, "date": meeting_day, "notice_sent_on": today}, profile)
    assert response.context["late"] == late
    deadline = response.context["deadline"]
    assert not engine.is_notice_late({"kind": "regular", "date": meeting_day, "notice_sent_on": deadline}, profile)
    assert engine.is_notice_late({"kind": "regular", "date": meeting_day,
                                  "notice_sent_on": deadline + timedelta(days=1)}, profile)
    assert ("Đã quá hạn gửi thông báo" in response.content.decode()) == late


def test_full_marks_are_the_rubrics(monkeypatch):
    """The engine's automatic criteria give at most the rubric's maxima (rubric.CRITERIA_MAX, one
    home): raising a maximum in the rubric raises the full mark the engine gives."""
    from chibo.rules.engine import meeting as engine_meeting
    from chibo.rules.rubric import CRITERIA_MAX

    assert engine_meeting._attendance_points(10, 10) == CRITERIA_MAX["attendance_rate"] == 15
    assert engine_meeting._tasks_points([("M1", "2025-01-31", None)]) == CRITERIA_MAX["tasks"] == 5
    monkeypatch.setitem(CRITERIA_MAX, "attendance_rate", 20)
    monkeypatch.setitem(CRITERIA_MAX, "tasks", 7)
    assert engine_meeting._attendance_points(10, 10) == 20
    assert engine_meeting._tasks_points([("M1", "2025-01-31", None)]) == 7


def test_the_verdicts_profile_is_the_one_the_database_gives(tree, personas, meeting):
    """The meeting's verdict resolves its cell's profile from the record it evaluates (as the audit
    does) instead of reading it again: overrides on the province, the commune and the cell, key by
    key, give what `effective_profile_for` reads."""
    admin = personas["admin"]
    profile_update(tree["P"], user=admin, values={"min_attendance_rate": 60, "notice_days_before": 4})
    profile_update(tree["G"], user=admin, values={"notice_days_before": 6, "max_consecutive_excused": 4})
    profile_update(tree["C1"], user=admin, values={"max_consecutive_excused": 2})
    expected = effective_profile_for(tree["C1"])
    assert (expected["min_attendance_rate"], expected["notice_days_before"], expected["max_consecutive_excused"]) == (
        60, 6, 2)
    assert selectors.meeting_verdict(meeting)["profile"] == expected
    bundle = facts.cell_year(tree["C1"], meeting.date, include=meeting.ident)
    assert evaluation.bundle_profile(bundle, "C1") == expected
    assert evaluation.evaluate(meeting) == evaluation.evaluate_in_bundle(bundle, meeting.ident, expected)
