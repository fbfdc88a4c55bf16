"""`chibo demo`: the year recorded through the services, so every page has something to show."""

import io
import json
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import F
from pypdf import PdfReader

from chibo.changelog.models import LogEntry
from chibo.meetings.documents import adapter as docs_adapter
from chibo.meetings.models import (
    AbsenceNotice,
    Amendment,
    BallotBox,
    Meeting,
    MeetingStatus,
    Notice,
    ScoreConfirmation,
    Task,
    VoteMethod,
)
from chibo.notices.models import NoticeDelivery
from chibo.orgs.demo import load_demo
from chibo.orgs.models import Organization, Role

pytestmark = pytest.mark.django_db
TODAY = date(2025, 12, 20)  # after this month's meeting day: January..December are past, 2026 is planned


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(TODAY)


def test_past_meetings_are_finalized_through_the_services(demo):
    past = Meeting.objects.filter(date__lt=TODAY)
    assert past.count() == 48  # 12 months x 4 cells
    statuses = Counter(past.values_list("organization__code", "status"))
    assert statuses == {("TT-C1", "finalized"): 12, ("TT-C3", "finalized"): 12,
                        ("TT-C2", "finalized"): 11, ("TT-C2", "held"): 1,   # ready to finalize
                        ("TT-C4", "finalized"): 11, ("TT-C4", "held"): 1}   # minutes incomplete
    for m in Meeting.objects.filter(status=MeetingStatus.FINALIZED):
        assert m.minutes_snapshot and m.resolution_number and m.resolution_text and m.finalized_by_id
    numbers = sorted(Meeting.objects.filter(organization__code="TT-C1").exclude(resolution_number=None)
                     .values_list("resolution_number", flat=True))
    assert numbers == list(range(1, 13))
    c4 = Meeting.objects.get(organization__code="TT-C4", status=MeetingStatus.HELD)
    assert c4.end is None and not c4.conclusion
    # Whoever recorded the cell finalized it: the secretaries, and for TT-C3 the designated staff member.
    finalizers = dict(Meeting.objects.filter(status=MeetingStatus.FINALIZED)
                      .values_list("organization__code", "finalized_by__username").distinct())
    assert finalizers == {"TT-C1": "bithu1", "TT-C2": "bithu2", "TT-C3": "dangy2", "TT-C4": "bithu4"}
    assert Role.objects.filter(user__username="dangy2", organization__code="TT-C3", kind=Role.Kind.DESIGNATED).exists()


def test_the_minutes_book_is_not_empty(demo):
    book = docs_adapter.minutes_book_file(Organization.objects.get(code="TT-C1"), 2025)
    pages = PdfReader(io.BytesIO(book)).pages
    assert len(pages) > 12  # cover, index, twelve meetings
    text = " ".join(p.extract_text() for p in pages)
    assert text.count("BIÊN BẢN\nSinh hoạt chi bộ") == 12 and "CÁC LẦN SỬA ĐỔI BIÊN BẢN" in text
    latest = Meeting.objects.filter(organization__code="TT-C1", status=MeetingStatus.FINALIZED).last()
    resolution = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(docs_adapter.resolution_file(latest, "pdf"))).pages)
    assert "Số 12-NQ/CB" in resolution


def test_scores_confirmed_by_someone_else(demo):
    confirmed = ScoreConfirmation.objects.filter(confirmed_at__isnull=False)
    assert confirmed.count() == 42  # every finalized meeting but each cell's latest
    assert not confirmed.filter(confirmed_by=F("scored_by")).exists()
    assert set(confirmed.values_list("confirmed_by__username", flat=True)) == {"dangy"}
    assert set(confirmed.values_list("scored_by__username", flat=True)) == {"bithu1", "bithu2", "dangy2", "bithu4"}
    waiting = ScoreConfirmation.objects.filter(confirmed_at__isnull=True)
    assert waiting.filter(adopted_at__isnull=False).count() == 4
    proposed = waiting.get(adopted_at__isnull=True)
    assert proposed.meeting.status == MeetingStatus.HELD and proposed.meeting.organization.code == "TT-C2"


