"""The committee's plan of visits to its cells' meetings (dự sinh hoạt) and a member's own
visits. The records and their writes are `chibo.supervision`'s; the plan page lives here because
it joins them with the cells' meetings and rule profiles (planning/visits.py).

Access: the plan page and its actions need Right.SUPERVISE on the committee (404 outside the read
scope); a member sees only their own visits."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo import vocabulary
from chibo.formhelpers import QueryError, query_int, query_year, run_service
from chibo.meetings import dates
from chibo.meetings.models import Meeting
from chibo.meetings.planning import visits as plan_visits
from chibo.orgs.access import Right, get_org_for_user, scope_for
from chibo.orgs.models import Member, Organization
from chibo.supervision import selectors as sup_selectors
from chibo.supervision import services as sup_services
from chibo.supervision.forms import VisitPlanForm
from chibo.supervision.models import VisitPlan

DENIED = "Chỉ cán bộ cấp ủy mới lập kế hoạch dự sinh hoạt chi bộ."


def _committee_for(user, code):
    org, scope = get_org_for_user(user, code, Right.SUPERVISE, denied=DENIED)
    if org.is_cell:
        raise Http404("Chi bộ không lập kế hoạch dự sinh hoạt")
    return org, scope


def _period(request):
    today = dates.today()
    year = query_year(request, "nam", today.year)
    half = query_int(request, "ky", sup_services.half_of(today), min=1, max=2, label="Kỳ 6 tháng")
    return year, half


@login_required
@require_http_methods(["GET", "POST"])
def visit_plan(request, code):
    """The committee's plan for a half-year (`?nam=2025&ky=1`), filtered by cell kind (`loai`) and
    assignee (`nguoi`: a member code), with the coverage; POST adds an entry."""
    org, _scope = _committee_for(request.user, code)
    year, half = _period(request)
    kind = request.GET.get("loai", "")
    if kind and kind not in vocabulary.CELL_KINDS:
        raise QueryError("Loại chi bộ không hợp lệ.")
    try:
        page = plan_visits.plan_page(org, year, half, kind=kind, assignee_code=request.GET.get("nguoi", ""),
                                     today=dates.today())
    except plan_visits.UnknownAssignee as exc:
        raise QueryError("Đồng chí này không thuộc cấp ủy.") from exc
    cells = {c.pk: c for c in page["cells"]}
    form = VisitPlanForm(
        request.POST or None,
        cells=[(c.pk, c.name) for c in cells.values()],
        members=[(m.pk, m.full_name) for m in page["members"]],
        meetings=[(pk, f"{cells[cell_id].name} — {day:%d/%m/%Y}") for pk, cell_id, day, _ident in page["meetings"]
                  if cell_id in cells])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = Meeting.objects.filter(pk=data["meeting"]).first() if data["meeting"] else None
        plan = run_service(form, sup_services.visit_plan_add, org, cell=Organization.objects.get(pk=data["cell"]),
                           assignee=Member.objects.get(pk=data["assignee"]), year=year, half=half, meeting=meeting,
                           note=data["note"], user=request.user)
        if plan is not None:
            messages.success(request, f"Đã phân công đồng chí {plan.assignee.full_name} dự sinh hoạt "
                                      f"{plan.cell.name}.")
            return redirect(f"{reverse('visit_plan', args=[org.code])}?nam={year}&ky={half}")
    return render(request, "meetings/visit_plan.html", {
        "org": org, "year": year, "half": half, "kind": kind, "form": form, **page,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def visit_plan_remove(request, code, pk):
    org, _scope = _committee_for(request.user, code)
    plan = get_object_or_404(VisitPlan, pk=pk, committee=org)
    year, half = plan.year, plan.half
    if run_service(request, sup_services.visit_plan_remove, plan, org, user=request.user):
        messages.success(request, "Đã bỏ mục này khỏi kế hoạch.")
    return redirect(f"{reverse('visit_plan', args=[org.code])}?nam={year}&ky={half}")


@login_required
@require_GET
def my_visits(request):
    """The signed-in member's planned and made visits, from the current half-year on."""
    scope = scope_for(request.user)
    if not scope.member_id:
        raise Http404("Tài khoản chưa gắn với đảng viên nào")
    return render(request, "meetings/my_visits.html",
                  {"plans": sup_selectors.member_visits(scope.member_id, dates.today())})
