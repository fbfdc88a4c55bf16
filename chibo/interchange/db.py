"""Bundle <-> database.

* `bundle_import` loads a validated, normalized bundle (see chibo.interchange.validate) in one
  transaction.
* `bundle_export` builds the same normalized shape from the database (dates as datetime.date),
  in a constant number of queries, with the readers of `chibo.meetings.facts` (the adapter every
  page evaluates through); `write_bundle` writes that bundle as JSON text to a file
  without ever holding it whole (what `chibo export` prints).
* `audit_bundle` is the bundle an audit reads (the reference the streaming tests compare with); `audit_input`
  is the same data as an `engine.AuditInput` for `chibo audit --org`: meetings reduced to
  `engine.MeetingFacts` and read month by month, so the audit over the database runs the same
  rule engine on the same data as the audit over a file, in bounded memory.

Large exports and audits read the meetings in *chunks* of consecutive months (`_month_chunks`:
about `CHUNK_MEETINGS` meetings each, one query to count them), each chunk with one query per
table, so the number of queries grows with the number of months, not with the number of rows,
and memory with the size of the largest chunk, not with the size of the subtree.

Version 2 (docs/spec/bundle-v2.md): `write_bundle`, `bundle_export` and `audit_input` take
``version`` (1 by default: what they did before); version 2 adds the scoring sheets, the HD 42
fields and quality records of the meetings and the fee ledgers, and the audit input reads every
meeting up to ``to`` (the frame rubric's previous meeting may lie in an earlier year).
`version_1_obstacles` lists, in Vietnamese, everything of a subtree a version-1 bundle cannot
hold (`chibo export --version 1` and `chibo audit --org --version 1` refuse with every reason).
"""
import json
from collections.abc import Iterator
from datetime import date, time, timedelta
from typing import TextIO

from django.db import models, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth

from chibo import limits
from chibo.fees.models import FeeRecord, Relief
from chibo.interchange.auditjson import gc_paused
from chibo.interchange.validate import DatabaseLimits, limit_problems
from chibo.meetings import facts
from chibo.meetings.facts import BATCH, V2_MEETING_FIELDS, meeting_query, visit_query
from chibo.meetings.models import Attendance, Guest, Meeting, QualityRecord, Speech, Task, Vote
from chibo.orgs.codes import CODE_MESSAGE, CODE_PATTERN
from chibo.orgs.models import SEGMENT, Member, MemberPeriod, Membership, Organization, segment
from chibo.rules import engine
from chibo.rules.models import RuleProfile
from chibo.rules.profile import V1_PROFILE_KEYS, V1_RUBRICS
from chibo.supervision.models import Visit

CHUNK_MEETINGS = 20000  # meetings read at once by write_bundle and audit_input (about one month of a province)


class ImportConflict(Exception):
    def __init__(self, errors):
        super().__init__("; ".join(f"{p}: {m}" for p, m in errors))
        self.errors = errors


def _date(value):
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def _time(value):
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(value)


def _text(value) -> str:
    return value if isinstance(value, str) else ""


# Where each list and key of a bundle is stored: bundle.md sets no sizes, the database does
# (a value that does not fit is bad input, not a crash); chibo.limits adds the application's own.
COLUMNS = {
    "organizations": (Organization, {"code": "code", "name": "name"}),
    "members": (Member, {"code": "code", "full_name": "full_name"}),
    "members.exempt": (MemberPeriod, {"reason": "reason"}),
    "members.away": (MemberPeriod, {"reason": "reason"}),
    "meetings": (Meeting, {"id": "ident", "place": "place", "topic": "topic",
                           "rescheduled_reason": "rescheduled_reason", "conclusion": "conclusion"}),
    "meetings.guests": (Guest, {"name": "name", "title": "title", "organization": "organization"}),
    "meetings.attendance": (Attendance, {"reason": "reason"}),
    "meetings.speeches": (Speech, {"item": "item", "summary": "summary"}),
    "meetings.votes": (Vote, {"subject": "subject", "for": "votes_for", "against": "votes_against",
                              "abstain": "votes_abstain", "invalid": "votes_invalid"}),
    "meetings.tasks": (Task, {"description": "description"}),
    "visits": (Visit, {"visitor": "visitor", "committee": "committee"}),
}


