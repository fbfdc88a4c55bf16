"""Reading the stored results back.

`stored_audit` is the version-2 audit (bundle-v2.md) rebuilt from the stored slices: the
meetings' entries as the engine wrote them, the findings asked of the engine again
(`engine.period_findings`) from the notes of those meetings, and the party-fee findings and
monthly totals (`engine.fee_audit`) of the ledgers, read from the record as the visits are, so
`chibo audit --stored` prints, byte for byte, what `chibo audit --org` computes, for any
[from, to] and as-of day, as long as the slices are current (`missing_slices` says which are
not there at all).

``version=1`` gives the version-1 audit of the same slices (`chibo audit --stored --version
1`): each entry without its ``rulebook`` and ``score.rubric``, the findings of version 1, no
fees. Only for meetings judged by HD 12 (`hd42_meetings` lists the others): a version-1
bundle's data stores exactly what it stored before version 2."""

import json
from collections.abc import Iterator
from datetime import date
from typing import TextIO

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

from chibo.interchange import auditjson
from chibo.meetings import facts
from chibo.orgs.models import CELL_KINDS, Membership, Organization
from chibo.results.models import CellYear, MeetingResult, PeriodFinding
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


def hd42_meetings(org: Organization, date_from: date, date_to: date) -> list[str]:
    """The ids of the stored meetings of [from, to] judged by HD 42 (those a version-1 audit
    cannot be rebuilt from), in (date, id) order. One query."""
    cells = Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).values("pk")
    return list(MeetingResult.objects.filter(organization_id__in=cells, date__gte=date_from, date__lte=date_to,
                                             entry__contains=f'"rulebook": "{engine.HD42}"').order_by(
        "date", "ident").values_list("ident", flat=True))


def entry_as_of(text: str, results_due: date | None, as_of: date) -> str:
    """A stored entry's text as of `as_of` (its `results_due` column: see `_results_as_of`)."""
    return text if results_due is None else _results_as_of(text, results_due < as_of)


def _results_as_of(text: str, late: bool) -> str:
    """A stored HD 42 entry whose results are not posted, with RESULTS_NOT_POSTED as of the
    audit's day (`late`: the deadline is before it) where `engine.hd42.hd42_entry` puts it:
    before QUALITY_NOT_SCORED and SCORER_NOT_ASSIGNED."""
    entry = json.loads(text)
    findings = [f for f in entry["findings"] if f["code"] != "RESULTS_NOT_POSTED"]
    if late:
        at = next((i for i, f in enumerate(findings) if f["code"] in _AFTER_RESULTS), len(findings))
        findings.insert(at, {"code": "RESULTS_NOT_POSTED"})
    if len(findings) == len(entry["findings"]):
        return text
    entry["findings"] = findings
    return auditjson.entry_text(entry)


_AFTER_RESULTS = frozenset({"QUALITY_NOT_SCORED", "SCORER_NOT_ASSIGNED"})


def _version_1_entry(text: str) -> str:
    """The version-1 entry of a stored entry judged by HD 12: without ``rulebook`` and the
    score's ``rubric`` (what `engine.hd42.hd12_entry` added)."""
    entry = json.loads(text)
    entry.pop("rulebook", None)
    entry["score"].pop("rubric", None)
    return auditjson.entry_text(entry)


def stored_fees(org: Organization, date_from: date, date_to: date, as_of: date) -> tuple[list, list] | None:
    """(the fee findings, the monthly totals) of the version-2 audit read back as the slices store
    them, when that is what the engine would compute: whole calendar years, every slice counting
    the same ended months as `as_of`, and no member of the subtree ever on a roll outside it (a
    slice places each record by all of the member's memberships, the audit of a subtree by
    those inside it). Else None: they are recomputed from the records. Four queries.

    A slice's FEE_UNPAID_REVIEW and FEE_RELIEF_TOO_LONG are kept in the cell of the member's
    year (`engine.year_cell`), its totals in the cell of each record (`engine.record_cell`), so
    the slices of the subtree hold each once; a relief too long for several years is found in
    each of them and counted once, as `engine.fee_audit` finds it over the window."""
    if (date_from.month, date_from.day, date_to.month, date_to.day) != (1, 1, 12, 31):
        return None
    years = range(date_from.year, date_to.year + 1)
    subtree = Organization.objects.filter(org.subtree_q()).values("pk")
    slices = CellYear.objects.filter(organization_id__in=subtree, year__in=years)
    if any(engine.ended_months(year, day) != engine.ended_months(year, as_of)
           for year, day in slices.values_list("year", "as_of").distinct()):
        return None
    members = Membership.objects.filter(organization_id__in=subtree).values("member_id")
    if Membership.objects.filter(member_id__in=members).exclude(organization_id__in=subtree).exists():
        return None
    unpaid, too_long = [], {}
    for code, member, period, relief, months in PeriodFinding.objects.filter(
            organization_id__in=subtree, year__in=years, code__in=_FEE_CODES).values_list(
            "code", "member", "period", "task", "months"):
        if code == "FEE_UNPAID_REVIEW":
            unpaid.append({"code": code, "member": member, "period": period, "months": months})
        else:  # months: [the relief's length, null when open-ended]
            too_long[(member, relief)] = {"code": code, "member": member, "relief": relief, "months": months[0]}
    unpaid.sort(key=lambda item: (item["member"], item["period"]))
    totals = sorted(({"organization": cell, "month": t["month"], "due": t["due"], "paid": t["paid"],
                      "unpaid": t["unpaid"]} for cell, fees in slices.values_list("organization__code", "fees")
                     for t in fees), key=lambda t: (t["organization"], t["month"]))
    return unpaid + [too_long[key] for key in sorted(too_long)], totals


