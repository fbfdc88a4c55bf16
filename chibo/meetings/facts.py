"""The database as the rule engine reads it: the one adapter between the stored record and
`chibo.rules.engine`.

Every verdict a page, a document, the compliance report or `chibo audit --org` shows is computed by
the engine from what this module reads, so they all see the same facts:

* `subtree_record` reads a subtree's record in the bundle's normalized shape (bundle.md, dates as
  `datetime.date`) in a constant number of queries; `cell_year` is the record a meeting's
  verdict depends on (its cell from 1 January of its year up to its date), what the meeting
  page, the recording page, the minutes and the minutes book evaluate;
* `read_roll_index` and `read_meeting_facts` read the same rows straight into the engine's
  `RollIndex` and `MeetingFacts` (no text kept), for the streaming audit of `chibo audit --org`.

`chibo.interchange.db` builds the bundle export and the audit input from these readers; nothing
here knows about files or JSON.

Version 2 (docs/spec/bundle-v2.md): with ``version=2`` the readers add what a version-2 bundle
carries: the meetings' HD 42 dates, ``secret_content`` and ``quality`` (`QualityRecord`), the
scoring sheets (`rules.ScoringSheet`, as ``rubrics``) and the party-fee ledgers
(`fees.FeeRecord`, `fees.Relief`: `read_fees`); the default, version 1, reads exactly what it
read before.
"""
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from django.db.models import Q

from chibo.fees.models import FeeRecord, Relief
from chibo.meetings.models import Attendance, Guest, Meeting, MeetingStatus, QualityRecord, Speech, Task, Vote
from chibo.orgs.models import CELL_KINDS, Member, MemberPeriod, Membership, Organization
from chibo.prepared import Prepared
from chibo.rules import engine
from chibo.rules.models import RuleProfile, ScoringSheet
from chibo.supervision.models import Visit

BATCH = 5000


def _each(queryset, stream: bool = True):
    """The rows of `queryset`, read in chunks of BATCH when `stream` (a subtree's record: on
    PostgreSQL a server-side cursor, so the rows are never all in memory at once), else at once (a
    cell's year: a few hundred rows, without the cursor's DECLARE, FETCH and CLOSE)."""
    return queryset.iterator(chunk_size=BATCH) if stream else queryset


def _opt(value: str):
    """Blank database text is exported as null (bundle.md: empty strings count as missing)."""
    return value if value and value.strip() else None


def _iso(value):
    """Dates stay datetime.date in the normalized bundle (bundle_to_json makes them ISO)."""
    return value


def _hhmm(value):
    return value.replace(second=0, microsecond=0) if value is not None else None



def effective_overrides(org: Organization) -> dict:
    """Profile overrides from the root down to `org`, merged key by key (for a subtree export)."""
    ids = org.ancestor_ids()
    rows = dict(RuleProfile.objects.filter(organization_id__in=ids).values_list("organization_id", "values"))
    merged = {}
    for i in ids:
        merged.update(rows.get(i) or {})
    return merged


def read_organizations(org: Organization) -> tuple[list[dict], dict[int, str]]:
    """The subtree's organisations (normalized dicts, in path order) and {id: code}. One query."""
    return organizations_from(org, organizations_query(org.path, org.path + "g"))


def organizations_query(lo: str, hi: str):
    """The organisations whose path is in [lo, hi): a subtree (Organization.subtree_q)."""
    return Organization.objects.filter(path__gte=lo, path__lt=hi).order_by("path").values(
        "id", "code", "name", "kind", "parent_id", "established_on")


def organizations_from(org: Organization, rows) -> tuple[list[dict], dict[int, str]]:
    rows = list(rows)
    code_of = {o["id"]: o["code"] for o in rows}
    organizations = []
    for o in rows:
        row = {"code": o["code"], "name": o["name"], "kind": o["kind"],
               "parent": code_of.get(o["parent_id"]) if o["id"] != org.pk else None}
        row["established_on"] = _iso(o["established_on"])
        organizations.append(row)
    return organizations, code_of


