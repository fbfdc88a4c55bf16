"""Entries that signals cannot write: downloads (auditlog's ACCESS action) and the summary of an
import (bulk inserts send no signals: one entry per import, with its counts, instead of one entry
per row)."""

import getpass

from auditlog.context import auditlog_value

from chibo.changelog.models import LogEntry

#: An instance's attribute: a copy of its row as read under a lock in the current transaction
#: (`row_before`); its next save's change log entry is diffed against it instead of reading the row
#: again, and chibo.results' move check reads it too (this module is shared by every app). The
#: service removes it after the save.
ROW_BEFORE = "_changelog_row_before"

FORMATS = {"pdf": "PDF", "docx": "Word", "xlsx": "Excel", "json": "JSON", "ics": "iCal"}


def download(instance, what: str, fmt: str = "", filename: str = "") -> LogEntry:
    """A download of `what` (e.g. "Biên bản") about `instance`, in format `fmt`.
    Actor and address come from the request (ChangeLogMiddleware)."""
    label = f"{what} ({FORMATS.get(fmt, fmt)})" if fmt else what
    return LogEntry.objects.log_create(
        instance, action=LogEntry.Action.ACCESS, force_log=True,
        changes={"download": [None, label]},
        additional_data={"download": what, "format": fmt, "file": filename},
    )


def _outside_request() -> bool:
    try:
        return auditlog_value.get() is None
    except LookupError:
        return True


def import_summary(instance, text: str, *, org_paths: list[str], details: dict | None = None,
                   source: str = "") -> LogEntry:
    """One entry for a bulk import: "Nhập dữ liệu: <text>", attributed to every organisation it
    touched. Outside a web request (the `chibo import` command) the actor is the command line."""
    from chibo.changelog.registry import joined

    extra = {}
    if _outside_request():
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # pragma: no cover - no user name on this system
            who = "?"
        extra["actor_name"] = f"dòng lệnh ({who})"
    return LogEntry.objects.log_create(
        instance, action=LogEntry.Action.CREATE, force_log=True,
        changes={"import": [None, f"Nhập dữ liệu: {text}" + (f" ({source})" if source else "")]},
        additional_data={"import": details or {}},
        org_paths=joined(sorted(set(org_paths))),
        **extra,
    )


def created(objs) -> None:
    """CREATE entries for rows inserted with bulk_create, which sends no signals."""
    from auditlog.diff import model_instance_diff
    from auditlog.registry import auditlog

    for obj in objs:
        if obj.pk is not None and auditlog.contains(type(obj)):
            LogEntry.objects.log_create(obj, action=LogEntry.Action.CREATE, changes=model_instance_diff(None, obj))


def updated(objs, **values) -> None:
    """UPDATE entries for rows changed with QuerySet.update(**values), which sends no signals;
    `objs` are the rows as they were before the update (they are changed in place)."""
    from auditlog.diff import get_field_value
    from auditlog.registry import auditlog
    from django.utils.encoding import smart_str

    for obj in objs:
        model = type(obj)
        if not auditlog.contains(model):
            continue
        options = auditlog.get_model_fields(model)
        changes = {}
        for name, value in values.items():
            field = model._meta.get_field(name)
            old = get_field_value(obj, field)
            setattr(obj, field.attname, value)
            new = get_field_value(obj, field)
            if name in options["exclude_fields"] or old == new:
                continue
            changes[name] = [smart_str(old), smart_str(new)]
        if changes:
            LogEntry.objects.log_create(obj, action=LogEntry.Action.UPDATE, changes=changes)


def save_after_locked_read(instance, before, **save_kwargs) -> None:
    """Save `instance`, whose row `before` (a copy taken when it was read `select_for_update` in this
    transaction) still is in the database: its change log entry is diffed against that copy, and
    the stored results' move check reads it, instead of reading the row again."""
    instance.__dict__[ROW_BEFORE] = before
    try:
        instance.save(**save_kwargs)
    finally:
        instance.__dict__.pop(ROW_BEFORE, None)