_FEE_CODES = ("FEE_UNPAID_REVIEW", "FEE_RELIEF_TOO_LONG")


def _audit_parts(org: Organization, date_from: date, date_to: date, as_of: date, version: int = 2):
    """(header, the stored entries' texts in (date, id) order, findings(), tail()) of the stored
    audit: the entries are read a chunk at a time, each noted for the period findings on the way."""
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
        "date", "ident", "organization_id", "kind", "rescheduled", "removal_threshold", "unexcused", "tasks", "entry",
        "results_due")

    def entries() -> Iterator[str]:
        for day, ident_, org_id, kind, rescheduled, threshold, unexcused, tasks, entry, results_due in rows.iterator(
                chunk_size=facts.BATCH):
            notes.note(ident_, code_of[org_id], kind, day, rescheduled, threshold, unexcused,
                       [(assignee, _date(due), _date(done)) for assignee, due, done in tasks], as_of)
            entry = entry_as_of(entry, results_due, as_of)
            yield entry if version == 2 else _version_1_entry(entry)

    fee_totals = []

    def findings() -> list[dict]:
        visits = [(code_of[o], d) for o, d in Visit.objects.filter(
            organization_id__in=list(code_of), date__gte=date_from, date__lte=date_to).values_list(
            "organization_id", "date")]
        found = engine.period_findings(notes, cells, established, resolve, visits, date_from, date_to, as_of,
                                       version=version)
        if version != 2:
            return found
        stored = stored_fees(org, date_from, date_to, as_of)
        if stored is not None:
            fee_found, totals = stored
            fee_totals.extend(totals)
            return found + fee_found
        # recomputed from the records (a part of a year, a member on a roll outside the subtree)
        # as `chibo audit --org --version 2` reads them (chibo.interchange.db)
        member_code: dict[int, str] = {}
        rolls = facts.read_roll_index(list(code_of), code_of, member_code)
        unpaid, too_long, totals = engine.fee_audit(facts.read_fees(code_of, member_code),
                                                    rolls.memberships(), resolve, date_from, date_to, as_of)
        fee_totals.extend(totals)
        return found + unpaid + too_long

    def tail() -> dict:
        return {"fees": fee_totals} if version == 2 else {}

    return engine.audit_header(date_from, date_to, as_of, version), entries(), findings, tail


def write_stored_audit(out: TextIO, org: Organization, date_from: date, date_to: date,
                       as_of: date | None = None, version: int = 2) -> None:
    """Write the stored audit (what `chibo audit --stored` prints) as it is read: the entries'
    stored text as it is, never the whole audit in memory."""
    as_of = date_to if as_of is None else as_of
    header, entries, findings, tail = _audit_parts(org, date_from, date_to, as_of, version)
    auditjson.write_entries(out, header, entries, findings, tail)


def stored_audit(org: Organization, date_from: date, date_to: date, as_of: date | None = None,
                 version: int = 2) -> dict:
    """The stored audit as an object (for pages and tests): the same as `write_stored_audit`."""
    as_of = date_to if as_of is None else as_of
    header, entries, findings, tail = _audit_parts(org, date_from, date_to, as_of, version)
    result = dict(header)
    result["meetings"] = [json.loads(text) for text in entries]
    result["findings"] = findings()
    result.update(tail())
    return result
