"""Meeting facts: what the rules read from one meeting (no texts; shared codes and status pairs)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, time
from typing import Any, NamedTuple

from chibo.rules.engine.common import ATTENDANCE_STATUSES, _as_date, _as_time, is_empty
from chibo.rules.rubric import MANUAL_CRITERIA

#: In :class:`MeetingFacts` only the emptiness of an absence reason matters; a given reason is
#: stored as this placeholder so that the ``(status, reason)`` pairs can be shared.
REASON_GIVEN = "…"
_NO_REASON: dict[str, tuple[str, None]] = {status: (status, None) for status in ATTENDANCE_STATUSES}
_WITH_REASON: dict[str, tuple[str, str]] = {status: (status, REASON_GIVEN) for status in ATTENDANCE_STATUSES}


class Hd42Facts(NamedTuple):
    """What a version-2 bundle adds to a meeting (bundle-v2.md), as the HD 42 rules read it:
    the four dates, ``secret_content`` and the quality record (``quality`` ``None`` without
    one, else ``(has_scorer, status, groups, official_grade)``)."""

    superior_notified_on: date | None = None
    docs_posted_on: date | None = None
    committee_prepared_on: date | None = None
    results_posted_on: date | None = None
    secret_content: bool = False
    quality: tuple[bool, str, Mapping[str, Any], str | None] | None = None


NO_HD42 = Hd42Facts()


def hd42_facts(meeting: Mapping[str, Any]) -> Hd42Facts:
    """The :class:`Hd42Facts` of a normalized version-2 meeting (or any mapping of its shape)."""
    quality = meeting.get("quality")
    q = None
    if quality is not None:
        q = (not is_empty(quality.get("scorer")), quality.get("status") or "self", quality.get("groups") or {},
             quality.get("official_grade"))
    return Hd42Facts(
        _as_date(meeting.get("superior_notified_on")),
        _as_date(meeting.get("docs_posted_on")),
        _as_date(meeting.get("committee_prepared_on")),
        _as_date(meeting.get("results_posted_on")),
        meeting.get("secret_content") is True,
        q,
    )


class MeetingFacts:
    """What the rules read from one meeting (rules.md §2, §4, §5), without its texts.

    Guests, speech/vote/task texts and the reasons of absences are reduced to what the rules
    look at: whether ``chair``, ``secretary``, ``place``, ``topic``, ``conclusion`` and
    ``rescheduled_reason`` are empty, whether an absence reason is given, who spoke.  Facts are
    built from a normalized meeting by :func:`meeting_facts`, or field by field from database
    rows; either way every emptiness test goes through this constructor, so both give equal
    facts.  Member codes are looked up in ``intern`` (a ``{code: code}`` dict) when given, so
    that the millions of attendance rows of a province share one string per member.

    Fields: ``id``, ``organization``, ``kind``, ``date`` (``datetime.date``), ``start``,
    ``end`` (``datetime.time`` or ``None``), ``notice_sent_on``, the ``has_*`` flags,
    ``rescheduled``; ``statuses`` ``{member: (status, reason)}`` with reason ``None`` (empty)
    or :data:`REASON_GIVEN`; ``speakers`` (distinct member codes, a tuple), ``has_speeches``;
    ``votes`` as ``(kind, method, for, against, abstain, invalid)``; ``tasks`` as
    ``(assignee or None, due, done_on)``; ``manual`` the manual scores in ``MANUAL_CRITERIA``
    order (``None`` = not scored); ``hd42`` the :class:`Hd42Facts` of a version-2 meeting
    (:data:`NO_HD42`, nothing given, by default).
    """

    __slots__ = (
        "id",
        "organization",
        "kind",
        "date",
        "start",
        "end",
        "notice_sent_on",
        "has_chair",
        "has_secretary",
        "has_place",
        "has_topic",
        "has_conclusion",
        "rescheduled",
        "statuses",
        "speakers",
        "has_speeches",
        "votes",
        "tasks",
        "manual",
        "hd42",
    )

    def __init__(
        self,
        id: str,
        organization: str,
        kind: str,
        date: date | str,
        *,
        start: time | str | None = None,
        end: time | str | None = None,
        notice_sent_on: date | str | None = None,
        chair: str | None = None,
        secretary: str | None = None,
        place: str | None = None,
        topic: str | None = None,
        conclusion: str | None = None,
        rescheduled_reason: str | None = None,
        attendance: Iterable[tuple[str, str, Any]] = (),
        speakers: Iterable[str] = (),
        votes: Iterable[tuple[str, Any, int, int, int, int | None]] = (),
        tasks: Iterable[tuple[Any, Any, Any]] = (),
        manual: Mapping[str, Any] | None = None,
        intern: Mapping[str, str] | None = None,
        hd42: Hd42Facts = NO_HD42,
    ):
        self.id = id
        self.organization = organization
        self.kind = kind
        self.date = _as_date(date)
        self.start = _as_time(start)
        self.end = _as_time(end)
        self.notice_sent_on = _as_date(notice_sent_on)
        self.has_chair = not is_empty(chair)
        self.has_secretary = not is_empty(secretary)
        self.has_place = not is_empty(place)
        self.has_topic = not is_empty(topic)
        self.has_conclusion = not is_empty(conclusion)
        self.rescheduled = not is_empty(rescheduled_reason)
        speakers = tuple(speakers)
        self.has_speeches = bool(speakers)
        no_reason, with_reason = _NO_REASON, _WITH_REASON
        get = None if intern is None else intern.get
        statuses: dict[str, tuple[str, str | None]] = {}
        for member, status, reason in attendance:
            if reason is None or is_empty(reason):
                pair = no_reason.get(status) or (status, None)
            else:
                pair = with_reason.get(status) or (status, REASON_GIVEN)
            statuses[member if get is None else get(member, member)] = pair
        codes = set(speakers) if get is None else {get(m, m) for m in speakers}
        self.statuses = statuses
        self.speakers = tuple(codes)
        self.votes = tuple(votes)
        self.tasks = tuple(
            (None if is_empty(assignee) else assignee, _as_date(due), _as_date(done)) for assignee, due, done in tasks
        )
        manual = manual or {}
        self.manual = tuple(manual.get(c) for c in MANUAL_CRITERIA)
        self.hd42 = hd42


def _vote_row(vote: Mapping[str, Any]) -> tuple[str, Any, int, int, int, int | None]:
    return (vote["kind"], vote.get("method"), vote["for"], vote["against"], vote["abstain"], vote.get("invalid"))


def meeting_facts(meeting: Mapping[str, Any], intern: Mapping[str, str] | None = None) -> MeetingFacts:
    """The :class:`MeetingFacts` of a normalized meeting (or of any mapping of its shape)."""
    return MeetingFacts(
        meeting.get("id"),
        meeting.get("organization"),
        meeting["kind"],
        meeting.get("date"),
        start=meeting.get("start"),
        end=meeting.get("end"),
        notice_sent_on=meeting.get("notice_sent_on"),
        chair=meeting.get("chair"),
        secretary=meeting.get("secretary"),
        place=meeting.get("place"),
        topic=meeting.get("topic"),
        conclusion=meeting.get("conclusion"),
        rescheduled_reason=meeting.get("rescheduled_reason"),
        attendance=((row["member"], row["status"], row.get("reason")) for row in meeting.get("attendance") or ()),
        speakers=[s["member"] for s in meeting.get("speeches") or ()],
        votes=[_vote_row(v) for v in meeting.get("votes") or ()],
        tasks=[(t.get("assignee"), t.get("due"), t.get("done_on")) for t in meeting.get("tasks") or ()],
        manual=meeting.get("manual_scores"),
        intern=intern,
        hd42=hd42_facts(meeting) if "quality" in meeting else NO_HD42,
    )
