from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from chibo.meetings import selectors
from chibo.orgs.access import scope_for


def get_meeting_for_user(user, ident):
    scope = scope_for(user)
    meeting = selectors.meeting_full(ident)
    if meeting is None or not scope.can_read_org(meeting.organization):
        raise Http404("Không tìm thấy cuộc họp")
    return meeting, scope


@login_required
def meeting_detail(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident)
    return render(request, "meetings/detail.html", {"meeting": meeting,
                                                    "can_manage": scope.can_manage_org(meeting.organization)})
