"""Plain data for the official documents, and the document model both builders render.

The documents package never touches the ORM. The meetings app turns one meeting into a
`MinutesData` (every name already resolved, every count already computed by the rule
engine) and passes it to the functions of `chibo.meetings.documents`.

Input (`MinutesData` and its records)
-------------------------------------
- Codes are the bundle's (`docs/spec/bundle.md`): meeting `kind` is `regular`,
  `thematic`, `combined` or `extraordinary`; an absence `status` is `absent_excused` or
  `absent_unexcused`; a vote `kind` is `resolution`, `admission`, `recognition`,
  `discipline`, `election` or `other`, its `method` `show_of_hands` or `secret_ballot`;
  a `grade` is `tot`, `kha`, `trung_binh` or `kem`. An unknown code is a `ValueError`.
- List fields accept the record dataclasses or plain tuples in the records' field order,
  e.g. `absent=[("Lê Văn C", "absent_excused", "Ốm")]`; tuples are converted on creation.
- `VoteLine.threshold` is the smallest number of votes in favour that passes (as in the
  audit); `passed` is None when the counts are inconsistent.
- Speeches belong to agenda items. `group_speeches()` builds the agenda from the meeting's
  item titles and its speeches; speeches whose item matches no title go under "Ý kiến khác".

Document model (`Header`, `Para`, `Table`, `SignatureRow`)
----------------------------------------------------------
What a document says is composed once, as a list of blocks, in `__init__.py`;
`docx_builder` and `pdf_builder` only decide how blocks look, so the Word and PDF files of
one document always carry the same text.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from chibo import vocabulary
from chibo.rules import engine

# ---------------------------------------------------------------------------------------
# Wording of the codes

# Views of chibo.vocabulary: the minutes write the labels inside sentences (`in_sentence`).
KIND_LABELS = vocabulary.MEETING_KINDS.in_sentence
ABSENCE_LABELS = {c: vocabulary.ATTENDANCE_STATUSES.in_sentence[c] for c in ("absent_excused", "absent_unexcused")}
VOTE_KIND_LABELS = vocabulary.VOTE_KINDS.in_sentence
VOTE_METHOD_LABELS = vocabulary.VOTE_METHODS.in_sentence
GRADE_LABELS = vocabulary.GRADES.in_sentence
OTHER_OPINIONS = "Ý kiến khác"
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def verdict_label(passed: bool | None) -> str:
    if passed is None:
        return "không xác định (số phiếu không hợp lệ)"
    return "thông qua" if passed else "không thông qua"


# ---------------------------------------------------------------------------------------
# Input records


def _check(value: str | None, allowed: dict[str, str], what: str, *, optional: bool = False) -> None:
    if value is None and optional:
        return
    if value not in allowed:
        raise ValueError(f"{what} {value!r} is not one of {sorted(allowed)}")


def _records(cls, values) -> list:
    """Accept records or tuples in the record's field order (see the module docstring)."""
    return [v if isinstance(v, cls) else cls(*v) for v in (values or ())]


@dataclass(frozen=True)
class Counts:
    """The roll on the meeting day, as counted by the rule engine (rules.md §1)."""

    on_roll: int = 0
    official: int = 0
    probationary: int = 0
    exempt: int = 0
    away: int = 0
    expected: int = 0
    present: int = 0


@dataclass(frozen=True)
class Absence:
    name: str
    status: Literal["absent_excused", "absent_unexcused"]
    reason: str | None = None

    def __post_init__(self):
        _check(self.status, ABSENCE_LABELS, "absence status")


@dataclass(frozen=True)
class Guest:
    name: str
    title: str | None = None
    organization: str | None = None


@dataclass(frozen=True)
class Speech:
    speaker_name: str
    summary: str


@dataclass(frozen=True)
class AgendaItem:
    title: str
    speeches: tuple[Speech, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "speeches", tuple(_records(Speech, self.speeches)))


