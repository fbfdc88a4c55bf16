"""The Chibo rule engine (rules.md, version 1): the one implementation of the rules.

Pure Python, standard library only (no Django, no ORM).  Rates and thresholds use integer
arithmetic only; nothing here ever touches a float.

Input
-----
The engine reads the *normalized bundle* produced by
:func:`chibo.interchange.validate.parse_bundle` (see that module's docstring for the exact
shape).  Dates are ``datetime.date`` and times ``datetime.time``; for convenience ISO strings
(``"2025-01-03"``, ``"19:30"``) are accepted too.  Empty strings count as missing.

Per-meeting API (for pages that show a meeting while it is being recorded)
------------------------------------------------------------------------
* :class:`Roll` -- the roll facts of one cell on one date: who is on the roll, official,
  exempt, away (``Roll.expected`` is derived).  Build it by hand, or with
  :class:`RollIndex` (``RollIndex(members).roll(cell_code, day)``).
* :func:`attendance_statuses`, :func:`summarize_attendance` -- counts and rate string.
* :func:`vote_threshold`, :func:`vote_passes`, :func:`eligible_voters`, :func:`evaluate_votes`.
* :func:`meeting_duration`, :func:`minimum_minutes`, :func:`is_notice_late`, :func:`is_on_time`,
  :func:`minutes_missing_elements`.
* :class:`ExcusedRuns`, :func:`advance_excused_runs`, :func:`fold_excused_runs` -- the state of
  the repeated-excused-absence rule: feed the cell's earlier regular/combined meetings of the
  year (sorted by date, then id) to ``fold_excused_runs`` and pass the result as ``prior_runs``.
* :func:`evaluate_meeting` -- everything about one meeting, exactly as one entry of the audit's
  ``meetings`` list (attendance, duration, votes, findings, score, meets_framework).
* :func:`score_meeting`, :func:`grade_for`, :func:`meets_framework`.

Audit API
---------
* :func:`audit` (bundle, from, to, as_of) -> the audit dict of bundle.md; :func:`dump_audit`.
* :func:`write_audit` (file, bundle, from, to, as_of) -- the same text as
  ``dump_audit(audit(...))``, written as the audit goes (see "Streaming" below).
* :func:`cell_spans` -- months / quarters / half-years audited for a cell.
* :func:`is_task_overdue`.

Streaming
---------
The audit of a province (170 000 meetings, 2.6 million attendance rows) must run in a bounded
amount of memory, so it is one pass over the meetings in the order of the output (date, then
id) that keeps only small per-cell state: the excused-absence runs of each cell, the first
regular meeting of each month, the quarters with a thematic meeting, unexcused months per
member and year (REMOVAL_REVIEW counts across every cell a member belonged to), overdue tasks.
Each meeting entry is complete when its meeting has been read, and :func:`write_audit` writes
it at once; the cell findings follow the meetings in the output, and are listed at the end.

The pass reads an :class:`AuditInput`: organisations, profiles, a :class:`RollIndex` and the
meetings as :class:`MeetingFacts` -- each meeting reduced to what the rules read (no texts,
shared member codes and status pairs).  :func:`bundle_input` makes one from a normalized
bundle; ``chibo.interchange.validate.parse_audit_input`` from a bundle file read piece by piece,
``chibo.interchange.db.audit_input`` from the database month by month.  :func:`audit` over a
bundle and :func:`write_audit` run the very same pass, so their results cannot differ.
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date, time
from fractions import Fraction
from json.encoder import encode_basestring as _enc_str  # C-accelerated, ensure_ascii=False
from typing import Any, NamedTuple, TextIO

from chibo import vocabulary
from chibo.rules.profile import (
    DEFAULT_PROFILE,
    PROFILE_KEYS,
    PROFILE_LABELS,
    PROFILE_RANGES,
    ProfileResolver,
    effective_profile,
    effective_profile_with_sources,
    validate_profile_value,
    validate_profile_values,
)
from chibo.rules.rubric import (
    CRITERIA_GROUP_LABELS,
    CRITERIA_IDS,
    CRITERIA_LABELS,
    CRITERIA_MAX,
    GRADE_LABELS,
    MANUAL_CRITERIA,
    grade_for,
)

__all__ = [
    "DEFAULT_PROFILE",
    "PROFILE_KEYS",
    "PROFILE_LABELS",
    "PROFILE_RANGES",
    "CRITERIA_IDS",
    "CRITERIA_LABELS",
    "CRITERIA_GROUP_LABELS",
    "CRITERIA_MAX",
    "GRADE_LABELS",
    "FINDING_LABELS",
    "MISSING_ELEMENT_LABELS",
    "MEETING_FINDING_CODES",
    "CELL_FINDING_CODES",
    "FRAMEWORK_FINDINGS",
    "Roll",
    "RollIndex",
    "ExcusedRuns",
    "validate_profile_value",
    "validate_profile_values",
    "effective_profile",
    "effective_profile_with_sources",
    "attendance_statuses",
    "summarize_attendance",
    "format_rate",
    "attendance_rate",
    "vote_threshold",
    "vote_passes",
    "eligible_voters",
    "evaluate_votes",
    "meeting_duration",
    "minimum_minutes",
    "is_notice_late",
    "is_on_time",
    "minutes_missing_elements",
    "advance_excused_runs",
    "fold_excused_runs",
    "evaluate_meeting",
    "score_meeting",
    "grade_for",
    "meets_framework",
    "is_task_overdue",
    "cell_spans",
    "MeetingFacts",
    "meeting_facts",
    "AuditInput",
    "bundle_input",
    "ProfileResolver",
    "PeriodNotes",
    "period_findings",
    "AuditRun",
    "audit_header",
    "audit",
    "dump_audit",
    "write_audit",
]

# ---------------------------------------------------------------------------
# Vocabulary and labels
# ---------------------------------------------------------------------------

CELL_KINDS = vocabulary.CELL_KINDS
ORG_KINDS: tuple[str, ...] = vocabulary.ORG_KINDS.codes
MEETING_KINDS: tuple[str, ...] = vocabulary.MEETING_KINDS.codes
REGULAR_KINDS = frozenset({"regular", "combined"})
THEMATIC_KINDS = frozenset({"thematic", "combined"})
ATTENDANCE_STATUSES: tuple[str, ...] = vocabulary.ATTENDANCE_STATUSES.codes
PRESENT_STATUSES = frozenset({"present", "late"})
VOTE_KINDS: tuple[str, ...] = vocabulary.VOTE_KINDS.codes
VOTE_METHODS: tuple[str, ...] = vocabulary.VOTE_METHODS.codes
TWO_THIRDS_KINDS = frozenset({"admission", "recognition"})
SECRET_BALLOT_KINDS = frozenset({"discipline", "election"})
GENDERS: tuple[str, ...] = vocabulary.GENDERS.codes

MEETING_FINDING_CODES: tuple[str, ...] = (
    "ATTENDANCE_MISSING",
    "ABSENCE_REASON_MISSING",
    "UNEXCUSED_ABSENCE",
    "REPEATED_EXCUSED_ABSENCE",
    "LOW_ATTENDANCE",
    "EMPTY_ROLL",
    "SHORT_MEETING",
    "NOTICE_LATE",
    "MINUTES_INCOMPLETE",
    "VOTE_COUNTS_INCONSISTENT",
    "VOTE_METHOD_INVALID",
)
CELL_FINDING_CODES: tuple[str, ...] = (
    "MISSING_REGULAR_MEETING",
    "LATE_REGULAR_MEETING",
    "MISSING_THEMATIC_MEETING",
    "NO_SUPERIOR_VISIT",
    "REMOVAL_REVIEW",
    "TASK_OVERDUE",
)
#: A meeting with any of these findings does not meet the HD 12 framework (rules.md §5).
FRAMEWORK_FINDINGS = frozenset(
    {
        "LOW_ATTENDANCE",
        "UNEXCUSED_ABSENCE",
        "ATTENDANCE_MISSING",
        "REPEATED_EXCUSED_ABSENCE",
        "SHORT_MEETING",
        "MINUTES_INCOMPLETE",
    }
)
#: Elements of MINUTES_INCOMPLETE, in the order they are listed.
MINUTES_ELEMENTS: tuple[str, ...] = (
    "chair",
    "secretary",
    "place",
    "start",
    "end",
    "attendance",
    "absence_reasons",
    "speeches",
    "conclusion",
    "topic",
)

FINDING_LABELS: dict[str, str] = {
    "ATTENDANCE_MISSING": "Thiếu điểm danh đảng viên",
    "ABSENCE_REASON_MISSING": "Vắng có lý do nhưng không ghi lý do",
    "UNEXCUSED_ABSENCE": "Vắng mặt không có lý do",
    "REPEATED_EXCUSED_ABSENCE": "Vắng có lý do nhiều lần liên tiếp",
    "LOW_ATTENDANCE": "Tỷ lệ dự họp thấp",
    "EMPTY_ROLL": "Không có đảng viên phải dự họp",
    "SHORT_MEETING": "Thời gian sinh hoạt ngắn hơn quy định",
    "NOTICE_LATE": "Thông báo triệu tập muộn",
    "MINUTES_INCOMPLETE": "Biên bản chưa đầy đủ",
    "VOTE_COUNTS_INCONSISTENT": "Số phiếu biểu quyết không khớp với số đảng viên dự họp",
    "VOTE_METHOD_INVALID": "Hình thức biểu quyết không đúng quy định (phải bỏ phiếu kín)",
    "MISSING_REGULAR_MEETING": "Không sinh hoạt thường kỳ trong tháng",
    "LATE_REGULAR_MEETING": "Sinh hoạt thường kỳ muộn so với ngày quy định",
    "MISSING_THEMATIC_MEETING": "Không sinh hoạt chuyên đề trong quý",
    "NO_SUPERIOR_VISIT": "Cấp ủy cấp trên chưa dự sinh hoạt chi bộ",
    "REMOVAL_REVIEW": "Xem xét xóa tên: bỏ sinh hoạt không lý do nhiều tháng trong năm",
    "TASK_OVERDUE": "Nhiệm vụ được giao quá hạn",
}

MISSING_ELEMENT_LABELS: dict[str, str] = {
    "chair": "Người chủ trì",
    "secretary": "Thư ký",
    "place": "Địa điểm",
    "start": "Giờ bắt đầu",
    "end": "Giờ kết thúc",
    "attendance": "Điểm danh đầy đủ đảng viên",
    "absence_reasons": "Lý do vắng mặt",
    "speeches": "Ý kiến phát biểu",
    "conclusion": "Kết luận",
    "topic": "Chủ đề sinh hoạt chuyên đề",
}

# Views of chibo.vocabulary (the one place the labels are defined).
MEETING_KIND_LABELS: dict[str, str] = vocabulary.MEETING_KINDS.labels
ATTENDANCE_STATUS_LABELS: dict[str, str] = vocabulary.ATTENDANCE_STATUSES.labels
VOTE_KIND_LABELS: dict[str, str] = vocabulary.VOTE_KINDS.labels
VOTE_METHOD_LABELS: dict[str, str] = vocabulary.VOTE_METHODS.labels
ORG_KIND_LABELS: dict[str, str] = vocabulary.ORG_KINDS.labels

# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

_DATE_MAX = date.max


def is_empty(value: object) -> bool:
    """``None``, ``""`` and whitespace-only strings are empty (bundle.md)."""
    return value is None or (type(value) is str and not value.strip())


def _as_date(value: Any) -> date | None:
    if value is None or type(value) is date:
        return value
    if isinstance(value, str):
        return None if not value.strip() else date.fromisoformat(value)
    if isinstance(value, date):  # a datetime: keep the calendar date
        return value.date() if hasattr(value, "date") else value
    raise TypeError(f"not a date: {value!r}")


def _as_time(value: Any) -> time | None:
    if value is None or type(value) is time:
        return value
    if isinstance(value, str):
        return None if not value.strip() else time.fromisoformat(value)
    if isinstance(value, time):
        return value
    raise TypeError(f"not a time: {value!r}")


def format_rate(numerator: int, denominator: int) -> str | None:
    """``numerator / denominator`` in percent, two decimals, rounded half up; ``None`` if den is 0.

    >>> format_rate(2, 3), format_rate(7, 8), format_rate(1, 8)
    ('66.67', '87.50', '12.50')
    """
    if denominator <= 0:
        return None
    hundredths = (numerator * 20000 + denominator) // (2 * denominator)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def attendance_rate(present: int, expected: int) -> Fraction | None:
    """The exact attendance rate (0..1) or ``None`` when nobody is expected."""
    return None if expected <= 0 else Fraction(present, expected)


# ---------------------------------------------------------------------------
# The roll
# ---------------------------------------------------------------------------


class Roll:
    """Who counts at a meeting of one cell on one date (rules.md §1).

    ``on_roll``: member codes with a membership in the cell covering the date;
    ``official``, ``exempt``, ``away``: the subsets of ``on_roll`` that are official, exempt
    or away on that date.  ``expected`` = on_roll - exempt - away.
    """

    __slots__ = ("on_roll", "official", "exempt", "away", "expected")

    def __init__(
        self,
        on_roll: Iterable[str],
        official: Iterable[str] = (),
        exempt: Iterable[str] = (),
        away: Iterable[str] = (),
    ):
        on = set(on_roll)
        self.on_roll = on
        self.official = on.intersection(official)
        self.exempt = on.intersection(exempt)
        self.away = on.intersection(away)
        self.expected = on - self.exempt - self.away

    @classmethod
    def _trusted(cls, on: set, official: set, exempt: set, away: set) -> Roll:
        roll = cls.__new__(cls)
        roll.on_roll = on
        roll.official = official
        roll.exempt = exempt
        roll.away = away
        roll.expected = on - exempt - away if (exempt or away) else on
        return roll

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return (
            f"Roll(on_roll={sorted(self.on_roll)}, official={sorted(self.official)}, "
            f"exempt={sorted(self.exempt)}, away={sorted(self.away)})"
        )


def _periods(items: Iterable[Mapping[str, Any]] | None) -> list[tuple[date, date]]:
    out = []
    for p in items or ():
        start = _as_date(p.get("from"))
        if start is None:
            continue
        out.append((start, _as_date(p.get("to")) or _DATE_MAX))
    return out


class RollIndex:
    """Memberships, exempt and away periods indexed for fast roll look-ups.

    ``members``: normalized member dicts (``code``, ``official_on``, ``memberships``,
    ``exempt``, ``away``); more can be added one by one with :meth:`add_member` (the streaming
    audits fill the index from rows without building member dicts).  ``roll(cell, day)`` costs
    O(memberships ever held in that cell).
    """

    def __init__(self, members: Iterable[Mapping[str, Any]] = ()):
        self._by_cell: dict[str, list[tuple[date, date, str]]] = {}
        self._official: dict[str, date] = {}
        self._exempt: dict[str, list[tuple[date, date]]] = {}
        self._away: dict[str, list[tuple[date, date]]] = {}
        for mem in members:
            self.add_member(
                mem["code"],
                _as_date(mem.get("official_on")),
                (
                    (ms["organization"], _as_date(ms.get("from")), _as_date(ms.get("to")))
                    for ms in mem.get("memberships") or ()
                ),
                _periods(mem.get("exempt")),
                _periods(mem.get("away")),
            )

    def add_member(
        self,
        code: str,
        official_on: date | None = None,
        memberships: Iterable[tuple[str, date | None, date | None]] = (),
        exempt: Iterable[tuple[date, date | None]] = (),
        away: Iterable[tuple[date, date | None]] = (),
    ) -> None:
        """Add one member: ``memberships`` as ``(cell, from, to)``, periods as ``(from, to)``
        (``to`` ``None`` for open-ended; a membership without ``from`` is ignored)."""
        if official_on is not None:
            self._official[code] = official_on
        by_cell = self._by_cell
        for cell, start, end in memberships:
            if start is None:
                continue
            lst = by_cell.get(cell)
            if lst is None:
                lst = by_cell[cell] = []
            lst.append((start, end or _DATE_MAX, code))
        for target, periods in ((self._exempt, exempt), (self._away, away)):
            for start, end in periods:
                target.setdefault(code, []).append((start, end or _DATE_MAX))

    def official_on(self, code: str) -> date | None:
        return self._official.get(code)

    def is_official(self, code: str, day: date) -> bool:
        oo = self._official.get(code)
        return oo is not None and oo <= day

    def is_exempt(self, code: str, day: date) -> bool:
        return any(f <= day <= t for f, t in self._exempt.get(code, ()))

    def is_away(self, code: str, day: date) -> bool:
        return any(f <= day <= t for f, t in self._away.get(code, ()))

    def is_on_roll(self, cell: str, code: str, day: date) -> bool:
        return any(c == code and f <= day <= t for f, t, c in self._by_cell.get(cell, ()))

    def cells_of(self, code: str) -> set[str]:  # pragma: no cover - convenience
        return {cell for cell, lst in self._by_cell.items() if any(c == code for _f, _t, c in lst)}

    def roll(self, cell: str, day: date | str) -> Roll:
        day = _as_date(day)
        on: set[str] = set()
        off: set[str] = set()
        ex: set[str] = set()
        aw: set[str] = set()
        official = self._official
        exempt = self._exempt
        away = self._away
        for f, t, code in self._by_cell.get(cell, ()):
            if f <= day <= t:
                on.add(code)
                oo = official.get(code)
                if oo is not None and oo <= day:
                    off.add(code)
                ps = exempt.get(code)
                if ps is not None and any(a <= day <= b for a, b in ps):
                    ex.add(code)
                ps = away.get(code)
                if ps is not None and any(a <= day <= b for a, b in ps):
                    aw.add(code)
        return Roll._trusted(on, off, ex, aw)


# ---------------------------------------------------------------------------
# Meeting facts: what the rules read from one meeting
# ---------------------------------------------------------------------------

#: In :class:`MeetingFacts` only the emptiness of an absence reason matters; a given reason is
#: stored as this placeholder so that the ``(status, reason)`` pairs can be shared.
REASON_GIVEN = "…"
_NO_REASON: dict[str, tuple[str, None]] = {status: (status, None) for status in ATTENDANCE_STATUSES}
_WITH_REASON: dict[str, tuple[str, str]] = {status: (status, REASON_GIVEN) for status in ATTENDANCE_STATUSES}


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
    order (``None`` = not scored).
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
    )


# ---------------------------------------------------------------------------
# Attendance
# ---------------------------------------------------------------------------

Statuses = dict[str, tuple[str, Any]]


def attendance_statuses(meeting: Mapping[str, Any]) -> Statuses:
    """``{member: (status, reason)}`` from the meeting's attendance rows."""
    return {row["member"]: (row["status"], row.get("reason")) for row in meeting.get("attendance") or ()}


