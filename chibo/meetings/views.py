from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from chibo.meetings import selectors
from chibo.orgs.access import get_org_for_user, scope_for


@login_required
def meeting_list(request, code):
    org, scope = get_org_for_user(request.user, code)
    if not org.is_cell:
        raise Http404("Không phải chi bộ")
    meetings = selectors.meetings_of(org)
    return render(request, "meetings/list.html", {"org": org, "meetings": meetings,
                                                  "can_manage": scope.can_manage_org(org)})


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


@login_required
def my_page(request):
    scope = scope_for(request.user)
    if not scope.member_id:
        raise Http404("Tài khoản chưa gắn với đảng viên nào")
    return render(request, "meetings/my_page.html", {
        "tasks": selectors.tasks_of_member(scope.member_id),
        "attendance": selectors.attendance_of_member(scope.member_id),
    })