def _in_ids(org_ids: list[int]):
    """The organisations of a subtree by their ids, through a relation to Organization (`rel`)."""
    return lambda rel: Q(**{f"{rel}__in": org_ids})


def _in_paths(lo: str, hi: str):
    """The organisations of a subtree by their paths in [lo, hi): the same rows as `_in_ids` of
    its ids, with values a query compiled once can take (chibo.prepared)."""
    return lambda rel: Q(**{f"{rel}__path__gte": lo, f"{rel}__path__lt": hi})


def read_profiles(org: Organization, code_of: dict[int, str]) -> dict:
    """Profile overrides of the subtree, the root's merged with its ancestors'. Two queries."""
    profiles = {}
    root_values = effective_overrides(org)
    if root_values:
        profiles[org.code] = root_values
    for oid, values in RuleProfile.objects.filter(organization__in=list(code_of)).exclude(
            organization=org).values_list("organization_id", "values"):
        if values:
            profiles[code_of[oid]] = values
    return {code: profiles[code] for code in sorted(profiles)}


def read_members(org_ids: list[int], code_of: dict[int, str], member_code: dict[int, str], *,
                 stream: bool = True) -> Iterator[dict]:
    """Normalized members with a membership in the subtree, by code; fills `member_code`
    ({member id: code}) as it goes. Three queries (`stream`: rows read in chunks, see `_each`)."""
    memberships, periods, members = member_queries(_in_ids(org_ids))
    return members_from(_each(memberships, stream), _each(periods, stream), members, code_of, member_code)


def member_queries(where) -> tuple:
    """The memberships, periods and members of the subtree `where` (`_in_ids`, `_in_paths`)."""
    return (
        Membership.objects.filter(where("organization")).order_by("member_id", "start").values_list(
            "member_id", "organization_id", "start", "end"),
        MemberPeriod.objects.filter(where("member__memberships__organization")).distinct().order_by(
            "member_id", "start").values_list("member_id", "kind", "start", "end", "reason"),
        Member.objects.filter(pk__in=Membership.objects.filter(where("organization")).values("member_id")).order_by(
            "code").values_list("id", "code", "full_name", "gender", "birth_date", "joined_on", "official_on"),
    )


def members_from(membership_rows, period_rows, member_rows, code_of: dict[int, str],
                 member_code: dict[int, str]) -> Iterator[dict]:
    memberships = defaultdict(list)
    for mid, oid, start, end in membership_rows:
        memberships[mid].append({"organization": code_of[oid], "from": _iso(start), "to": _iso(end)})
    periods = defaultdict(lambda: {"exempt": [], "away": []})
    for mid, kind, start, end, reason in period_rows:
        periods[mid][kind].append({"from": _iso(start), "to": _iso(end), "reason": _opt(reason)})
    for mid, code, name, gender, birth, joined, official in member_rows:
        member_code[mid] = code
        yield {"code": code, "full_name": name, "gender": gender or None, "birth_date": _iso(birth),
               "joined_on": _iso(joined), "official_on": _iso(official), "memberships": memberships.pop(mid, []),
               "exempt": periods[mid]["exempt"] if mid in periods else [],
               "away": periods[mid]["away"] if mid in periods else []}


#: The meeting columns a version-2 bundle adds (bundle-v2.md), in its order.
V2_MEETING_FIELDS = ("superior_notified_on", "docs_posted_on", "committee_prepared_on", "results_posted_on",
                     "secret_content")


def read_quality(mq, member_code: dict[int, str]) -> dict[int, dict]:
    """{meeting id: its quality record as a version-2 bundle carries it}. One query."""
    return {mid: {"scorer": member_code.get(scorer), "status": status or "self", "groups": dict(groups or {}),
                  "official_grade": grade or None}
            for mid, scorer, status, groups, grade in QualityRecord.objects.filter(
                meeting__in=mq.values("id")).values_list("meeting_id", "scorer_id", "status", "groups",
                                                         "official_grade")}