class _Att(NamedTuple):
    summary: dict[str, Any]
    expected: int
    present: int
    missing: list[str]
    unexcused: list[str]
    excused: list[str]


def _attendance(statuses: Statuses, roll: Roll) -> _Att:
    present = 0
    missing: list[str] = []
    unexcused: list[str] = []
    excused: list[str] = []
    get = statuses.get
    for m in roll.expected:
        st = get(m)
        if st is None:
            missing.append(m)
            continue
        s = st[0]
        if s == "present" or s == "late":
            present += 1
        elif s == "absent_excused":
            excused.append(m)
        elif s == "absent_unexcused":
            unexcused.append(m)
        else:  # an unknown status: treat as not recorded
            missing.append(m)
    expected = len(roll.expected)
    away = len(roll.away)
    summary = {
        "on_roll": len(roll.on_roll),
        "exempt": len(roll.exempt - roll.away) if roll.away else len(roll.exempt),
        "away": away,
        "expected": expected,
        "present": present,
        "absent_excused": len(excused),
        "absent_unexcused": len(unexcused),
        "missing": len(missing),
        "rate": format_rate(present, expected),
    }
    return _Att(summary, expected, present, missing, unexcused, excused)


def summarize_attendance(meeting: Mapping[str, Any], roll: Roll, statuses: Statuses | None = None) -> dict:
    """The audit's ``attendance`` object for one meeting (counts and ``rate`` string)."""
    if statuses is None:
        statuses = attendance_statuses(meeting)
    return _attendance(statuses, roll).summary


