"""Planning views: the cell's meeting list and year plan, and the member's own page."""

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


@login_required
def my_page(request):
    scope = scope_for(request.user)
    if not scope.member_id:
        raise Http404("Tài khoản chưa gắn với đảng viên nào")
    return render(request, "meetings/my_page.html", {
        "tasks": selectors.tasks_of_member(scope.member_id),
        "attendance": selectors.attendance_of_member(scope.member_id),
    })