@dataclass(frozen=True)
class VoteLine:
    subject: str
    kind: str
    method: str
    for_: int
    against: int
    abstain: int
    invalid: int
    eligible: int
    threshold: int
    passed: bool | None

    def __post_init__(self):
        _check(self.kind, VOTE_KIND_LABELS, "vote kind")
        _check(self.method, VOTE_METHOD_LABELS, "vote method")


@dataclass(frozen=True)
class Task:
    assignee_name: str | None
    description: str
    due: dt.date | None = None


@dataclass(frozen=True)
class ScoreGroup:
    """One group of the HD 42 frame score (rules-v2.md §5): its name, maximum, points, and what the
    rule engine said of a computed group (empty for a group the cell scored)."""

    name: str
    max: int
    points: int
    note: str = ""


@dataclass(frozen=True)
class FeeStatus:
    """The party fees of the meeting's month as the minutes' opening records them (the fee ledger's
    month status, `chibo.fees.selectors.month_status`): how many members with the month's due
    recorded have paid in full, the amount collected against the amount due after relief, and the
    members not yet paid in full, by name. No member's income or amount: the minutes are read by
    the whole cell and sent up, and those figures are the member's and the fee keepers' only."""

    month: dt.date  # first day
    members: int  # members with the month's due recorded
    paid_members: int  # of them, paid in full
    due_after: int  # đồng, the total due after relief
    paid: int  # đồng, the total collected
    unpaid: tuple[str, ...] = ()
    missing: int = 0  # members of the month without a recorded due

    def __post_init__(self):
        object.__setattr__(self, "unpaid", tuple(self.unpaid))


@dataclass(frozen=True)
class Amendment:
    when: dt.datetime
    author: str
    reason: str
    summary: str


@dataclass
class MinutesData:
    """Everything the minutes and the resolution of one meeting print."""

    superior_name: str  # "Đảng bộ xã Tân Thành" or "xã Tân Thành"
    cell_name: str  # "Chi bộ thôn 1" or "thôn 1"
    place_of_issue: str  # locality of the date line: "Tân Thành"
    meeting_id: str
    kind: str  # KIND_LABELS
    date: dt.date
    start: dt.time | None = None
    end: dt.time | None = None
    place: str | None = None
    counts: Counts = field(default_factory=Counts)
    present_members: list[str] = field(default_factory=list)
    absent: list[Absence] = field(default_factory=list)
    guests: list[Guest] = field(default_factory=list)
    chair_name: str | None = None
    secretary_name: str | None = None
    topic: str | None = None  # thematic and combined meetings
    agenda: list[AgendaItem] = field(default_factory=list)
    votes: list[VoteLine] = field(default_factory=list)
    conclusion: str | None = None
    tasks: list[Task] = field(default_factory=list)
    score_total: int | None = None
    grade: str | None = None  # GRADE_LABELS
    provisional: bool = False  # the score lacks manual criteria
    # HD 42 (rules-v2.md §5): the frame rubric's groups, its name, what to remedy, the superior's
    # official grade (GRADE_LABELS). Empty for a meeting judged by HD 12.
    score_groups: list[ScoreGroup] = field(default_factory=list)
    rubric_name: str | None = None
    remedies: list[str] = field(default_factory=list)
    official_grade: str | None = None
    # The month's party fees announced at the opening (None: the month has no recorded due, or the
    # minutes were frozen before the minutes printed them).
    fee_status: FeeStatus | None = None
    amendments: list[Amendment] = field(default_factory=list)
    resolution_number: str | None = None  # "05-NQ/CB"
    resolution_text: str | None = None  # falls back to the conclusion
    secretary_title_for_signing: str = "BÍ THƯ"  # or "PHÓ BÍ THƯ"
    signer_name: str | None = None

    def __post_init__(self):
        _check(self.kind, KIND_LABELS, "meeting kind")
        _check(self.grade, GRADE_LABELS, "grade", optional=True)
        _check(self.official_grade, GRADE_LABELS, "official grade", optional=True)
        self.score_groups = _records(ScoreGroup, self.score_groups)
        self.remedies = list(self.remedies)
        if isinstance(self.counts, dict):
            self.counts = Counts(**self.counts)
        self.absent = _records(Absence, self.absent)
        self.guests = _records(Guest, self.guests)
        self.agenda = _records(AgendaItem, self.agenda)
        self.votes = _records(VoteLine, self.votes)
        self.tasks = _records(Task, self.tasks)
        self.amendments = _records(Amendment, self.amendments)
        self.present_members = list(self.present_members)


