"""Looking a meeting (or one of its votes) up for a user: the one access helper of the meetings
app, on the rules of `chibo/orgs/access.py`. The right needed is an argument (`Right`): a
meeting outside the read scope answers 404 (its existence is not revealed), a readable meeting
without the right answers 403."""

from django.http import Http404

from chibo.meetings import selectors
from chibo.meetings.models import BallotBox, Meeting, Vote
from chibo.orgs.access import Right, Scope, scope_for
from chibo.prepared import Prepared

#: The 403 message per right on a meeting (the organisation's defaults otherwise).
DENIED = {
    Right.MANAGE: "Bạn không có quyền chuẩn bị cuộc họp này.",
    Right.RECORD: "Bạn không có quyền ghi biên bản của chi bộ này.",
    Right.SUPERIOR: "Chỉ cấp ủy cấp trên dự sinh hoạt mới được xác nhận điểm đánh giá.",
}


#: The meeting with its cell, by ident: every recording request's first read (chibo.prepared).
MEETING_BY_IDENT = Prepared(lambda ident: Meeting.objects.select_related("organization").filter(ident=ident)[:1],
                            ident="prepared-sample-meeting-ident")


def get_meeting_for_user(user, ident, right: Right = Right.READ, *, full: bool = False,
                         denied: str | None = None) -> tuple[Meeting, Scope]:
    """The meeting if the user may read its cell (404 otherwise), and 403 unless the user holds
    `right` on the cell: MANAGE to plan and prepare it, RECORD to record, finalize, amend and
    score it, SUPERIOR to confirm its scores. `full` loads it with everything the meeting page
    shows (`selectors.meeting_full`)."""
    scope = scope_for(user)
    if full:
        meeting = selectors.meeting_full(ident)
    else:
        meeting = MEETING_BY_IDENT.first(ident=str(ident))
    if meeting is None or not scope.can_read_org(meeting.organization):
        raise Http404("Không tìm thấy cuộc họp")
    scope.require(meeting.organization, right, denied or DENIED.get(Right(right)))
    return meeting, scope


def get_vote_for_user(user, vote_id: int) -> tuple[Vote, BallotBox | None, Scope]:
    """A vote of a meeting and its ballot box (or None) if the user may read the cell; 404
    otherwise. Who may conduct the ballot is `ballot.can_conduct` (the chair counts too)."""
    scope = scope_for(user)
    vote = Vote.objects.select_related("meeting", "meeting__organization").filter(pk=vote_id).first()
    if vote is None or not scope.can_read_org(vote.meeting.organization):
        raise Http404("Không tìm thấy nội dung biểu quyết")
    box = BallotBox.objects.filter(vote=vote).first()
    if box is not None:
        box.vote = vote
    return vote, box, scope
