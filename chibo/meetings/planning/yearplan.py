"""The year's meeting calendar of a cell, as pure functions (no Django, no database).

Readings (see also docs in the report of this change):
- The regular meeting of a month is dated on day ``regular_meeting_day`` of that month. When the
  month is shorter (day 31 in April, day 29-31 in February) it is the month's last day. The date is
  kept whatever weekday it falls on (a Sunday stays a Sunday: many cells meet at weekends, and
  moving it is the secretary's call, recorded as ``rescheduled_reason``).
- Every quarter gets at least one thematic meeting. The quarter's topics come from the cell's
  thematic plan; without one, a placeholder (no topic yet) is put in the quarter's middle month.
- A topic with a planned date on the month's regular date, and by default a topic without a
  planned date, is combined with a regular meeting (kind ``combined``): undated topics take the
  regular meetings of the middle, then the first, then the last month of the quarter. A topic
  planned on another day is a separate thematic meeting ``<CELL>-<YYYY>-Q<n>-CD`` (a second one in
  the same quarter ``-CD2``, …). With ``combine=False`` undated topics (and the placeholder) become
  separate thematic meetings on the middle month's regular date.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from chibo import vocabulary

REGULAR = "regular"
THEMATIC = "thematic"
COMBINED = "combined"
EXTRAORDINARY = "extraordinary"
REGULAR_KINDS = (REGULAR, COMBINED)
THEMATIC_KINDS = (THEMATIC, COMBINED)

PLANNED = "planned"


class PlanError(ValueError):
    """A plan that cannot be laid out; the message is Vietnamese and meant for the user."""


@dataclass(frozen=True)
class Topic:
    """One row of the annual thematic plan."""

    quarter: int
    topic: str
    presenter: object = None  # opaque: the caller's member id
    planned_date: date | None = None


@dataclass(frozen=True)
class Slot:
    """One meeting of the plan."""

    ident: str
    kind: str
    date: date
    quarter: int
    topic: str = ""
    presenter: object = None
    placeholder: bool = False  # thematic part without a planned topic

    @property
    def kind_label(self) -> str:
        return vocabulary.MEETING_KINDS.labels[self.kind]


@dataclass(frozen=True)
class Existing:
    """A meeting already in the record (any status)."""

    ident: str
    kind: str
    date: date
    status: str
    topic: str = ""


@dataclass
class PlanChanges:
    create: list[Slot] = field(default_factory=list)
    fill: list[tuple[Existing, Slot]] = field(default_factory=list)  # planned meeting gets the plan's topic
    keep: list[tuple[Existing, Slot]] = field(default_factory=list)  # already there, left alone


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_months(quarter: int) -> tuple[int, int, int]:
    first = 3 * quarter - 2
    return first, first + 1, first + 2


def regular_date(year: int, month: int, day: int) -> date:
    """Day `day` of the month, or the month's last day when the month is shorter."""
    return date(year, month, min(day, monthrange(year, month)[1]))


def regular_ident(cell_code: str, year: int, month: int) -> str:
    return f"{cell_code}-{year:04d}-{month:02d}"


def thematic_ident(cell_code: str, year: int, quarter: int, n: int = 1) -> str:
    return f"{cell_code}-{year:04d}-Q{quarter}-CD" + (str(n) if n > 1 else "")


def _check(year: int, regular_day: int, topics: Sequence[Topic]) -> None:
    if not 1 <= year <= 9999:
        raise PlanError(f"Năm {year} không hợp lệ.")
    if type(regular_day) is not int or not 1 <= regular_day <= 31:
        raise PlanError(f"Ngày sinh hoạt thường kỳ phải từ 1 đến 31 (đang là {regular_day}).")
    for t in topics:
        if t.quarter not in (1, 2, 3, 4):
            raise PlanError(f"Quý phải từ 1 đến 4 (đang là {t.quarter}).")
        d = t.planned_date
        if d is not None and (d.year != year or quarter_of(d) != t.quarter):
            raise PlanError(f"Ngày dự kiến {d:%d/%m/%Y} của chuyên đề “{t.topic}” không thuộc quý {t.quarter} "
                            f"năm {year}.")


