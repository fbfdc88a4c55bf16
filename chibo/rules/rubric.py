"""The meeting quality rubric ``hd12-default`` (rules.md §5): criteria, maxima, grades, labels.

Pure Python: no Django import.
"""

from __future__ import annotations

from collections.abc import Mapping

from chibo import vocabulary

RUBRIC_ID = "hd12-default"
RUBRIC_NAME = "Tiêu chí chấm điểm theo Hướng dẫn 12-HD/BTCTW (100 điểm)"

#: (id, group, max, "auto" | "manual"), in the order of rules.md §5 (and of the audit output).
CRITERIA: tuple[tuple[str, str, int, str], ...] = (
    ("notice", "preparation", 5, "auto"),
    ("preparation", "preparation", 10, "manual"),
    ("attendance_rate", "attendance", 15, "auto"),
    ("no_unexcused", "attendance", 5, "auto"),
    ("on_time", "organisation", 5, "auto"),
    ("duration", "organisation", 10, "auto"),
    ("speakers", "organisation", 10, "auto"),
    ("conduct", "organisation", 10, "manual"),
    ("principles", "organisation", 10, "manual"),
    ("resolution", "closing", 5, "auto"),
    ("tasks", "closing", 5, "auto"),
    ("minutes", "closing", 10, "auto"),
)

CRITERIA_IDS: tuple[str, ...] = tuple(c[0] for c in CRITERIA)
CRITERIA_MAX: dict[str, int] = {c[0]: c[2] for c in CRITERIA}
CRITERIA_GROUP: dict[str, str] = {c[0]: c[1] for c in CRITERIA}
MANUAL_CRITERIA: tuple[str, ...] = tuple(c[0] for c in CRITERIA if c[3] == "manual")
MANUAL_MAX: dict[str, int] = {c: CRITERIA_MAX[c] for c in MANUAL_CRITERIA}

#: Criteria that must be at their maximum for the grade ``tot``.
TOT_REQUIRES_MAX: tuple[str, ...] = ("attendance_rate", "duration", "speakers", "minutes")

GRADES: tuple[str, ...] = vocabulary.GRADES.codes

GRADE_LABELS: dict[str, str] = vocabulary.GRADES.labels

CRITERIA_LABELS: dict[str, str] = {
    "notice": "Thông báo triệu tập đúng hạn",
    "preparation": "Chuẩn bị nội dung, dự thảo nghị quyết",
    "attendance_rate": "Tỷ lệ đảng viên dự họp",
    "no_unexcused": "Không có đảng viên vắng không lý do",
    "on_time": "Sinh hoạt đúng thời gian quy định",
    "duration": "Thời lượng sinh hoạt",
    "speakers": "Tỷ lệ đảng viên phát biểu",
    "conduct": "Trình tự sinh hoạt, điều hành",
    "principles": "Nguyên tắc tập trung dân chủ, tự phê bình và phê bình",
    "resolution": "Ban hành nghị quyết",
    "tasks": "Phân công nhiệm vụ cụ thể",
    "minutes": "Biên bản đầy đủ",
}

CRITERIA_GROUP_LABELS: dict[str, str] = {
    "preparation": "Chuẩn bị",
    "attendance": "Dự họp",
    "organisation": "Tổ chức sinh hoạt",
    "closing": "Kết thúc",
}


def grade_for(total: int, criteria: Mapping[str, int]) -> str:
    """Grade of a scored meeting (rules.md §5)."""
    if total >= 90 and all(criteria.get(c) == CRITERIA_MAX[c] for c in TOT_REQUIRES_MAX):
        return "tot"
    if total >= 70:
        return "kha"
    if total >= 50:
        return "trung_binh"
    return "kem"


def manual_score_problem(criterion: str, value: object) -> str | None:
    """Vietnamese reason why ``value`` is not a valid manual score, or ``None`` (``None`` = not scored)."""
    if criterion not in MANUAL_MAX:
        return f"tiêu chí '{criterion}' không phải tiêu chí chấm tay của bộ tiêu chí {RUBRIC_ID}"
    if value is None:
        return None
    top = MANUAL_MAX[criterion]
    if type(value) is not int or not 0 <= value <= top:
        return f"điểm phải là số nguyên từ 0 đến {top} (hoặc null nếu chưa chấm)"
    return None
