"""Reads for meeting pages, each in a fixed number of queries."""

from django.db.models import Prefetch

from chibo.meetings import lifecycle
from chibo.meetings.models import Attendance, Meeting, Speech, Task, Vote
from chibo.prepared import Prepared
from chibo.rules import engine


def meetings_of(org, year=None):
    qs = Meeting.objects.filter(organization=org)
    if year:
        qs = qs.filter(date__year=year)
    return qs.order_by("-date", "-ident")


def meeting_full(ident):
    return (
        Meeting.objects.select_related("organization", "organization__parent", "chair", "secretary")
        .prefetch_related(
            Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("member__sort_key")),
            Prefetch("speeches", queryset=Speech.objects.select_related("member").order_by("position")),
            Prefetch("votes", queryset=Vote.objects.order_by("position")),
            Prefetch("tasks", queryset=Task.objects.select_related("assignee").order_by("position")),
            "guests",
        )
        .filter(ident=ident)
        .first()
    )


#: A member's page, compiled once per process (chibo.prepared): their tasks, their last 24 roll calls.
MEMBER_TASKS = Prepared(lambda member_id: Task.objects.filter(assignee_id=member_id).select_related(
    "meeting", "meeting__organization").order_by("done_on", "due", "id"), member_id=-7_310_060)
MEMBER_ATTENDANCE = Prepared(lambda member_id: Attendance.objects.filter(member_id=member_id).select_related(
    "meeting", "meeting__organization").order_by("-meeting__date")[:24], member_id=-7_310_061)


def tasks_of_member(member_id) -> list:
    return MEMBER_TASKS.all(member_id=member_id)


def attendance_of_member(member_id) -> list:
    return MEMBER_ATTENDANCE.all(member_id=member_id)


# --- the rule engine's verdict, shaped for the meeting and recording pages -------------------

def _rate_text(rate: str | None) -> str:
    """'87.50' -> '87,50%' (Vietnamese decimal comma, as the minutes print it); None -> '—'."""
    from chibo.meetings.documents.data import rate_text

    return rate_text(rate, none="—")


def meeting_verdict(meeting) -> dict:
    """What the engine says about one meeting, with Vietnamese labels, in a constant number of
    queries: the cell's record of the year (chibo.meetings.facts.cell_year, with the effective
    rule profile resolved from it as the audit does) and the vote positions.

    Keys: result (the audit entry), attendance, rate_text, eligible, eligible_present,
    checklist, findings, missing, votes (by position), score, meets_framework, profile."""
    from chibo.meetings.evaluation import bundle_profile, evaluate_in_bundle
    from chibo.meetings.facts import cell_year
    from chibo.rules.rubric import CRITERIA, MANUAL_CRITERIA

    cell = meeting.organization
    bundle = cell_year(cell, meeting.date, include=meeting.ident)
    profile = bundle_profile(bundle, cell.code)  # as the audit resolves it, not read again
    result = evaluate_in_bundle(bundle, meeting.ident, profile)
    target = next(m for m in bundle["meetings"] if m["id"] == meeting.ident)
    roll = engine.RollIndex(bundle["members"]).roll(cell.code, meeting.date)
    eligible, eligible_present = engine.eligible_voters(roll, engine.attendance_statuses(target))
    names = {m["code"]: m["full_name"] for m in bundle["members"]}

    missing: list[str] = []
    findings = []
    bad_votes: dict[int, list[str]] = {}
    for f in result["findings"]:
        code = f["code"]
        if code == "MINUTES_INCOMPLETE":
            missing = list(f["missing"])
            continue
        detail = ""
        if "member" in f:
            detail = names.get(f["member"], f["member"])
        elif "vote" in f:
            detail = f"biểu quyết thứ {f['vote'] + 1}"
            bad_votes.setdefault(f["vote"], []).append(engine.FINDING_LABELS[code])
        findings.append({"code": code, "label": engine.FINDING_LABELS[code], "detail": detail})
    groups: dict[str, dict] = {}
    for f in findings:
        group = groups.setdefault(f["code"], {"code": f["code"], "label": f["label"], "details": []})
        if f["detail"]:
            group["details"].append(f["detail"])
    elements = [e for e in engine.MINUTES_ELEMENTS if e != "topic" or meeting.kind in engine.THEMATIC_KINDS]
    checklist = [{"code": e, "label": engine.MISSING_ELEMENT_LABELS[e], "ok": e not in missing} for e in elements]

    positions = list(Vote.objects.filter(meeting=meeting).order_by("position").values_list("position", flat=True))
    votes = {}
    for v in result["votes"]:
        two_thirds = v["kind"] in engine.TWO_THIRDS_KINDS
        votes[positions[v["index"]]] = {
            **v,
            "rule": "ít nhất hai phần ba" if two_thirds else "quá nửa",
            "problems": bad_votes.get(v["index"], []),
        }
    score = result["score"]
    criteria = [{"id": cid, "label": engine.CRITERIA_LABELS[cid], "group": engine.CRITERIA_GROUP_LABELS[group],
                 "value": score["criteria"][cid], "max": top, "manual": cid in MANUAL_CRITERIA}
                for cid, group, top, _how in CRITERIA]
    return {
        "result": result,
        "attendance": result["attendance"],
        "rate_text": _rate_text(result["attendance"]["rate"]),
        "eligible": len(eligible),
        "eligible_present": len(eligible_present),
        "checklist": checklist,
        "missing": missing,
        "missing_labels": [engine.MISSING_ELEMENT_LABELS[m] for m in missing],
        "findings": findings,
        "finding_groups": list(groups.values()),
        "votes": votes,
        "score": {**score, "grade_label": engine.GRADE_LABELS[score["grade"]], "criteria_rows": criteria},
        "meets_framework": result["meets_framework"],
        "duration": result["duration_minutes"],
        "profile": profile,  # the effective rule profile the verdict used
    }


