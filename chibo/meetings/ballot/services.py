"""Electronic secret ballot (bỏ phiếu kín) for one Vote.

- `ballot_open(vote, user)`: the chair of the meeting or a manager of the cell opens the box.
- `ballot_cast(box, member, choice)`: an eligible voter casts one ballot. The BallotVoter row
  (who has voted) and the Ballot row (what was chosen) are inserted in one transaction; the
  unique constraint on (box, member) makes a second ballot of the same member impossible,
  whatever the timing. The Ballot row has a random UUID key and no voter and no time.
- `ballot_close(box, user)`: counts the ballots into the Vote (votes_for/against/abstain/invalid).

Every function locks the box row (`select_for_update`), so a ballot cannot slip in after the
count, and casting is serialized per box (a cell has at most a few dozen voters). Opening and
closing also lock the meeting row, first, as every other write to the meeting does (meeting,
then box, then vote): closing cannot cross a finalization, and no lock cycle can form.

Secrecy beyond the schema: databases keep rows in insertion order (SQLite's hidden rowid,
PostgreSQL's heap order), and BallotVoter ids grow in casting order, so while the box is open
someone with raw database access could pair the n-th voter with the n-th ballot. Closing the
box therefore rewrites both tables for the box: ballots re-inserted in the order of fresh random
keys, voters in member order. Nothing the application reads ever uses insertion order:
ballots are always read ordered by their UUID.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from chibo.meetings.facts import attendance_statuses
from chibo.meetings.models import (
    Ballot,
    BallotBox,
    BallotVoter,
    Meeting,
    MeetingStatus,
    Vote,
    VoteMethod,
)
from chibo.orgs.access import scope_for
from chibo.orgs.models import Member
from chibo.orgs.selectors import cell_roll
from chibo.rules import engine

#: What a voter may choose on the phone page ("phiếu không hợp lệ" only exists on paper).
CAST_CHOICES = (Ballot.Choice.FOR, Ballot.Choice.AGAINST, Ballot.Choice.ABSTAIN)

NOT_SECRET = "Nội dung này không biểu quyết bằng hình thức bỏ phiếu kín."
FINALIZED = "Biên bản cuộc họp đã hoàn tất và bị khóa, không thể bỏ phiếu."
NOT_ALLOWED = "Chỉ chủ trì cuộc họp hoặc cấp ủy quản lý chi bộ mới được mở và kết thúc bỏ phiếu."
ALREADY_OPEN = "Nội dung này đã được mở bỏ phiếu."
CLOSED = "Cuộc bỏ phiếu đã kết thúc."
ALREADY_VOTED = "Đồng chí đã bỏ phiếu cho nội dung này; mỗi đảng viên chỉ được bỏ một phiếu."
BAD_CHOICE = "Lựa chọn không hợp lệ: chọn Tán thành, Không tán thành hoặc Không biểu quyết."
NOT_ON_ROLL = "Đồng chí không có tên trong danh sách đảng viên của chi bộ vào ngày họp."
PROBATIONARY = "Đảng viên dự bị không có quyền biểu quyết (Điều lệ Đảng, Điều 3)."
AWAY = "Đồng chí đang sinh hoạt tạm thời hoặc công tác nơi khác nên không biểu quyết tại chi bộ."
NOT_PRESENT = "Đồng chí chưa được điểm danh có mặt tại cuộc họp nên chưa thể bỏ phiếu."


# --- who may do what ---------------------------------------------------------------

def can_conduct(user, meeting: Meeting) -> bool:
    """The meeting's chair (from their own login) or a recorder of the cell (scope.can_record_org)."""
    scope = scope_for(user)
    if scope.can_record_org(meeting.organization):
        return True
    return scope.member_id is not None and scope.member_id == meeting.chair_id


def _voters(meeting: Meeting):
    """The cell's roll on the meeting date and the engine's verdict on it (rules.md §3): the
    eligible voters present, by member code. Four queries."""
    roll = cell_roll(meeting.organization, meeting.date)
    facts = roll.facts
    _eligible, present = engine.eligible_voters(facts, attendance_statuses(meeting))
    return roll, facts, present


def voter_refusal(meeting: Meeting, member: Member) -> str | None:
    """Why `member` may not vote at `meeting` (None: eligible). Four queries.

    Eligible is the engine's verdict (`engine.eligible_voters`, rules.md §3): an official member
    on the cell's roll that day, not away, recorded present or late; an exempt member votes only
    when present, which the same check covers. The reason names the first condition not met."""
    _roll, facts, present = _voters(meeting)
    code = member.code
    if code in present:
        return None
    if code not in facts.on_roll:
        return NOT_ON_ROLL
    if code not in facts.official:
        return PROBATIONARY
    if code in facts.away:
        return AWAY
    return NOT_PRESENT


def eligible_voters(meeting: Meeting) -> list[Member]:
    """The members who may vote, in roll order: the engine's eligible voters present. Four queries."""
    roll, _facts, present = _voters(meeting)
    return [e.member for e in roll.entries if e.member.code in present]


# --- transitions ------------------------------------------------------------------------

def _locked_box(box: BallotBox) -> BallotBox:
    return BallotBox.objects.select_for_update(of=("self",)).select_related(
        "vote", "vote__meeting", "vote__meeting__organization").get(pk=box.pk)


def _locked_meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.select_for_update(of=("self",)).select_related("organization").get(pk=meeting_id)


