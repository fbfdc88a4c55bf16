"""The start page (after login, and the logo's target), one per role, the role switcher, and
taking a committee's orientation up into a meeting's agenda.

Views bind input, check access through the lookup helpers, call one selector or service and
render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from chibo.formhelpers import run_service
from chibo.home import selectors, services
from chibo.meetings import dates
from chibo.meetings.access import get_meeting_for_user
from chibo.orgs import context as roles
from chibo.orgs.access import Right, scope_for
from chibo.orgs.models import Organization
from chibo.supervision.models import Orientation


@login_required
def start(request):
    """The start page of the role the login acts in (the role switcher's choice, else its first)."""
    scope = scope_for(request.user)
    role, _name = roles.current_role(request.session, scope)
    on = dates.today()
    context = {"role": role, "today": on, "role_count": len(roles.roles_of(scope))}
    if role is None:
        return render(request, "home/start_none.html", context)
    if role.kind == roles.ADMIN:
        return render(request, "home/start_admin.html", {**context, **selectors.admin_start(on)})
    if role.kind == roles.MEMBER:
        return render(request, "home/start_member.html", {**context, **selectors.member_start(scope, on)})
    org = Organization.objects.select_related("parent").get(path=role.path)
    if role.kind == roles.STAFF and not org.is_cell:
        return render(request, "home/start_committee.html",
                      {**context, **selectors.committee_start(org, scope, request.user, on)})
    return render(request, "home/start_cell.html", {**context, **selectors.cell_start(org, scope, on)})


@login_required
@require_http_methods(["GET", "POST"])
def role_switch(request):
    """GET: the login's roles; POST `role`: act in that role (kept in the session)."""
    scope = scope_for(request.user)
    held = roles.roles_of(scope)
    names = dict(Organization.objects.filter(path__in=[r.path for r in held if r.path]).values_list("path", "name"))
    if request.method == "POST":
        chosen = next((r for r in held if r.key == request.POST.get("role", "")), None)
        if chosen is None:
            raise BadRequest("Vai trò không hợp lệ.")
        roles.choose(request.session, chosen, names.get(chosen.path, ""))
        messages.success(request, f"Đang làm việc với vai trò {chosen.label}"
                                  + (f" · {names[chosen.path]}." if chosen.path else "."))
        return redirect("home")
    current, _name = roles.current_role(request.session, scope)
    return render(request, "home/roles.html", {
        "roles": [{"key": r.key, "label": r.label, "org": names.get(r.path, ""), "current": r == current}
                  for r in held]})


@login_required
@require_POST
def orientation_take_up(request, ident, pk):
    """Add a committee's orientation to the agenda of a meeting of a cell below it: only those who
    may prepare the meeting (Right.MANAGE)."""
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    orientation = (Orientation.objects.select_related("organization")
                   .filter(pk=pk, organization_id__in=meeting.organization.ancestor_ids()[:-1]).first())
    if orientation is None:
        raise Http404("Không tìm thấy định hướng của cấp ủy cấp trên")
    if run_service(request, services.orientation_take_up, meeting, orientation, request.user) is not None:
        messages.success(request, f"Đã đưa định hướng “{orientation.title}” vào chương trình cuộc họp ngày "
                                  f"{meeting.date:%d/%m/%Y}.")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("meeting_prepare", ident=meeting.ident)