def test_amendment_ballot_notices_and_tasks(demo):
    amendment = Amendment.objects.get()
    assert amendment.meeting.organization.code == "TT-C1" and amendment.author.username == "bithu1"
    assert amendment.changes
    box = BallotBox.objects.get()
    assert box.state == BallotBox.State.CLOSED and box.vote.method == VoteMethod.SECRET_BALLOT
    vote = box.vote
    assert vote.meeting.status == MeetingStatus.FINALIZED
    assert (vote.votes_against, vote.votes_abstain) == (1, 1)
    assert vote.votes_for + 2 == box.voters.count() == box.ballots.count()
    upcoming = Meeting.objects.filter(date__gt=TODAY, organization__code="TT-C1").order_by("date").first()
    assert upcoming.status == MeetingStatus.NOTIFIED and upcoming.date == date(2026, 1, 3)
    assert Notice.objects.get().meeting == upcoming
    assert Counter(AbsenceNotice.objects.values_list("meeting__organization__code", flat=True)) == {"TT-C1": 2,
                                                                                                 "TT-C2": 1}
    assert AbsenceNotice.objects.filter(member__user__username="dangvien1", meeting=upcoming).exists()
    deliveries = NoticeDelivery.objects.filter(meeting=upcoming)
    assert Counter(deliveries.values_list("channel", flat=True)) == {"app": 23, "paper": 21}
    assert list(deliveries.filter(opened_at__isnull=False).values_list("member__user__username", "channel")) == [
        ("dangvien1", "app")]
    assert Meeting.objects.filter(status=MeetingStatus.PLANNED, date__gt=TODAY).count() == 47  # 2026, C1's first notified
    cancelled = Meeting.objects.get(status=MeetingStatus.CANCELLED)
    assert (cancelled.organization.code, cancelled.kind, cancelled.date) == ("TT-C4", "extraordinary",
                                                                             TODAY + timedelta(days=10))
    assert cancelled.cancel_reason == "Trùng lịch kiểm tra học kỳ của nhà trường; chuyển sang tháng sau"
    open_tasks = Task.objects.filter(done_on__isnull=True)
    assert open_tasks.filter(due__gte=TODAY).count() == 4  # one per cell, due in two weeks
    assert open_tasks.filter(due__lt=TODAY).count() == 4  # one per cell, overdue
    assert Task.objects.filter(done_on__isnull=False).exists()


def test_writes_are_on_the_change_log_with_who_did_them(demo):
    meeting = Meeting.objects.filter(organization__code="TT-C3", status=MeetingStatus.FINALIZED).first()
    entries = LogEntry.objects.filter(object_pk=str(meeting.pk), content_type__model="meeting")
    assert entries.filter(actor__username="dangy2").exists()
    assert LogEntry.objects.filter(content_type__model="scoreconfirmation", actor__username="dangy").count() == 42


def test_if_empty_leaves_a_loaded_database_alone(demo):
    before = (Meeting.objects.count(), LogEntry.objects.count())
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "không tạo dữ liệu mẫu" in out.getvalue()
    assert (Meeting.objects.count(), LogEntry.objects.count()) == before


def test_an_orientation_published_and_taken_up_by_one_cell(demo):
    from chibo.meetings.models import AgendaItem
    from chibo.supervision.models import Orientation, OrientationUptake

    orientation = Orientation.objects.get()
    assert (orientation.organization.code, orientation.year, orientation.month, orientation.published_by.username) == (
        "TT", 2026, 1, "dangy")
    uptake = OrientationUptake.objects.get()
    assert (uptake.organization.code, uptake.meeting.ident, uptake.taken_by.username) == (
        "TT-C1", Meeting.objects.filter(organization__code="TT-C1", date=date(2026, 1, 3)).get().ident, "bithu1")
    assert AgendaItem.objects.filter(meeting=uptake.meeting, section="body").order_by("position").last().title == (
        "Quán triệt định hướng của Đảng bộ xã Tân Thành: Học tập, quán triệt nghị quyết của Đảng ủy xã về chuyển đổi số")


