"""Parse and validate a Chibo bundle (bundle.md, version 1; bundle-v2.md, version 2) into a
normalized plain dict.

Version 2 (``v2.py``): a bundle whose ``version`` is 2 (or not 1: that alone is then reported)
is checked by ``v2.TOP_SPEC_V2`` and ``v2.CrossV2``; its normalized form adds ``rubrics``
(``{id: rubric}`` as given, valid ones only) after ``profiles``, ``fees`` (``[{"member",
"months": {"YYYY-MM": {"due", "paid", "paid_on", "channel"}}, "reliefs": [{"kind", "basis",
"from", "to", "reason"}]}]``, months as ``"YYYY-MM"`` strings, ``paid`` 0 when empty) at the end,
and to each meeting ``superior_notified_on``, ``docs_posted_on``, ``committee_prepared_on``,
``results_posted_on`` (dates or ``None``), ``secret_content`` (bool) and ``quality`` (``None``
or ``{"scorer", "status" ("self" when empty), "groups" (as given), "official_grade"}``).  A
version-1 bundle is normalized exactly as below.  :func:`parse_audit_input` streams a version-2
file too when ``"version": 2`` and the profiles and rubrics come before the organisations (as
``chibo export`` writes them; its fees are read whole at the end), and reads it whole otherwise.

Pure Python, standard library only (no Django).  :func:`parse_bundle` never raises anything
but :class:`BundleError`; the error lists *every* problem found as ``(json_path, reason)``
pairs, reasons in Vietnamese, sorted in document order (the order in which the offending
keys appear in the text; a missing required key sorts after the keys its object has).

JSON paths look like ``$.meetings[3].attendance[2].member``; a key that is not a plain
identifier is written ``$.profiles['CB-1']``.  A missing required key is reported at the
path the key would have (``$.organizations[0].code``); a problem with the whole document
(not UTF-8, not JSON, not an object) at ``$``.

Normalized bundle
-----------------
Every key below is always present, in this order; lists keep the document's order.

* Dates are ``datetime.date``; times (``start``, ``end``) are ``datetime.time``
  (hour and minute, seconds 0).
* Optional strings: ``None`` when missing, ``null``, ``""`` or whitespace only; otherwise the
  string exactly as given (not stripped).  Required strings are non-empty as given.
* Optional dates/times/enumerations: ``None`` when missing, ``null`` or blank.
* Optional lists: ``[]`` when missing or ``null``.

::

    {
      "format": "chibo-bundle", "version": 1,
      "profiles": {org_code: {profile_key: int | str}},      # only the keys given
      "organizations": [{"code": str, "name": str, "kind": str, "parent": str | None,
                         "established_on": date | None}],
      "members": [{"code": str, "full_name": str, "gender": "nam" | "nu" | None,
                   "birth_date": date | None, "joined_on": date | None, "official_on": date | None,
                   "memberships": [{"organization": str, "from": date, "to": date | None}],
                   "exempt": [{"from": date, "to": date | None, "reason": str | None}],
                   "away":   [{"from": date, "to": date | None, "reason": str | None}]}],
      "meetings": [{"id": str, "organization": str, "kind": str, "date": date,
                    "start": time | None, "end": time | None, "place": str | None,
                    "chair": str | None, "secretary": str | None, "notice_sent_on": date | None,
                    "topic": str | None, "rescheduled_reason": str | None,
                    "guests": [{"name": str, "title": str | None, "organization": str | None}],
                    "attendance": [{"member": str, "status": str, "reason": str | None}],
                    "speeches": [{"member": str, "item": str | None, "summary": str | None}],
                    "votes": [{"kind": str, "subject": str | None, "method": str,
                               "for": int, "against": int, "abstain": int, "invalid": int}],
                    "tasks": [{"assignee": str | None, "description": str | None,
                               "due": date | None, "done_on": date | None}],
                    "conclusion": str | None,
                    "manual_scores": {"preparation": int | None, "conduct": int | None,
                                      "principles": int | None}}],
      "visits": [{"organization": str, "date": date, "visitor": str | None,
                  "committee": str | None}]
    }

A vote's ``invalid`` is ``0`` when omitted or ``null``.  :func:`bundle_to_json` turns a
normalized bundle back into JSON-ready data (ISO dates, ``HH:MM`` times).

Readings chosen where bundle.md is silent (see docs/rules-notes.md): a UTF-8 byte-order mark
is ignored; strings may not contain NUL or lone surrogates; a bundle has exactly one root
organisation; ``null`` is not a valid profile value (leave the key out to inherit).

Streaming (``chibo audit FILE``)
--------------------------------
:func:`parse_bundle` holds the whole text, the decoded document and the normalized copy at
once: several gigabytes for a province.  :func:`parse_audit_input` serves the audit in bounded
memory instead.  It reads the file through a window of a few megabytes (:class:`_TextStream`)
and decodes the top-level object one value at a time -- each organisation, member, meeting and
visit on its own, with the C decoder of :mod:`json` -- and validates each at once with the
same checker and the same cross-checks (:class:`_Cross`, item by item) as :func:`parse_bundle`.
A member goes into the engine's ``RollIndex``, a meeting into its ``engine.MeetingFacts``
(member codes shared), and the decoded and normalized objects are dropped.

The fast reading only ever *accepts*.  Bad input needs every problem, sorted in document order
by walking the decoded document, which the fast reading no longer has; so at the first sign of
anything unusual -- a problem found by a check, invalid UTF-8 or JSON, a duplicate key, a
``\\u`` escape that may hide a NUL or a lone surrogate, lists in another order than
organisations, members, meetings -- it gives up, and the file is parsed again, whole, by
:func:`parse_bundle`: the error report is the very one of :func:`parse_bundle`, and a valid
bundle in an unusual order is still audited (with the memory of the whole-document reading).
"""

from __future__ import annotations

from chibo.interchange.validate.document import bundle_to_json, dump_bundle, parse_bundle, validate_document
from chibo.interchange.validate.limits import DatabaseLimits, limit_problems
from chibo.interchange.validate.messages import (
    CELL_KINDS,
    GENDERS,
    MEETING_KINDS,
    ORG_KINDS,
    STATUSES,
    VOTE_KINDS,
    VOTE_METHODS,
    BundleError,
    format_path,
)
from chibo.interchange.validate.stream import parse_audit_input

__all__ = [
    "BundleError",
    "DatabaseLimits",
    "parse_bundle",
    "parse_audit_input",
    "validate_document",
    "bundle_to_json",
    "dump_bundle",
    "format_path",
    "limit_problems",
    "ORG_KINDS",
    "CELL_KINDS",
    "GENDERS",
    "MEETING_KINDS",
    "STATUSES",
    "VOTE_KINDS",
    "VOTE_METHODS",
]