def read_rubrics(org: Organization, org_ids: list[int]) -> dict[str, dict]:
    """The scoring sheets a version-2 bundle of `org`'s subtree carries as ``rubrics``: those of
    the subtree and of its superiors (a profile may name a superior's sheet), by code. One query."""
    sheets = ScoringSheet.objects.filter(Q(organization__in=org_ids) | Q(organization_id__in=org.ancestor_ids()))
    return {sheet.code: sheet.rubric() for sheet in sheets.order_by("code")}


def read_member_cells(org_ids: list[int], member_code: dict[int, str]) -> dict[str, list[tuple[str, date, date | None]]]:
    """Every membership, in the organisations `org_ids` or elsewhere, of the members with one in
    them (`member_code` already filled): member code -> [(cell code, from, to)], in start order.
    What places a fee record in its cell (rules-v2.md §8.1) by all of the member's memberships.
    One query."""
    periods: dict[str, list[tuple[str, date, date | None]]] = defaultdict(list)
    for mid, cell, start, end in Membership.objects.filter(
            member__in=Membership.objects.filter(organization__in=org_ids).values("member_id")).order_by(
            "member_id", "start").values_list("member_id", "organization__code", "start", "end").iterator(
            chunk_size=BATCH):
        if mid in member_code:
            periods[member_code[mid]].append((cell, start, end))
    return dict(periods)


def read_fees(code_of: dict[int, str], member_code: dict[int, str],
              cells: dict[str, list[tuple[str, date, date | None]]] | None = None,
              everywhere: bool = False) -> list[dict]:
    """The fee ledgers (bundle-v2.md ``fees``) of the members with a membership in the subtree
    `code_of` ({organisation id: code}), by member code: their months whose record belongs to a
    cell of the subtree, placed by ALL of the member's memberships (`engine.record_cell`; a
    month of a member who moved out in its course is the new cell's, outside the subtree), and
    all their reliefs. `everywhere`: every month of theirs, also those of cells outside (what the
    stored results need to count a member's year across a transfer, never exported). `cells`:
    filled with `read_member_cells` (member -> all their memberships) when given. Three
    queries."""
    org_ids = list(code_of)
    inside = set(code_of.values())
    placed = read_member_cells(org_ids, member_code)
    if cells is not None:
        cells.update(placed)
    members = Membership.objects.filter(organization__in=org_ids).values("member_id")
    ledgers: dict[str, dict] = {}

    def ledger(member_id: int) -> dict:
        code = member_code[member_id]
        found = ledgers.get(code)
        if found is None:
            found = ledgers[code] = {"member": code, "months": {}, "reliefs": []}
        return found

    for mid, month, due, paid, paid_on, channel in FeeRecord.objects.filter(member__in=members).order_by(
            "member_id", "month").values_list("member_id", "month", "due", "paid", "paid_on", "channel").iterator(
            chunk_size=BATCH):
        code = member_code.get(mid)
        if code is None:
            continue
        key = f"{month.year:04d}-{month.month:02d}"
        cell = engine.record_cell(placed.get(code, ()), key)
        if cell is not None and (everywhere or cell in inside):
            ledger(mid)["months"][key] = {"due": due, "paid": paid, "paid_on": paid_on, "channel": channel or None}
    for mid, kind, basis, start, end, reason in Relief.objects.filter(member__in=members).order_by(
            "member_id", "from_month", "id").values_list("member_id", "kind", "basis", "from_month", "to_month",
                                                         "reason"):
        if mid in member_code:
            ledger(mid)["reliefs"].append({
                "kind": kind, "basis": basis, "from": f"{start.year:04d}-{start.month:02d}",
                "to": None if end is None else f"{end.year:04d}-{end.month:02d}", "reason": _opt(reason)})
    return [ledgers[code] for code in sorted(ledgers)]