# ---------------------------------------------------------------------------
# Votes
# ---------------------------------------------------------------------------


def vote_threshold(kind: str, eligible: int) -> int:
    """The smallest ``for`` count that passes a vote of ``kind`` with ``eligible`` voters."""
    if kind in TWO_THIRDS_KINDS:
        return (2 * eligible + 2) // 3  # smallest f with 3f >= 2e
    return eligible // 2 + 1  # smallest f with 2f > e


def vote_passes(kind: str, votes_for: int, eligible: int) -> bool:
    if kind in TWO_THIRDS_KINDS:
        return votes_for * 3 >= eligible * 2
    return votes_for * 2 > eligible


def eligible_voters(roll: Roll, statuses: Statuses) -> tuple[set[str], set[str]]:
    """(eligible voters, eligible voters present) per rules.md §3."""
    eligible: set[str] = set()
    present: set[str] = set()
    exempt = roll.exempt
    away = roll.away
    for m in roll.official:
        if m in away:
            continue
        st = statuses.get(m)
        is_present = st is not None and st[0] in PRESENT_STATUSES
        if m in exempt and not is_present:
            continue
        eligible.add(m)
        if is_present:
            present.add(m)
    return eligible, present


def _votes(votes: Iterable[tuple], eligible: int, eligible_present: int) -> tuple[list, list, list]:
    """Votes given as ``(kind, method, for, against, abstain, invalid)`` (see MeetingFacts)."""
    results = []
    inconsistent = []
    method_invalid = []
    for index, (kind, method, votes_for, against, abstain, invalid) in enumerate(votes):
        total = votes_for + against + abstain + (invalid or 0)
        bad = total > eligible_present
        if bad:
            inconsistent.append(index)
        if kind in SECRET_BALLOT_KINDS and method != "secret_ballot":
            method_invalid.append(index)
        results.append(
            {
                "index": index,
                "kind": kind,
                "eligible": eligible,
                "eligible_present": eligible_present,
                "threshold": vote_threshold(kind, eligible),
                "passed": None if bad else vote_passes(kind, votes_for, eligible),
            }
        )
    return results, inconsistent, method_invalid


