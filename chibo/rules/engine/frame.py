"""Frame rubrics (rules-v2.md §5.1, §5.2; bundle-v2.md "rubrics"): the HD 42 quality score.

Pure Python, standard library only.  A frame rubric is data: an ordered list of groups (``id``,
``max``, ``measure`` and, for the automatic measures, ``tiers``), the ``bands`` and
``tot_requires_max``.  :data:`HD42_FRAME` is the built-in ``hd42-frame`` exactly as the JSON of
rules-v2.md §5.2.

* :func:`rubric_errors` -- every bad-input rule of bundle-v2.md for one rubric, as
  ``(relative_path, reason_vi)`` (``groups[2].max``; ``""`` for the rubric itself).
* :func:`score_frame` -- a meeting's points per group, total, grade and provisional flag from
  :class:`FrameInputs` (what the meeting's record and findings say), with a short Vietnamese
  reason for every computed group.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from chibo import vocabulary

HD42_FRAME_ID = "hd42-frame"

#: The built-in rubric ``hd42-frame`` (rules-v2.md §5.2), exactly its JSON.
HD42_FRAME: dict[str, Any] = {
    "name": "Khung tiêu chí đánh giá chất lượng sinh hoạt chi bộ (HD 42-HD/BTCTW)",
    "source": "HD 42-HD/BTCTW 28/10/2025, Mục II (khung tiêu chí); tiers: Đảng ủy phường An Phú, "
    "KH 08-KH/ĐU 19/9/2025",
    "groups": [
        {"id": "time", "name": "Chấp hành thời gian, thời lượng sinh hoạt", "max": 5, "measure": "duration",
         "tiers": [{"short_by_at_most": 0, "points": 5}, {"short_by_at_most": 15, "points": 4},
                   {"short_by_at_most": 30, "points": 3}, {"min_percent": 50, "points": 2}, {"points": 1}]},
        {"id": "attendance", "name": "Tỷ lệ đảng viên dự sinh hoạt", "max": 5, "measure": "attendance",
         "tiers": [{"min_percent": 90, "points": 4}, {"min_percent": 75, "points": 3},
                   {"min_percent": 65, "points": 2}, {"points": 1}],
         "unexcused_points": 1, "no_repeated_bonus": 1},
        {"id": "preparation", "name": "Công tác chuẩn bị", "max": 10, "measure": "entered"},
        {"id": "organisation", "name": "Tổ chức sinh hoạt, điều hành của bí thư", "max": 40, "measure": "entered"},
        {"id": "principles", "name": "Thực hiện nguyên tắc tổ chức, sinh hoạt đảng", "max": 5, "measure": "entered"},
        {"id": "results", "name": "Kết quả lãnh đạo thực hiện nghị quyết, kết luận kỳ trước", "max": 30,
         "measure": "previous_tasks",
         "tiers": [{"min_percent": 90, "points": 30}, {"min_percent": 80, "points": 27},
                   {"min_percent": 70, "points": 24}, {"min_percent": 60, "points": 20},
                   {"min_percent": 50, "points": 15}, {"points": 10}],
         "none_points": 30},
        {"id": "closing", "name": "Kết thúc sinh hoạt", "max": 5, "measure": "entered"},
    ],
    "bands": {"tot": 90, "kha": 70, "trung_binh": 50},
    "tot_requires_max": [],
}

#: Built-in frame rubrics by id.  ``hd12-default`` is not a frame rubric.
BUILTIN_FRAME_RUBRICS: dict[str, dict[str, Any]] = {HD42_FRAME_ID: HD42_FRAME}
FRAME_RUBRIC_IDS: tuple[str, ...] = tuple(BUILTIN_FRAME_RUBRICS)
#: Ids a bundle's ``rubrics`` may not define (rules-v2.md §5.2).
RESERVED_RUBRIC_IDS: frozenset[str] = frozenset({"hd12-default", HD42_FRAME_ID})

MEASURES: tuple[str, ...] = ("entered", "duration", "attendance", "previous_tasks")
AUTO_MEASURES = frozenset({"duration", "attendance", "previous_tasks"})
BAND_KEYS: tuple[str, ...] = ("tot", "kha", "trung_binh")
RUBRIC_KEYS: tuple[str, ...] = ("name", "source", "groups", "bands", "tot_requires_max")
GROUP_KEYS: tuple[str, ...] = (
    "id", "name", "max", "measure", "tiers", "unexcused_points", "no_repeated_bonus", "none_points",
)
TIER_KEYS: tuple[str, ...] = ("points", "short_by_at_most", "min_percent")
#: The optional integer keys only one measure takes.
MEASURE_OF_EXTRA: dict[str, str] = {
    "unexcused_points": "attendance",
    "no_repeated_bonus": "attendance",
    "none_points": "previous_tasks",
}
#: The tier condition each auto measure takes.
TIER_CONDITIONS: dict[str, frozenset[str]] = {
    "duration": frozenset({"short_by_at_most", "min_percent"}),
    "attendance": frozenset({"min_percent"}),
    "previous_tasks": frozenset({"min_percent"}),
}
MEASURE_LABELS: dict[str, str] = {
    "entered": "chấm tay",
    "duration": "thời lượng",
    "attendance": "tỷ lệ dự họp",
    "previous_tasks": "nhiệm vụ kỳ trước",
}

GRADE_LABELS: dict[str, str] = vocabulary.GRADES.labels


def frame_rubric_id(profile_rubric: object, rubrics: Mapping[str, object] | None = None) -> str:
    """The cell's frame rubric (rules-v2.md §5): the profile's ``rubric`` when it names a frame
    rubric (built in, or a key of the bundle's ``rubrics``), ``hd42-frame`` otherwise."""
    if isinstance(profile_rubric, str):
        if profile_rubric in BUILTIN_FRAME_RUBRICS or (rubrics is not None and profile_rubric in rubrics):
            return profile_rubric
    return HD42_FRAME_ID


def frame_rubric(rubric_id: str, rubrics: Mapping[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The rubric named ``rubric_id`` (built in first, then the bundle's)."""
    builtin = BUILTIN_FRAME_RUBRICS.get(rubric_id)
    if builtin is not None:
        return builtin
    if rubrics is not None and rubric_id in rubrics:
        return rubrics[rubric_id]
    raise KeyError(rubric_id)


def entered_groups(rubric: Mapping[str, Any]) -> dict[str, int]:
    """``{id: max}`` of the groups scored by the evaluators (measure ``entered``), in order."""
    return {g["id"]: g["max"] for g in rubric["groups"] if g["measure"] == "entered"}


def group_maxima(rubric: Mapping[str, Any]) -> dict[str, int]:
    """``{id: max}`` of every group, in the rubric's order."""
    return {g["id"]: g["max"] for g in rubric["groups"]}


# --- validation -------------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    return type(value) is int


def _int_in(value: object, lo: int, hi: int | None) -> bool:
    return type(value) is int and value >= lo and (hi is None or value <= hi)


def _range_text(lo: int, hi: int | None) -> str:
    if hi is None:
        return f"phải là số nguyên không nhỏ hơn {lo}"
    return f"phải là số nguyên từ {lo} đến {hi}"


def _is_text(value: object) -> bool:
    return value is None or type(value) is str


def rubric_problems(rubric: object) -> list[tuple[tuple, str]]:
    """Every bad-input rule of bundle-v2.md for one frame rubric: ``[(path_parts, reason_vi)]``
    with paths relative to the rubric (``("groups", 2, "max")``), in the rubric's order."""
    out: list[tuple[tuple, str]] = []
    if type(rubric) is not dict:
        return [((), "bộ tiêu chí phải là một đối tượng JSON")]
    for key in rubric:
        if key not in RUBRIC_KEYS:
            out.append(((key,), f"khóa '{key}' không được phép trong bộ tiêu chí (khóa hợp lệ: "
                                 f"{', '.join(RUBRIC_KEYS)})"))
    for key in ("name", "source"):
        if key in rubric and not _is_text(rubric[key]):
            out.append(((key,), "phải là một chuỗi"))
    groups = rubric.get("groups")
    ids: list[str] = []
    if "groups" not in rubric:
        out.append((("groups",), "thiếu trường bắt buộc 'groups' của bộ tiêu chí"))
    elif type(groups) is not list:
        out.append((("groups",), "phải là một danh sách nhóm tiêu chí"))
    elif not groups:
        out.append((("groups",), "bộ tiêu chí phải có ít nhất một nhóm tiêu chí"))
    else:
        maxima: list[int | None] = []
        for i, group in enumerate(groups):
            gid, top = _group_problems(group, ("groups", i), ids, out)
            if gid is not None:
                ids.append(gid)
            maxima.append(top)
        if all(m is not None for m in maxima):
            total = sum(m for m in maxima if m is not None)
            if total != 100:
                out.append((("groups",), f"tổng điểm tối đa của các nhóm phải bằng 100 (đang là {total})"))
    if "bands" not in rubric:
        out.append((("bands",), "thiếu trường bắt buộc 'bands' của bộ tiêu chí"))
    else:
        _bands_problems(rubric["bands"], out)
    if "tot_requires_max" in rubric and rubric["tot_requires_max"] is not None:
        names = rubric["tot_requires_max"]
        if type(names) is not list:
            out.append((("tot_requires_max",), "phải là một danh sách mã nhóm tiêu chí"))
        else:
            seen: set[str] = set()
            for j, name in enumerate(names):
                path = ("tot_requires_max", j)
                if type(name) is not str or name not in ids:
                    out.append((path, f"'{name}' không phải mã một nhóm tiêu chí của bộ tiêu chí này"))
                elif name in seen:
                    out.append((path, f"nhóm '{name}' được nêu hai lần"))
                else:
                    seen.add(name)
    return out


def _group_problems(group: object, path: tuple, ids: list[str], out: list) -> tuple[str | None, int | None]:
    """Check one group; returns (its id if valid and new, its max if valid)."""
    if type(group) is not dict:
        out.append((path, "nhóm tiêu chí phải là một đối tượng JSON"))
        return None, None
    for key in group:
        if key not in GROUP_KEYS:
            out.append((path + (key,), f"khóa '{key}' không được phép trong nhóm tiêu chí (khóa hợp lệ: "
                                       f"{', '.join(GROUP_KEYS)})"))
    gid = group.get("id")
    new_id: str | None = None
    if "id" not in group:
        out.append((path + ("id",), "thiếu trường bắt buộc 'id' của nhóm tiêu chí"))
    elif type(gid) is not str or not gid.strip():
        out.append((path + ("id",), "mã nhóm tiêu chí phải là một chuỗi không trống"))
    elif gid in ids:
        out.append((path + ("id",), f"mã nhóm '{gid}' bị trùng trong bộ tiêu chí"))
    else:
        new_id = gid
    if "name" in group and not _is_text(group["name"]):
        out.append((path + ("name",), "phải là một chuỗi"))
    top = group.get("max")
    if "max" not in group:
        out.append((path + ("max",), "thiếu trường bắt buộc 'max' của nhóm tiêu chí"))
        top = None
    elif not _int_in(top, 1, None):
        out.append((path + ("max",), "điểm tối đa phải là số nguyên không nhỏ hơn 1"))
        top = None
    measure = group.get("measure")
    if "measure" not in group:
        out.append((path + ("measure",), "thiếu trường bắt buộc 'measure' của nhóm tiêu chí"))
        measure = None
    elif type(measure) is not str or measure not in MEASURES:
        out.append((path + ("measure",), f"cách tính phải là một trong: {', '.join(MEASURES)}"))
        measure = None
    bonus = 0
    for key, owner in MEASURE_OF_EXTRA.items():
        if key not in group:
            continue
        value = group[key]
        if measure is not None and measure != owner:
            out.append((path + (key,), f"'{key}' chỉ dùng cho nhóm tính theo '{owner}'"))
        elif not _int_in(value, 0, top):
            out.append((path + (key,), _range_text(0, top)))
        elif key == "no_repeated_bonus":
            bonus = value
    if measure is not None:
        if measure == "entered":
            if "tiers" in group:
                out.append((path + ("tiers",), "nhóm chấm tay không có các mức điểm ('tiers')"))
        elif "tiers" not in group:
            out.append((path + ("tiers",), "thiếu trường bắt buộc 'tiers' của nhóm tính tự động"))
        else:
            tiers = group["tiers"]
            if type(tiers) is not list or not tiers:
                out.append((path + ("tiers",), "các mức điểm phải là một danh sách không rỗng"))
            else:
                for k, tier in enumerate(tiers):
                    _tier_problems(tier, path + ("tiers", k), measure, top, bonus, out)
    return new_id, top


def _tier_problems(tier: object, path: tuple, measure: str, top: int | None, bonus: int, out: list) -> None:
    if type(tier) is not dict:
        out.append((path, "mức điểm phải là một đối tượng JSON"))
        return
    for key in tier:
        if key not in TIER_KEYS:
            out.append((path + (key,), f"khóa '{key}' không được phép trong mức điểm (khóa hợp lệ: "
                                       f"{', '.join(TIER_KEYS)})"))
    if "points" not in tier:
        out.append((path + ("points",), "thiếu trường bắt buộc 'points' của mức điểm"))
    else:
        points = tier["points"]
        if not _int_in(points, 0, None):
            out.append((path + ("points",), "điểm phải là số nguyên không nhỏ hơn 0"))
        elif top is not None and points > top:
            out.append((path + ("points",), f"điểm của mức ({points}) vượt điểm tối đa của nhóm ({top})"))
        elif top is not None and measure == "attendance" and points + bonus > top:
            out.append((path + ("points",), f"điểm của mức ({points}) cộng điểm thưởng ({bonus}) vượt điểm "
                                            f"tối đa của nhóm ({top})"))
    conditions = [k for k in ("short_by_at_most", "min_percent") if k in tier]
    if len(conditions) == 2:
        out.append((path, "mức điểm chỉ được có một điều kiện ('short_by_at_most' hoặc 'min_percent')"))
        return
    for key in conditions:
        value = tier[key]
        if key not in TIER_CONDITIONS[measure]:
            out.append((path + (key,), f"nhóm tính theo '{measure}' không dùng điều kiện '{key}'"))
        elif key == "short_by_at_most" and not _int_in(value, 0, None):
            out.append((path + (key,), _range_text(0, None)))
        elif key == "min_percent" and not _int_in(value, 0, 100):
            out.append((path + (key,), _range_text(0, 100)))


def _bands_problems(bands: object, out: list) -> None:
    if type(bands) is not dict:
        out.append((("bands",), "ngưỡng xếp loại phải là một đối tượng JSON"))
        return
    ok = True
    for key in bands:
        if key not in BAND_KEYS:
            out.append((("bands", key), f"khóa '{key}' không được phép trong ngưỡng xếp loại (khóa hợp lệ: "
                                        f"{', '.join(BAND_KEYS)})"))
    for key in BAND_KEYS:
        if key not in bands:
            out.append((("bands", key), f"thiếu ngưỡng xếp loại '{key}'"))
            ok = False
        elif not _int_in(bands[key], 0, None):
            out.append((("bands", key), _range_text(0, None)))
            ok = False
    if ok and not bands["tot"] >= bands["kha"] >= bands["trung_binh"]:
        out.append((("bands",), "ngưỡng xếp loại phải thỏa Tốt ≥ Khá ≥ Trung bình"))


def format_relative_path(parts: tuple) -> str:
    """``("groups", 2, "max")`` -> ``groups[2].max``."""
    text = ""
    for part in parts:
        if type(part) is int:
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def rubric_errors(rubric: object) -> list[tuple[str, str]]:
    """Every bad-input rule of bundle-v2.md for one frame rubric: ``[(relative_path, reason_vi)]``
    (``groups[2].max``; ``""`` for the rubric as a whole).  Empty when the rubric is valid."""
    return [(format_relative_path(p), reason) for p, reason in rubric_problems(rubric)]


# --- scoring ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FrameInputs:
    """What a frame rubric reads of one meeting (rules-v2.md §5.1).

    ``duration_minutes`` is ``None`` when start or end is missing; ``minimum_minutes`` is the
    profile's minimum for the kind (ignored, read as 0, for an extraordinary meeting);
    ``present``/``expected`` as in rules.md §1; ``unexcused_or_missing``: the meeting has an
    ``UNEXCUSED_ABSENCE`` or ``ATTENDANCE_MISSING`` finding; ``repeated_excused``: it has a
    ``REPEATED_EXCUSED_ABSENCE`` finding; ``counted_tasks``/``done_tasks``: the previous
    meeting's tasks due by this meeting's date, and those done by then; ``entered``: the quality
    record's ``groups`` (``None`` when the meeting has no quality record).
    """

    kind: str
    duration_minutes: int | None
    minimum_minutes: int
    present: int
    expected: int
    unexcused_or_missing: bool
    repeated_excused: bool
    counted_tasks: int
    done_tasks: int
    entered: Mapping[str, int | None] | None


@dataclass(frozen=True, slots=True)
class FrameScore:
    total: int
    grade: str
    provisional: bool
    #: each group's points, keyed by id, in the rubric's order
    groups: dict[str, int]
    #: a short Vietnamese sentence for each computed (not entered) group
    reasons: dict[str, str]


def _first_tier(tiers: list[dict[str, Any]], holds) -> int:
    for tier in tiers:
        if holds(tier):
            return tier["points"]
    return 0


def _duration_points(group: Mapping[str, Any], inputs: FrameInputs) -> tuple[int, str]:
    top = group["max"]
    duration = inputs.duration_minutes
    if duration is None:
        return 0, f"Không rõ thời lượng (thiếu giờ bắt đầu hoặc kết thúc): 0/{top} điểm"
    minimum = 0 if inputs.kind == "extraordinary" else inputs.minimum_minutes
    short = minimum - duration

    def holds(tier: Mapping[str, Any]) -> bool:
        if "short_by_at_most" in tier:
            return short <= tier["short_by_at_most"]
        if "min_percent" in tier:
            return duration * 100 >= tier["min_percent"] * minimum
        return True

    points = _first_tier(group["tiers"], holds)
    if short > 0:
        return points, f"Thiếu {short} phút so với tối thiểu {minimum} phút: {points}/{top} điểm"
    if minimum == 0:
        return points, f"Sinh hoạt {duration} phút, không có thời lượng tối thiểu: {points}/{top} điểm"
    return points, f"Sinh hoạt {duration} phút, đủ tối thiểu {minimum} phút: {points}/{top} điểm"


def _attendance_points(group: Mapping[str, Any], inputs: FrameInputs) -> tuple[int, str]:
    top = group["max"]
    present, expected = inputs.present, inputs.expected
    if expected <= 0:
        return 0, f"Không có đảng viên phải dự sinh hoạt: 0/{top} điểm"
    points = _first_tier(
        group["tiers"],
        lambda tier: "min_percent" not in tier or present * 100 >= tier["min_percent"] * expected,
    )
    text = f"Dự họp {present}/{expected} đảng viên"
    cap = group.get("unexcused_points")
    if inputs.unexcused_or_missing and cap is not None and cap < points:
        points = cap
        text += f"; có đảng viên vắng không lý do hoặc chưa điểm danh: tối đa {cap} điểm"
    bonus = group.get("no_repeated_bonus", 0)
    if bonus and not inputs.repeated_excused:
        points += bonus
        text += f"; không có đảng viên vắng có lý do nhiều lần liên tiếp: cộng {bonus} điểm"
    return points, f"{text}: {points}/{top} điểm"


def _previous_tasks_points(group: Mapping[str, Any], inputs: FrameInputs) -> tuple[int, str]:
    top = group["max"]
    counted, done = inputs.counted_tasks, inputs.done_tasks
    if counted <= 0:
        points = group.get("none_points", top)
        return points, f"Không có nhiệm vụ kỳ trước đến hạn: {points}/{top} điểm"
    points = _first_tier(
        group["tiers"],
        lambda tier: "min_percent" not in tier or done * 100 >= tier["min_percent"] * counted,
    )
    return points, f"Hoàn thành {done}/{counted} nhiệm vụ kỳ trước đến hạn: {points}/{top} điểm"


_MEASURE_POINTS = {
    "duration": _duration_points,
    "attendance": _attendance_points,
    "previous_tasks": _previous_tasks_points,
}


def frame_grade(rubric: Mapping[str, Any], total: int, groups: Mapping[str, int]) -> str:
    """The grade of a total (rules-v2.md §5.1): ``tot``, ``kha``, ``trung_binh`` or ``kem``."""
    bands = rubric["bands"]
    if total >= bands["tot"]:
        tops = {g["id"]: g["max"] for g in rubric["groups"]}
        if all(groups.get(gid) == tops[gid] for gid in rubric.get("tot_requires_max") or ()):
            return "tot"
    if total >= bands["kha"]:
        return "kha"
    if total >= bands["trung_binh"]:
        return "trung_binh"
    return "kem"


def score_frame(rubric: Mapping[str, Any], inputs: FrameInputs) -> FrameScore:
    """A meeting's score by a (valid) frame rubric (rules-v2.md §5.1)."""
    points: dict[str, int] = {}
    reasons: dict[str, str] = {}
    provisional = False
    entered = inputs.entered
    for group in rubric["groups"]:
        gid = group["id"]
        measure = group["measure"]
        if measure == "entered":
            value = None if entered is None else entered.get(gid)
            if value is None:
                provisional = True
                value = 0
            points[gid] = value
        else:
            points[gid], reasons[gid] = _MEASURE_POINTS[measure](group, inputs)
    total = sum(points.values())
    return FrameScore(
        total=total,
        grade=frame_grade(rubric, total, points),
        provisional=provisional,
        groups=points,
        reasons=reasons,
    )
