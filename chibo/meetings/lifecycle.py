"""The life cycle of a meeting: which status may follow which, and why a move is refused.

    planned ──notice──▶ notified ──┐
       │                  │  ▲      │
       │                  └──┘ (a notice may be sent again)
       ├──────── held ◀────────────┤
       │          │                 │
       │      finalized             │
       └──────▶ cancelled ◀─────────┘

Rescheduling (a new date, time or place) is not a status: a meeting still planned or notified
may be moved and keeps its status; the change log keeps the old date.

Pure Python (no Django): the services in `recording/services.py` and `preparation/services.py` ask `refusal`
before each move, and the unit tests call it directly."""

# The codes of chibo.vocabulary.MEETING_STATUSES (tests/test_lifecycle.py checks they agree).
PLANNED, NOTIFIED, HELD, FINALIZED, CANCELLED = "planned", "notified", "held", "finalized", "cancelled"
#: Not a status: the move of a meeting to another date, time or place.
RESCHEDULED = "rescheduled"

STATUSES: tuple[str, ...] = (PLANNED, NOTIFIED, HELD, FINALIZED, CANCELLED)
UPCOMING: tuple[str, ...] = (PLANNED, NOTIFIED)

#: target -> the statuses it may be reached from.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    NOTIFIED: UPCOMING,  # sending the notice again (a change of place) keeps it notified
    HELD: UPCOMING,
    FINALIZED: (HELD,),
    CANCELLED: UPCOMING,
    RESCHEDULED: UPCOMING,  # the meeting keeps its status
}

#: What the move does, in a sentence ("không thể …").
ACTIONS: dict[str, str] = {
    NOTIFIED: "gửi thông báo",
    HELD: "đánh dấu đã họp",
    FINALIZED: "hoàn tất biên bản",
    CANCELLED: "hủy cuộc họp",
    RESCHEDULED: "đổi ngày, giờ hoặc địa điểm họp",
}

NOT_UPCOMING = "Cuộc họp đã diễn ra; chỉ sửa được khi cuộc họp còn ở trạng thái dự kiến hoặc đã thông báo."
NOT_HELD = "Chỉ có thể hoàn tất biên bản của cuộc họp đã diễn ra: hãy đánh dấu đã họp trước."
ALREADY_HELD = "Cuộc họp đã được đánh dấu đã họp."
ALREADY_FINALIZED = "Biên bản đã hoàn tất và bị khóa."
WAS_CANCELLED = "Cuộc họp đã bị hủy"
WAS_FINALIZED = "Biên bản cuộc họp đã hoàn tất và bị khóa"


def allowed(current: str, target: str) -> bool:
    return current in TRANSITIONS.get(target, ())


def refusal(current: str, target: str) -> str | None:
    """None when the move from `current` to `target` is allowed, else the Vietnamese reason."""
    if target not in TRANSITIONS:
        raise ValueError(f"unknown target {target!r}")
    if current not in STATUSES:
        raise ValueError(f"unknown status {current!r}")
    if allowed(current, target):
        return None
    if current == CANCELLED:
        return f"{WAS_CANCELLED}; không thể {ACTIONS[target]}."
    if current == target == HELD:
        return ALREADY_HELD
    if current == target == FINALIZED:
        return ALREADY_FINALIZED
    if current == FINALIZED:
        return f"{WAS_FINALIZED}; không thể {ACTIONS[target]}."
    if target == FINALIZED:
        return NOT_HELD
    return NOT_UPCOMING  # held: only a meeting still to come is notified, moved or cancelled