def evaluate_votes(meeting: Mapping[str, Any], roll: Roll, statuses: Statuses | None = None) -> list[dict]:
    """The audit's ``votes`` list (index, kind, eligible, eligible_present, threshold, passed)."""
    if statuses is None:
        statuses = attendance_statuses(meeting)
    eligible, present = eligible_voters(roll, statuses)
    return _votes([_vote_row(v) for v in meeting.get("votes") or ()], len(eligible), len(present))[0]


# ---------------------------------------------------------------------------
# Duration, notice, on time, minutes
# ---------------------------------------------------------------------------


def _duration(start: time | None, end: time | None) -> int | None:
    if start is None or end is None:
        return None
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return minutes if minutes >= 0 else None


def meeting_duration(meeting: Mapping[str, Any]) -> int | None:
    """Whole minutes from ``start`` to ``end``; ``None`` if either is missing (or end < start)."""
    return _duration(_as_time(meeting.get("start")), _as_time(meeting.get("end")))


def minimum_minutes(kind: str, profile: Mapping[str, Any]) -> int | None:
    """The minimum duration of a meeting of ``kind``; ``None`` for extraordinary meetings."""
    if kind == "regular":
        return profile["min_minutes_regular"]
    if kind == "thematic":
        return profile["min_minutes_thematic"]
    if kind == "combined":
        return profile["min_minutes_combined"]
    return None


def _notice_late(kind: str, day: date, sent: date | None, profile: Mapping[str, Any]) -> bool:
    if kind == "extraordinary":
        return False
    if sent is None:
        return True
    return sent.toordinal() > day.toordinal() - profile["notice_days_before"]


def is_notice_late(meeting: Mapping[str, Any], profile: Mapping[str, Any]) -> bool:
    """NOTICE_LATE: not extraordinary, and notice missing or later than date - notice_days_before."""
    if meeting["kind"] == "extraordinary":
        return False
    sent = _as_date(meeting.get("notice_sent_on"))
    return _notice_late(meeting["kind"], None if sent is None else _as_date(meeting["date"]), sent, profile)


def _on_time(kind: str, day: date, rescheduled: bool, profile: Mapping[str, Any]) -> bool:
    if kind not in REGULAR_KINDS:
        return True
    return day.day <= profile["regular_meeting_day"] or rescheduled


def is_on_time(meeting: Mapping[str, Any], profile: Mapping[str, Any]) -> bool:
    """The ``on_time`` criterion (rules.md §5 and §7.10)."""
    if meeting["kind"] not in REGULAR_KINDS:
        return True
    return _on_time(
        meeting["kind"], _as_date(meeting["date"]), not is_empty(meeting.get("rescheduled_reason")), profile
    )


def _missing_elements(f: MeetingFacts, any_attendance_missing: bool, any_reason_missing: bool) -> list[str]:
    missing = []
    if not f.has_chair:
        missing.append("chair")
    if not f.has_secretary:
        missing.append("secretary")
    if not f.has_place:
        missing.append("place")
    if f.start is None:
        missing.append("start")
    if f.end is None:
        missing.append("end")
    if any_attendance_missing:
        missing.append("attendance")
    if any_reason_missing:
        missing.append("absence_reasons")
    if not f.has_speeches:
        missing.append("speeches")
    if not f.has_conclusion:
        missing.append("conclusion")
    if f.kind in THEMATIC_KINDS and not f.has_topic:
        missing.append("topic")
    return missing


def minutes_missing_elements(
    meeting: Mapping[str, Any], any_attendance_missing: bool, any_reason_missing: bool
) -> list[str]:
    """Elements of MINUTES_INCOMPLETE, in the order of rules.md §2."""
    return _missing_elements(meeting_facts(meeting), any_attendance_missing, any_reason_missing)


# ---------------------------------------------------------------------------
# Repeated excused absence
# ---------------------------------------------------------------------------


class ExcusedRuns(NamedTuple):
    """Runs of consecutive ``absent_excused`` at a cell's regular/combined meetings in ``year``.

    ``runs``: ``{member: length}`` (members with no current run are absent).
    """

    year: int | None
    runs: dict[str, int]


def _advance(prior: ExcusedRuns | Mapping[str, int] | None, kind: str, day: date, roll: Roll, statuses: Statuses):
    if kind not in REGULAR_KINDS:
        return prior if isinstance(prior, ExcusedRuns) or prior is None else ExcusedRuns(day.year, dict(prior))
    if prior is None:
        runs: dict[str, int] = {}
    elif isinstance(prior, ExcusedRuns):
        runs = dict(prior.runs) if prior.year == day.year else {}
    else:  # a bare mapping is taken to be the state of the meeting's own year
        runs = dict(prior)
    get = statuses.get
    for m in roll.expected:
        st = get(m)
        if st is not None and st[0] == "absent_excused":
            runs[m] = runs.get(m, 0) + 1
        elif m in runs:
            del runs[m]
    return ExcusedRuns(day.year, runs)


