"""Small glue between forms and services: a service's ValidationError lands on the form; query
parameters parsed strictly (a value that does not parse is a 400 with a Vietnamese message)."""

import re
from datetime import date, datetime

from django.core.exceptions import BadRequest, ValidationError

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


def run_service(form, fn, *args, **kwargs):
    """Call a service; on ValidationError attach its messages to the form and return None."""
    try:
        return fn(*args, **kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                target = field if field in form.fields else None
                for err in errors:
                    form.add_error(target, err.messages[0] if hasattr(err, "messages") else str(err))
        else:
            for message in exc.messages:
                form.add_error(None, message)
        return None
