"""Roles and logins on a member's page: give and withdraw a role, create, disable and re-enable a
login. Views bind input, check access with the Scope's predicates (the ones that show the
buttons, chibo/templatetags member_account), call one service of services_accounts, render."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chibo.formhelpers import run_service
from chibo.orgs import forms, services_accounts
from chibo.orgs.access import get_member_for_user
from chibo.orgs.models import Organization, Role

NOT_STAFF = "Chỉ cán bộ cấp ủy và quản trị viên được quản lý tài khoản và vai trò."
NOT_IN_SUBTREE = "Đảng viên không còn sinh hoạt tại chi bộ thuộc phạm vi của đồng chí."


def _member_for_accounts(request, code):
    """The member (404 outside the read scope) if the user may manage the member's login and
    roles: administrators, committee staff while the member is on a roll of their subtree."""
    member, scope = get_member_for_user(request.user, code)
    if not scope.can_administer_accounts():
        raise PermissionDenied(NOT_STAFF)
    if not scope.can_manage_account(member):
        raise PermissionDenied(NOT_IN_SUBTREE)
    return member, scope


def _suggested_orgs(member, scope):
    """The member's current cell and the organisations above it the user can read: the
    suggestions of the role form's organisation field. Two queries."""
    current = member.memberships.filter(end__isnull=True).select_related("organization").first()
    if current is None:
        return []
    cell = current.organization
    ids = cell.ancestor_ids()
    return [o for o in Organization.objects.filter(pk__in=ids).order_by("path") if scope.can_read_org(o)]


@login_required
@require_http_methods(["GET", "POST"])
def role_add(request, code):
    member, scope = _member_for_accounts(request, code)
    if member.user_id is None:
        messages.error(request, "Đảng viên chưa có tài khoản đăng nhập: tạo tài khoản trước.")
        return redirect("member_detail", code=member.code)
    form = forms.RoleForm(request.POST or None, orgs=scope.orgs())
    if request.method == "POST" and form.is_valid():
        role = run_service(form, services_accounts.role_give, request.user, member, **form.cleaned_data)
        if role:
            messages.success(request, f"Đã giao vai trò “{role.get_kind_display()}” tại {role.organization.name}.")
            return redirect("member_detail", code=member.code)
    return render(request, "orgs/role_form.html", {"form": form, "member": member,
                                                    "suggestions": _suggested_orgs(member, scope)})


@login_required
@require_POST
def role_remove(request, code, pk):
    member, scope = get_member_for_user(request.user, code)
    if not scope.can_administer_accounts():
        raise PermissionDenied(NOT_STAFF)
    role = (Role.objects.select_related("organization", "user").filter(pk=pk, user_id=member.user_id).first()
            if member.user_id else None)
    if role is None:
        raise Http404("Không tìm thấy vai trò")
    refusal = scope.role_refusal(role.kind, role.organization, role.user, giving=False)
    if refusal:
        raise PermissionDenied(refusal)
    if run_service(request, services_accounts.role_withdraw, request.user, role):
        messages.success(request, f"Đã thu hồi vai trò “{role.get_kind_display()}” tại {role.organization.name}.")
    return redirect("member_detail", code=member.code)


@login_required
@require_http_methods(["GET", "POST"])
def login_create(request, code):
    member, _scope = _member_for_accounts(request, code)
    if member.user_id is not None:
        messages.error(request, "Đảng viên đã có tài khoản đăng nhập.")
        return redirect("member_detail", code=member.code)
    form = forms.LoginForm(request.POST or None,
                           initial={"username": services_accounts.suggest_username(member)})
    if request.method == "POST" and form.is_valid():
        created = run_service(form, services_accounts.login_create, request.user, member,
                              username=form.cleaned_data["username"])
        if created is not None:
            login, password = created
            # The password is in this answer only (never stored in clear, never in a message).
            response = render(request, "orgs/login_created.html", {"member": member, "login": login,
                                                                    "password": password})
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "orgs/login_form.html", {"form": form, "member": member})


def _set_active(request, code, active):
    member, scope = _member_for_accounts(request, code)
    login = get_user_model()._default_manager.filter(pk=member.user_id).first() if member.user_id else None
    if login is None:
        raise Http404("Đảng viên chưa có tài khoản đăng nhập")
    refusal = scope.login_refusal(login, Role.objects.filter(user=login).select_related("organization"))
    if refusal:
        raise PermissionDenied(refusal)
    if run_service(request, services_accounts.login_set_active, request.user, member, active=active):
        messages.success(request, "Đã mở khóa tài khoản." if active else
                         "Đã khóa tài khoản: các phiên đăng nhập, địa chỉ lịch và khóa API của tài khoản đã hết hiệu lực.")
    return redirect("member_detail", code=member.code)


@login_required
@require_POST
def login_disable(request, code):
    return _set_active(request, code, False)


@login_required
@require_POST
def login_enable(request, code):
    return _set_active(request, code, True)
