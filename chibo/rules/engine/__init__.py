"""The Chibo rule engine (rules.md, version 1; rules-v2.md, version 2): the one implementation
of the rules.

Version 2 (docs/spec/rules-v2.md, bundle-v2.md) is chosen by the bundle's ``version`` (the
:class:`AuditInput`'s ``version``): a version-1 bundle is audited exactly as before.  Version 2
judges each meeting by its rulebook (``hd42.rulebook_for``: ``hd12-2018`` gives the version-1
entry with ``rulebook`` and ``rubric`` added; ``hd42-2025`` the HD 42 findings of ``hd42.py`` and
the frame score of ``frame.py``), each month's ``LATE_REGULAR_MEETING`` by the rulebook of its
last day (``periods.py``), and the party-fee ledger by ``fees.py`` (its findings follow the cell
findings; the monthly totals are the audit's ``fees``).

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
* :func:`attendance_statuses`, :func:`summarize_attendance` -- counts and rate string;
  :func:`member_tally` -- each member's meetings expected, present, late, absent (year-end sheets).
* :func:`vote_threshold`, :func:`vote_passes`, :func:`eligible_voters`, :func:`evaluate_votes`.
* :func:`meeting_duration`, :func:`minimum_minutes`, :func:`is_notice_late`, :func:`is_on_time`,
  :func:`minutes_missing_elements`.
* :class:`ExcusedRuns`, :func:`advance_excused_runs`, :func:`fold_excused_runs` -- the state of
  the repeated-excused-absence rule: feed the cell's earlier regular/combined meetings of the
  year (sorted by date, then id) to ``fold_excused_runs`` and pass the result as ``prior_runs``.
* :func:`evaluate_meeting` -- everything about one meeting, exactly as one entry of the audit's
  ``meetings`` list (attendance, duration, votes, findings, score, meets_framework).
* :func:`score_meeting`, :func:`grade_for`, :func:`meets_framework`.
* Frame rubrics (rules-v2.md §5, ``frame.py``): :data:`HD42_FRAME`, :func:`rubric_errors`,
  :func:`score_frame` over :class:`FrameInputs` giving a :class:`FrameScore`.

Audit API
---------
* :func:`audit` (bundle, from, to, as_of) -> the audit dict of bundle.md; its text is
  ``chibo.interchange.auditjson.dump_audit``, and ``auditjson.write_audit`` writes the same
  text as the audit goes (see "Streaming" below).
* :func:`cell_spans` -- months / quarters / half-years audited for a cell.
* :func:`is_task_overdue`.

Streaming
---------
The audit of a province (170 000 meetings, 2.6 million attendance rows) must run in a bounded
amount of memory, so it is one pass over the meetings in the order of the output (date, then
id) that keeps only small per-cell state: the excused-absence runs of each cell, the first
regular meeting of each month, the quarters with a thematic meeting, unexcused months per
member and year (REMOVAL_REVIEW counts across every cell a member belonged to), overdue tasks.
Each meeting entry is complete when its meeting has been read, and ``auditjson.write_audit`` writes
it at once; the cell findings follow the meetings in the output, and are listed at the end.

The pass reads an :class:`AuditInput`: organisations, profiles, a :class:`RollIndex` and the
meetings as :class:`MeetingFacts` -- each meeting reduced to what the rules read (no texts,
shared member codes and status pairs).  :func:`bundle_input` makes one from a normalized
bundle; ``chibo.interchange.validate.parse_audit_input`` from a bundle file read piece by piece,
``chibo.interchange.db.audit_input`` from the database month by month.  :func:`audit` over a
bundle and ``auditjson.write_audit`` run the very same pass, so their results cannot differ.
"""