def read_meetings(mq, code_of: dict[int, str], member_code: dict[int, str], version: int = 1, *,
                  stream: bool = True) -> Iterator[dict]:
    """The meetings of queryset `mq` as normalized dicts, in (date, ident) order. Six queries
    (seven for version 2: the quality records); `stream`: the long ones read in chunks (`_each`)."""
    queries = meeting_queries(mq, version)
    rows = {name: _each(q, stream) if name in ("attendance", "speeches", "meetings") else q
            for name, q in queries.items()}
    quality = read_quality(mq, member_code) if version == 2 else {}
    return meetings_from(rows, code_of, member_code, version, quality)


def meeting_queries(mq, version: int = 1) -> dict:
    """The querysets `read_meetings` reads, by part: guests, attendance, speeches, votes, tasks and
    the meetings themselves."""
    sub = mq.values("id")
    extra = V2_MEETING_FIELDS if version == 2 else ()
    return {
        "guests": Guest.objects.filter(meeting__in=sub).order_by("meeting_id", "position").values_list(
            "meeting_id", "name", "title", "organization"),
        "attendance": Attendance.objects.filter(meeting__in=sub).order_by("meeting_id", "position").values_list(
            "meeting_id", "member_id", "status", "reason"),
        "speeches": Speech.objects.filter(meeting__in=sub).order_by("meeting_id", "position").values_list(
            "meeting_id", "member_id", "item", "summary"),
        "votes": Vote.objects.filter(meeting__in=sub).order_by("meeting_id", "position").values_list(
            "meeting_id", "kind", "subject", "method", "votes_for", "votes_against", "votes_abstain",
            "votes_invalid"),
        "tasks": Task.objects.filter(meeting__in=sub).order_by("meeting_id", "position").values_list(
            "meeting_id", "assignee_id", "description", "due", "done_on"),
        "meetings": mq.order_by("date", "ident").values(
            "id", "ident", "organization_id", "kind", "date", "start", "end", "place", "chair_id", "secretary_id",
            "notice_sent_on", "topic", "rescheduled_reason", "conclusion", "score_preparation", "score_conduct",
            "score_principles", *extra),
    }


def meetings_from(rows: dict, code_of: dict[int, str], member_code: dict[int, str], version: int = 1,
                  quality: dict | None = None) -> Iterator[dict]:
    """The normalized meetings from the rows of `meeting_queries` (`quality`: version 2's)."""
    parts = {name: defaultdict(list) for name in ("guests", "attendance", "speeches", "votes", "tasks")}
    for mid, name, title, organization in rows["guests"]:
        parts["guests"][mid].append({"name": name, "title": _opt(title), "organization": _opt(organization)})
    for mid, member_id, status, reason in rows["attendance"]:
        parts["attendance"][mid].append({"member": member_code[member_id], "status": status, "reason": _opt(reason)})
    for mid, member_id, item, summary in rows["speeches"]:
        parts["speeches"][mid].append({"member": member_code[member_id], "item": _opt(item), "summary": _opt(summary)})
    for mid, kind, subject, method, f, a, ab, inv in rows["votes"]:
        parts["votes"][mid].append({"kind": kind, "subject": _opt(subject), "method": method, "for": f,
                                    "against": a, "abstain": ab, "invalid": inv})
    for mid, assignee, desc, due, done in rows["tasks"]:
        parts["tasks"][mid].append({"assignee": member_code.get(assignee), "description": _opt(desc),
                                    "due": _iso(due), "done_on": _iso(done)})
    guests, attendance, speeches, votes, tasks = (parts[k] for k in (
        "guests", "attendance", "speeches", "votes", "tasks"))
    quality = quality or {}
    extra = V2_MEETING_FIELDS if version == 2 else ()
    for m in rows["meetings"]:
        mid = m["id"]
        item = {
            "id": m["ident"], "organization": code_of[m["organization_id"]], "kind": m["kind"],
            "date": _iso(m["date"]), "start": _hhmm(m["start"]), "end": _hhmm(m["end"]), "place": _opt(m["place"]),
            "chair": member_code.get(m["chair_id"]), "secretary": member_code.get(m["secretary_id"]),
            "notice_sent_on": _iso(m["notice_sent_on"]), "topic": _opt(m["topic"]),
            "rescheduled_reason": _opt(m["rescheduled_reason"]), "guests": guests.pop(mid, []),
            "attendance": attendance.pop(mid, []), "speeches": speeches.pop(mid, []),
            "votes": votes.pop(mid, []), "tasks": tasks.pop(mid, []), "conclusion": _opt(m["conclusion"]),
            "manual_scores": {"preparation": m["score_preparation"], "conduct": m["score_conduct"],
                              "principles": m["score_principles"]},
        }
        if version == 2:
            for key in extra:
                item[key] = m[key]
            item["quality"] = quality.pop(mid, None)
        yield item


