"""The person's notifications (/nhac-viec/) and their choice of reminders (the account page's
section). Everything here is the logged-in person's own: another person's notification is not
found (404) and there is no way to name another person's choices."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from chibo.formhelpers import run_service
from chibo.reminders import selectors, services
from chibo.reminders.forms import PreferencesForm


@login_required
def notification_list(request):
    return render(request, "reminders/notifications.html", {"items": selectors.notifications_of(request.user.pk)})


@login_required
@require_POST
def notification_open(request, pk):
    """Mark the notification read and go to the page where its work is done."""
    notification = selectors.notification_for(request.user.pk, pk)
    if notification is None:
        raise Http404("Không tìm thấy nhắc việc")
    run_service(request, services.notification_open, notification)
    if notification.url and url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request):
    if run_service(request, services.notifications_read_all, request.user) is not None:
        messages.success(request, "Đã đánh dấu đã xem tất cả nhắc việc.")
    return redirect("notifications")


@login_required
@require_POST
def preferences_save(request):
    form = PreferencesForm(request.POST)
    if form.is_valid() and run_service(form, services.preferences_save, request.user,
                                       set(form.cleaned_data["kinds"])) is not None:
        messages.success(request, "Đã lưu lựa chọn nhắc việc.")
        return redirect("account")
    for error in form.errors.get("kinds", []) + form.non_field_errors():
        messages.error(request, error)
    return redirect("account")