def year_schedule(cell_code: str, year: int, regular_day: int, topics: Iterable[Topic] = (), *,
                  combine: bool = True, start: date | None = None) -> list[Slot]:
    """The year's plan: twelve regular meetings and at least one thematic meeting a quarter,
    sorted by date then ident. Slots dated before `start` (the cell's founding) are left out."""
    topics = list(topics)
    _check(year, regular_day, topics)
    regular: dict[int, Slot] = {
        m: Slot(regular_ident(cell_code, year, m), REGULAR, regular_date(year, m, regular_day), quarter_of(date(year, m, 1)))
        for m in range(1, 13)
    }
    separate: list[Slot] = []
    for q in (1, 2, 3, 4):
        first, middle, last = quarter_months(q)
        rows = [t for t in topics if t.quarter == q]
        placeholder = not rows
        if placeholder:
            rows = [Topic(q, "")]
        # Dated topics first (by date), so undated ones take the regular meetings left free.
        rows = sorted((t for t in rows if t.planned_date), key=lambda t: t.planned_date) + [
            t for t in rows if not t.planned_date]
        n_before = len(separate)
        for t in rows:
            if t.planned_date is not None:
                month_slot = regular[t.planned_date.month]
                if t.planned_date == month_slot.date and month_slot.kind == REGULAR:
                    regular[t.planned_date.month] = replace(month_slot, kind=COMBINED, topic=t.topic.strip(),
                                                            presenter=t.presenter)
                    continue
                day = t.planned_date
            elif combine:
                free = [m for m in (middle, first, last) if regular[m].kind == REGULAR]
                if not free:
                    raise PlanError(f"Quý {q} có quá nhiều chuyên đề chưa có ngày dự kiến để kết hợp với sinh hoạt "
                                    f"thường kỳ; hãy ghi ngày dự kiến cho chuyên đề “{t.topic}”.")
                regular[free[0]] = replace(regular[free[0]], kind=COMBINED, topic=t.topic.strip(),
                                           presenter=t.presenter, placeholder=placeholder)
                continue
            else:
                day = regular[middle].date
            n = len(separate) - n_before + 1
            separate.append(Slot(thematic_ident(cell_code, year, q, n), THEMATIC, day, q, t.topic.strip(),
                                 t.presenter, placeholder))
    slots = list(regular.values()) + separate
    if start is not None:
        slots = [s for s in slots if s.date >= start]
    return sorted(slots, key=lambda s: (s.date, s.ident))


def _match(slot: Slot, existing: Sequence[Existing], by_ident: dict[str, Existing]) -> Existing | None:
    if slot.ident in by_ident:
        return by_ident[slot.ident]
    if slot.kind in REGULAR_KINDS:
        same_month = [e for e in existing if e.kind in REGULAR_KINDS
                      and (e.date.year, e.date.month) == (slot.date.year, slot.date.month)]
        return same_month[0] if same_month else None
    same_day = [e for e in existing if e.kind == THEMATIC and e.date == slot.date]
    return same_day[0] if same_day else None


def plan_changes(schedule: Sequence[Slot], existing: Iterable[Existing]) -> PlanChanges:
    """What making the plan real changes, given the meetings already recorded for the cell.

    - A slot already met by a meeting (same ident; for a regular or combined slot, any regular or
      combined meeting in the month; for a thematic slot, a thematic meeting that day) is kept as it
      is, whatever its status — except that a meeting still *planned* with no topic takes the
      plan's topic (and a planned regular meeting becomes combined when the plan combines it).
    - A placeholder (no planned topic) is not needed in a quarter that already has a thematic or
      combined meeting: the thematic placeholder is dropped and a combined one becomes regular.
    - Everything else is created."""
    existing = sorted(existing, key=lambda e: (e.date, e.ident))
    by_ident = {e.ident: e for e in existing}
    thematic_quarters = {(e.date.year, quarter_of(e.date)) for e in existing if e.kind in THEMATIC_KINDS}
    changes = PlanChanges()
    for slot in schedule:
        if slot.placeholder and (slot.date.year, slot.quarter) in thematic_quarters:
            if slot.kind == THEMATIC:
                continue
            slot = replace(slot, kind=REGULAR, placeholder=False)
        found = _match(slot, existing, by_ident)
        if found is None:
            changes.create.append(slot)
        elif (found.status == PLANNED and slot.topic and not found.topic.strip()
              and (found.kind == slot.kind or (found.kind == REGULAR and slot.kind == COMBINED))):
            changes.fill.append((found, slot))
        else:
            changes.keep.append((found, slot))
    return changes