#: The meetings that took place: what the engine judges and a bundle carries (it has no status).
RECORDED = (MeetingStatus.HELD, MeetingStatus.FINALIZED)


def meeting_query(org_ids: list[int], date_from: date | None, date_to: date | None, include: str | None = None):
    """The meetings the record holds for the engine and the bundle: those held (or finalized). A
    meeting still planned or notified has not taken place and a cancelled one never will: neither
    counts for its month. `include` adds one meeting not yet held (never a cancelled one): the
    meeting whose page is being looked at, judged as if it were held."""
    return _meeting_query(_in_ids(org_ids), date_from, date_to, include)


def _meeting_query(where, date_from: date | None, date_to: date | None, include: str | None = None):
    recorded = Q(status__in=RECORDED)
    if include is not None:
        recorded |= Q(ident=include) & ~Q(status=MeetingStatus.CANCELLED)
    mq = Meeting.objects.filter(recorded, where("organization"))
    if date_from:
        mq = mq.filter(date__gte=date_from)
    if date_to:
        mq = mq.filter(date__lte=date_to)
    return mq


def visit_query(org_ids: list[int], date_from: date | None, date_to: date | None):
    return _visit_query(_in_ids(org_ids), date_from, date_to)


def _visit_query(where, date_from: date | None, date_to: date | None):
    vq = Visit.objects.filter(where("organization"))
    if date_from:
        vq = vq.filter(date__gte=date_from)
    if date_to:
        vq = vq.filter(date__lte=date_to)
    return vq.order_by("date", "organization__code", "id")


def read_visits(vq, code_of: dict[int, str]) -> list[dict]:
    return visits_from(vq.values_list("organization_id", "date", "visitor", "committee"), code_of)


def visits_from(rows, code_of: dict[int, str]) -> list[dict]:
    return [{"organization": code_of[o], "date": _iso(d), "visitor": _opt(v), "committee": _opt(c)}
            for o, d, v, c in rows]


def subtree_record(org: Organization, date_from: date | None = None, date_to: date | None = None,
                   include: str | None = None, version: int = 1) -> dict:
    """The record of `org`'s subtree in the bundle's normalized shape (what `chibo export` writes). Meetings and visits are limited to [from, to] when given.
    A constant number of queries whatever the size (13; 18 for version 2)."""
    organizations, code_of = read_organizations(org)
    org_ids = list(code_of)
    profiles = read_profiles(org, code_of)
    member_code = {}
    stream = org.kind not in CELL_KINDS  # a cell's rows are few: read at once, without a server-side cursor
    members = list(read_members(org_ids, code_of, member_code, stream=stream))
    meetings = list(read_meetings(meeting_query(org_ids, date_from, date_to, include), code_of, member_code,
                                  version, stream=stream))
    visits = read_visits(visit_query(org_ids, date_from, date_to), code_of)
    if version == 2:
        return {"format": "chibo-bundle", "version": 2, "profiles": profiles,
                "rubrics": read_rubrics(org, org_ids), "organizations": organizations, "members": members,
                "meetings": meetings, "visits": visits, "fees": read_fees(code_of, member_code)}
    return {"format": "chibo-bundle", "version": 1, "profiles": profiles, "organizations": organizations,
            "members": members, "meetings": meetings, "visits": visits}


