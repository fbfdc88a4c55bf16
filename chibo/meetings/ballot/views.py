"""Secret ballot pages: the voter's phone page and the chair's panel.

Access: the vote's cell must be readable (404 otherwise, its existence is not revealed);
casting needs a login linked to a member (the ballot is cast as that member, never as a member
named in the request); opening and closing need the chair or a manager of the cell.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chibo import vocabulary
from chibo.formhelpers import call_service
from chibo.meetings.access import get_vote_for_user
from chibo.meetings.ballot import services as ballot
from chibo.meetings.models import BallotBox
from chibo.orgs.models import Member

NO_MEMBER = "Tài khoản của đồng chí chưa gắn với hồ sơ đảng viên nên không thể bỏ phiếu."


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _panel_or_error(request, vote_id, fn, *args):
    """Run a ballot service; on ValidationError the chair's panel again with the error (400)."""
    _result, exc = call_service(fn, *args)
    return None if exc is None else ballot_panel(request, vote_id, error=_error_text(exc), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def ballot_vote(request, vote_id):
    """The voter's page: three big buttons while the box is open, the result once closed."""
    vote, box, scope = get_vote_for_user(request.user, vote_id)
    error, status = None, 200
    if request.method == "POST":
        if not scope.member_id:
            raise PermissionDenied(NO_MEMBER)
        if box is None:
            error, status = "Nội dung này chưa được mở bỏ phiếu.", 400
        else:
            member = Member.objects.get(pk=scope.member_id)
            _result, exc = call_service(ballot.ballot_cast, box, member, request.POST.get("choice", ""))
            if exc is not None:
                error, status = _error_text(exc), 400
            else:
                messages.success(request, "Đã ghi nhận lá phiếu của đồng chí. Phiếu kín: không ai biết đồng chí đã chọn gì.")
                return redirect("ballot_vote", vote_id=vote.pk)
    context = {"vote": vote, "box": box, "error": error, "choices": ballot.CAST_CHOICES,
               "ballot_labels": vocabulary.BALLOT_CHOICES.labels,
               "can_conduct": ballot.can_conduct(request.user, vote.meeting)}
    if box is not None:
        context["state"] = ballot.ballot_state(box)
        context["voted"] = ballot.has_voted(box, scope.member_id)
        if box.state == BallotBox.State.OPEN and scope.member_id and not context["voted"]:
            member = Member.objects.get(pk=scope.member_id)
            context["refusal"] = ballot.voter_refusal(vote.meeting, member)
    if not scope.member_id:
        context["refusal"] = NO_MEMBER
    return render(request, "meetings/ballot_vote.html", context, status=status)


def _conducted_vote(request, vote_id):
    vote, box, _scope = get_vote_for_user(request.user, vote_id)
    if not ballot.can_conduct(request.user, vote.meeting):
        raise PermissionDenied(ballot.NOT_ALLOWED)
    return vote, box


@login_required
def ballot_panel(request, vote_id, error=None, status=200):
    """The chair's panel: open, follow how many have voted (not how), close and see the result."""
    vote, box = _conducted_vote(request, vote_id)
    context = {"vote": vote, "box": box, "error": error, "ballot_labels": vocabulary.BALLOT_CHOICES.labels}
    if box is not None:
        context["state"] = ballot.ballot_state(box)
        context["voters"] = ballot.voter_list(box)
    return render(request, "meetings/ballot_panel.html", context, status=status)


@login_required
@require_POST
def ballot_open(request, vote_id):
    vote, _box = _conducted_vote(request, vote_id)
    failed = _panel_or_error(request, vote_id, ballot.ballot_open, vote, request.user)
    if failed is not None:
        return failed
    messages.success(request, "Đã mở bỏ phiếu. Đảng viên vào trang bỏ phiếu trên điện thoại để bỏ phiếu.")
    return redirect("ballot_panel", vote_id=vote.pk)


@login_required
@require_POST
def ballot_close(request, vote_id):
    vote, box = _conducted_vote(request, vote_id)
    if box is None:
        return ballot_panel(request, vote_id, error="Nội dung này chưa được mở bỏ phiếu.", status=400)
    failed = _panel_or_error(request, vote_id, ballot.ballot_close, box, request.user)
    if failed is not None:
        return failed
    messages.success(request, "Đã kết thúc bỏ phiếu và ghi kết quả vào biên bản.")
    return redirect("ballot_panel", vote_id=vote.pk)
