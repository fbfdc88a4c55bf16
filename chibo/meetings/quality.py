"""A meeting's HD 42 quality score as the pages and documents show it (rules-v2.md §5): the cell's
frame rubric (chibo.rules.selectors.frame_rubric_for), the quality record, and the rule engine's
`score_frame` over the meeting's inputs. Nothing here scores: the engine's verdict on the meeting
(attendance, duration, findings: `selectors.meeting_verdict`) and the previous meeting's tasks
are read, and `engine.score_frame` gives the points, total, grade and reasons.

Queries: the rule profile (2), the named sheet (0 or 1), the quality record (1), the previous
regular or combined meetings and their tasks (2), whatever the sizes."""


from chibo import vocabulary
from chibo.meetings.models import Meeting, MeetingStatus, QualityRecord, Task
from chibo.rules import engine
from chibo.rules.selectors import frame_rubric_for
from chibo.rules.services import effective_profile_for

#: The meetings whose tasks the next one's `previous_tasks` group reads (rules-v2.md §5.1).
PREVIOUS_KINDS = ("regular", "combined")
RECORDED = (MeetingStatus.HELD, MeetingStatus.FINALIZED)
#: What to do about a group below its maximum (printed in the resolution under "remedies").
REMEDY_BY_MEASURE = {
    "duration": "Bố trí đủ thời lượng sinh hoạt theo quy định; bắt đầu, kết thúc đúng giờ.",
    "attendance": "Thông báo sớm, nhắc đảng viên dự họp đầy đủ; nắm lý do vắng và kiểm điểm người vắng không lý do.",
    "previous_tasks": "Đôn đốc hoàn thành các nhiệm vụ nghị quyết kỳ trước đã đến hạn; kiểm điểm việc chậm.",
    "entered": "Khắc phục những điểm còn hạn chế của nhóm tiêu chí này trong kỳ sinh hoạt tới.",
}


def _minimum(kind: str, profile: dict) -> int:
    if kind == "extraordinary":
        return 0
    return profile[f"min_minutes_{kind}"]


def previous_tasks_of(meetings: list[Meeting]) -> dict[int, tuple[int, int]]:
    """{meeting id: (counted, done)} for meetings of one cell: the tasks of each one's previous
    regular or combined meeting held (by date, then ident; rules-v2.md §5.1) due on or before its
    date, and those done by then. Two queries whatever the number of meetings (none for none)."""
    if not meetings:
        return {}
    cell_id = meetings[0].organization_id
    latest = max(m.date for m in meetings)
    earlier = list(Meeting.objects.filter(organization_id=cell_id, kind__in=PREVIOUS_KINDS, status__in=RECORDED,
                                          date__lte=latest).order_by("date", "ident").values_list("pk", "date", "ident"))
    previous = {}
    for m in meetings:
        before = [pk for pk, day, ident in earlier if (day, ident) < (m.date, m.ident)]
        previous[m.pk] = before[-1] if before else None
    tasks: dict[int, list[tuple]] = {}
    for meeting_id, assignee, due, done_on in Task.objects.filter(
            meeting_id__in={p for p in previous.values() if p}).values_list(
            "meeting_id", "assignee_id", "due", "done_on"):
        tasks.setdefault(meeting_id, []).append((assignee, due, done_on))
    # The counting (due by the date, done by the date) is the engine's.
    return {m.pk: engine.previous_task_counts(tasks.get(previous[m.pk]), m.date) for m in meetings}


def frame_inputs(meeting: Meeting, result: dict, profile: dict, record: QualityRecord | None,
                 previous: tuple[int, int] | None = None) -> engine.FrameInputs:
    """What the frame rubric reads of the meeting: the engine's audit entry for it (`result`:
    attendance, duration, findings), the previous tasks (`previous_tasks_of`, read when not
    given), the record's entered groups."""
    codes = {f["code"] for f in result["findings"]}
    attendance = result["attendance"]
    counted, done = previous if previous is not None else previous_tasks_of([meeting])[meeting.pk]
    return engine.FrameInputs(
        kind=meeting.kind, duration_minutes=result["duration_minutes"], minimum_minutes=_minimum(meeting.kind, profile),
        present=attendance["present"], expected=attendance["expected"],
        unexcused_or_missing=bool(codes & {"UNEXCUSED_ABSENCE", "ATTENDANCE_MISSING"}),
        repeated_excused="REPEATED_EXCUSED_ABSENCE" in codes, counted_tasks=counted, done_tasks=done,
        entered=None if record is None else record.groups)


def score_with(rubric_id: str, rubric: dict, inputs: engine.FrameInputs, record: QualityRecord | None) -> dict:
    """The score of `inputs` by `rubric` (the engine's), as the pages and documents show it."""
    score = engine.score_frame(rubric, inputs)
    rows = []
    for g in rubric["groups"]:
        gid, points = g["id"], score.groups[g["id"]]
        entered = g["measure"] == "entered"
        value = record.groups.get(gid) if (entered and record is not None) else None
        rows.append({
            "id": gid, "name": g.get("name") or gid, "max": g["max"], "measure": g["measure"],
            "measure_label": engine.MEASURE_LABELS[g["measure"]], "entered": entered, "points": points,
            "value": value, "scored": (not entered) or value is not None,
            "reason": score.reasons.get(gid, ""),
            "remedy": REMEDY_BY_MEASURE[g["measure"]] if points < g["max"] and ((not entered) or value is not None)
            else "",
        })
    status = record.status if record is not None else None
    official = record.official_grade if record is not None and record.official_grade else None
    return {
        "rubric_id": rubric_id, "rubric_name": rubric.get("name") or rubric_id, "rows": rows,
        "total": score.total, "grade": score.grade, "grade_label": vocabulary.GRADES.labels[score.grade],
        "provisional": score.provisional, "status": status,
        "status_label": vocabulary.QUALITY_STATUSES.labels[status] if status else "Chưa chấm",
        "official_grade": official, "official_grade_label": vocabulary.GRADES.labels[official] if official else "",
        "record": record, "scorer": record.scorer if record is not None else None,
        "version": record.version if record is not None else 0,
        "remedies": [r for r in rows if r["remedy"]],
    }


def quality_score(meeting: Meeting, verdict: dict, profile: dict | None = None) -> dict:
    """The meeting's score by its cell's frame rubric, with the quality record (see `score_with`)."""
    profile = effective_profile_for(meeting.organization) if profile is None else profile
    frame = frame_rubric_for(meeting.organization, profile)
    record = QualityRecord.objects.filter(meeting=meeting).select_related("scorer").first()
    return score_with(frame.id, frame.rubric, frame_inputs(meeting, verdict["result"], profile, record), record)


#: The rulebook whose meetings are scored by a frame rubric (rules-v2.md §0, §5): the engine's.
HD42 = engine.HD42


def judged_by_hd42(meeting: Meeting, profile: dict) -> bool:
    """Whether the rule engine judges the meeting by HD 42 (its rulebook: the profile's pin, or
    by the meeting's date; rules-v2.md §0)."""
    return engine.rulebook_for(profile, meeting.date) == HD42


def for_page(meeting: Meeting, verdict: dict) -> dict | None:
    """The meeting's frame score for its pages when the engine judges it by HD 42, else None (a
    meeting judged by HD 12 keeps the HD 12 score and its manual scores). No query for the
    latter: the profile is the verdict's (`selectors.meeting_verdict`)."""
    profile = verdict["profile"]
    return quality_score(meeting, verdict, profile) if judged_by_hd42(meeting, profile) else None