def column_range(field) -> tuple[int, int]:
    """The integers an integer column stores, on every supported database (PostgreSQL's bounds;
    SQLite would store more)."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    return BaseDatabaseOperations.integer_field_ranges[field.get_internal_type()]


def import_limits() -> DatabaseLimits:
    """What `chibo import` accepts beyond bundle.md: the columns' sizes and integer ranges, the
    code alphabet, and chibo.limits (texts, rows per meeting, dates)."""
    texts, integers = {}, {}
    for name, (model, keys) in COLUMNS.items():
        for key, field_name in keys.items():
            field = model._meta.get_field(field_name)
            label = f"{model._meta.model_name}.{field_name}"
            if isinstance(field, models.IntegerField):
                integers.setdefault(name, {})[key] = column_range(field)
            elif field.max_length:
                texts.setdefault(name, {})[key] = field.max_length
            elif label in limits.TEXT_LIMITS:
                texts.setdefault(name, {})[key] = limits.TEXT_LIMITS[label]
    # Positions of a meeting's rows are their indexes in the bundle.
    most_rows = column_range(Attendance._meta.get_field("position"))[1] + 1
    rows = {f"meetings.{k}": (n, limits.ROW_LABELS[k]) for k, n in limits.ROW_LIMITS.items()
            if k in ("speeches", "votes", "tasks", "guests")}
    rows["meetings.attendance"] = (most_rows, "dòng điểm danh")
    path_length = Organization._meta.get_field("path").max_length
    return DatabaseLimits(
        text=texts, integers=integers,
        codes={"organizations": ("code",), "members": ("code",), "meetings": ("id",)},
        code_pattern=CODE_PATTERN, code_message=CODE_MESSAGE, rows=rows,
        minutes_text=(limits.MINUTES_TEXT_LIMIT, {"meetings": ("conclusion",), "meetings.speeches": ("summary",),
                                                  "meetings.tasks": ("description",)}),
        date_min=limits.DATE_MIN, date_max=limits.DATE_MAX, tree_depth=path_length // SEGMENT - 1)


def _limit_errors(bundle) -> list[tuple[str, str]]:
    """`chibo import` checks these while parsing (parse_bundle(..., limits=import_limits()), in
    document order with the other problems); checked again here for a bundle parsed without."""
    return limit_problems(bundle, import_limits())


def _conflicts(bundle) -> list[tuple[str, str]]:
    errors = _limit_errors(bundle)
    if errors:
        return errors
    codes = [o["code"] for o in bundle["organizations"]]
    for code in Organization.objects.filter(code__in=codes).values_list("code", flat=True):
        errors.append((f"$.organizations[{codes.index(code)}].code", f"mã tổ chức '{code}' đã có trong cơ sở dữ liệu"))
    mcodes = [m["code"] for m in bundle["members"]]
    for i in range(0, len(mcodes), BATCH):
        for code in Member.objects.filter(code__in=mcodes[i : i + BATCH]).values_list("code", flat=True):
            errors.append((f"$.members[{mcodes.index(code)}].code", f"mã đảng viên '{code}' đã có trong cơ sở dữ liệu"))
    ids = [m["id"] for m in bundle["meetings"]]
    for i in range(0, len(ids), BATCH):
        for ident in Meeting.objects.filter(ident__in=ids[i : i + BATCH]).values_list("ident", flat=True):
            errors.append((f"$.meetings[{ids.index(ident)}].id", f"cuộc họp '{ident}' đã có trong cơ sở dữ liệu"))
    order = {"organizations": 0, "members": 1, "meetings": 2}
    errors = sorted(errors, key=lambda e: (order[e[0].split(".")[1].split("[")[0]],
                                           int(e[0].split("[")[1].split("]")[0])))
    return errors + _conflicts_v2(bundle) if bundle.get("version") == 2 else errors


def _conflicts_v2(bundle) -> list[tuple[str, str]]:
    """What the database cannot take of a version-2 bundle: a scoring sheet code already used,
    texts longer than their columns."""
    from chibo.rules.models import ScoringSheet

    errors = []
    rubrics = bundle.get("rubrics") or {}
    taken = set(ScoringSheet.objects.filter(code__in=list(rubrics)).values_list("code", flat=True))
    for rid, rubric in rubrics.items():
        path = f"$.rubrics.{rid}"
        if rid in taken:
            errors.append((path, f"phiếu chấm điểm '{rid}' đã có trong cơ sở dữ liệu"))
        for key, field in (("", "code"), ("name", "name"), ("source", "source")):
            value = rid if not key else (rubric.get(key) or "")
            top = ScoringSheet._meta.get_field(field).max_length
            if len(value) > top:
                errors.append((path + (f".{key}" if key else ""), f"dài quá {top} ký tự"))
    top = Relief._meta.get_field("reason").max_length
    for j, ledger in enumerate(bundle.get("fees") or []):
        for k, relief in enumerate(ledger["reliefs"]):
            if len(relief.get("reason") or "") > top:
                errors.append((f"$.fees[{j}].reliefs[{k}].reason", f"dài quá {top} ký tự"))
    return errors


@transaction.atomic
def bundle_import(bundle: dict) -> dict:
    """Load a normalized bundle. Raises ImportConflict (nothing saved) if a code already exists."""
    errors = _conflicts(bundle)
    if errors:
        raise ImportConflict(errors)

    # Organisations, parents first; paths need ids, so insert then set paths.
    orgs = bundle["organizations"]
    by_code = {o["code"]: o for o in orgs}

    def depth(code):
        d, parent = 0, by_code[code]["parent"]
        while parent:
            d, parent = d + 1, by_code[parent]["parent"]
        return d

    ordered = sorted(orgs, key=lambda o: depth(o["code"]))
    Organization.objects.bulk_create(
        [Organization(code=o["code"], name=o["name"], kind=o["kind"], established_on=_date(o.get("established_on")))
         for o in ordered], batch_size=BATCH)
    org_ids = dict(Organization.objects.filter(code__in=list(by_code)).values_list("code", "pk"))
    objs = []
    paths = {}
    for o in ordered:
        parent = o["parent"]
        paths[o["code"]] = (paths[parent] if parent else "") + segment(org_ids[o["code"]])
        objs.append(Organization(pk=org_ids[o["code"]], parent_id=org_ids[parent] if parent else None,
                                 path=paths[o["code"]], depth=len(paths[o["code"]]) // 8 - 1))
    Organization.objects.bulk_update(objs, ["parent", "path", "depth"], batch_size=BATCH)

    RuleProfile.objects.bulk_create(
        [RuleProfile(organization_id=org_ids[code], values=dict(values))
         for code, values in bundle.get("profiles", {}).items() if values])

    # Members and their periods.
    members = []
    for m in bundle["members"]:
        obj = Member(code=m["code"], full_name=m["full_name"], gender=m.get("gender") or "",
                     birth_date=_date(m.get("birth_date")), joined_on=_date(m.get("joined_on")),
                     official_on=_date(m.get("official_on")))
        obj.refresh_name_keys()
        members.append(obj)
    Member.objects.bulk_create(members, batch_size=BATCH)
    member_ids = {}
    codes = [m["code"] for m in bundle["members"]]
    for i in range(0, len(codes), BATCH):
        member_ids.update(Member.objects.filter(code__in=codes[i : i + BATCH]).values_list("code", "pk"))
    memberships, periods = [], []
    for m in bundle["members"]:
        mid = member_ids[m["code"]]
        for p in m.get("memberships") or []:
            memberships.append(Membership(member_id=mid, organization_id=org_ids[p["organization"]],
                                          start=_date(p["from"]), end=_date(p.get("to"))))
        for kind in ("exempt", "away"):
            for p in m.get(kind) or []:
                periods.append(MemberPeriod(member_id=mid, kind=kind, start=_date(p["from"]), end=_date(p.get("to")),
                                            reason=_text(p.get("reason"))))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    MemberPeriod.objects.bulk_create(periods, batch_size=BATCH)

    # Meetings and their parts.
    meetings = []
    for mt in bundle["meetings"]:
        scores = mt.get("manual_scores") or {}
        meetings.append(Meeting(
            ident=mt["id"], organization_id=org_ids[mt["organization"]], kind=mt["kind"], date=_date(mt["date"]),
            start=_time(mt.get("start")), end=_time(mt.get("end")), place=_text(mt.get("place")),
            chair_id=member_ids.get(mt.get("chair")), secretary_id=member_ids.get(mt.get("secretary")),
            notice_sent_on=_date(mt.get("notice_sent_on")), topic=_text(mt.get("topic")),
            rescheduled_reason=_text(mt.get("rescheduled_reason")), conclusion=_text(mt.get("conclusion")),
            score_preparation=scores.get("preparation"), score_conduct=scores.get("conduct"),
            score_principles=scores.get("principles"), status="held"))
    if bundle.get("version") == 2:
        for obj, mt in zip(meetings, bundle["meetings"], strict=True):
            for field in V2_MEETING_FIELDS:
                setattr(obj, field, _date(mt[field]) if field != "secret_content" else bool(mt[field]))
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    meeting_ids = {}
    idents = [mt["id"] for mt in bundle["meetings"]]
    for i in range(0, len(idents), BATCH):
        meeting_ids.update(Meeting.objects.filter(ident__in=idents[i : i + BATCH]).values_list("ident", "pk"))
    guests, attendance, speeches, votes, tasks = [], [], [], [], []
    for mt in bundle["meetings"]:
        mid = meeting_ids[mt["id"]]
        for i, g in enumerate(mt.get("guests") or []):
            guests.append(Guest(meeting_id=mid, position=i, name=g["name"], title=_text(g.get("title")),
                                organization=_text(g.get("organization"))))
        for i, a in enumerate(mt.get("attendance") or []):
            attendance.append(Attendance(meeting_id=mid, position=i, member_id=member_ids[a["member"]],
                                         status=a["status"], reason=_text(a.get("reason"))))
        for i, s in enumerate(mt.get("speeches") or []):
            speeches.append(Speech(meeting_id=mid, position=i, member_id=member_ids[s["member"]],
                                   item=_text(s.get("item")), summary=_text(s.get("summary"))))
        for i, v in enumerate(mt.get("votes") or []):
            votes.append(Vote(meeting_id=mid, position=i, kind=v["kind"], subject=_text(v.get("subject")),
                              method=v["method"], votes_for=v["for"], votes_against=v["against"],
                              votes_abstain=v["abstain"], votes_invalid=v.get("invalid") or 0))
        for i, t in enumerate(mt.get("tasks") or []):
            tasks.append(Task(meeting_id=mid, position=i, assignee_id=member_ids.get(t.get("assignee")),
                              description=_text(t.get("description")), due=_date(t.get("due")),
                              done_on=_date(t.get("done_on"))))
    for model, rows in ((Guest, guests), (Attendance, attendance), (Speech, speeches), (Vote, votes), (Task, tasks)):
        model.objects.bulk_create(rows, batch_size=BATCH)
    Visit.objects.bulk_create(
        [Visit(organization_id=org_ids[v["organization"]], date=_date(v["date"]), visitor=_text(v.get("visitor")),
               committee=_text(v.get("committee"))) for v in bundle.get("visits") or []], batch_size=BATCH)
    if bundle.get("version") == 2:
        _import_v2(bundle, org_ids[ordered[0]["code"]], member_ids, meeting_ids)
    stats = {"organizations": len(orgs), "members": len(members), "meetings": len(meetings),
             "attendance": len(attendance), "visits": len(bundle.get("visits") or [])}
    _log_import(stats, [paths[o["code"]] for o in ordered if not o["parent"]])
    return stats


def _import_v2(bundle: dict, root_id: int, member_ids: dict, meeting_ids: dict) -> None:
    """What a version-2 bundle adds: the quality records, the rubrics (scoring sheets of the
    bundle's root organisation), the fee records and reliefs (decided, for the record, by the
    root organisation: the bundle does not say by whom)."""
    from chibo.rules.models import ScoringSheet

    QualityRecord.objects.bulk_create([
        QualityRecord(meeting_id=meeting_ids[mt["id"]], scorer_id=member_ids.get(mt["quality"]["scorer"]),
                      groups=dict(mt["quality"]["groups"]), status=mt["quality"]["status"] or "self",
                      official_grade=mt["quality"]["official_grade"] or "")
        for mt in bundle["meetings"] if mt["quality"] is not None], batch_size=BATCH)
    ScoringSheet.objects.bulk_create([
        ScoringSheet(organization_id=root_id, code=rid, name=rubric.get("name") or rid, source=rubric.get("source") or "",
                     data={k: rubric[k] for k in ("groups", "bands", "tot_requires_max") if k in rubric})
        for rid, rubric in (bundle.get("rubrics") or {}).items()])
    records, reliefs = [], []
    for ledger in bundle.get("fees") or []:
        mid = member_ids[ledger["member"]]
        for month, rec in ledger["months"].items():
            records.append(FeeRecord(member_id=mid, month=date(int(month[:4]), int(month[5:7]), 1), due=rec["due"],
                                     paid=rec["paid"] or 0, paid_on=rec["paid_on"], channel=rec["channel"] or ""))
        for relief in ledger["reliefs"]:
            start, end = relief["from"], relief["to"]
            reliefs.append(Relief(member_id=mid, kind=relief["kind"], basis=relief["basis"],
                                  from_month=date(int(start[:4]), int(start[5:7]), 1),
                                  to_month=None if end is None else date(int(end[:4]), int(end[5:7]), 1),
                                  reason=relief["reason"] or "", decided_by_id=root_id))
    FeeRecord.objects.bulk_create(records, batch_size=BATCH)
    Relief.objects.bulk_create(reliefs, batch_size=BATCH)


def _log_import(stats: dict, root_paths: list[str]) -> None:
    """Bulk inserts send no signals: one change-log entry for the whole bundle, attributed to the
    organisations it created (their subtrees)."""
    from chibo.changelog import record

    if not root_paths:
        return
    first = Organization.objects.get(path=root_paths[0])
    record.import_summary(
        first, f"{stats['organizations']} tổ chức, {stats['members']} đảng viên, {stats['meetings']} cuộc họp, "
               f"{stats['visits']} lượt dự sinh hoạt", source="bundle", org_paths=root_paths, details=stats)


def bundle_export(org: Organization, date_from: date | None = None, date_to: date | None = None,
                  version: int = 1) -> dict:
    """The normalized bundle of `org`'s subtree (`chibo.meetings.facts.subtree_record`: the same
    reader the pages evaluate). Meetings and visits are limited to [from, to] when given.
    A constant number of queries whatever the size (13; 18 for version 2)."""
    return facts.subtree_record(org, date_from, date_to, version=version)


def version_1_obstacles(org: Organization, date_from: date | None = None, date_to: date | None = None) -> list[str]:
    """Why a version-1 bundle of `org`'s subtree (meetings in [from, to]) cannot be written
    (bundle-v2.md "Commands"): every profile key or rubric value added by version 2, scoring
    sheet, meeting with an HD 42 field or a quality record, member with fee records or reliefs.
    Empty when there is none. A constant number of queries (8)."""
    _organizations, code_of = facts.read_organizations(org)
    org_ids = list(code_of)
    reasons: list[str] = []
    for code, values in facts.read_profiles(org, code_of).items():
        for key, value in values.items():
            if key not in V1_PROFILE_KEYS:
                reasons.append(f"Bộ quy tắc của tổ chức {code}: tham số '{key}' chỉ có ở phiên bản 2.")
            elif key == "rubric" and value not in V1_RUBRICS:
                reasons.append(f"Bộ quy tắc của tổ chức {code}: bộ tiêu chí '{value}' chỉ có ở phiên bản 2.")
    for code in facts.read_rubrics(org, org_ids):
        reasons.append(f"Phiếu chấm điểm '{code}' chỉ có ở phiên bản 2.")
    mq = meeting_query(org_ids, date_from, date_to)
    filled = models.Q(secret_content=True)
    for field in V2_MEETING_FIELDS[:4]:
        filled |= models.Q(**{f"{field}__isnull": False})
    for row in mq.filter(filled).order_by("date", "ident").values("ident", *V2_MEETING_FIELDS):
        given = [f for f in V2_MEETING_FIELDS if row[f] not in (None, False)]
        reasons.append(f"Cuộc họp {row['ident']}: {', '.join(given)} chỉ có ở phiên bản 2.")
    for ident in QualityRecord.objects.filter(meeting__in=mq.values("id")).order_by(
            "meeting__date", "meeting__ident").values_list("meeting__ident", flat=True):
        reasons.append(f"Cuộc họp {ident}: phiếu đánh giá chất lượng (quality) chỉ có ở phiên bản 2.")
    members = Membership.objects.filter(organization__in=org_ids).values("member_id")
    for model, what in ((FeeRecord, "tháng đảng phí"), (Relief, "quyết định miễn, giảm đảng phí")):
        for code, n in model.objects.filter(member__in=members).values("member__code").annotate(
                n=Count("id")).order_by("member__code").values_list("member__code", "n"):
            reasons.append(f"Đảng viên {code}: {n} {what} chỉ có ở phiên bản 2.")
    return reasons


def _month_chunks(mq) -> list[tuple[date, date]]:
    """Date ranges of consecutive months covering the meetings of `mq`, each of about
    `CHUNK_MEETINGS` meetings (a month with more is a chunk of its own). One query."""
    chunks: list[tuple[date, date]] = []
    first = last = None
    size = 0
    counted = mq.annotate(month=TruncMonth("date")).values("month").annotate(n=Count("id")).order_by("month")
    for row in counted:
        month = row["month"]
        month = month.date() if hasattr(month, "date") else month  # a datetime on some backends
        if first is not None and size + row["n"] > CHUNK_MEETINGS:
            chunks.append((first, last))
            first, size = None, 0
        if first is None:
            first = month
        following = date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
        last = following - timedelta(days=1)
        size += row["n"]
    if first is not None:
        chunks.append((first, last))
    return chunks


def _json_default(value):
    if type(value) is date:
        return value.isoformat()
    if type(value) is time:
        return f"{value.hour:02d}:{value.minute:02d}"
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def write_bundle(out: TextIO, org: Organization, date_from: date | None = None, date_to: date | None = None,
                 version: int = 1) -> None:
    """Write the bundle of `org`'s subtree as JSON text: the bundle of `bundle_export` (same data,
    same order), one organisation, member, meeting or visit per line:

        {
         "format": "chibo-bundle",
         "version": 1,
         "profiles": {...},
         "organizations": [
          {"code": "T01", ...},
          ...
         ],
         "members": [...],
         "meetings": [...],
         "visits": [...]
        }

    Members are written as they are read; meetings a chunk of months at a time (see
    `_month_chunks`), so memory stays bounded whatever the size of the subtree.
    """
    with gc_paused():
        _write_bundle(out, org, date_from, date_to, version)


def _write_bundle(out: TextIO, org: Organization, date_from: date | None, date_to: date | None,
                  version: int = 1) -> None:
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
    organizations, code_of = facts.read_organizations(org)
    org_ids = list(code_of)
    out.write(f'{{\n "format": "chibo-bundle",\n "version": {version},\n "profiles": ')
    out.write(encode(facts.read_profiles(org, code_of)))
    if version == 2:
        out.write(',\n "rubrics": ' + encode(facts.read_rubrics(org, org_ids)))

    def write_list(key: str, items) -> None:
        out.write(f',\n "{key}": [')
        sep = "\n  "
        buf = []
        for item in items:
            buf.append(sep + encode(item))
            sep = ",\n  "
            if len(buf) >= 1000:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf) + ("]" if sep == "\n  " else "\n ]"))

    write_list("organizations", organizations)
    member_code: dict[int, str] = {}
    write_list("members", facts.read_members(org_ids, code_of, member_code))
    mq = meeting_query(org_ids, date_from, date_to)

    def meetings():
        for first, last in _month_chunks(mq):
            yield from facts.read_meetings(mq.filter(date__gte=first, date__lte=last), code_of, member_code,
                                           version)

    write_list("meetings", meetings())
    write_list("visits", facts.read_visits(visit_query(org_ids, date_from, date_to), code_of))
    if version == 2:
        write_list("fees", facts.read_fees(code_of, member_code))
    out.write("\n}\n")


def audit_bundle(org: Organization, date_from: date, date_to: date) -> dict:
    """What the audit of [from, to] over `org`'s subtree depends on: meetings and visits from
    1 January of `from`'s year (excused-absence runs restart each calendar year) through `to`."""
    return bundle_export(org, date(date_from.year, 1, 1), date_to)


