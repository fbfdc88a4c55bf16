"""Reading the stored results back.

`stored_audit` is the audit of bundle.md rebuilt from the stored slices: the meetings' entries
as the engine wrote them, and the findings asked of the engine again (`engine.period_findings`)
from the notes of those meetings, so `chibo audit --stored` prints, byte for byte, what
`chibo audit --org` computes, for any [from, to] and as-of day, as long as the slices are
current (`missing_slices` says which are not there at all)."""

import json
from collections.abc import Iterator
from datetime import date
from typing import TextIO

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

from chibo.interchange import auditjson
from chibo.meetings import facts
from chibo.orgs.models import CELL_KINDS, Organization
from chibo.results.models import CellYear, MeetingResult
from chibo.rules import engine
from chibo.supervision.models import Visit


def _date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def missing_slices(org: Organization, date_from: date, date_to: date) -> list[tuple[str, int]]:
    """(cell code, year) of the subtree's cells with no stored slice for a year of [from, to]."""
    years = range(date_from.year, date_to.year + 1)
    cells = dict(Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).values_list("pk", "code"))
    have = set(CellYear.objects.filter(organization_id__in=cells, year__in=years).values_list(
        "organization_id", "year"))
    return sorted((code, y) for pk, code in cells.items() for y in years if (pk, y) not in have)


def _audit_parts(org: Organization, date_from: date, date_to: date, as_of: date):
    """(header, the stored entries' texts in (date, id) order, findings()) of the stored audit:
    the entries are read a chunk at a time, each noted for the period findings on the way."""
    organizations, code_of = facts.read_organizations(org)
    profiles = facts.read_profiles(org, code_of)
    resolve = engine.ProfileResolver({o["code"]: o.get("parent") for o in organizations}, profiles)
    established = {o["code"]: o.get("established_on") for o in organizations}
    cells = sorted(o["code"] for o in organizations if o.get("kind") in CELL_KINDS)
    notes = engine.PeriodNotes()
    # (date, id) in code-point order, as the engine sorts: the "C" collation on PostgreSQL.
    ident = Collate("ident", "C") if connection.vendor == "postgresql" else F("ident")
    rows = MeetingResult.objects.filter(organization_id__in=list(code_of), date__gte=date_from,
                                        date__lte=date_to).order_by("date", ident).values_list(
        "date", "ident", "organization_id", "kind", "rescheduled", "removal_threshold", "unexcused", "tasks", "entry")

    def entries() -> Iterator[str]:
        for day, ident_, org_id, kind, rescheduled, threshold, unexcused, tasks, entry in rows.iterator(
                chunk_size=facts.BATCH):
            notes.note(ident_, code_of[org_id], kind, day, rescheduled, threshold, unexcused,
                       [(assignee, _date(due), _date(done)) for assignee, due, done in tasks], as_of)
            yield entry

    def findings() -> list[dict]:
        visits = [(code_of[o], d) for o, d in Visit.objects.filter(
            organization_id__in=list(code_of), date__gte=date_from, date__lte=date_to).values_list(
            "organization_id", "date")]
        return engine.period_findings(notes, cells, established, resolve, visits, date_from, date_to, as_of)

    return engine.audit_header(date_from, date_to, as_of), entries(), findings


def write_stored_audit(out: TextIO, org: Organization, date_from: date, date_to: date,
                       as_of: date | None = None) -> None:
    """Write the stored audit (what `chibo audit --stored` prints) as it is read: the entries'
    stored text as it is, never the whole audit in memory."""
    as_of = date_to if as_of is None else as_of
    header, entries, findings = _audit_parts(org, date_from, date_to, as_of)
    auditjson.write_entries(out, header, entries, findings)


def stored_audit(org: Organization, date_from: date, date_to: date, as_of: date | None = None) -> dict:
    """The stored audit as an object (for pages and tests): the same as `write_stored_audit`."""
    as_of = date_to if as_of is None else as_of
    header, entries, findings = _audit_parts(org, date_from, date_to, as_of)
    result = dict(header)
    result["meetings"] = [json.loads(text) for text in entries]
    result["findings"] = findings()
    return result
