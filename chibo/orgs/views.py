"""Organisation tree, cells, members: views bind input, check access, call one service, render."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from chibo.formhelpers import query_date, run_service
from chibo.orgs import forms, member_import, selectors, services
from chibo.orgs.access import Right, get_member_for_user, get_org_for_user, scope_for
from chibo.orgs.models import CELL_KINDS, Organization

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def today() -> date:
    return timezone.localdate()


@login_required
def org_tree(request):
    scope = scope_for(request.user)
    orgs = list(selectors.tree(scope.org_q()))
    base = min((o.depth for o in orgs), default=0)
    for org in orgs:
        org.indent = org.depth - base
    return render(request, "orgs/tree.html", {"orgs": orgs})


@login_required
def org_detail(request, code):
    org, scope = get_org_for_user(request.user, code)
    day = query_date(request, "ngay", today())
    context = {"org": org, "day": day, "can_manage": scope.can_manage_org(org), "can_edit_org": scope.can_edit_org(org),
               "can_edit_structure": scope.can_edit_structure(org), "ancestors": [a for a in org.ancestors() if scope.can_read_org(a)]}
    if org.kind in CELL_KINDS:
        context["roll"] = selectors.cell_roll(org, day)
        context["positions"] = selectors.positions_on(org, day)
    context["children"] = selectors.org_children_with_counts(org, day)
    return render(request, "orgs/org_detail.html", context)


def _org_form_response(request, form, org=None, parent=None):
    return render(request, "orgs/org_form.html", {"form": form, "org": org, "parent": parent})


@login_required
@require_http_methods(["GET", "POST"])
def org_create(request):
    scope = scope_for(request.user)
    parent = None
    parent_code = request.GET.get("parent") or request.POST.get("parent")
    if parent_code:
        parent, _ = get_org_for_user(request.user, parent_code)
    if not (scope.is_admin or (parent is not None and scope.can_edit_structure(parent))):
        raise PermissionDenied("Bạn không có quyền tạo tổ chức ở đây.")
    parents = scope.orgs() if scope.is_admin else Organization.objects.filter(scope.paths_q(scope.supervise_paths, ""))
    form = forms.OrganizationForm(request.POST or None, parents=parents,
                                  initial={"parent": parent.code if parent else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["parent"] is None and not scope.is_admin:
            form.add_error("parent", "Chọn tổ chức cấp trên.")
        else:
            org = run_service(form, services.org_create, **data)
            if org:
                messages.success(request, f"Đã tạo {org.name}.")
                return redirect("org_detail", code=org.code)
    return _org_form_response(request, form, parent=parent)


@login_required
@require_http_methods(["GET", "POST"])
def org_edit(request, code):
    org, scope = get_org_for_user(request.user, code, Right.SUPERIOR,
                                  denied="Chỉ cấp ủy cấp trên mới được sửa thông tin tổ chức này.")
    parents = scope.orgs() if scope.is_admin else Organization.objects.filter(scope.paths_q(scope.supervise_paths, ""))
    initial = {"code": org.code, "name": org.name, "kind": org.kind, "parent": org.parent.code if org.parent else None,
               "established_on": org.established_on, "locality": org.locality, "address": org.address}
    form = forms.OrganizationForm(request.POST or None, parents=parents.exclude(org.subtree_q()), initial=initial,
                                  editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        if data["parent"] is None and not scope.is_admin:
            form.add_error("parent", "Chọn tổ chức cấp trên.")
        elif run_service(form, services.org_update, org, **data):
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("org_detail", code=org.code)
    return _org_form_response(request, form, org=org)


@login_required
def member_list(request):
    scope = scope_for(request.user)
    text = request.GET.get("q", "").strip()
    members = []
    if text:
        members = list(selectors.member_search(scope.members(), text))
        cells = selectors.current_cells([m.pk for m in members])
        for m in members:
            m.cell = cells.get(m.pk)
    return render(request, "orgs/member_list.html", {"q": text, "members": members})


@login_required
def member_detail(request, code):
    member, scope = get_member_for_user(request.user, code)
    if not scope.can_read_member_profile(member):
        # A fellow member: the name, the code and the positions held now, nothing personal.
        positions = member.positions.filter(end__isnull=True).select_related("organization").order_by("start")
        return render(request, "orgs/member_card.html", {"member": member, "positions": positions})
    memberships = list(member.memberships.select_related("organization").order_by("start"))
    current = next((ms for ms in memberships if ms.end is None), None)
    can_manage = scope.can_manage_member(member)
    context = {
        "member": member,
        "memberships": memberships,
        "periods": member.periods.order_by("kind", "start"),
        "positions": member.positions.select_related("organization").order_by("start"),
        "can_manage": can_manage,
        # the transfer is the superior committee's (member_transfer refuses the cell's secretary)
        "can_transfer": can_manage and current is not None and scope.can_supervise_org(current.organization),
    }
    return render(request, "orgs/member_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, code):
    org, _ = get_org_for_user(request.user, code, Right.MANAGE)
    form = forms.NewMemberForm(request.POST or None, initial={"start": today()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member = run_service(form, services.member_create, organization=org, **data)
        if member:
            messages.success(request, f"Đã thêm đảng viên {member.full_name}.")
            return redirect("member_detail", code=member.code)
    return render(request, "orgs/form.html", {"form": form, "title": f"Thêm đảng viên vào {org.name}",
                                               "back": org})


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, code):
    member, _ = get_member_for_user(request.user, code, Right.MANAGE)
    initial = {f: getattr(member, f) for f in ("code", *services.MEMBER_FIELDS)}
    form = forms.MemberForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "code"}
        if run_service(form, services.member_update, member, **data):
            messages.success(request, "Đã lưu hồ sơ.")
            return redirect("member_detail", code=member.code)
    return render(request, "orgs/form.html", {"form": form, "title": f"Sửa hồ sơ {member.full_name}",
                                               "back_member": member})


@login_required
@require_http_methods(["GET", "POST"])
def member_transfer(request, code):
    member, scope = get_member_for_user(request.user, code, Right.MANAGE)
    current = member.memberships.filter(end__isnull=True).select_related("organization").first()
    if current is None or not scope.can_supervise_org(current.organization):
        raise PermissionDenied("Việc chuyển sinh hoạt do cấp ủy cấp trên thực hiện.")
    # Targets: cells the user supervises (the form's queryset refuses anything else).
    form = forms.TransferForm(request.POST or None, cells=scope.orgs().filter(scope.paths_q(
        scope.supervise_paths, "")) if not scope.is_admin else scope.orgs(), initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        target = form.cleaned_data["organization"]
        if run_service(form, services.member_transfer, member, to=target, on=form.cleaned_data["on"]):
            messages.success(request, f"Đã chuyển sinh hoạt đến {target.name}.")
            return redirect("member_detail", code=member.code)
    return render(request, "orgs/form.html", {"form": form, "title": f"Chuyển sinh hoạt: {member.full_name}",
                                               "back_member": member})


@login_required
@require_http_methods(["GET", "POST"])
def period_add(request, code):
    member, _ = get_member_for_user(request.user, code, Right.MANAGE)
    form = forms.PeriodForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.period_add, member, **form.cleaned_data):
            messages.success(request, "Đã thêm thời gian miễn / vắng.")
            return redirect("member_detail", code=member.code)
    return render(request, "orgs/form.html", {"form": form, "title": f"Miễn / vắng sinh hoạt: {member.full_name}",
                                               "back_member": member})


@login_required
@require_http_methods(["GET", "POST"])
def position_add(request, code):
    member, scope = get_member_for_user(request.user, code, Right.MANAGE)
    cell = member.memberships.filter(end__isnull=True).select_related("organization").first()
    if cell is None:
        raise PermissionDenied("Đảng viên hiện không sinh hoạt tại chi bộ nào.")
    form = forms.PositionForm(request.POST or None, initial={"start": today()})
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.position_add, member, organization=cell.organization, **form.cleaned_data):
            messages.success(request, "Đã thêm chức vụ.")
            return redirect("member_detail", code=member.code)
    return render(request, "orgs/form.html", {"form": form, "title": f"Chức vụ của {member.full_name} tại "
                                               f"{cell.organization.name}", "back_member": member})


@login_required
def member_import_template(request):
    response = HttpResponse(member_import.build_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhap-dang-vien.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def member_import_view(request, code):
    org, scope = get_org_for_user(request.user, code, Right.MANAGE)
    form = forms.MemberImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        from chibo.orgs.importing import import_members

        result = import_members(form.cleaned_data["file"].read(), scope=scope, default_org=org)
        if result.errors:
            errors = result.errors
        else:
            messages.success(request, f"Đã nhập {result.count} đảng viên.")
            return redirect("org_detail", code=org.code)
    return render(request, "orgs/member_import.html", {"form": form, "org": org, "errors": errors})