@dataclass
class NoticeData:
    """Everything the printed meeting notice (thông báo) says: the official one-page form handed
    to members without an e-mail address (and pinned up)."""

    superior_name: str
    cell_name: str
    place_of_issue: str
    meeting_id: str
    kind: str  # KIND_LABELS
    date: dt.date  # the meeting's day
    issued_on: dt.date  # the notice's date line
    start: dt.time | None = None
    place: str | None = None
    topic: str | None = None
    agenda: list[str] = field(default_factory=list)  # the items in order, sections flattened
    invited_members: list[str] = field(default_factory=list)  # the roll on the meeting day
    invited_guests: list[str] = field(default_factory=list)  # "Nguyễn Văn A, Đảng ủy xã …"
    signer_title: str = "BÍ THƯ"
    signer_name: str | None = None

    def __post_init__(self):
        _check(self.kind, KIND_LABELS, "meeting kind")
        self.agenda = [nfc(a) for a in self.agenda]
        self.invited_members = [nfc(n) for n in self.invited_members]
        self.invited_guests = [nfc(g) for g in self.invited_guests]


def _same_title(a: str, b: str) -> bool:
    return nfc(a).strip().casefold() == nfc(b).strip().casefold()


def group_speeches(item_titles: list[str], speeches: list[tuple[str | None, str, str]]) -> list[AgendaItem]:
    """Agenda items in order, each with its speeches (item, speaker, summary) in order.

    Speeches whose item matches no title (case and spacing aside) go under a last item
    "Ý kiến khác".
    """
    grouped: dict[int, list[Speech]] = {i: [] for i in range(len(item_titles))}
    other: list[Speech] = []
    for item, speaker, summary in speeches:
        index = next((i for i, t in enumerate(item_titles) if item and _same_title(item, t)), None)
        (other if index is None else grouped[index]).append(Speech(speaker, summary))
    agenda = [AgendaItem(title, tuple(grouped[i])) for i, title in enumerate(item_titles)]
    if other:
        agenda.append(AgendaItem(OTHER_OPINIONS, tuple(other)))
    return agenda


# ---------------------------------------------------------------------------------------
# Formatting (dates in the Party's wording, names in headers)

DOTS = "……"


def nfc(text: str | None) -> str:
    return unicodedata.normalize("NFC", text or "")