def _check_meeting(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.FINALIZED:
        raise ValidationError(FINALIZED, code="finalized")


@transaction.atomic
def ballot_open(vote: Vote, user) -> BallotBox:
    """Open the ballot box of a secret-ballot vote of a meeting not yet finalized."""
    meeting = _locked_meeting(vote.meeting_id)
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    vote.meeting = meeting
    if not can_conduct(user, meeting):
        raise ValidationError(NOT_ALLOWED, code="forbidden")
    if vote.method != VoteMethod.SECRET_BALLOT:
        raise ValidationError(NOT_SECRET, code="not_secret")
    _check_meeting(meeting)
    if BallotBox.objects.filter(vote=vote).exists():
        raise ValidationError(ALREADY_OPEN, code="exists")
    return BallotBox.objects.create(vote=vote)


def ballot_cast(box: BallotBox, member: Member, choice: str) -> None:
    """Cast `member`'s ballot. Nothing identifies the ballot afterwards; returns nothing."""
    if choice not in CAST_CHOICES:
        raise ValidationError(BAD_CHOICE, code="choice")
    try:
        with transaction.atomic():
            locked = _locked_box(box)
            if locked.state != BallotBox.State.OPEN:
                raise ValidationError(CLOSED, code="closed")
            meeting = locked.vote.meeting
            _check_meeting(meeting)
            refusal = voter_refusal(meeting, member)
            if refusal:
                raise ValidationError(refusal, code="not_eligible")
            # The unique constraint (box, member) decides; both rows commit together or not at all.
            BallotVoter.objects.create(box=locked, member=member)
            Ballot.objects.create(id=uuid.uuid4(), box=locked, choice=choice)
    except IntegrityError as exc:
        raise ValidationError(ALREADY_VOTED, code="already_voted") from exc


@transaction.atomic
def ballot_close(box: BallotBox, user) -> Vote:
    """Close the box, count the ballots into the Vote and reseal the rows (see the module doc)."""
    meeting = _locked_meeting(BallotBox.objects.filter(pk=box.pk).values_list("vote__meeting_id", flat=True).get())
    locked = _locked_box(box)
    vote = locked.vote
    vote.meeting = meeting
    if not can_conduct(user, vote.meeting):
        raise ValidationError(NOT_ALLOWED, code="forbidden")
    if locked.state != BallotBox.State.OPEN:
        raise ValidationError(CLOSED, code="closed")
    _check_meeting(vote.meeting)
    counts = dict(Ballot.objects.filter(box=locked).values_list("choice").annotate(n=Count("id")).order_by())
    vote.votes_for = counts.get(Ballot.Choice.FOR, 0)
    vote.votes_against = counts.get(Ballot.Choice.AGAINST, 0)
    vote.votes_abstain = counts.get(Ballot.Choice.ABSTAIN, 0)
    vote.votes_invalid = counts.get(Ballot.Choice.INVALID, 0)
    vote.save(update_fields=["votes_for", "votes_against", "votes_abstain", "votes_invalid"])
    _reseal(locked)
    locked.state = BallotBox.State.CLOSED
    locked.closed_at = timezone.now()
    locked.save(update_fields=["state", "closed_at"])
    return vote


def _reseal(box: BallotBox) -> None:
    """Rewrite the box's rows so that their storage order says nothing about casting order."""
    choices = list(Ballot.objects.filter(box=box).values_list("choice", flat=True))
    fresh = sorted((Ballot(id=uuid.uuid4(), box=box, choice=c) for c in choices), key=lambda b: b.id)
    Ballot.objects.filter(box=box).delete()
    Ballot.objects.bulk_create(fresh)
    members = sorted(BallotVoter.objects.filter(box=box).values_list("member_id", flat=True))
    BallotVoter.objects.filter(box=box).delete()
    BallotVoter.objects.bulk_create([BallotVoter(box=box, member_id=m) for m in members])


# --- reads --------------------------------------------------------------------------------

@dataclass(frozen=True)
class BallotState:
    """What a page may show: while open only how many have voted; the counts once closed."""

    is_open: bool
    voted: int
    eligible: int
    results: dict[str, int] | None  # {"for": n, "against": n, "abstain": n, "invalid": n} once closed


def ballot_state(box: BallotBox) -> BallotState:
    vote = box.vote
    is_open = box.state == BallotBox.State.OPEN
    results = None
    if not is_open:
        results = {"for": vote.votes_for, "against": vote.votes_against, "abstain": vote.votes_abstain,
                   "invalid": vote.votes_invalid}
    voted = BallotVoter.objects.filter(box=box).count()
    return BallotState(is_open, voted, len(eligible_voters(vote.meeting)), results)


def voter_list(box: BallotBox) -> list[tuple[str, bool]]:
    """(name, has voted) for every eligible voter present, in roll order: who has voted, never how."""
    voted = set(BallotVoter.objects.filter(box=box).values_list("member_id", flat=True))
    return [(m.full_name, m.pk in voted) for m in eligible_voters(box.vote.meeting)]


def ballots_of(box: BallotBox) -> list[tuple[uuid.UUID, str]]:
    """The box's ballots (key, choice), in key order: random, unrelated to who cast them or when."""
    return list(Ballot.objects.filter(box=box).order_by("pk").values_list("pk", "choice"))


def has_voted(box: BallotBox, member_id: int | None) -> bool:
    return member_id is not None and BallotVoter.objects.filter(box=box, member_id=member_id).exists()
