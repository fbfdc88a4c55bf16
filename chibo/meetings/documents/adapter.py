"""From the record to the documents: `MinutesData` for one meeting or a cell's year.

Every count and verdict comes from the rule engine run on the cell's record read by
`chibo.meetings.facts` (the adapter every page uses, as `chibo.meetings.evaluation.evaluate`
does): the roll counts on the meeting date (rules.md §1, the same roll `cell_roll` shows),
eligible voters, thresholds and verdicts of the votes, the quality score. Names, reasons, speeches and tasks come straight from the rows.

Queries are fixed whatever the number of members, speeches or meetings (see
`tests/test_documents_from_db.py`): the meetings with their parts (8), the cell's positions
(1), the cell's record (`facts.subtree_record`), the effective rule profile and the fee ledger of
the meetings' months (`chibo.fees.selectors.month_statuses`, 4).
"""

from datetime import date

from django.db.models import Prefetch

from chibo.fees import calculator as fee_calculator
from chibo.fees.selectors import month_statuses
from chibo.limits import AMENDMENT_SHOWN
from chibo.meetings import documents as doc
from chibo.meetings import quality
from chibo.meetings.evaluation import evaluate_in_bundle
from chibo.meetings.facts import subtree_record
from chibo.meetings.models import (
    AgendaItem,
    Amendment,
    Attendance,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    QualityRecord,
    Speech,
    Task,
    Vote,
)
from chibo.meetings.recording import snapshot
from chibo.meetings.recording.numbering import format_resolution_number
from chibo.orgs.models import Organization, Position
from chibo.rules import engine
from chibo.rules.selectors import frame_rubric_for
from chibo.rules.services import effective_profile_for

ABSENT = (AttendanceStatus.ABSENT_EXCUSED, AttendanceStatus.ABSENT_UNEXCUSED)
SIGNING_TITLES = {Position.Title.SECRETARY: "BÍ THƯ", Position.Title.DEPUTY: "PHÓ BÍ THƯ"}
CHAIR_TITLE = "CHỦ TRÌ"
#: A superior committee's visit (chibo.supervision.Visit, recorded on the meeting) is printed among
#: the guests with this title; it is stored once, as the visit, not as a guest row too.
VISITOR_TITLE = "đại diện cấp ủy cấp trên dự sinh hoạt"

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
FORMATS = ("docx", "pdf")


def meetings_with_parts():
    """Meetings with every part the minutes print, for `MinutesData` (8 queries for any number)."""
    return Meeting.objects.select_related("organization", "organization__parent", "chair", "secretary",
                                          "quality").prefetch_related(
        Prefetch("attendance", queryset=Attendance.objects.select_related("member").order_by("position", "id")),
        Prefetch("speeches", queryset=Speech.objects.select_related("member").order_by("position", "id")),
        Prefetch("votes", queryset=Vote.objects.order_by("position", "id")),
        Prefetch("tasks", queryset=Task.objects.select_related("assignee").order_by("position", "id")),
        Prefetch("agenda", queryset=AgendaItem.objects.order_by("position", "id")),
        Prefetch("amendments", queryset=Amendment.objects.select_related("author", "author__member").order_by(
            "created_at", "id")),
        "guests",
        "superior_visits",  # chibo.supervision.Visit: printed among the guests
    )


def minutes_data(meeting: Meeting) -> doc.MinutesData:
    """The minutes and resolution of one meeting, as the documents print them: from the
    snapshot taken at finalizing (see `chibo.meetings.recording.snapshot`), else from the live record."""
    full = meetings_with_parts().get(pk=meeting.pk)
    return _printed(full.organization, [full])[0]


def live_minutes_data(meeting: Meeting) -> tuple[doc.MinutesData, Meeting]:
    """The minutes built from the live record whatever the meeting's state, with the meeting and
    its parts (what finalizing freezes and what an amendment recounts)."""
    full = meetings_with_parts().get(pk=meeting.pk)
    return _build(full.organization, [full])[0], full


def year_minutes_data(cell: Organization, year: int) -> list[doc.MinutesData]:
    """The finalized meetings of the cell dated in `year`, in order of date then id (the minutes book)."""
    meetings = list(meetings_with_parts().filter(organization=cell, date__year=year,
                                                 status=MeetingStatus.FINALIZED).order_by("date", "ident"))
    return _printed(cell, meetings) if meetings else []


