"""Rule profile parameters (rules.md §6, rules-v2.md §6) and their inheritance down the tree.

Pure Python: no Django import.  A profile is a plain ``dict`` keyed by the names in
``PROFILE_KEYS``.  An *override* dict (as stored per organisation, or given in a bundle's
``profiles``) holds only the keys that organisation changes; a child inherits its parent's
effective value key by key, and the nearest override on the path to the root wins.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from chibo import vocabulary

RUBRIC_HD12 = "hd12-default"
RUBRIC_HD42 = "hd42-frame"

PROFILE_KEYS: tuple[str, ...] = (
    "regular_meeting_day",
    "min_attendance_rate",
    "max_consecutive_excused",
    "min_minutes_regular",
    "min_minutes_thematic",
    "min_minutes_combined",
    "notice_days_before",
    "min_superior_visits_per_half_year",
    "removal_unexcused_months",
    "rubric",
    "rulebook",
    "docs_days_before",
    "post_days_after",
    "regular_meeting_latest_day",
    "require_scorer",
    "fee_unpaid_months",
)
#: The keys of a version-1 bundle's profiles (rules.md §6).
V1_PROFILE_KEYS: tuple[str, ...] = PROFILE_KEYS[:10]
#: The keys added by rules-v2.md §6.
V2_PROFILE_KEYS: tuple[str, ...] = PROFILE_KEYS[10:]

DEFAULT_PROFILE: dict[str, int | str] = {
    "regular_meeting_day": 3,
    "min_attendance_rate": 85,
    "max_consecutive_excused": 3,
    "min_minutes_regular": 90,
    "min_minutes_thematic": 90,
    "min_minutes_combined": 120,
    "notice_days_before": 1,
    "min_superior_visits_per_half_year": 1,
    "removal_unexcused_months": 3,
    "rubric": RUBRIC_HD42,
    "rulebook": "by-date",
    "docs_days_before": 1,
    "post_days_after": 2,
    "regular_meeting_latest_day": 7,
    "require_scorer": False,
    "fee_unpaid_months": 3,
}

#: Allowed integer range (inclusive; ``None`` = no upper bound) of each integer parameter.
PROFILE_RANGES: dict[str, tuple[int, int | None]] = {
    "regular_meeting_day": (1, 31),
    "min_attendance_rate": (0, 100),
    "max_consecutive_excused": (0, None),
    "min_minutes_regular": (0, None),
    "min_minutes_thematic": (0, None),
    "min_minutes_combined": (0, None),
    "notice_days_before": (0, None),
    "min_superior_visits_per_half_year": (0, None),
    "removal_unexcused_months": (1, 12),
    "docs_days_before": (0, None),
    "post_days_after": (0, None),
    "regular_meeting_latest_day": (1, 31),
    "fee_unpaid_months": (1, 12),
}

#: The built-in rubrics a profile may name: ``hd12-default`` (v1; under HD 42 it means
#: ``hd42-frame``) and the frame ``hd42-frame`` (rules-v2.md §6).  A version-1 profile takes
#: ``hd12-default`` only; a version-2 one also the ids of the bundle's (or the tree's) rubrics.
RUBRICS: tuple[str, ...] = (RUBRIC_HD12, RUBRIC_HD42)
V1_RUBRICS: tuple[str, ...] = (RUBRIC_HD12,)
#: ``rulebook`` values (rules-v2.md §0): ``by-date`` or a pinned rulebook.
RULEBOOK_CHOICES: tuple[str, ...] = vocabulary.RULEBOOKS.codes
RULEBOOK_LABELS: dict[str, str] = vocabulary.RULEBOOKS.labels
BOOLEAN_KEYS: frozenset[str] = frozenset({"require_scorer"})

PROFILE_LABELS: dict[str, str] = {
    "regular_meeting_day": "Ngày sinh hoạt thường kỳ chậm nhất trong tháng",
    "min_attendance_rate": "Tỷ lệ dự họp tối thiểu (%)",
    "max_consecutive_excused": "Số lần vắng có lý do liên tiếp tối đa",
    "min_minutes_regular": "Thời gian tối thiểu sinh hoạt thường kỳ (phút)",
    "min_minutes_thematic": "Thời gian tối thiểu sinh hoạt chuyên đề (phút)",
    "min_minutes_combined": "Thời gian tối thiểu sinh hoạt thường kỳ kết hợp chuyên đề (phút)",
    "notice_days_before": "Số ngày thông báo trước tối thiểu",
    "min_superior_visits_per_half_year": "Số lần cấp ủy cấp trên dự sinh hoạt tối thiểu mỗi 6 tháng",
    "removal_unexcused_months": "Số tháng vắng không lý do trong năm để xem xét xóa tên",
    "rubric": "Bộ tiêu chí chấm điểm",
    "rulebook": "Hướng dẫn áp dụng khi đánh giá",
    "docs_days_before": "Số ngày đăng tài liệu lên Sổ tay đảng viên trước ngày họp",
    "post_days_after": "Số ngày đăng kết luận, nghị quyết sau buổi họp",
    "regular_meeting_latest_day": "Ngày muộn nhất được dời sinh hoạt thường kỳ (có lý do)",
    "require_scorer": "Bắt buộc phân công người theo dõi, chấm điểm",
    "fee_unpaid_months": "Số tháng không đóng đảng phí trong năm để xem xét",
}


def validate_profile_value(key: str, value: object, *, version: int = 1,
                           rubric_ids: Collection[str] = ()) -> str | None:
    """Return a Vietnamese reason if ``value`` is not valid for ``key``, else ``None``.

    ``version`` 1 checks the keys of rules.md §6 exactly as version 1 does; version 2 also takes
    the keys of rules-v2.md §6, and ``rubric`` may then name ``hd42-frame`` or one of
    ``rubric_ids`` (the bundle's ``rubrics``, or the rubrics stored for the tree).
    """
    if key not in DEFAULT_PROFILE or (version == 1 and key not in V1_PROFILE_KEYS):
        return f"tham số '{key}' không có trong bộ quy tắc"
    if key == "rubric":
        if version == 1:
            if type(value) is not str or value not in V1_RUBRICS:
                return f"bộ tiêu chí chỉ được là '{RUBRIC_HD12}'"
            return None
        if type(value) is not str or (value not in RUBRICS and value not in rubric_ids):
            return f"bộ tiêu chí phải là '{RUBRIC_HD12}', '{RUBRIC_HD42}' hoặc mã một phiếu chấm điểm đã khai báo"
        return None
    if key == "rulebook":
        if type(value) is not str or value not in RULEBOOK_CHOICES:
            return f"hướng dẫn áp dụng phải là một trong: {', '.join(RULEBOOK_CHOICES)}"
        return None
    if key in BOOLEAN_KEYS:
        if type(value) is not bool:
            return "phải là true hoặc false"
        return None
    lo, hi = PROFILE_RANGES[key]
    if type(value) is not int or value < lo or (hi is not None and value > hi):
        if hi is None:
            return f"phải là số nguyên không nhỏ hơn {lo}"
        return f"phải là số nguyên từ {lo} đến {hi}"
    return None


def validate_profile_values(values: Mapping[str, object], *, version: int = 1,
                            rubric_ids: Collection[str] = ()) -> list[tuple[str, str]]:
    """Check an override dict.  Returns ``[(key, reason_vi), ...]`` (empty when valid).

    ``None`` is not a valid value: to inherit a value, leave the key out.
    """
    if not isinstance(values, Mapping):
        return [("", "bộ quy tắc phải là một đối tượng (khóa → giá trị)")]
    problems: list[tuple[str, str]] = []
    for key, value in values.items():
        reason = validate_profile_value(key, value, version=version, rubric_ids=rubric_ids)
        if reason is not None:
            problems.append((key, reason))
    return problems


def _chain(org_code: str | None, parent_of: Mapping[str, str | None]) -> list[str]:
    """The organisation and its ancestors, nearest first (cycle-safe)."""
    chain: list[str] = []
    seen: set[str] = set()
    code = org_code
    while code is not None and code not in seen:
        seen.add(code)
        chain.append(code)
        code = parent_of.get(code)
    return chain


def effective_profile_with_sources(
    org_code: str | None,
    parent_of: Mapping[str, str | None],
    overrides: Mapping[str, Mapping[str, object]],
) -> dict[str, tuple[object, str | None]]:
    """``{key: (value, source)}`` where source is the code of the organisation whose override
    gives the value, or ``None`` when the value is the default of rules.md §6 / rules-v2.md §6.

    Keys are in ``PROFILE_KEYS`` order.
    """
    chain = _chain(org_code, parent_of)
    result: dict[str, tuple[object, str | None]] = {}
    for key in PROFILE_KEYS:
        value: object = DEFAULT_PROFILE[key]
        source: str | None = None
        for code in chain:
            own = overrides.get(code)
            if own and key in own and own[key] is not None:
                value, source = own[key], code
                break
        result[key] = (value, source)
    return result


def effective_profile(
    org_code: str | None,
    parent_of: Mapping[str, str | None],
    overrides: Mapping[str, Mapping[str, object]],
) -> dict[str, object]:
    """The effective profile of ``org_code``: defaults, then overrides from the root down."""
    return {k: v for k, (v, _src) in effective_profile_with_sources(org_code, parent_of, overrides).items()}


class ProfileResolver:
    """Memoised ``effective_profile`` for many organisations of one tree (used by the audit)."""

    def __init__(self, parent_of: Mapping[str, str | None], overrides: Mapping[str, Mapping[str, object]]):
        self.parent_of = parent_of
        self.overrides = overrides
        self._cache: dict[str | None, dict[str, object]] = {}

    def __call__(self, org_code: str | None) -> dict[str, object]:
        prof = self._cache.get(org_code)
        if prof is None:
            prof = effective_profile(org_code, self.parent_of, self.overrides)
            self._cache[org_code] = prof
        return prof


def yes_no_label(value: bool) -> str:
    """The wording of a true/false parameter (``require_scorer``)."""
    return "Có" if value else "Không"


def display_value(key: str, value: object, rubric_labels: Mapping[str, str] | None = None) -> str:
    """A parameter's value as the profile page shows it (labels for codes, Có/Không for true/false)."""
    if key in BOOLEAN_KEYS and type(value) is bool:
        return yes_no_label(value)
    if key == "rulebook" and isinstance(value, str):
        return RULEBOOK_LABELS.get(value, value)
    if key == "rubric" and isinstance(value, str) and rubric_labels:
        return rubric_labels.get(value, value)
    return str(value)
