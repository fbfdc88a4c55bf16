"""Pure helper behind ``chibo audit FILE``: parse + validate + audit + dump (no Django, no DB)."""

from __future__ import annotations

from datetime import date

from chibo.interchange.validate import BundleError, parse_bundle
from chibo.rules.engine import audit, dump_audit

__all__ = ["BundleError", "audit_text"]


def audit_text(text: str | bytes, date_from: date, date_to: date, as_of: date | None = None) -> str:
    """The audit of a bundle given as JSON text, as the exact text ``chibo audit`` prints.

    Raises :class:`~chibo.interchange.validate.BundleError` on bad input.
    """
    bundle = parse_bundle(text)
    return dump_audit(audit(bundle, date_from, date_to, as_of))
