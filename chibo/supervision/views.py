"""The committees' orientation pages: a committee's orientations and the form to publish one,
and one orientation with the cells that took it up.

Views bind input, check access (404 outside the read scope, 403 without Right.SUPERVISE), call
one service or selector and render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chibo.formhelpers import run_service
from chibo.orgs.access import Right, get_org_for_user, scope_for
from chibo.supervision import selectors, services
from chibo.supervision.forms import OrientationForm
from chibo.supervision.models import Orientation

DENIED = "Chỉ cán bộ cấp ủy cấp trên mới ban hành và theo dõi định hướng sinh hoạt chi bộ."


@login_required
@require_http_methods(["GET", "POST"])
def orientation_list(request, code):
    """The committee's orientations (newest month first) and the form to publish one."""
    org, _scope = get_org_for_user(request.user, code, Right.SUPERVISE, denied=DENIED)
    if org.is_cell:
        raise Http404("Chi bộ không ban hành định hướng sinh hoạt")
    # supervision sits below meetings (docs/architecture.md) and so cannot read chibo.meetings.dates;
    # the day only pre-fills the form.
    day = timezone.localdate()
    form = OrientationForm(request.POST or None, initial={"month": day.month, "year": day.year})
    if request.method == "POST" and form.is_valid():
        orientation = run_service(form, services.orientation_publish, org, user=request.user, **form.cleaned_data)
        if orientation is not None:
            messages.success(request, f"Đã ban hành định hướng tháng {orientation.month:02d}/{orientation.year}.")
            return redirect("orientation_detail", pk=orientation.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/orientation_list.html",
                  {"org": org, "form": form, "orientations": selectors.orientations_of(org)}, status=status)


@login_required
@require_GET
def orientation_detail(request, pk):
    """One orientation and every cell below with the meeting that took it up (or not yet)."""
    orientation = Orientation.objects.select_related("organization", "published_by").filter(pk=pk).first()
    scope = scope_for(request.user)
    if orientation is None or not scope.can_read_org(orientation.organization):
        raise Http404("Không tìm thấy định hướng")
    scope.require(orientation.organization, Right.SUPERVISE, DENIED)
    return render(request, "supervision/orientation_detail.html",
                  {"orientation": orientation, "org": orientation.organization, **selectors.orientation_page(orientation)})