def advance_excused_runs(
    prior: ExcusedRuns | Mapping[str, int] | None,
    meeting: Mapping[str, Any],
    roll: Roll,
    statuses: Statuses | None = None,
) -> ExcusedRuns | None:
    """The run state after ``meeting`` (which must come after the meetings folded into ``prior``).

    Only regular and combined meetings extend or break runs; at them an expected member's
    ``absent_excused`` extends the run, any other status (or none) breaks it, and members not
    expected keep their run.  A meeting in another calendar year than ``prior.year`` starts
    afresh.  A bare ``{member: length}`` mapping is read as the state of the meeting's year.
    """
    if statuses is None:
        statuses = attendance_statuses(meeting)
    return _advance(prior, meeting["kind"], _as_date(meeting["date"]), roll, statuses)


def fold_excused_runs(history: Iterable[tuple[Mapping[str, Any], Roll]]) -> ExcusedRuns | None:
    """Fold ``(meeting, roll)`` pairs of one cell, sorted by date then id, into the run state."""
    state: ExcusedRuns | None = None
    for meeting, roll in history:
        state = advance_excused_runs(state, meeting, roll)
    return state


# ---------------------------------------------------------------------------
# Score and framework
# ---------------------------------------------------------------------------


def _attendance_points(present: int, expected: int) -> int:
    if expected <= 0:
        return 0
    p100 = present * 100
    if p100 >= 90 * expected:
        return 15
    if p100 > 85 * expected:
        return 10
    if p100 >= 75 * expected:
        return 5
    return 0


def _duration_points(kind: str, duration: int | None, profile: Mapping[str, Any]) -> int:
    if duration is None:
        return 0
    minimum = minimum_minutes(kind, profile)
    if minimum is None or duration >= minimum:
        return 10
    if duration * 4 >= minimum * 3:
        return 5
    return 0


def _speaker_points(speakers: Iterable[str], roll: Roll, statuses: Statuses) -> int:
    away = roll.away
    on = roll.on_roll
    present = {m for m, st in statuses.items() if st[0] in PRESENT_STATUSES and m in on and m not in away}
    if not present:
        return 0
    spoke = present.intersection(speakers)
    n, p = len(spoke), len(present)
    if n * 2 > p:
        return 10
    if n * 10 >= p * 3:
        return 6
    if n > 0:
        return 3
    return 0


def _tasks_points(tasks: Iterable[tuple[Any, Any, Any]]) -> int:
    for assignee, due, _done in tasks:
        if assignee is not None and due is not None:
            return 5
    return 0


def _score(manual: Iterable[Any], auto: Mapping[str, int]) -> dict[str, Any]:
    """``manual``: the manual scores in ``MANUAL_CRITERIA`` order (``None`` = not scored)."""
    given = dict(zip(MANUAL_CRITERIA, manual, strict=True))
    criteria: dict[str, int] = {}
    provisional = False
    for cid in CRITERIA_IDS:
        if cid in given:
            value = given[cid]
            if value is None:
                provisional = True
                value = 0
            criteria[cid] = value
        else:
            criteria[cid] = auto[cid]
    total = sum(criteria.values())
    return {"total": total, "grade": grade_for(total, criteria), "provisional": provisional, "criteria": criteria}


def score_meeting(
    meeting: Mapping[str, Any],
    auto: Mapping[str, int],
) -> dict[str, Any]:
    """Combine the automatic criteria ``auto`` with the meeting's manual scores.

    Returns the audit's ``score`` object: ``total``, ``grade``, ``provisional``, ``criteria``.
    A manual score that is missing (``None``) counts 0 and makes the score provisional.
    """
    manual = meeting.get("manual_scores") or {}
    return _score([manual.get(c) for c in MANUAL_CRITERIA], auto)


def meets_framework(finding_codes: Iterable[str], on_time: bool) -> bool:
    """HD 12 framework: none of FRAMEWORK_FINDINGS and the meeting is on time."""
    return on_time and not any(code in FRAMEWORK_FINDINGS for code in finding_codes)


# ---------------------------------------------------------------------------
# One meeting
# ---------------------------------------------------------------------------


def _evaluate(
    f: MeetingFacts,
    roll: Roll,
    profile: Mapping[str, Any],
    prior: ExcusedRuns | Mapping[str, int] | None,
) -> tuple[dict[str, Any], ExcusedRuns | None, list[str]]:
    kind = f.kind
    day = f.date
    statuses = f.statuses
    att = _attendance(statuses, roll)
    runs_after = _advance(prior, kind, day, roll, statuses)

    findings: list[dict[str, Any]] = []
    append = findings.append
    for m in sorted(att.missing):
        append({"code": "ATTENDANCE_MISSING", "member": m})
    reason_missing = sorted(
        m for m, (status, reason) in statuses.items() if status == "absent_excused" and is_empty(reason)
    )
    for m in reason_missing:
        append({"code": "ABSENCE_REASON_MISSING", "member": m})
    unexcused = sorted(att.unexcused)
    for m in unexcused:
        append({"code": "UNEXCUSED_ABSENCE", "member": m})
    if kind in REGULAR_KINDS and att.excused:
        limit = profile["max_consecutive_excused"]
        runs = runs_after.runs
        for m in sorted(att.excused):
            if runs.get(m, 0) > limit:
                append({"code": "REPEATED_EXCUSED_ABSENCE", "member": m})
    expected, present = att.expected, att.present
    if expected == 0:
        append({"code": "EMPTY_ROLL"})  # rules.md §7.4: instead of LOW_ATTENDANCE
    elif not present * 100 > profile["min_attendance_rate"] * expected:
        append({"code": "LOW_ATTENDANCE"})
    duration = _duration(f.start, f.end)
    minimum = minimum_minutes(kind, profile)
    if duration is not None and minimum is not None and duration < minimum:
        append({"code": "SHORT_MEETING"})
    notice_late = _notice_late(kind, day, f.notice_sent_on, profile)
    if notice_late:
        append({"code": "NOTICE_LATE"})
    missing_elements = _missing_elements(f, bool(att.missing), bool(reason_missing))
    if missing_elements:
        append({"code": "MINUTES_INCOMPLETE", "missing": missing_elements})
    eligible, eligible_present = eligible_voters(roll, statuses)
    votes, inconsistent, method_invalid = _votes(f.votes, len(eligible), len(eligible_present))
    for i in inconsistent:
        append({"code": "VOTE_COUNTS_INCONSISTENT", "vote": i})
    for i in method_invalid:
        append({"code": "VOTE_METHOD_INVALID", "vote": i})

    on_time = _on_time(kind, day, f.rescheduled, profile)
    if kind == "extraordinary":
        notice_points = 5
    elif notice_late or (kind in THEMATIC_KINDS and not f.has_topic):
        notice_points = 0
    else:
        notice_points = 5
    auto = {
        "notice": notice_points,
        "attendance_rate": _attendance_points(present, expected),
        "no_unexcused": 0 if (att.unexcused or att.missing) else 5,
        "on_time": 5 if on_time else 0,
        "duration": _duration_points(kind, duration, profile),
        "speakers": _speaker_points(f.speakers, roll, statuses),
        "resolution": 5 if any(v["kind"] == "resolution" and v["passed"] is True for v in votes) else 0,
        "tasks": _tasks_points(f.tasks),
        "minutes": 0 if missing_elements else 10,
    }
    score = _score(f.manual, auto)
    result = {
        "id": f.id,
        "organization": f.organization,
        "kind": kind,
        "date": day.isoformat(),
        "attendance": att.summary,
        "duration_minutes": duration,
        "votes": votes,
        "findings": findings,
        "score": score,
        "meets_framework": meets_framework((x["code"] for x in findings), on_time),
    }
    return result, runs_after, unexcused