def record_page(meeting) -> dict:
    """Everything the live recording page shows, whatever the size of the roll: the roll
    (3 queries), attendance, guests, speeches, votes, tasks, agenda (6) and the verdict."""
    from chibo.meetings.models import AgendaItem, Guest
    from chibo.orgs.selectors import cell_roll

    roll = cell_roll(meeting.organization, meeting.date)
    attendance = {a.member_id: a for a in Attendance.objects.filter(meeting=meeting)}
    return {
        "roll": roll,
        "attendance": attendance,
        "guests": list(Guest.objects.filter(meeting=meeting).order_by("position")),
        "speeches": list(Speech.objects.filter(meeting=meeting).select_related("member").order_by("position")),
        "votes": list(Vote.objects.filter(meeting=meeting).order_by("position")),
        "tasks": list(Task.objects.filter(meeting=meeting).select_related("assignee").order_by("position")),
        "agenda": list(AgendaItem.objects.filter(meeting=meeting).order_by("position")),
    }


def amendments_of(meeting):
    from chibo.meetings.models import Amendment

    return Amendment.objects.filter(meeting=meeting).select_related("author").order_by("created_at", "id")


# --- planning, preparation, the member's page and the calendar feeds (planning/, preparation/) -

def year_meetings(org, year):
    """The cell's meetings of one year, in date order, each with `attendance`: the engine's figures
    (`chibo.meetings.evaluation.attendance_figures`, the ones its page and its minutes show), None
    before its roll is recorded. Five queries."""
    from chibo.meetings.evaluation import attendance_figures

    meetings = list(meetings_of(org, year).order_by("date", "ident"))
    figures = attendance_figures(org, meetings)
    for m in meetings:
        m.attendance_figures = figures.get(m.ident)
    return meetings


def thematic_plan_rows(org, year):
    from chibo.meetings.models import ThematicPlan

    return (ThematicPlan.objects.filter(organization=org, year=year).select_related("presenter")
            .order_by("quarter", "planned_date", "id"))


def open_tasks_before(meeting):
    """Tasks not done, assigned at earlier meetings of the same cell (for review at this one)."""
    return (Task.objects.filter(meeting__organization_id=meeting.organization_id, meeting__date__lt=meeting.date,
                                done_on__isnull=True)
            .select_related("assignee", "meeting").order_by("meeting__date", "meeting__ident", "position"))