def read_meeting_facts(mq, code_of: dict[int, str], member_code: dict[int, str],
                       version: int = 1) -> list[engine.MeetingFacts]:
    """The meetings of queryset `mq` as engine.MeetingFacts, in (date, ident) order. Five queries
    (six for version 2: the quality records)."""
    sub = mq.values("id")
    attendance, speakers, votes, tasks = defaultdict(list), defaultdict(list), defaultdict(list), defaultdict(list)
    hd42: dict[str, engine.Hd42Facts] = {}
    for mid, member_id, status, reason in Attendance.objects.filter(meeting__in=sub).order_by(
            "meeting_id", "position").values_list("meeting_id", "member_id", "status", "reason").iterator(
            chunk_size=BATCH):
        attendance[mid].append((member_code[member_id], status, reason))
    for mid, member_id in Speech.objects.filter(meeting__in=sub).order_by().values_list(
            "meeting_id", "member_id").iterator(chunk_size=BATCH):
        speakers[mid].append(member_code[member_id])
    for mid, kind, method, f, a, ab, inv in Vote.objects.filter(meeting__in=sub).order_by(
            "meeting_id", "position").values_list("meeting_id", "kind", "method", "votes_for", "votes_against",
                                                  "votes_abstain", "votes_invalid"):
        votes[mid].append((kind, method, f, a, ab, inv))
    for mid, assignee, due, done in Task.objects.filter(meeting__in=sub).order_by(
            "meeting_id", "position").values_list("meeting_id", "assignee_id", "due", "done_on"):
        tasks[mid].append((member_code.get(assignee), due, done))
    facts = []
    if version == 2:
        quality = read_quality(mq, member_code)
        for row in mq.order_by().values_list("ident", *V2_MEETING_FIELDS, "id").iterator(chunk_size=BATCH):
            q = quality.pop(row[6], None)
            hd42[row[0]] = engine.Hd42Facts(*row[1:5], row[5] is True, None if q is None else (
                q["scorer"] is not None, q["status"], q["groups"], q["official_grade"]))
    for (mid, ident, oid, kind, day, start, end, place, chair, secretary, notice, topic, rescheduled, conclusion,
         preparation, conduct, principles) in mq.order_by().values_list(
            "id", "ident", "organization_id", "kind", "date", "start", "end", "place", "chair_id", "secretary_id",
            "notice_sent_on", "topic", "rescheduled_reason", "conclusion", "score_preparation", "score_conduct",
            "score_principles").iterator(chunk_size=BATCH):
        facts.append(engine.MeetingFacts(
            ident, code_of[oid], kind, day, start=start, end=end, notice_sent_on=notice,
            chair=member_code.get(chair), secretary=member_code.get(secretary), place=place, topic=topic,
            conclusion=conclusion, rescheduled_reason=rescheduled, attendance=attendance.pop(mid, ()),
            speakers=speakers.pop(mid, ()), votes=votes.pop(mid, ()), tasks=tasks.pop(mid, ()),
            manual={"preparation": preparation, "conduct": conduct, "principles": principles},
            hd42=hd42.pop(ident, engine.NO_HD42)))
    facts.sort(key=lambda f: (f.date, f.id))  # plain string order of ids, whatever the collation
    return facts


def read_roll_index(org_ids: list[int], code_of: dict[int, str], member_code: dict[int, str]) -> engine.RollIndex:
    """The engine's RollIndex of the members with a membership in the organisations `org_ids`
    (codes, official dates, memberships there, exempt/away periods); fills `member_code`
    ({member id: code}). Three queries, rows read in chunks."""
    rolls = engine.RollIndex()
    members = Member.objects.filter(pk__in=Membership.objects.filter(organization__in=org_ids).values("member_id"))
    members = members.order_by()
    for mid, code, official in members.values_list("id", "code", "official_on").iterator(chunk_size=BATCH):
        member_code[mid] = code
        rolls.add_member(code, official)
    for mid, oid, start, end in Membership.objects.filter(organization__in=org_ids).order_by(
            "member_id", "start").values_list("member_id", "organization_id", "start", "end").iterator(chunk_size=BATCH):
        rolls.add_member(member_code[mid], memberships=((code_of[oid], start, end),))
    for mid, kind, start, end in MemberPeriod.objects.filter(member__in=members).order_by(
            "member_id", "start").values_list("member_id", "kind", "start", "end").iterator(chunk_size=BATCH):
        period = ((start, end),)
        rolls.add_member(member_code[mid], exempt=period if kind == "exempt" else (),
                         away=period if kind == "away" else ())
    return rolls