def fmt_date(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def fmt_datetime(moment: dt.datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(LOCAL_TZ)
    return moment.strftime("%d/%m/%Y %H:%M")


def _day(day: dt.date) -> str:
    # Hướng dẫn 36-HD/VPTW: a day below 10 and the months 1 and 2 take a leading zero.
    return f"{day.day:02d}"


def _month(day: dt.date) -> str:
    return f"{day.month:02d}" if day.month <= 2 else str(day.month)


def date_words(day: dt.date) -> str:
    """The date in words: "ngày 03 tháng 01 năm 2025", "ngày 15 tháng 5 năm 2025"."""
    return f"ngày {_day(day)} tháng {_month(day)} năm {day.year}"


def month_words(day: dt.date) -> str:
    return f"tháng {_month(day)} năm {day.year}"


def time_words(moment: dt.time | None) -> str:
    if moment is None:
        return f"{DOTS} giờ {DOTS} phút"
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút"


def rate_text(rate: str | None, none: str = "") -> str:
    """The engine's rate ("87.50", `engine.format_rate`) written the Vietnamese way: "87,50%";
    `none` when there is no rate."""
    return none if rate is None else rate.replace(".", ",") + "%"


def money(amount: int) -> str:
    """An amount of đồng written the Vietnamese way: 1250000 -> "1.250.000"."""
    return f"{int(amount):,}".replace(",", ".")


def month_number(day: dt.date) -> str:
    """A month as "01/2026"."""
    return f"{day.month:02d}/{day.year}"


def percent(part: int, whole: int) -> str:
    """A rate like "87,50%": the engine's `format_rate` (two decimals rounded half up, as in the
    audit); "" when whole is 0."""
    return rate_text(engine.format_rate(part, whole))


def upper_vi(text: str) -> str:
    return " ".join(nfc(text).split()).upper()


def _strip_prefix(name: str, prefixes: tuple[str, ...]) -> str:
    name = " ".join(nfc(name).split())
    for prefix in prefixes:
        if name.casefold().startswith(prefix.casefold() + " "):
            return name[len(prefix) + 1 :]
    return name


def superior_line(superior_name: str) -> str:
    """The header's first line: "ĐẢNG BỘ XÃ TÂN THÀNH" from "Đảng bộ xã Tân Thành" or "xã Tân Thành"."""
    return "ĐẢNG BỘ " + upper_vi(_strip_prefix(superior_name, ("Đảng bộ", "Đảng ủy", "Đảng uỷ")))


def superior_committee(superior_name: str) -> str:
    """The superior committee, recipient of a cell's resolution: "Đảng ủy xã Tân Thành"."""
    return "Đảng ủy " + _strip_prefix(superior_name, ("Đảng bộ", "Đảng ủy", "Đảng uỷ"))


def cell_line(cell_name: str) -> str:
    """The cell's header line: "CHI BỘ THÔN 1" from "Chi bộ thôn 1" or "thôn 1" (never "CHI BỘ CHI BỘ")."""
    return "CHI BỘ " + upper_vi(_strip_prefix(cell_name, ("Chi bộ",)))


def meeting_subtitle(data: MinutesData) -> str:
    return f"Sinh hoạt chi bộ {KIND_LABELS[data.kind]} {month_words(data.date)}"


# ---------------------------------------------------------------------------------------
# Document model


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass(frozen=True)
class Para:
    runs: tuple[Run, ...]
    align: Literal["justify", "center", "left", "right"] = "justify"
    indent: int = 1  # first-line indent in steps of 1 cm (0: none)
    size: int | None = None  # points; None: the body size (14)
    space_before: int = 0  # points
    keep_with_next: bool = False


@dataclass(frozen=True)
class Header:
    """The two-column heading of a Party document (Hướng dẫn 36-HD/VPTW)."""

    superior: str  # "ĐẢNG BỘ XÃ TÂN THÀNH"
    cell: str  # "CHI BỘ THÔN 1"
    number: str | None  # "Số 05-NQ/CB"
    place_date: str  # "Tân Thành, ngày 03 tháng 01 năm 2025"


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    widths: tuple[int, ...]  # relative
    rows: tuple[tuple[str, ...], ...]
    centered: tuple[int, ...] = ()  # column indexes whose cells are centered


@dataclass(frozen=True)
class Signature:
    titles: tuple[str, ...]  # bold lines: ("T/M CHI BỘ", "BÍ THƯ")
    name: str
    note: str | None = None  # "(Ký, ghi rõ họ tên)"


@dataclass(frozen=True)
class Recipients:
    items: tuple[str, ...]
    label: str = "Nơi nhận:"


@dataclass(frozen=True)
class SignatureRow:
    left: Signature | Recipients | None
    right: Signature | None


Block = Header | Para | Table | SignatureRow


@dataclass(frozen=True)
class Document:
    title: str  # metadata title
    blocks: tuple[Block, ...]