def test_hd42_meetings_are_scored_adopted_and_graded(demo):
    from chibo.meetings.models import QualityRecord

    records = QualityRecord.objects.select_related("meeting__organization", "scorer")
    # November and December 2025 are judged by HD 42 (28/10/2025): 8 meetings, TT-C4's December
    # one (minutes incomplete) not scored
    assert sorted((r.meeting.organization.code, r.meeting.date.month, r.status) for r in records) == [
        ("TT-C1", 11, "official"), ("TT-C1", 12, "adopted"), ("TT-C2", 11, "adopted"), ("TT-C2", 12, "self"),
        ("TT-C3", 11, "official"), ("TT-C3", 12, "adopted"), ("TT-C4", 11, "adopted")]
    assert all(r.scorer_id == r.meeting.chair_id for r in records)
    official = records.filter(status="official")
    assert set(official.values_list("confirmed_by__username", flat=True)) == {"dangy"}
    assert not official.filter(confirmed_by=F("scored_by")).exists()
    assert not Meeting.objects.filter(date__gte=date(2025, 10, 28), date__lt=TODAY, status=MeetingStatus.FINALIZED,
                                      results_posted_on__isnull=True).exists()
    assert Meeting.objects.filter(date__lt=date(2025, 10, 28), docs_posted_on__isnull=False).count() == 0


def test_party_fees_of_tt_c1(demo):
    """The three months before this one (09, 10, 11/2025) and this month (12/2025): QĐ 342's salary
    and pension rates, alternately, for TT-C1's 23 members; incomes 5 000 000 + 137 000 × i (by
    code): 1% or 0.5%, 1 138 725 in all; the third member's 52 740 halved to 26 370 from 11/2025;
    each past month unpaid by four (the sixth member every month, three others by turn), this month
    by eleven."""
    from chibo.fees import selectors
    from chibo.fees.models import FeeRecord, Relief

    cell = Organization.objects.get(code="TT-C1")
    ledgers = {m: selectors.ledger(cell, date(2025, m, 1)) for m in (9, 10, 11, 12)}
    assert {m: (len(x.rows), len(x.recorded), len(x.unpaid_rows)) for m, x in ledgers.items()} == {
        9: (23, 23, 4), 10: (23, 23, 4), 11: (23, 23, 4), 12: (23, 23, 11)}
    assert {x.total_due for x in ledgers.values()} == {1_138_725}
    assert [x.total_due_after for x in ledgers.values()] == [1_138_725, 1_138_725, 1_138_725 - 26_370,
                                                             1_138_725 - 26_370]
    relief = Relief.objects.get()
    assert (relief.kind, relief.basis, relief.from_month, relief.to_month, relief.decided_by.code) == (
        "reduce_50", "5.2", date(2025, 11, 1), date(2026, 4, 1), "TT")
    assert [r.due_after for r in ledgers[11].rows if r.relief] == [26_370]
    assert not [r for r in ledgers[10].rows if r.relief]
    assert FeeRecord.objects.filter(channel="cash", collector__user__username="bithu1").count() == 8 + 8 + 5 + 4
    assert FeeRecord.objects.exclude(updated_by__username="bithu1").count() == 0
    assert relief.created_by.username == "bithu1"


