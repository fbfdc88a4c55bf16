"""One log line per request, with its timing; JSON lines when LOG_FORMAT=json.

`RequestLogMiddleware` (first in settings.MIDDLEWARE, so the time covers every other middleware
and the static files WhiteNoise serves) logs to the logger `chibo.requests` at INFO:

    GET /healthz 200 3.2ms user=-
    {"time": "2026-12-04T10:00:00.123+07:00", "level": "INFO", "logger": "chibo.requests",
     "method": "GET", "path": "/healthz", "status": 200, "ms": 3.2, "user": null}

The path is logged without its query string, and secrets carried in the path (the calendar
feeds' and the password-reset links' tokens, URL arguments named `token`) are replaced by `***`.
The user is the id of the logged-in user, when the request looked at it (a static file or the
health check never loads the session, and logging does not either).
"""

import json
import logging
import time
from datetime import datetime

from django.utils.functional import empty

logger = logging.getLogger("chibo.requests")

SECRET_ARGUMENTS = ("token",)
MASK = "***"


def request_user_id(request) -> int | None:
    user = getattr(request, "user", None)
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:  # a lazy user nobody looked at: no query for it
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


def logged_path(request) -> str:
    path = request.path
    match = getattr(request, "resolver_match", None)
    if match is not None:
        for name in SECRET_ARGUMENTS:
            value = match.kwargs.get(name)
            if value:
                path = path.replace(str(value), MASK)
    return path


class MaskSecrets(logging.Filter):
    """On the console handler: Django's own lines about a request ("Not Found: /lich/TOKEN.ics")
    get the same masking as ours."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if request is not None and isinstance(record.args, tuple) and hasattr(request, "path"):
            masked = logged_path(request)
            if masked != request.path:
                record.args = tuple(masked if arg == request.path else arg for arg in record.args)
        return True


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        ms = round((time.perf_counter() - start) * 1000, 1)
        user = request_user_id(request)
        fields = {"method": request.method, "path": logged_path(request), "status": response.status_code,
                  "ms": ms, "user": user}
        logger.info("%s %s %s %.1fms user=%s", fields["method"], fields["path"], fields["status"], ms,
                    "-" if user is None else user, extra={"request_fields": fields})
        return response


class JsonFormatter(logging.Formatter):
    """A log record as one JSON object on one line: time (local, ISO 8601, milliseconds), level,
    logger, then a request's fields (method, path, status, ms, user) or the message; an
    exception's trace under "exc"."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        fields = getattr(record, "request_fields", None)
        if fields is not None:
            entry.update(fields)
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