from chibo.rules.engine.attendance import (
    TALLY_KEYS,
    ExcusedRuns,
    Statuses,
    advance_excused_runs,
    attendance_statuses,
    fold_excused_runs,
    member_tally,
    summarize_attendance,
)
from chibo.rules.engine.audit import (
    AuditInput,
    AuditRun,
    audit,
    audit_dates,
    audit_header,
    bundle_input,
)
from chibo.rules.engine.common import (
    ATTENDANCE_STATUS_LABELS,
    ATTENDANCE_STATUSES,
    CELL_FINDING_CODES,
    CELL_KINDS,
    FINDING_LABELS,
    FRAMEWORK_FINDINGS,
    GENDERS,
    MEETING_FINDING_CODES,
    MEETING_KIND_LABELS,
    MEETING_KINDS,
    MINUTES_ELEMENTS,
    MISSING_ELEMENT_LABELS,
    ORG_KIND_LABELS,
    ORG_KINDS,
    PRESENT_STATUSES,
    REGULAR_KINDS,
    SECRET_BALLOT_KINDS,
    THEMATIC_KINDS,
    TWO_THIRDS_KINDS,
    VOTE_KIND_LABELS,
    VOTE_KINDS,
    VOTE_METHOD_LABELS,
    VOTE_METHODS,
    attendance_rate,
    format_rate,
    is_empty,
)
from chibo.rules.engine.facts import (
    NO_HD42,
    REASON_GIVEN,
    Hd42Facts,
    MeetingFacts,
    hd42_facts,
    meeting_facts,
)
from chibo.rules.engine.fees import (
    RELIEF_REMAINS,
    due_after_relief,
    ended_months,
    fee_audit,
    record_cell,
    relief_of,
    year_cell,
)
from chibo.rules.engine.frame import (
    BUILTIN_FRAME_RUBRICS,
    FRAME_RUBRIC_IDS,
    HD42_FRAME,
    HD42_FRAME_ID,
    MEASURE_LABELS,
    MEASURES,
    RESERVED_RUBRIC_IDS,
    FrameInputs,
    FrameScore,
    entered_groups,
    frame_grade,
    frame_rubric,
    frame_rubric_id,
    group_maxima,
    rubric_errors,
    rubric_problems,
    score_frame,
)
from chibo.rules.engine.hd42 import (
    HD42,
    SWITCH_DATE,
    committee_prep_missing,
    docs_not_posted,
    notice_missing,
    previous_task_counts,
    results_deadline,
    results_not_posted,
    rulebook_for,
)
from chibo.rules.engine.meeting import (
    evaluate_meeting,
    is_notice_late,
    is_on_time,
    meeting_duration,
    meets_framework,
    minimum_minutes,
    minutes_missing_elements,
    score_meeting,
)
from chibo.rules.engine.periods import (
    PeriodNotes,
    cell_spans,
    is_task_overdue,
    period_findings,
)
from chibo.rules.engine.roll import (
    Roll,
    RollIndex,
)
from chibo.rules.engine.votes import (
    eligible_voters,
    evaluate_votes,
    vote_passes,
    vote_threshold,
)
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

#: The engine's surface: every public name of its modules (and of the profile and rubric it uses).
__all__ = [
    "ExcusedRuns",
    "Statuses",
    "advance_excused_runs",
    "attendance_statuses",
    "fold_excused_runs",
    "summarize_attendance",
    "member_tally",
    "TALLY_KEYS",
    "AuditInput",
    "AuditRun",
    "audit",
    "audit_dates",
    "audit_header",
    "bundle_input",
    "ATTENDANCE_STATUS_LABELS",
    "ATTENDANCE_STATUSES",
    "CELL_FINDING_CODES",
    "CELL_KINDS",
    "FINDING_LABELS",
    "FRAMEWORK_FINDINGS",
    "GENDERS",
    "MEETING_FINDING_CODES",
    "MEETING_KIND_LABELS",
    "MEETING_KINDS",
    "MINUTES_ELEMENTS",
    "MISSING_ELEMENT_LABELS",
    "ORG_KIND_LABELS",
    "ORG_KINDS",
    "PRESENT_STATUSES",
    "REGULAR_KINDS",
    "SECRET_BALLOT_KINDS",
    "THEMATIC_KINDS",
    "TWO_THIRDS_KINDS",
    "VOTE_KIND_LABELS",
    "VOTE_KINDS",
    "VOTE_METHOD_LABELS",
    "VOTE_METHODS",
    "attendance_rate",
    "format_rate",
    "is_empty",
    "REASON_GIVEN",
    "MeetingFacts",
    "meeting_facts",
    "NO_HD42",
    "Hd42Facts",
    "hd42_facts",
    "RELIEF_REMAINS",
    "due_after_relief",
    "fee_audit",
    "record_cell",
    "ended_months",
    "year_cell",
    "relief_of",
    "HD42",
    "SWITCH_DATE",
    "committee_prep_missing",
    "docs_not_posted",
    "notice_missing",
    "previous_task_counts",
    "results_deadline",
    "results_not_posted",
    "rulebook_for",
    "BUILTIN_FRAME_RUBRICS",
    "FRAME_RUBRIC_IDS",
    "HD42_FRAME",
    "HD42_FRAME_ID",
    "MEASURE_LABELS",
    "MEASURES",
    "RESERVED_RUBRIC_IDS",
    "FrameInputs",
    "FrameScore",
    "entered_groups",
    "frame_grade",
    "frame_rubric",
    "frame_rubric_id",
    "group_maxima",
    "rubric_errors",
    "rubric_problems",
    "score_frame",
    "evaluate_meeting",
    "is_notice_late",
    "is_on_time",
    "meeting_duration",
    "meets_framework",
    "minimum_minutes",
    "minutes_missing_elements",
    "score_meeting",
    "PeriodNotes",
    "cell_spans",
    "is_task_overdue",
    "period_findings",
    "Roll",
    "RollIndex",
    "eligible_voters",
    "evaluate_votes",
    "vote_passes",
    "vote_threshold",
    "DEFAULT_PROFILE",
    "PROFILE_KEYS",
    "PROFILE_LABELS",
    "PROFILE_RANGES",
    "ProfileResolver",
    "effective_profile",
    "effective_profile_with_sources",
    "validate_profile_value",
    "validate_profile_values",
    "CRITERIA_GROUP_LABELS",
    "CRITERIA_IDS",
    "CRITERIA_LABELS",
    "CRITERIA_MAX",
    "GRADE_LABELS",
    "MANUAL_CRITERIA",
    "grade_for",
]