def evaluate_meeting(
    meeting: Mapping[str, Any] | MeetingFacts,
    roll: Roll,
    profile: Mapping[str, Any] | None = None,
    prior_runs: ExcusedRuns | Mapping[str, int] | None = None,
) -> dict[str, Any]:
    """Everything the rules say about one meeting, shaped as one entry of the audit's ``meetings``.

    ``meeting``: a normalized meeting (or its :class:`MeetingFacts`).
    ``roll``: the roll facts of the meeting's cell on its date (:class:`Roll`).
    ``profile``: the cell's effective profile (default profile if ``None``).
    ``prior_runs``: the repeated-excused-absence state built from the cell's earlier regular and
    combined meetings (:func:`fold_excused_runs`); ``None`` means no earlier meeting.
    """
    if profile is None:
        profile = DEFAULT_PROFILE
    if not isinstance(meeting, MeetingFacts):
        meeting = meeting_facts(meeting)
    return _evaluate(meeting, roll, profile, prior_runs)[0]


# ---------------------------------------------------------------------------
# Cell findings
# ---------------------------------------------------------------------------


def _task_overdue(due: date | None, done: date | None, as_of: date) -> bool:
    if due is None:
        return False
    if done is None:
        return due < as_of
    return done > due


def is_task_overdue(task: Mapping[str, Any], as_of: date) -> bool:
    """TASK_OVERDUE (rules.md §4, §7.11): due before as_of and not done, or done after due."""
    return _task_overdue(_as_date(task.get("due")), _as_date(task.get("done_on")), as_of)


def _month_last(year: int, month: int) -> date:
    if month == 12:
        return date(year, 12, 31)
    return date.fromordinal(date(year, month + 1, 1).toordinal() - 1)


def _spans(date_from: date, date_to: date) -> tuple[list, list, list]:
    """All months, quarters and half-years (key, first, last) touching [from, to]."""
    months, quarters, halves = [], [], []
    if date_from > date_to:
        return months, quarters, halves
    y, m = date_from.year, date_from.month
    while (y, m) <= (date_to.year, date_to.month):
        months.append((f"{y:04d}-{m:02d}", date(y, m, 1), _month_last(y, m)))
        if m in (1, 4, 7, 10):
            q = (m - 1) // 3 + 1
            quarters.append((f"{y:04d}-Q{q}", date(y, m, 1), _month_last(y, m + 2)))
        if m in (1, 7):
            h = 1 if m == 1 else 2
            halves.append((f"{y:04d}-H{h}", date(y, m, 1), _month_last(y, m + 5)))
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return months, quarters, halves


def cell_spans(
    date_from: date, date_to: date, as_of: date | None = None, established_on: date | None = None
) -> dict[str, list[tuple[str, date, date]]]:
    """The months, quarters and half-years of a cell that are audited (rules.md §7.1).

    A span is audited when it lies wholly inside [from, to], has ended on or before as_of,
    and starts on or after the cell's ``established_on``.  Returns
    ``{"months": [(key, first, last)], "quarters": [...], "half_years": [...]}``.
    """
    date_from, date_to = _as_date(date_from), _as_date(date_to)
    as_of = date_to if as_of is None else _as_date(as_of)
    established_on = _as_date(established_on)
    result = {}
    for name, spans in zip(("months", "quarters", "half_years"), _spans(date_from, date_to), strict=True):
        result[name] = [
            (key, first, last)
            for key, first, last in spans
            if first >= date_from
            and last <= date_to
            and last <= as_of
            and (established_on is None or first >= established_on)
        ]
    return result


# ---------------------------------------------------------------------------
# The audit
# ---------------------------------------------------------------------------


class AuditInput(NamedTuple):
    """What an audit reads, in a form that need not hold a whole bundle in memory.

    ``organizations``: normalized organisation dicts (``code``, ``kind``, ``parent``,
    ``established_on``); ``profiles``: the bundle's profile overrides; ``rolls``: a
    :class:`RollIndex` of the members; ``meetings``: :class:`MeetingFacts` **in order of date,
    then id** (any iterable, e.g. a generator that reads a database month by month; meetings
    outside [1 January of from's year, to] are skipped); ``visits``: ``(organization, date)``
    pairs.  :func:`bundle_input` makes one from a normalized bundle.
    """

    organizations: Iterable[Mapping[str, Any]]
    profiles: Mapping[str, Mapping[str, Any]]
    rolls: RollIndex
    meetings: Iterable[MeetingFacts]
    visits: Iterable[tuple[str, date]]


def bundle_input(bundle: Mapping[str, Any], date_from: date | str, date_to: date | str) -> AuditInput:
    """The :class:`AuditInput` of a normalized bundle for an audit of [date_from, date_to].

    Only the meetings the audit reads (from 1 January of from's year through ``to``: runs
    reset with each calendar year) are sorted and turned into facts, one at a time.
    """
    date_to = _as_date(date_to)
    first_year = _as_date(date_from).year
    wanted = []
    for meeting in bundle.get("meetings") or ():
        day = _as_date(meeting["date"])
        if day <= date_to and day.year >= first_year:
            wanted.append((day, meeting["id"], meeting))
    wanted.sort(key=lambda t: (t[0], t[1]))
    return AuditInput(
        bundle.get("organizations") or [],
        bundle.get("profiles") or {},
        RollIndex(bundle.get("members") or []),
        (meeting_facts(meeting) for _day, _id, meeting in wanted),
        ((v["organization"], _as_date(v["date"])) for v in bundle.get("visits") or ()),
    )


