"""Small glue between views and services, and strict query parameters.

Views call a service one way: `call_service` is the core (the result, or the service's
ValidationError); `run_service` puts the error on a form (or, given the request, in the page's
messages) and returns None; `run_service_json` answers the JSON of the autosave endpoints.
Query parameters are parsed strictly (a value that does not parse is a 400 with a Vietnamese
message)."""

import re
from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, JsonResponse

from chibo.limits import YEAR_MAX, YEAR_MIN


class QueryError(BadRequest):
    """A query parameter that does not parse; its message is shown on the 400 page."""


def query_int(request, name: str, default: int | None = None, *, min: int, max: int, label: str = "") -> int | None:
    """`?name=` as an integer in [min, max]; `default` when absent or empty; else QueryError."""
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    what = label or f"Tham số '{name}'"
    if not re.fullmatch(r"-?[0-9]{1,9}", text):
        raise QueryError(f"{what} không hợp lệ: phải là số nguyên.")
    value = int(text)
    if not min <= value <= max:
        raise QueryError(f"{what} phải từ {min} đến {max}.")
    return value


def query_year(request, name: str, default: int | None = None, *, min: int = 2000, max: int = 2100) -> int | None:
    return query_int(request, name, default, min=min, max=max, label="Năm")


def query_date(request, name: str, default: date | None = None) -> date | None:
    """`?name=` as a date, dd/mm/yyyy or yyyy-mm-dd, years YEAR_MIN..YEAR_MAX; `default` when
    absent or empty; else QueryError."""
    text = request.GET.get(name, "").strip()
    if not text:
        return default
    for fmt, pattern in (("%d/%m/%Y", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"), ("%Y-%m-%d", r"[0-9]{4}-[0-9]{2}-[0-9]{2}")):
        if re.fullmatch(pattern, text):
            try:
                day = datetime.strptime(text, fmt).date()
            except ValueError:
                break
            if not YEAR_MIN <= day.year <= YEAR_MAX:
                raise QueryError(f"Ngày {text} không hợp lệ: năm phải từ {YEAR_MIN} đến {YEAR_MAX}.")
            return day
    raise QueryError(f"Ngày '{text[:40]}' không hợp lệ (định dạng dd/mm/yyyy).")


def call_service(fn, *args, **kwargs):
    """Call a service: (its result, None), or (None, the ValidationError it raised)."""
    try:
        return fn(*args, **kwargs), None
    except ValidationError as exc:
        return None, exc


def errors_to_form(form: BaseForm, exc: ValidationError) -> None:
    """A service's ValidationError onto the form: on the field it names, else the whole form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for err in errors:
                form.add_error(target, err.messages[0] if hasattr(err, "messages") else str(err))
    else:
        for message in exc.messages:
            form.add_error(None, message)


def run_service(target: BaseForm | HttpRequest, fn, *args, **kwargs):
    """Call a service; on ValidationError put its messages on `target` (a form: on its fields;
    the request: as error messages of the next page) and return None, else the result."""
    result, exc = call_service(fn, *args, **kwargs)
    if exc is None:
        return result
    if isinstance(target, BaseForm):
        errors_to_form(target, exc)
    else:
        for message in exc.messages:
            messages.error(target, message)
    return None


def json_error(message: str, field: str | None = None, status: int = 400) -> JsonResponse:
    """{"ok": false, "field": ..., "error": ...} with `status`."""
    return JsonResponse({"ok": False, "field": field, "error": message}, status=status)


def json_service_error(exc: ValidationError) -> JsonResponse:
    """A service's ValidationError as JSON: its first message (and field); 409 when the record
    is frozen (code "finalized") or the edit was based on a value changed since (code "conflict":
    the error's `current` goes into the answer as "current"), 400 otherwise."""
    status = 409 if getattr(exc, "code", None) in ("finalized", "conflict") else 400
    if hasattr(exc, "error_dict"):
        field, errors = next(iter(exc.message_dict.items()))
        body = {"ok": False, "field": field, "error": errors[0]}
    else:
        body = {"ok": False, "field": None, "error": exc.messages[0]}
    if getattr(exc, "current", None) is not None:
        body["current"] = exc.current
    return JsonResponse(body, status=status)


def json_form_error(form: BaseForm) -> JsonResponse:
    """The first error of an invalid form as JSON, status 400."""
    field, errors = next(iter(form.errors.items()))
    return json_error(errors[0], None if field == "__all__" else field)


def run_service_json(respond, fn, *args, **kwargs) -> JsonResponse:
    """Call a service for a JSON endpoint: `respond(result)` (a dict) on success, else
    `json_service_error`."""
    result, exc = call_service(fn, *args, **kwargs)
    if exc is not None:
        return json_service_error(exc)
    return JsonResponse(respond(result))
