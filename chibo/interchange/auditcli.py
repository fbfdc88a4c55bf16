"""Pure helpers behind ``chibo audit FILE``: parse + validate + audit + dump (no Django, no DB).

:func:`audit_text` audits a bundle given whole as text; :func:`audit_file_input` reads a bundle
file piece by piece (``chibo.interchange.validate.parse_audit_input``) for
``auditjson.write_audit``, which is what the command does: both give the same text.
"""

from __future__ import annotations

import io
import sys
from datetime import date

from chibo.interchange.auditjson import dump_audit
from chibo.interchange.validate import BundleError, parse_audit_input, parse_bundle
from chibo.rules.engine import AuditInput, audit

__all__ = ["BundleError", "audit_text", "audit_file_input"]


def audit_text(text: str | bytes, date_from: date, date_to: date, as_of: date | None = None) -> str:
    """The audit of a bundle given as JSON text, as the exact text ``chibo audit`` prints.

    Raises :class:`~chibo.interchange.validate.BundleError` on bad input.
    """
    bundle = parse_bundle(text)
    return dump_audit(audit(bundle, date_from, date_to, as_of))


def audit_file_input(path: str, date_from: date, date_to: date) -> AuditInput:
    """What an audit of [date_from, date_to] reads of the bundle file ``path`` (``-``: standard
    input; it and other pipes are read whole, so that they can be read again on bad input).

    Raises :class:`~chibo.interchange.validate.BundleError` on bad input, ``OSError`` when the
    file cannot be read.
    """
    if path == "-":
        fh = io.BytesIO(sys.stdin.buffer.read())
    else:
        fh = open(path, "rb")  # noqa: SIM115 - closed below
        if not fh.seekable():  # a pipe: read it whole, so that it can be read again
            with fh:
                fh = io.BytesIO(fh.read())
    with fh:
        return parse_audit_input(fh, date_from, date_to)
