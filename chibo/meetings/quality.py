"""A meeting's HD 42 quality score as the pages and documents show it (rules-v2.md §5): the cell's
frame rubric (chibo.rules.selectors.frame_rubric_for), the quality record, and the rule engine's
`score_frame` over the meeting's inputs. Nothing here scores: the engine's verdict on the meeting
(attendance, duration, findings: `selectors.meeting_verdict`) and the previous meeting's tasks
are read, and `engine.score_frame` gives the points, total, grade and reasons.

Queries: the rule profile (2), the named sheet (0 or 1), the quality record (1), the previous
regular or combined meeting's counted tasks (1), whatever the sizes."""

from django.db.models import Count, Q

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


def previous_tasks(meeting: Meeting) -> tuple[int, int]:
    """(counted, done): the tasks of the cell's previous regular or combined meeting held (by date,
    then ident) due on or before this meeting's date, and those done by then. One query."""
    earlier = (Meeting.objects.filter(organization_id=meeting.organization_id, kind__in=PREVIOUS_KINDS,
                                      status__in=RECORDED)
               .filter(Q(date__lt=meeting.date) | Q(date=meeting.date, ident__lt=meeting.ident))
               .order_by("-date", "-ident").values("pk")[:1])
    row = Task.objects.filter(meeting__in=earlier, due__isnull=False, due__lte=meeting.date).aggregate(
        counted=Count("pk"), done=Count("pk", filter=Q(done_on__isnull=False, done_on__lte=meeting.date)))
    return row["counted"], row["done"]


def frame_inputs(meeting: Meeting, verdict: dict, profile: dict, record: QualityRecord | None) -> engine.FrameInputs:
    """What the frame rubric reads of the meeting: the engine's verdict (`selectors.meeting_verdict`)
    for attendance, duration and findings, the previous tasks, the record's entered groups."""
    codes = {f["code"] for f in verdict["result"]["findings"]}
    attendance = verdict["attendance"]
    counted, done = previous_tasks(meeting)
    return engine.FrameInputs(
        kind=meeting.kind, duration_minutes=verdict["duration"], minimum_minutes=_minimum(meeting.kind, profile),
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
    return score_with(frame.id, frame.rubric, frame_inputs(meeting, verdict, profile, record), record)


#: The rulebook whose meetings are scored by a frame rubric (rules-v2.md §0, §5).
HD42 = "hd42-2025"


def judged_by_hd42(verdict: dict) -> bool:
    """Whether the rule engine judged the meeting by HD 42: the rulebook its verdict names."""
    return verdict["result"].get("rulebook") == HD42


def for_page(meeting: Meeting, verdict: dict) -> dict | None:
    """The meeting's frame score for its pages when the engine judged it by HD 42, else None (a
    meeting judged by HD 12 keeps the HD 12 score and its manual scores)."""
    return quality_score(meeting, verdict) if judged_by_hd42(verdict) else None
