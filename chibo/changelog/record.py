"""Entries that signals cannot write: downloads (auditlog's ACCESS action) and the summary of an
import (bulk inserts send no signals: one entry per import, with its counts, instead of one entry
per row)."""

import getpass

from auditlog.context import auditlog_value

from chibo.changelog.models import LogEntry

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