def test_what_the_demo_shows_of_the_2025_2026_rules(demo, capsys):
    """Issue 14 item 5: both rulebooks, the committee's own scoring sheet, a meeting scored, adopted
    and made official, three months of fees with a relief and a member who paid none of them, as
    the version-2 audit of the database reads them."""
    from chibo.meetings.models import QualityRecord
    from chibo.rules.models import RuleProfile, ScoringSheet

    capsys.readouterr()
    call_command("audit", "--org", "TT", "--from", "2025-01-01", "--to", "2025-12-31", "--as-of", "2025-12-20",
                 "--version", "2")
    audit = json.loads(capsys.readouterr().out)
    # Both rulebooks: HD 12 up to October, HD 42 (the committee's own sheet) from November.
    rulebooks = Counter((m["rulebook"], m["score"]["rubric"]) for m in audit["meetings"])
    assert rulebooks == {("hd12-2018", "hd12-default"): 40, ("hd42-2025", "tan-thanh-2025"): 8}
    assert {m["date"][:7] for m in audit["meetings"] if m["rulebook"] == "hd42-2025"} == {"2025-11", "2025-12"}
    # The committee's sheet, saved by its staff and named in its rule profile.
    sheet = ScoringSheet.objects.get()
    assert (sheet.code, sheet.organization.code, sheet.created_by.username, sheet.data["bands"]) == (
        "tan-thanh-2025", "TT", "dangy", {"tot": 92, "kha": 75, "trung_binh": 50})
    assert RuleProfile.objects.get(organization__code="TT").values["rubric"] == "tan-thanh-2025"
    # TT-C1's November meeting: scored by its chair, adopted by the cell, graded by the committee.
    record = QualityRecord.objects.get(meeting__ident="TT-C1-2025-11")
    assert (record.status, record.official_grade, record.scorer_id == record.meeting.chair_id,
            record.scored_by.username, record.adopted_by.username, record.confirmed_by.username) == (
        "official", "tot", True, "bithu1", "bithu1", "dangy")
    shown = next(m["score"] for m in audit["meetings"] if m["id"] == "TT-C1-2025-11")
    assert (shown["total"], shown["grade"], shown["status"], shown["official_grade"]) == (93, "tot", "official", "tot")
    # Fees: three audited months with their totals, the relief from November, TT006 unpaid in all.
    assert [(f["month"], f["due"], f["paid"], f["unpaid"]) for f in audit["fees"]] == [
        ("2025-09", 1_138_725, 940_775, ["TT005", "TT006", "TT014", "TT058"]),
        ("2025-10", 1_138_725, 947_625, ["TT003", "TT006", "TT012", "TT021"]),
        ("2025-11", 1_112_355, 928_105, ["TT001", "TT006", "TT010", "TT019"])]
    assert [f for f in audit["findings"] if f["code"].startswith("FEE_")] == [
        {"code": "FEE_UNPAID_REVIEW", "member": "TT006", "period": "2025",
         "months": ["2025-09", "2025-10", "2025-11"]}]


def test_a_later_demo_still_shows_both_rulebooks(settings):
    """Loaded on 04/12/2026, the past reaches back to October 2025 (the last month judged by HD 12)."""
    from chibo.rules import engine
    from chibo.rules.services import effective_profile_for

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(date(2026, 12, 4))
    past = Meeting.objects.filter(date__lt=date(2026, 12, 4)).select_related("organization")
    profile = effective_profile_for(Organization.objects.get(code="TT-C1"))
    rulebooks = Counter(engine.rulebook_for(profile, m.date) for m in past)
    assert rulebooks == {"hd12-2018": 4, "hd42-2025": 4 * 14}  # 10/2025; 11/2025 to 12/2026


@pytest.mark.parametrize("today, year", [(date(2026, 1, 20), 2025), (date(2026, 3, 10), 2025),
                                         (date(2026, 7, 15), 2026)])
def test_the_demo_flags_its_unpaid_member_whatever_month_it_is_loaded(settings, capsys, today, year):
    """Issue 14 item 5: three past months of fees in one year, a relief and TT006 unpaid in all of
    them, flagged FEE_UNPAID_REVIEW: in January and March (the three months before this one span
    two years in March) the months from October of last year, in July April to June."""
    from chibo.fees.models import FeeRecord, Relief

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    load_demo(today)
    capsys.readouterr()
    call_command("audit", "--org", "TT-C1", "--from", f"{year}-01-01", "--to", f"{year}-12-31", "--as-of",
                 today.isoformat(), "--version", "2")
    audit = json.loads(capsys.readouterr().out)
    past = ["2025-10", "2025-11", "2025-12"] if year == 2025 else ["2026-04", "2026-05", "2026-06"]
    assert [f for f in audit["findings"] if f["code"].startswith("FEE_")] == [
        {"code": "FEE_UNPAID_REVIEW", "member": "TT006", "period": f"{year}", "months": past}]
    assert [f["month"] for f in audit["fees"]] == past
    months = sorted({f"{m:%Y-%m}" for m in FeeRecord.objects.values_list("month", flat=True)})
    assert months == {date(2026, 1, 20): [*past, "2026-01"], date(2026, 3, 10): [*past, "2026-01", "2026-02", "2026-03"],
                      date(2026, 7, 15): [*past, "2026-07"]}[today]
    relief = Relief.objects.get()
    assert (relief.kind, f"{relief.from_month:%Y-%m}") == ("reduce_50", {1: "2025-12", 3: "2026-02", 7: "2026-06"}[
        today.month])
