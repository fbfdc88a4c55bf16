"""Project-wide views: the health check and the page for a request that cannot be understood."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
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


def job_queue_status() -> dict:
    url = getattr(settings, "CELERY_BROKER_URL", None) or "memory://"
    scheme = url.partition("://")[0].lower()
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or scheme == "memory":
        return {"mode": "in-process"}
    if scheme not in ("redis", "rediss"):
        return {"mode": scheme, "broker": "unchecked"}
    import redis  # installed with celery[redis]; imported here, only the check needs it

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            client.ping()
        finally:
            client.close()
    except Exception:  # refused, timed out, wrong password: the broker does not answer
        return {"mode": "redis", "broker": "error"}
    return {"mode": "redis", "broker": "ok"}


def bad_request(request, exception=None):
    """400 page (handler400). Only our own messages about the request (QueryError: a query
    parameter that does not parse) are shown; anything else gets the general text."""
    message = str(exception) if isinstance(exception, QueryError) else ""
    try:
        body = render_to_string("400.html", {"message": message}, request)
    except Exception:  # e.g. a request refused before the session and user exist
        body = "<h1>Yêu cầu không hợp lệ</h1>"
    return HttpResponseBadRequest(body)

