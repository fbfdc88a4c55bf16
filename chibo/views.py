"""Project-wide views: the health check and the error pages (400, 403, 404, 500, a refused CSRF
token), in Vietnamese, each saying what happened and offering a way back (the previous page when it
is ours, the start page). They are what users see whatever DEBUG says for 400/403 and, with DEBUG
off (scripts/start.sh included; `DEBUG=1` gives developers Django's technical pages), for 404/500."""

import functools

from django.conf import settings
from django.db import connection
from django.http import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chibo.formhelpers import QueryError


@never_cache
@require_GET
def healthz(request):
    """For load balancers and monitors: no login, no HTTPS redirect (SECURE_REDIRECT_EXEMPT).

    200 when the database answers, 503 otherwise; the job queue is reported beside it but does
    not fail the check (pages keep working while the broker is away; a job the broker refused is
    stored as a failure): {"database": "ok", "jobs": {"mode": "in-process"}} when jobs run in the
    web process, {"mode": "redis", "broker": "ok" | "error"} when Redis is the broker (pinged),
    {"mode": "<scheme>", "broker": "unchecked"} for another broker."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except Exception:  # any database failure: the application cannot serve
        database = "error"
    return JsonResponse({"database": database, "jobs": job_queue_status()},
                        status=200 if database == "ok" else 503)


@functools.lru_cache(maxsize=4)
def _broker_client(url: str):
    """One client per process and broker, its connections pooled (thread-safe): a check does not
    open a connection of its own (a new one cost two thirds of the check's CPU)."""
    import redis  # installed with celery[redis]; imported here, only the check needs it

    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def job_queue_status() -> dict:
    url = getattr(settings, "CELERY_BROKER_URL", None) or "memory://"
    scheme = url.partition("://")[0].lower()
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or scheme == "memory":
        return {"mode": "in-process"}
    if scheme not in ("redis", "rediss"):
        return {"mode": scheme, "broker": "unchecked"}
    try:
        _broker_client(url).ping()
    except Exception:  # refused, timed out, wrong password: the broker does not answer
        return {"mode": "redis", "broker": "error"}
    return {"mode": "redis", "broker": "ok"}


def _back(request) -> str:
    """The page the user came from, when it is one of ours and not this one; else ""."""
    referer = request.META.get("HTTP_REFERER", "")
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()},
                                                            require_https=request.is_secure()):
        return ""
    return "" if referer == request.build_absolute_uri() else referer


def _ours(exception) -> str:
    """An exception's message when it is one of ours (Vietnamese, written for users); Django's own
    messages (English, sometimes naming paths and models) are not shown."""
    message = exception.args[0] if exception is not None and exception.args else ""
    return message if isinstance(message, str) and not message.isascii() else ""


def _page(request, template: str, fallback: str, **context) -> str:
    try:
        return render_to_string(template, {"back": _back(request), **context}, request)
    except Exception:  # e.g. a request refused before the session and user exist
        return fallback


def bad_request(request, exception=None):
    """400 page (handler400). Only our own messages about the request (QueryError: a query
    parameter that does not parse) are shown; anything else gets the general text."""
    message = str(exception) if isinstance(exception, QueryError) else ""
    return HttpResponseBadRequest(_page(request, "400.html", "<h1>Yêu cầu không hợp lệ</h1>", message=message))


def permission_denied(request, exception=None):
    """403 page (handler403): the reason when it is ours."""
    return HttpResponseForbidden(_page(request, "403.html", "<h1>Không có quyền truy cập</h1>",
                                       message=_ours(exception)))


def page_not_found(request, exception=None):
    """404 page (handler404): what was not found when the message is ours."""
    return HttpResponseNotFound(_page(request, "404.html", "<h1>Không tìm thấy</h1>", message=_ours(exception)))


def server_error(request):
    """500 page (handler500): a page of its own (not base.html: whatever failed may fail again
    while rendering the top bar), with no detail of the error."""
    return HttpResponseServerError(_page(request, "500.html", "<h1>Máy chủ gặp sự cố</h1>"))


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from an old page or after the session ended."""
    return HttpResponseForbidden(_page(request, "403.html", "<h1>Không có quyền truy cập</h1>", csrf=True, message=(
        "Biểu mẫu đã cũ hoặc phiên làm việc đã hết hạn, nên thao tác chưa được thực hiện. "
        "Hãy tải lại trang, đăng nhập lại nếu cần, rồi thử lại.")))