def _printed(cell: Organization, meetings: list[Meeting]) -> list[doc.MinutesData]:
    """Frozen meetings from their snapshot; the others (not finalized, or finalized before
    snapshots existed) from the live record, all in one pass."""
    live = [m for m in meetings if not m.minutes_snapshot]
    built = dict(zip((m.pk for m in live), _build(cell, live), strict=True)) if live else {}
    return [built[m.pk] if m.pk in built else _thawed(m) for m in meetings]


def _thawed(meeting: Meeting) -> doc.MinutesData:
    """A finalized meeting's minutes from its snapshot; the superior's official grade of an HD 42
    score (decided after finalizing, outside the minutes) as it stands."""
    data = snapshot.thaw(meeting.minutes_snapshot, [_amendment(a) for a in meeting.amendments.all()])
    record = getattr(meeting, "quality", None)
    if data.score_groups and record is not None and record.official_grade:
        data.official_grade = record.official_grade
    return data


def _build(cell: Organization, meetings: list[Meeting]) -> list[doc.MinutesData]:
    year_start = date(min(m.date for m in meetings).year, 1, 1)
    # A draft of one meeting not yet held is printed as it stands (the engine judges it as if held).
    include = meetings[0].ident if len(meetings) == 1 else None
    bundle = subtree_record(cell, year_start, max(m.date for m in meetings), include)
    profile = effective_profile_for(cell)
    rolls = engine.RollIndex(bundle["members"])
    positions = list(Position.objects.filter(organization=cell, title__in=list(SIGNING_TITLES),
                                             start__lte=max(m.date for m in meetings))
                     .select_related("member").order_by("start", "id"))
    verdicts = {m.pk: evaluate_in_bundle(bundle, m.ident, profile) for m in meetings}
    fees = month_statuses(cell, [m.date for m in meetings]) if cell.is_cell else {}
    return [_minutes(m, verdicts[m.pk], rolls.roll(cell.code, m.date), positions, score,
                     _fee_status(fees.get(fee_calculator.first_day(m.date))))
            for m, score in zip(meetings, _frame_scores(cell, meetings, verdicts, profile), strict=True)]


def _fee_status(status) -> doc.FeeStatus | None:
    """The month's fees as the opening prints them, from the fee ledger's month status (the block
    the recording page shows): None when no member's due is recorded for the month (a cell that
    keeps its fees elsewhere prints nothing). Totals and the names of those not paid in full; no
    member's income or amount (see `doc.FeeStatus`)."""
    if status is None or not status.records:
        return None
    return doc.FeeStatus(month=status.month, members=status.records, paid_members=status.records - len(status.unpaid),
                         due_after=status.due_after, paid=status.paid, unpaid=[m.full_name for m in status.unpaid],
                         missing=status.missing)


def _frame_scores(cell: Organization, meetings: list[Meeting], verdicts: dict, profile: dict) -> list[dict | None]:
    """The HD 42 frame score (chibo.meetings.quality) of each meeting the engine judged by HD 42,
    None for the others. Queries: none without such a meeting; else the sheet named (0 or 1), the
    quality records (1), the previous meetings' tasks (2)."""
    judged = [m for m in meetings if quality.judged_by_hd42(m, profile)]
    if not judged:
        return [None] * len(meetings)
    frame = frame_rubric_for(cell, profile)
    records = {r.meeting_id: r for r in QualityRecord.objects.filter(meeting__in=judged).select_related("scorer")}
    previous = quality.previous_tasks_of(judged)
    scores = {m.pk: quality.score_with(frame.id, frame.rubric, quality.frame_inputs(
        m, verdicts[m.pk], profile, records.get(m.pk), previous[m.pk]), records.get(m.pk)) for m in judged}
    return [scores.get(m.pk) for m in meetings]