def prep_page(meeting) -> dict:
    """What the preparation page and the notice show, whatever the sizes. Eight queries:
    agenda, open tasks, documents, thematic preparation, contributions, notices, absence notices,
    the quality record (HD 42: who scores the meeting)."""
    from chibo.meetings.models import (
        AbsenceNotice,
        AgendaItem,
        Contribution,
        MeetingDocument,
        Notice,
        QualityRecord,
        ThematicPrep,
    )

    agenda = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    sections = []
    for item in agenda:
        if not sections or sections[-1]["code"] != item.section:
            sections.append({"code": item.section, "label": item.get_section_display(), "items": []})
        sections[-1]["items"].append(item)
    return {
        "agenda": agenda,
        "sections": sections,
        "open_tasks": list(open_tasks_before(meeting)),
        "documents": list(MeetingDocument.objects.filter(meeting=meeting).order_by("uploaded_at", "id")),
        "prep": ThematicPrep.objects.filter(meeting=meeting).select_related("presenter", "approved_by").first(),
        "contributions": list(Contribution.objects.filter(meeting=meeting).select_related("member")
                              .order_by("member__sort_key", "id")),
        "notices": list(Notice.objects.filter(meeting=meeting).select_related("sent_by").order_by("-sent_at", "-id")),
        "absences": list(AbsenceNotice.objects.filter(meeting=meeting).select_related("member")
                         .order_by("member__sort_key", "id")),
        "quality": QualityRecord.objects.filter(meeting=meeting).select_related("scorer").first(),
    }


def current_cell_ids(member_id) -> list[int]:
    from chibo.orgs.models import Membership

    return list(Membership.objects.filter(member_id=member_id, end__isnull=True).values_list(
        "organization_id", flat=True))


def upcoming_for_member(member_id, cell_ids, on, limit=6):
    """The next meetings (not yet held, or called off: the member must learn it) of the member's
    current cell(s), with agenda, documents and the member's own absence notice (`my_absence`, a
    list of 0 or 1). Four queries."""
    from chibo.meetings.models import AbsenceNotice, AgendaItem, MeetingDocument

    return list(
        Meeting.objects.filter(organization_id__in=cell_ids, date__gte=on,
                               status__in=[*lifecycle.UPCOMING, lifecycle.CANCELLED])
        .select_related("organization")
        .prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.order_by("position")),
            Prefetch("documents", queryset=MeetingDocument.objects.order_by("uploaded_at", "id")),
            Prefetch("absence_notices", queryset=AbsenceNotice.objects.filter(member_id=member_id),
                     to_attr="my_absence"),
        )
        .order_by("date", "ident")[:limit]
    )


def thematic_plans_of_cells(cell_ids, year) -> dict[int, list]:
    """{cell id: [plan rows]} for the given cells and year. One query."""
    from chibo.meetings.models import ThematicPlan

    out: dict[int, list] = {}
    for row in (ThematicPlan.objects.filter(organization_id__in=cell_ids, year=year).select_related("presenter")
                .order_by("organization_id", "quarter", "planned_date", "id")):
        out.setdefault(row.organization_id, []).append(row)
    return out


def feed_meetings(cell_ids, since) -> list:
    """The cells' meetings from `since` on, each with `minimum_minutes`: the engine's minimum
    length of its kind under its cell's effective rule profile (None for extraordinary meetings),
    the length the calendar gives a meeting whose end is not recorded. Three queries."""
    from chibo.rules.services import effective_profiles_for

    cell_ids = list(cell_ids)
    profiles = effective_profiles_for(cell_ids)
    meetings = list(Meeting.objects.filter(organization_id__in=cell_ids, date__gte=since)
                    .select_related("organization").order_by("date", "ident"))
    for m in meetings:
        m.minimum_minutes = engine.minimum_minutes(m.kind, profiles[m.organization_id])
    return meetings


def feed_tasks(member_id):
    return (Task.objects.filter(assignee_id=member_id, due__isnull=False, done_on__isnull=True)
            .select_related("meeting").order_by("due", "id"))