def next_free_ident(base: str, taken: Iterable[str], sep: str = "") -> str:
    """`base`, or `base<sep>2`, `base<sep>3`, … the first not in `taken`."""
    taken = set(taken)
    if base not in taken:
        return base
    n = 2
    while f"{base}{sep}{n}" in taken:
        n += 1
    return f"{base}{sep}{n}"


def adhoc_ident_base(cell_code: str, kind: str, day: date) -> tuple[str, str]:
    """(base, separator) of the ident of a meeting added by hand: extraordinary meetings
    `<CELL>-<YYYY>-<MM>-BT`, thematic `<CELL>-<YYYY>-Q<n>-CD`, regular and combined `<CELL>-<YYYY>-<MM>`
    (a second one in the month `-2`, …)."""
    if kind == EXTRAORDINARY:
        return f"{regular_ident(cell_code, day.year, day.month)}-BT", ""
    if kind == THEMATIC:
        return thematic_ident(cell_code, day.year, quarter_of(day)), ""
    return regular_ident(cell_code, day.year, day.month), "-"


# --- order of business ----------------------------------------------------------------------

OPENING, BODY, CLOSING = "opening", "body", "closing"
SECTIONS = (OPENING, BODY, CLOSING)

#: The official order of business of a monthly meeting (HD 12-HD/BTCTW; HD 42-HD/BTCTW), the
#: default when no committee up the tree has set its own template.
ORDER_OF_BUSINESS: tuple[tuple[str, str], ...] = (
    (OPENING, "Tuyên bố lý do, mục đích cuộc họp; giới thiệu đại biểu"),
    (OPENING, "Cử thư ký cuộc họp"),
    (OPENING, "Báo cáo tình hình đảng viên dự họp"),
    (OPENING, "Thông qua chương trình sinh hoạt"),
    (BODY, "Thông tin thời sự; phổ biến văn bản của cấp trên"),
    (BODY, "Đánh giá kết quả thực hiện nhiệm vụ trong tháng và các nhiệm vụ còn tồn đọng"),
    (BODY, "Phương hướng, nhiệm vụ tháng tới"),
    (BODY, "Thảo luận"),
    (CLOSING, "Kết luận của chủ trì"),
    (CLOSING, "Biểu quyết thông qua nghị quyết"),
    (CLOSING, "Đánh giá chất lượng sinh hoạt"),
    (CLOSING, "Thông qua biên bản cuộc họp"),
)
TITLE_MAX = 255


def clean_agenda(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Items with a known section and a non-empty title, in section order (opening, body, closing;
    the given order within a section). Raises PlanError on an unknown section or a title too long."""
    cleaned = []
    for section, title in items:
        title = " ".join((title or "").split())
        if not title:
            continue
        if section not in SECTIONS:
            raise PlanError(f"Phần “{section}” không hợp lệ.")
        if len(title) > TITLE_MAX:
            raise PlanError(f"Nội dung “{title[:40]}…” dài quá {TITLE_MAX} ký tự.")
        cleaned.append((section, title))
    return sorted(cleaned, key=lambda item: SECTIONS.index(item[0]))


def presentation_item(topic: str) -> str:
    """The agenda item of the thematic presentation."""
    topic = " ".join(topic.split())
    return f"Trình bày đề dẫn chuyên đề: {topic}"[:TITLE_MAX] if topic else "Trình bày đề dẫn chuyên đề"


def meeting_agenda(template: Iterable[tuple[str, str]], kind: str, topic: str = "") -> list[tuple[str, str]]:
    """A meeting's agenda from a template: thematic and combined meetings get the presentation and
    the discussion of the topic at the end of the body section."""
    items = clean_agenda(template)
    if kind in THEMATIC_KINDS:
        extra = [(BODY, presentation_item(topic)), (BODY, "Tham luận, thảo luận chuyên đề")]
        at = max((i + 1 for i, (s, _t) in enumerate(items) if s in (OPENING, BODY)), default=0)
        items[at:at] = extra
    return items