def _minutes(meeting: Meeting, verdict: dict, roll, positions: list[Position], frame: dict | None = None,
             fee: doc.FeeStatus | None = None) -> doc.MinutesData:
    cell = meeting.organization
    parent = cell.parent
    att = verdict["attendance"]
    counts = doc.Counts(on_roll=att["on_roll"], official=len(roll.official), probationary=att["on_roll"] - len(roll.official),
                    exempt=att["exempt"], away=att["away"], expected=att["expected"], present=att["present"])
    rows = list(meeting.attendance.all())
    signer, signer_title = _signer(meeting, positions)
    return doc.MinutesData(
        superior_name=parent.name if parent else "",
        cell_name=cell.name,
        place_of_issue=cell.locality.strip() or (parent.locality.strip() if parent else "") or cell.name,
        meeting_id=meeting.ident,
        kind=meeting.kind,
        date=meeting.date,
        start=meeting.start,
        end=meeting.end,
        place=meeting.place,
        counts=counts,
        present_members=[a.member.full_name for a in rows if a.status in engine.PRESENT_STATUSES],
        absent=[(a.member.full_name, a.status, a.reason or None) for a in rows if a.status in ABSENT],
        guests=[doc.Guest(g.name, g.title or None, g.organization or None) for g in meeting.guests.all()]
        + [doc.Guest(v.visitor, VISITOR_TITLE, v.committee or None) for v in meeting.superior_visits.all()],
        chair_name=meeting.chair.full_name if meeting.chair else None,
        secretary_name=meeting.secretary.full_name if meeting.secretary else None,
        topic=meeting.topic or None,
        agenda=_agenda(meeting),
        votes=_votes(meeting, verdict),
        conclusion=meeting.conclusion or None,
        tasks=[doc.Task(t.assignee.full_name if t.assignee else None, t.description, t.due) for t in meeting.tasks.all()],
        score_total=frame["total"] if frame else verdict["score"]["total"],
        grade=frame["grade"] if frame else verdict["score"]["grade"],
        provisional=frame["provisional"] if frame else verdict["score"]["provisional"],
        score_groups=[doc.ScoreGroup(r["name"], r["max"], r["points"], r["reason"]) for r in frame["rows"]]
        if frame else [],
        rubric_name=frame["rubric_name"] if frame else None,
        remedies=[f"{r['name']}: {r['remedy']}" for r in frame["remedies"]] if frame else [],
        official_grade=frame["official_grade"] if frame else None,
        fee_status=fee,
        amendments=[_amendment(a) for a in meeting.amendments.all()],
        resolution_number=format_resolution_number(meeting.resolution_number),
        resolution_text=meeting.resolution_text or None,
        secretary_title_for_signing=signer_title,
        signer_name=signer,
    )


def _agenda(meeting: Meeting) -> list:
    """Agenda items: the meeting's AgendaItem rows, else the speeches' items in order of first mention."""
    speeches = list(meeting.speeches.all())
    titles = [a.title for a in meeting.agenda.all()]
    if not titles:
        for s in speeches:
            item = s.item.strip()
            if item and item not in titles:
                titles.append(item)
    return doc.group_speeches(titles, [(s.item, s.member.full_name, s.summary) for s in speeches])


def _votes(meeting: Meeting, verdict: dict) -> list[doc.VoteLine]:
    judged = {v["index"]: v for v in verdict["votes"]}
    lines = []
    for i, v in enumerate(meeting.votes.all()):
        j = judged[i]
        lines.append(doc.VoteLine(v.subject or v.get_kind_display(), v.kind, v.method, v.votes_for, v.votes_against,
                              v.votes_abstain, v.votes_invalid, j["eligible"], j["threshold"], j["passed"]))
    return lines


def _signer(meeting: Meeting, positions: list[Position]) -> tuple[str | None, str]:
    """The cell's bí thư on the meeting date, else the chair (with the chair's title if deputy)."""
    day = meeting.date
    current = [p for p in positions if p.start <= day and (p.end is None or day <= p.end)]
    secretary = next((p for p in reversed(current) if p.title == Position.Title.SECRETARY), None)
    if secretary is not None:
        return secretary.member.full_name, SIGNING_TITLES[Position.Title.SECRETARY]
    if meeting.chair is None:
        return None, SIGNING_TITLES[Position.Title.SECRETARY]
    deputy = any(p.member_id == meeting.chair_id and p.title == Position.Title.DEPUTY for p in current)
    return meeting.chair.full_name, SIGNING_TITLES[Position.Title.DEPUTY] if deputy else CHAIR_TITLE