class PeriodNotes:
    """What the cell and member findings need of the meetings audited, noted one meeting at a
    time (:meth:`note`): the first regular meeting of each cell and month, the quarters with a
    thematic meeting, the months of unexcused absence per member and year, the overdue tasks.
    The audit notes each meeting as it evaluates it; the stored results (``chibo.results``)
    note the meetings they stored, so both ask :func:`period_findings` the same question."""

    __slots__ = ("first_regular", "thematic_quarters", "removal", "overdue")

    def __init__(self) -> None:
        self.first_regular: dict[tuple[str, int, int], tuple[date, bool]] = {}  # -> (day, rescheduled)
        self.thematic_quarters: set[tuple[str, int, int]] = set()
        self.removal: dict[tuple[str, int], list] = {}  # (member, year) -> [set of months, min threshold]
        self.overdue: list[tuple[bool, str, str, int]] = []

    def note(self, meeting_id: str, cell: str, kind: str, day: date, rescheduled: bool, removal_threshold: int,
             unexcused: Iterable[str], tasks: Iterable[tuple[Any, date | None, date | None]], as_of: date) -> None:
        """Note one audited meeting; meetings come in (date, id) order. ``unexcused``: the members
        absent without reason (its UNEXCUSED_ABSENCE findings); ``tasks``: (assignee, due, done)
        in the meeting's order; ``removal_threshold``: its cell's ``removal_unexcused_months``."""
        if kind in REGULAR_KINDS:
            key = (cell, day.year, day.month)
            if key not in self.first_regular:
                self.first_regular[key] = (day, rescheduled)
            removal = self.removal
            for m in unexcused:
                entry = removal.get((m, day.year))
                if entry is None:
                    removal[(m, day.year)] = [{day.month}, removal_threshold]
                else:
                    entry[0].add(day.month)
                    if removal_threshold < entry[1]:
                        entry[1] = removal_threshold
        if kind in THEMATIC_KINDS:
            self.thematic_quarters.add((cell, day.year, (day.month - 1) // 3 + 1))
        for index, (assignee, due, done) in enumerate(tasks):
            if _task_overdue(due, done, as_of):
                no_assignee = assignee is None
                self.overdue.append((no_assignee, "" if no_assignee else assignee, meeting_id, index))


def period_findings(
    notes: PeriodNotes,
    cells: Iterable[str],
    established: Mapping[str, date | None],
    resolve: Callable[[str], Mapping[str, Any]],
    visits: Iterable[tuple[str, date]],
    date_from: date,
    date_to: date,
    as_of: date,
) -> list[dict[str, Any]]:
    """The audit's ``findings`` (cells' months, quarters and half-years, members' removal review,
    overdue tasks) from the notes of the meetings audited in [date_from, date_to], the cells
    (sorted codes), their ``established_on``, their effective profiles and the visits."""
    counted: dict[tuple[str, int, int], int] = defaultdict(int)
    for org, day in visits:
        if date_from <= day <= date_to:
            counted[(org, day.year, 1 if day.month <= 6 else 2)] += 1

    months, quarters, halves = _spans(date_from, date_to)

    def audited_spans(spans, est):
        return [
            (key, first)
            for key, first, last in spans
            if first >= date_from and last <= date_to and last <= as_of and (est is None or first >= est)
        ]

    missing_regular, late_regular, missing_thematic, no_visit = [], [], [], []
    for cell in cells:
        est = established.get(cell)
        profile = resolve(cell)
        day_limit = profile["regular_meeting_day"]
        for key, first in audited_spans(months, est):
            found = notes.first_regular.get((cell, first.year, first.month))
            if found is None:
                missing_regular.append({"code": "MISSING_REGULAR_MEETING", "organization": cell, "period": key})
            elif found[0].day > day_limit and not found[1]:
                late_regular.append({"code": "LATE_REGULAR_MEETING", "organization": cell, "period": key})
        for key, first in audited_spans(quarters, est):
            if (cell, first.year, (first.month - 1) // 3 + 1) not in notes.thematic_quarters:
                missing_thematic.append({"code": "MISSING_THEMATIC_MEETING", "organization": cell, "period": key})
        minimum_visits = profile["min_superior_visits_per_half_year"]
        for key, first in audited_spans(halves, est):
            if counted.get((cell, first.year, 1 if first.month <= 6 else 2), 0) < minimum_visits:
                no_visit.append({"code": "NO_SUPERIOR_VISIT", "organization": cell, "period": key})

    removal_findings = [
        {"code": "REMOVAL_REVIEW", "member": member, "period": f"{year:04d}"}
        for (member, year), (month_set, limit) in sorted(notes.removal.items())
        if len(month_set) >= limit
    ]
    task_findings = [
        {"code": "TASK_OVERDUE", "meeting": mid, "task": index, "member": None if no_assignee else assignee}
        for no_assignee, assignee, mid, index in sorted(notes.overdue)
    ]
    return missing_regular + late_regular + missing_thematic + no_visit + removal_findings + task_findings


class AuditRun:
    """The audit as one pass over the meetings in (date, id) order.

    :meth:`entries` evaluates each meeting (or only advances its cell's excused-absence runs
    when it lies before ``from``) and notes the little the cell findings need
    (:class:`PeriodNotes`); :meth:`findings` then lists them (:func:`period_findings`).
    Nothing else of a meeting is kept, so the meeting entries can be written out as they come.
    """

    def __init__(self, source: AuditInput, date_from: date, date_to: date, as_of: date):
        self.date_from, self.date_to, self.as_of = date_from, date_to, as_of
        orgs = list(source.organizations)
        self.resolve = ProfileResolver({o["code"]: o.get("parent") for o in orgs}, source.profiles or {})
        self.established = {o["code"]: _as_date(o.get("established_on")) for o in orgs}
        self.cells = sorted(o["code"] for o in orgs if o.get("kind") in CELL_KINDS)
        self.source = source
        self.first_year = date_from.year
        self.runs: dict[str, ExcusedRuns | None] = {}
        self.notes = PeriodNotes()

    def entries(self) -> Iterator[dict[str, Any]]:
        """The audit's ``meetings`` entries, in order (consumes ``source.meetings``)."""
        for _facts, result, _threshold, _unexcused in self.evaluated():
            yield result

    def evaluated(self) -> Iterator[tuple[MeetingFacts, dict[str, Any], int, list[str]]]:
        """(facts, audit entry, the cell's removal threshold, the members absent without reason)
        of each meeting audited, in order, each noted in ``self.notes`` (consumes
        ``source.meetings``). The stored results (``chibo.results``) keep these."""
        last: tuple[date, str] | None = None
        date_from, date_to, first_year, as_of = self.date_from, self.date_to, self.first_year, self.as_of
        rolls, resolve, runs, note = self.source.rolls, self.resolve, self.runs, self.notes.note
        for f in self.source.meetings:
            day = f.date
            if day > date_to or day.year < first_year:
                continue
            key = (day, f.id)
            if last is not None and key < last:
                raise ValueError(f"meetings out of (date, id) order: {key} after {last}")
            last = key
            cell, kind = f.organization, f.kind
            if day < date_from:
                if kind in REGULAR_KINDS:
                    runs[cell] = _advance(runs.get(cell), kind, day, rolls.roll(cell, day), f.statuses)
                continue
            profile = resolve(cell)
            result, runs[cell], unexcused = _evaluate(f, rolls.roll(cell, day), profile, runs.get(cell))
            threshold = profile["removal_unexcused_months"]
            note(f.id, cell, kind, day, f.rescheduled, threshold, unexcused, f.tasks, as_of)
            yield f, result, threshold, unexcused

    def findings(self) -> list[dict[str, Any]]:
        """The cell findings (call after :meth:`entries` is exhausted; consumes ``source.visits``)."""
        return period_findings(self.notes, self.cells, self.established, self.resolve, self.source.visits,
                               self.date_from, self.date_to, self.as_of)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small acyclic objects come and go:
    cycle detection only costs time there (reference counting frees them all the same)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def audit_header(date_from: date, date_to: date, as_of: date) -> dict[str, Any]:
    """The audit's first keys (format, version, from, to, as_of)."""
    return {
        "format": "chibo-audit",
        "version": 1,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "as_of": as_of.isoformat(),
    }


def _dates(date_from, date_to, as_of) -> tuple[date, date, date]:
    date_from, date_to = _as_date(date_from), _as_date(date_to)
    return date_from, date_to, date_to if as_of is None else _as_date(as_of)


def audit(
    bundle: Mapping[str, Any] | AuditInput,
    date_from: date | str,
    date_to: date | str,
    as_of: date | str | None = None,
) -> dict[str, Any]:
    """Audit a normalized bundle (or an :class:`AuditInput`) over [date_from, date_to] as of
    ``as_of`` (default: date_to).

    Returns the audit object of bundle.md ("Audit output"), ready for :func:`dump_audit`.
    :func:`write_audit` writes the same text without holding the whole object.
    """
    date_from, date_to, as_of = _dates(date_from, date_to, as_of)
    with gc_paused():
        source = bundle if isinstance(bundle, AuditInput) else bundle_input(bundle, date_from, date_to)
        run = AuditRun(source, date_from, date_to, as_of)
        result = audit_header(date_from, date_to, as_of)
        result["meetings"] = list(run.entries())
        result["findings"] = run.findings()
        return result


class _Unsupported(Exception):
    pass


def _encode(o: Any, nl: str, out: list[str]) -> None:
    """Append the text of ``json.dumps(o, indent=2, ensure_ascii=False)`` at indentation ``nl``.

    Handles exactly the types an audit holds (dict with str keys, list, str, int, bool, None);
    anything else raises ``_Unsupported`` and :func:`dump_audit` falls back to ``json.dumps``.
    """
    t = type(o)
    if t is dict:
        if not o:
            out.append("{}")
            return
        inner = nl + "  "
        sep = "{" + inner
        for k, v in o.items():
            if type(k) is not str:
                raise _Unsupported
            vt = type(v)
            if vt is str:
                out.append(f"{sep}{_enc_str(k)}: {_enc_str(v)}")
            elif vt is int:
                out.append(f"{sep}{_enc_str(k)}: {int.__repr__(v)}")
            elif v is None:
                out.append(f"{sep}{_enc_str(k)}: null")
            elif v is True:
                out.append(f"{sep}{_enc_str(k)}: true")
            elif v is False:
                out.append(f"{sep}{_enc_str(k)}: false")
            else:
                out.append(f"{sep}{_enc_str(k)}: ")
                _encode(v, inner, out)
            sep = "," + inner
        out.append(nl + "}")
    elif t is list:
        if not o:
            out.append("[]")
            return
        inner = nl + "  "
        sep = "[" + inner
        for v in o:
            vt = type(v)
            if vt is str:
                out.append(sep + _enc_str(v))
            elif vt is int:
                out.append(sep + int.__repr__(v))
            else:
                out.append(sep)
                _encode(v, inner, out)
            sep = "," + inner
        out.append(nl + "]")
    elif t is str:
        out.append(_enc_str(o))
    elif t is int:
        out.append(int.__repr__(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    else:
        raise _Unsupported


def _encode_at(o: Any, nl: str, out: list[str]) -> None:
    """:func:`_encode`, falling back to ``json.dumps`` for a value it does not handle.

    The indented text of a nested value is its own ``json.dumps(indent=2)`` text with every
    line break followed by the indentation ``nl`` adds (JSON strings hold no raw line break).
    """
    parts: list[str] = []
    try:
        _encode(o, nl, parts)
    except (_Unsupported, RecursionError):
        parts = [json.dumps(o, indent=2, ensure_ascii=False).replace("\n", nl)]
    out.extend(parts)


def dump_audit(result: Mapping[str, Any]) -> str:
    """The audit as text, identical to ``json.dumps(result, indent=2, ensure_ascii=False) + "\\n"``.

    A specialised encoder produces the same text several times faster than the pure-Python
    indenting encoder of :mod:`json` (the audit of a province is hundreds of megabytes).
    """
    out: list[str] = []
    try:
        _encode(result, "\n", out)
    except (_Unsupported, RecursionError):
        return json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    out.append("\n")
    return "".join(out)


#: Meeting entries encoded between two writes of :func:`write_audit`.
WRITE_BATCH = 256


def write_audit(
    out: TextIO,
    source: Mapping[str, Any] | AuditInput,
    date_from: date | str,
    date_to: date | str,
    as_of: date | str | None = None,
) -> None:
    """Write the audit to the text file ``out`` as it is made: the same text as
    ``dump_audit(audit(source, date_from, date_to, as_of))``, byte for byte.

    Each meeting entry is encoded and written (in batches of :data:`WRITE_BATCH`) as soon as it
    is evaluated, so neither the entries nor the text of a province are ever held at once.
    """
    date_from, date_to, as_of = _dates(date_from, date_to, as_of)
    with gc_paused():
        source = source if isinstance(source, AuditInput) else bundle_input(source, date_from, date_to)
        run = AuditRun(source, date_from, date_to, as_of)
        parts: list[str] = []
        sep = "{\n  "
        for key, value in audit_header(date_from, date_to, as_of).items():
            parts.append(f"{sep}{_enc_str(key)}: ")
            _encode_at(value, "\n  ", parts)
            sep = ",\n  "
        parts.append(',\n  "meetings": ')
        sep = "[\n    "
        pending = 0
        for entry in run.entries():
            parts.append(sep)
            _encode_at(entry, "\n    ", parts)
            sep = ",\n    "
            pending += 1
            if pending == WRITE_BATCH:
                out.write("".join(parts))
                parts.clear()
                pending = 0
        parts.append("[]" if sep == "[\n    " else "\n  ]")
        parts.append(',\n  "findings": ')
        _encode_at(run.findings(), "\n  ", parts)
        parts.append("\n}\n")
        out.write("".join(parts))
