"""Project-wide views: the health check and the page for a request that cannot be understood."""

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
    200 {"database": "ok"} when the database answers, 503 {"database": "error"} otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure: the application cannot serve
        return JsonResponse({"database": "error"}, status=503)
    return JsonResponse({"database": "ok"})


def bad_request(request, exception=None):
    """400 page (handler400). Only our own messages about the request (QueryError: a query
    parameter that does not parse) are shown; anything else gets the general text."""
    message = str(exception) if isinstance(exception, QueryError) else ""
    try:
        body = render_to_string("400.html", {"message": message}, request)
    except Exception:  # e.g. a request refused before the session and user exist
        body = "<h1>Yêu cầu không hợp lệ</h1>"
    return HttpResponseBadRequest(body)

