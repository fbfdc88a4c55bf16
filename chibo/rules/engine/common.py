"""The engine's codes, labels and small helpers (dates, empty values, rates): views of
chibo.vocabulary, the one place the labels are defined."""

from __future__ import annotations

from datetime import date, time
from fractions import Fraction
from typing import Any

from chibo import vocabulary

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
    "NOTICE_MISSING",
    "DOCS_NOT_POSTED",
    "COMMITTEE_PREP_MISSING",
    "MINUTES_INCOMPLETE",
    "VOTE_COUNTS_INCONSISTENT",
    "VOTE_METHOD_INVALID",
    "RESULTS_NOT_POSTED",
    "QUALITY_NOT_SCORED",
    "SCORER_NOT_ASSIGNED",
)
CELL_FINDING_CODES: tuple[str, ...] = (
    "MISSING_REGULAR_MEETING",
    "LATE_REGULAR_MEETING",
    "MISSING_THEMATIC_MEETING",
    "NO_SUPERIOR_VISIT",
    "REMOVAL_REVIEW",
    "TASK_OVERDUE",
    "FEE_UNPAID_REVIEW",
    "FEE_RELIEF_TOO_LONG",
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
    "NOTICE_MISSING": "Chưa thông báo sinh hoạt đến đảng viên hoặc cấp ủy cấp trên",
    "DOCS_NOT_POSTED": "Tài liệu chưa đăng trên Sổ tay đảng viên điện tử đúng hạn",
    "COMMITTEE_PREP_MISSING": "Chi ủy chưa thống nhất nội dung trước buổi sinh hoạt",
    "RESULTS_NOT_POSTED": "Kết luận, nghị quyết chưa đăng đúng hạn sau buổi sinh hoạt",
    "QUALITY_NOT_SCORED": "Chưa chấm điểm chất lượng buổi sinh hoạt",
    "SCORER_NOT_ASSIGNED": "Chưa phân công người theo dõi, chấm điểm",
    "FEE_UNPAID_REVIEW": "Xem xét: không đóng đảng phí nhiều tháng trong năm",
    "FEE_RELIEF_TOO_LONG": "Quyết định giảm, miễn đảng phí quá 12 tháng",
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