def author_name(user) -> str:
    """How the minutes name a user who amends them (kept on the amendment as it stands then)."""
    if user is None:
        return "—"
    member = getattr(user, "member", None)
    return member.full_name if member else (user.get_full_name() or user.get_username())


def _amendment(row: Amendment) -> doc.Amendment:
    name = row.author_name or author_name(row.author)
    return doc.Amendment(row.created_at, name, row.reason, _changes_text(row.changes))


def _shown(value) -> str:
    """An old or new value in the printed history: long texts (a conclusion of pages) are cut to
    chibo.limits.AMENDMENT_SHOWN characters; the minutes above print the text in force."""
    text = str(value or "") or "(trống)"
    if len(text) <= AMENDMENT_SHOWN:
        return text
    return f"{text[:AMENDMENT_SHOWN].rstrip()}… ({len(text):,} ký tự)".replace(",", ".")


def _changes_text(changes) -> str:
    """`meeting_amend` stores {key: {"label", "old", "new"}}; anything else is shown as it is."""
    if not isinstance(changes, dict):
        return str(changes or "")
    parts = []
    for key, change in changes.items():
        if isinstance(change, dict) and "new" in change:
            parts.append(f"{change.get('label') or key}: {_shown(change.get('old'))} → {_shown(change.get('new'))}")
        else:
            parts.append(f"{key}: {change}")
    return "\n".join(parts)


# --- files ------------------------------------------------------------------------------

def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"Định dạng '{fmt}' không hỗ trợ: chọn docx hoặc pdf.")


def minutes_file(meeting: Meeting, fmt: str) -> bytes:
    _check_format(fmt)
    data = minutes_data(meeting)
    return doc.minutes_docx(data) if fmt == "docx" else doc.minutes_pdf(data)


def resolution_file(meeting: Meeting, fmt: str) -> bytes:
    _check_format(fmt)
    data = minutes_data(meeting)
    return doc.resolution_docx(data) if fmt == "docx" else doc.resolution_pdf(data)


def notice_data(meeting: Meeting) -> doc.NoticeData:
    """The printed notice of a meeting as it stands: time, place, order of business, the roll on
    the meeting day and the committee staff invited, signed by the cell's bí thư. Five queries."""
    from chibo.meetings import dates
    from chibo.meetings.preparation import services as prep

    cell = Organization.objects.select_related("parent").get(pk=meeting.organization_id)
    parent = cell.parent
    positions = list(Position.objects.filter(organization=cell, title__in=list(SIGNING_TITLES),
                                             start__lte=meeting.date).select_related("member").order_by("start", "id"))
    signer, title = _signer(meeting, positions)
    staff = [", ".join(x for x in (u.get_full_name() or u.username, parent.name if parent else "") if x)
             for u in prep.notice_staff(meeting)]
    return doc.NoticeData(
        superior_name=parent.name if parent else "",
        cell_name=cell.name,
        place_of_issue=cell.locality.strip() or (parent.locality.strip() if parent else "") or cell.name,
        meeting_id=meeting.ident,
        kind=meeting.kind,
        date=meeting.date,
        issued_on=meeting.notice_sent_on or dates.today(),
        start=meeting.start,
        place=meeting.place or None,
        topic=meeting.topic or None,
        agenda=list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id").values_list("title", flat=True)),
        invited_members=[m.full_name for m in prep.notice_roll(meeting)],
        invited_guests=staff,
        signer_title=title if title != CHAIR_TITLE else SIGNING_TITLES[Position.Title.SECRETARY],
        signer_name=signer,
    )


def notice_file(meeting: Meeting, fmt: str) -> bytes:
    _check_format(fmt)
    data = notice_data(meeting)
    return doc.notice_docx(data) if fmt == "docx" else doc.notice_pdf(data)


def minutes_book_file(cell: Organization, year: int) -> bytes:
    """The cell's minutes book of `year` (finalized meetings only), PDF."""
    items = year_minutes_data(cell, year)
    parent = cell.parent
    return doc.minutes_book_pdf(cell.name, parent.name if parent else "", year, items)


def content_type(fmt: str) -> str:
    return DOCX if fmt == "docx" else PDF

