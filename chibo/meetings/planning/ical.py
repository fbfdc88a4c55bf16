"""iCalendar (RFC 5545) feeds written by hand: a cell's meetings, a member's meetings and task dues.

Times of meetings are local times in Asia/Ho_Chi_Minh, written with ``TZID`` and the matching
``VTIMEZONE`` (UTC+7, no daylight saving since 1975). A meeting without a start time is an all-day
event; one without an end lasts the minimum duration of its kind under its cell's rule profile
(the engine's `minimum_minutes`, set on the meeting by `selectors.feed_meetings`). ``DTSTAMP`` is the row's last
change in UTC, so an unchanged meeting gives the same text on every request. Lines end in CRLF and
are folded at 75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

TZID = "Asia/Ho_Chi_Minh"
PRODID = "-//Chibo//So bien ban dien tu//VI"
CRLF = "\r\n"
LINE_OCTETS = 75

VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19750613T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0700",
    "TZNAME:+07",
    "END:STANDARD",
    "END:VTIMEZONE",
)

#: Length given to a meeting whose end is not known and whose kind has no minimum (extraordinary).
NO_MINIMUM_MINUTES = 90


def escape_text(value: str) -> str:
    """TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    # Other control characters are not allowed in TEXT.
    return "".join(ch for ch in value if ch == "\t" or ord(ch) >= 32 and ord(ch) != 127)


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 §3.1), continuation lines
    starting with one space, never inside a UTF-8 sequence."""
    out: list[str] = []
    current, size, limit = [], 0, LINE_OCTETS
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > limit:
            out.append("".join(current))
            current, size, limit = [], 0, LINE_OCTETS - 1
        current.append(ch)
        size += n
    out.append("".join(current))
    return (CRLF + " ").join(out)


def _utc(moment: datetime) -> str:
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:  # near the ends of the datetime range: keep the clock time
        moment = moment.replace(tzinfo=UTC)
    return f"{_day(moment)}T{moment:%H%M%S}Z"


def _day(day: date) -> str:
    """DATE value; the year always in four digits (strftime does not pad years before 1000)."""
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _local(moment: datetime) -> str:
    return f"{_day(moment)}T{moment:%H%M%S}"


@dataclass(frozen=True)
class Event:
    uid: str
    summary: str
    day: date
    stamp: datetime  # aware
    start: time | None = None  # local time in TZID; None: all-day event
    end: time | None = None
    minutes: int = 90  # used when start is known and end is not
    location: str = ""
    description: str = ""
    url: str = ""
    status: str = ""  # TENTATIVE / CONFIRMED

    def lines(self) -> list[str]:
        lines = ["BEGIN:VEVENT", f"UID:{self.uid}", f"DTSTAMP:{_utc(self.stamp)}"]
        if self.start is None:
            lines.append(f"DTSTART;VALUE=DATE:{_day(self.day)}")
            if self.day < date.max:  # without DTEND an all-day event lasts the day (RFC 5545 §3.6.1)
                lines.append(f"DTEND;VALUE=DATE:{_day(self.day + timedelta(days=1))}")
        else:
            begin = datetime.combine(self.day, self.start)
            if self.end is not None and self.end >= self.start:
                finish = datetime.combine(self.day, self.end)
            else:
                try:
                    finish = begin + timedelta(minutes=self.minutes)
                except OverflowError:  # the last day a date can hold: end at midnight
                    finish = datetime.combine(self.day, time(23, 59, 59))
            lines += [f"DTSTART;TZID={TZID}:{_local(begin)}", f"DTEND;TZID={TZID}:{_local(finish)}"]
        lines.append(f"SUMMARY:{escape_text(self.summary)}")
        if self.location:
            lines.append(f"LOCATION:{escape_text(self.location)}")
        if self.description:
            lines.append(f"DESCRIPTION:{escape_text(self.description)}")
        if self.url:
            lines.append(f"URL:{self.url}")
        if self.status:
            lines.append(f"STATUS:{self.status}")
        lines.append("END:VEVENT")
        return lines


def calendar(name: str, events: Iterable[Event]) -> str:
    """The whole VCALENDAR text, CRLF line ends, folded."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", f"X-WR-TIMEZONE:{TZID}", *VTIMEZONE]
    for event in events:
        lines += event.lines()
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)


# --- events from records (attribute access only: the caller loads the rows) -------------------

def meeting_summary(meeting, cell_name: str) -> str:
    summary = f"Sinh hoạt {meeting.get_kind_display().lower()} – {cell_name}"
    if meeting.topic:
        summary += f": {meeting.topic}"
    return summary


def meeting_event(meeting, cell_name: str, url: str = "") -> Event:
    """`meeting` comes from `selectors.feed_meetings` (with its `minimum_minutes`)."""
    status_label = meeting.get_status_display()
    description = f"Trạng thái: {status_label}."
    if meeting.topic:
        description += f"\nChuyên đề: {meeting.topic}"
    return Event(
        uid=f"meeting-{meeting.pk}@chibo",
        summary=meeting_summary(meeting, cell_name),
        day=meeting.date,
        stamp=meeting.updated_at,
        start=meeting.start,
        end=meeting.end,
        minutes=NO_MINIMUM_MINUTES if meeting.minimum_minutes is None else meeting.minimum_minutes,
        location=meeting.place,
        description=description,
        url=url,
        status="TENTATIVE" if meeting.status == "planned" else "CONFIRMED",
    )


def task_event(task, stamp: datetime) -> Event:
    """An all-day event on a task's due date."""
    return Event(
        uid=f"task-{task.pk}@chibo",
        summary=f"Hạn nhiệm vụ: {task.description}",
        day=task.due,
        stamp=stamp,
        description=f"Nhiệm vụ giao tại cuộc họp ngày {task.meeting.date:%d/%m/%Y}.",
    )


def visit_event(plan, url: str = "") -> Event:
    """A committee member's planned visit to a cell's meeting (`plan`: a supervision.VisitPlan with
    its cell, committee, meeting and visit loaded, the meeting known): at the meeting's time."""
    meeting = plan.meeting
    done = getattr(plan, "visit", None) is not None
    return Event(
        uid=f"visit-plan-{plan.pk}@chibo",
        summary=f"Dự sinh hoạt {plan.cell.name}",
        day=meeting.date,
        stamp=max(meeting.updated_at, plan.created_at),
        start=meeting.start,
        end=meeting.end,
        minutes=NO_MINIMUM_MINUTES,
        location=meeting.place,
        description=f"{plan.committee.name} phân công dự sinh hoạt chi bộ." + (" Đã dự." if done else ""),
        url=url,
        status="TENTATIVE" if meeting.status == "planned" else "CONFIRMED",
    )