def cell_year(cell: Organization, day: date, include: str | None = None) -> dict:
    """What the verdict on a meeting of `cell` held on `day` depends on: the cell's record from
    1 January of that year (excused-absence runs restart each calendar year) through `day`, with
    the meeting `include` even if it is not yet marked held (its page judges it as it stands).

    With `include` (a meeting's page, recording page, checks panel, finalizing) the record is
    read by queries compiled once per process (`CELL_YEAR`): the same rows as `subtree_record`
    (tests/test_facts_prepared.py), without building 11 querysets on every page."""
    if include is None:
        return subtree_record(cell, date(day.year, 1, 1), day, include)
    span = {"lo": cell.path, "hi": cell.path + "g"}
    year = {**span, "date_from": date(day.year, 1, 1), "date_to": day}
    organizations, code_of = organizations_from(cell, CELL_YEAR["organizations"].all(**span))
    profiles = read_profiles(cell, code_of)
    member_code: dict[int, str] = {}
    members = list(members_from(CELL_YEAR["memberships"].all(**span), CELL_YEAR["periods"].all(**span),
                                CELL_YEAR["members"].all(**span), code_of, member_code))
    rows = {part: CELL_YEAR[part].all(**year, include=include) for part in MEETING_PARTS}
    meetings = list(meetings_from(rows, code_of, member_code))
    visits = visits_from(CELL_YEAR["visits"].all(**year), code_of)
    return {"format": "chibo-bundle", "version": 1, "profiles": profiles, "organizations": organizations,
            "members": members, "meetings": meetings, "visits": visits}


MEETING_PARTS = ("guests", "attendance", "speeches", "votes", "tasks", "meetings")
_SPAN = {"lo": "prepared-sample-lo", "hi": "prepared-sample-hi"}
_YEAR = {**_SPAN, "date_from": date(1901, 3, 1), "date_to": date(1901, 3, 2)}


def _year_part(part: str):
    return Prepared(lambda lo, hi, date_from, date_to, include: meeting_queries(
        _meeting_query(_in_paths(lo, hi), date_from, date_to, include))[part], **_YEAR,
        include="PREPARED-SAMPLE-INCLUDE")


#: The queries of `cell_year` with a meeting, compiled once per process (chibo.prepared): the
#: subtree by its paths instead of its ids (`_in_paths`), so the shape is the same for every cell.
CELL_YEAR = {
    "organizations": Prepared(organizations_query, **_SPAN),
    "memberships": Prepared(lambda lo, hi: member_queries(_in_paths(lo, hi))[0], **_SPAN),
    "periods": Prepared(lambda lo, hi: member_queries(_in_paths(lo, hi))[1], **_SPAN),
    "members": Prepared(lambda lo, hi: member_queries(_in_paths(lo, hi))[2], **_SPAN),
    **{part: _year_part(part) for part in MEETING_PARTS},
    "visits": Prepared(lambda lo, hi, date_from, date_to: _visit_query(_in_paths(lo, hi), date_from, date_to)
                       .values_list("organization_id", "date", "visitor", "committee"), **_YEAR),
}


def attendance_statuses(meeting: Meeting) -> dict[str, tuple[str, str | None]]:
    """The meeting's recorded attendance as the engine reads it: {member code: (status, reason)}.
    One query."""
    return {code: (status, _opt(reason)) for code, status, reason in
            Attendance.objects.filter(meeting=meeting).values_list("member__code", "status", "reason")}