def audit_input(org: Organization, date_from: date, date_to: date, version: int = 1,
                fee_cells: dict | None = None) -> engine.AuditInput:
    """The data of `audit_bundle` as an `engine.AuditInput` for `auditjson.write_audit`.

    Members go straight into the engine's RollIndex (codes, official dates, memberships in the
    subtree, exempt/away periods) and meetings are read a chunk of months at a time, in
    (date, ident) order, as `engine.MeetingFacts`: no guest, no speech, vote or task text is
    read, and a reason or a place only matters by being empty or not.  The facts are built by
    the same constructor, from the same values, as those of `audit_bundle`'s meetings.

    `fee_cells` (version 2, for the stored results only: never an audit's or an export's input):
    when given, the ledgers carry every month of the members, also those whose record belongs
    to a cell outside the subtree (a member who moved), and it is filled with all of their
    memberships (member -> [(cell, from, to)]), so each record can be placed by all of them.
    """
    with gc_paused():
        return _audit_input(org, date_from, date_to, version, fee_cells)


def _audit_input(org: Organization, date_from: date, date_to: date, version: int = 1,
                 fee_cells: dict | None = None) -> engine.AuditInput:
    organizations, code_of = facts.read_organizations(org)
    org_ids = list(code_of)
    profiles = facts.read_profiles(org, code_of)
    member_code: dict[int, str] = {}
    rolls = facts.read_roll_index(org_ids, code_of, member_code)
    year_start = date(date_from.year, 1, 1)
    # version 2 reads the earlier years too: a frame score looks at the previous regular meeting
    mq = meeting_query(org_ids, year_start if version == 1 else None, date_to)

    def meetings() -> Iterator[engine.MeetingFacts]:
        for first, last in _month_chunks(mq):
            yield from facts.read_meeting_facts(mq.filter(date__gte=first, date__lte=last), code_of, member_code,
                                                version)

    visits = ((code_of[o], d) for o, d in visit_query(org_ids, year_start, date_to).values_list(
        "organization_id", "date").iterator(chunk_size=BATCH))
    if version == 1:
        return engine.AuditInput(organizations, profiles, rolls, meetings(), visits)
    ledgers = facts.read_fees(code_of, member_code, fee_cells, everywhere=fee_cells is not None)
    return engine.AuditInput(organizations, profiles, rolls, meetings(), visits, 2,
                             facts.read_rubrics(org, org_ids), ledgers)
