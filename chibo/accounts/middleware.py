"""Per request, for a logged-in user (after django_otp's OTPMiddleware):

1. a session older than the user's session epoch (the user was deactivated or lost a role since
   it began) is logged out;
2. a user with a confirmed second factor whose session has not passed it is sent to the
   verification page;
3. a user whom the administrators' policy requires to use a second factor and who has none is
   sent to the enrolment page;
4. a user whose password someone else chose (a login created from a member's page, a password
   set by an administrator) is sent to the password change page, with why.

The feeds (token only), static files and logging out are never held back. The user row carries
what is needed (see backends.users_with_security_state): no query of its own except the roles of
a user the committee-staff policy may concern.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp.middleware import OTPMiddleware

from chibo.accounts import services

EPOCH_SESSION_KEY = services.EPOCH_SESSION_KEY
PASSWORD_CHANGE_MESSAGE = ("Mật khẩu của đồng chí do người quản lý đặt khi cấp tài khoản. Xin đổi sang mật khẩu "
                           "riêng của mình trước khi tiếp tục.")


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.check(request)
        return response if response is not None else self.get_response(request)

    @staticmethod
    def _always_open(path: str) -> bool:
        return (path.startswith(settings.STATIC_URL) or path.startswith("/lich/")
                or path == reverse("logout"))

    def check(self, request):
        path = request.path_info
        if self._always_open(path):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        epoch = getattr(user, "chibo_session_epoch", None)
        if epoch is None:
            epoch = services.session_epoch(user)
        if request.session.get(EPOCH_SESSION_KEY, 0) != epoch:
            logout(request)
            OTPMiddleware._init_user_fields(request.user)
            messages.warning(request, "Phiên đăng nhập đã kết thúc vì tài khoản hoặc quyền của đồng chí đã "
                                      "thay đổi. Xin đăng nhập lại.")
            return None  # the request goes on as an anonymous one
        has_device = getattr(user, "chibo_has_device", None)
        if has_device is None:
            has_device = services.has_confirmed_device(user)
        verify, setup = reverse("otp_verify"), reverse("otp_setup")
        if has_device and not user.is_verified():
            if path == verify:
                return None
            return self._send(request, verify, "Cần nhập mã xác thực hai lớp.")
        if not has_device and path not in (setup, verify) and services.second_factor_required(user):
            return self._send(request, setup, "Quản trị viên yêu cầu tài khoản của đồng chí dùng xác thực "
                                              "hai lớp. Xin bật xác thực hai lớp để tiếp tục.")
        change = reverse("password_change")
        if path != change and services.must_change_password(user):
            return self._send(request, change, PASSWORD_CHANGE_MESSAGE)
        return None

    @staticmethod
    def _send(request, url, message):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": message}, status=403)
        if url == reverse("password_change"):  # the page says why; no "next" to follow afterwards
            messages.warning(request, message)
            return redirect(url)
        target = request.get_full_path() if request.method == "GET" else "/"
        return redirect(f"{url}?{urlencode({'next': target})}")
