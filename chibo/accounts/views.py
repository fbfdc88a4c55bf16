"""Account pages: the account overview, password change and reset (Django's views with our
templates and forms), the second factor (enrol, confirm, remove; the second step of a login) and
calendar feeds (a user's own; all of them for administrators).

Views bind input, check access (404 for a record the user may not see), call one service and
render or redirect."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from chibo.accounts import forms, services
from chibo.formhelpers import run_service
from chibo.meetings.models import CalendarToken
from chibo.meetings.planning import services as planning_services


def _next_url(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                   require_https=request.is_secure()):
        return target
    return reverse(default)


@login_required
def account(request):
    user = request.user
    return render(request, "accounts/account.html", {
        "has_device": services.has_confirmed_device(user),
        "required": services.second_factor_required(user),
        "feeds": CalendarToken.objects.filter(user=user, revoked_at__isnull=True).count(),
    })


# --- passwords ----------------------------------------------------------------------------------------

class _PasswordChange(auth_views.PasswordChangeView):
    """Django's view; a password the user chose ends the forced change (services.password_changed)."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(self.request.user)
        return response

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "forced": services.must_change_password(self.request.user)}


class _PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(form.user)
        return response


password_change = _PasswordChange.as_view(
    form_class=forms.PasswordChangeForm, template_name="accounts/password_change.html",
    success_url=reverse_lazy("password_change_done"))
password_change_done = auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html")
password_reset = auth_views.PasswordResetView.as_view(
    form_class=forms.PasswordResetForm, template_name="accounts/password_reset.html",
    email_template_name="accounts/password_reset_email.txt",
    subject_template_name="accounts/password_reset_subject.txt",
    success_url=reverse_lazy("password_reset_done"))
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
password_reset_confirm = _PasswordResetConfirm.as_view(
    form_class=forms.SetPasswordForm, template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("password_reset_complete"))
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html")


# --- second factor --------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Turn the second factor on (start: a new secret; confirm: a code from the app) or off."""
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in ("start", "confirm", "remove"):
        raise Http404("Không rõ thao tác")
    form = forms.CodeForm(request.POST if action in ("confirm", "remove") else None)
    if action == "start":
        run_service(request, services.totp_start, user)
        return redirect(f"{reverse('otp_setup')}?{urlencode({'next': request.POST.get('next', '')})}"
                        if request.POST.get("next") else "otp_setup")
    if action == "confirm" and form.is_valid():
        device = run_service(form, services.totp_confirm, user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            messages.success(request, "Đã bật xác thực hai lớp. Từ nay khi đăng nhập cần thêm mã trên ứng dụng.")
            return redirect(_next_url(request, "account"))
    if action == "remove" and form.is_valid():
        run_service(form, services.totp_remove, user, form.cleaned_data["code"])
        if not form.errors:
            messages.success(request, "Đã tắt xác thực hai lớp.")
            return redirect("account")
    context = {"form": form, "required": services.second_factor_required(user),
               "device": services.confirmed_device(user),
               "next": request.GET.get("next", "") or request.POST.get("next", "")}
    pending = None if context["device"] else services.pending_device(user)
    if pending is not None:
        import segno  # the QR code of the enrolment page only (start-up of every command otherwise)

        uri = pending.config_url
        context.update({"pending": pending, "secret": services.secret_base32(pending), "uri": uri,
                        "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2)})
    return render(request, "accounts/otp_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    """The second step of a login for a user with a confirmed device."""
    user = request.user
    if not services.has_confirmed_device(user) or user.is_verified():
        return redirect(_next_url(request))
    form = forms.CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = run_service(form, services.totp_verify, user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            return redirect(_next_url(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": request.GET.get("next", "")
                                                        or request.POST.get("next", "")})


# --- calendar feeds -------------------------------------------------------------------------------------

def _feed_rows(request, tokens):
    rows = []
    for t in tokens:
        rows.append({"token": t, "what": (f"Lịch chi bộ – {t.organization.name}" if t.organization_id
                                          else f"Lịch cá nhân – {t.member.full_name}"),
                     "url": request.build_absolute_uri(reverse("ical_feed", args=[t.token]))})
    return rows


@login_required
def my_feeds(request):
    tokens = (CalendarToken.objects.filter(user=request.user).select_related("organization", "member")
              .order_by("revoked_at", "-created_at"))
    return render(request, "accounts/feeds.html", {"rows": _feed_rows(request, tokens), "all": False})


@login_required
def feeds_admin(request):
    """Administrators: every feed address, who created it, what it feeds; revoke any."""
    if not request.user.is_superuser:
        raise PermissionDenied("Chỉ quản trị viên xem được danh sách này.")
    tokens = (CalendarToken.objects.select_related("user", "organization", "member")
              .order_by("revoked_at", "user__username", "-created_at"))
    return render(request, "accounts/feeds.html", {"rows": _feed_rows(request, tokens), "all": True})


def _own_or_admin_token(request, pk):
    token = CalendarToken.objects.select_related("user", "organization", "member").filter(pk=pk).first()
    if token is None or not (token.user_id == request.user.pk or request.user.is_superuser):
        raise Http404("Không tìm thấy địa chỉ lịch")
    return token


@login_required
@require_POST
def feed_revoke(request, pk):
    token = _own_or_admin_token(request, pk)
    if run_service(request, planning_services.calendar_token_revoke, token) is not None:
        messages.success(request, "Đã thu hồi địa chỉ lịch; lịch không còn cập nhật qua địa chỉ này.")
    back = "feeds_admin" if request.POST.get("back") == "all" and request.user.is_superuser else "my_feeds"
    return redirect(back)


@login_required
@require_POST
def feed_reissue(request, pk):
    """A new address for one's own feed (only while one's rights still cover it)."""
    token = CalendarToken.objects.select_related("organization", "member").filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404("Không tìm thấy địa chỉ lịch")
    token.user = request.user
    if not planning_services.calendar_token_allowed(token):
        messages.error(request, "Đồng chí không còn quyền với lịch này nên không cấp lại được.")
    else:
        planning_services.calendar_token_regenerate(user=request.user, organization=token.organization,
                                                member=token.member)
        messages.success(request, "Đã cấp địa chỉ lịch mới; địa chỉ cũ không còn dùng được.")
    return redirect("my_feeds")
