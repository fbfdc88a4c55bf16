"""The reminders of a day, for everyone at once, and the reads of the notification pages.

`due_reminders(on)` reads what each person should be reminded of on `on` in a fixed number of
queries whatever the number of cells, meetings and members (tests/test_reminders.py pins it).
Nothing here decides a rule: a late notice is the engine's NOTICE_LATE test (`notice_late`, as
the start page asks it), a meeting's day the engine's `is_on_time` under the cell's profile, an
overdue task `engine.is_task_overdue`, the statuses the lifecycle's, findings the stored results.

Who is reminded (logins only: a person without a login has no page to turn a reminder off):
- a cell's secretaries (`Role` secretary on the cell): the month's regular meeting not planned
  when its last day under the profile (`regular_meeting_day`) is within `DATE_AHEAD` days or
  past; a planned regular meeting dated after that day without a reason; a notice not sent whose
  last day is within `NOTICE_AHEAD` days or past; a meeting whose day passed without being
  marked held; a held meeting whose minutes are not finalized;
- a member with a login: their open tasks due within `TASK_AHEAD` days or overdue;
- a committee member with a login assigned to attend a cell's meeting (`VisitPlan` with its
  meeting) dated in the coming `VISIT_AHEAD` days, not yet recorded as visited;
- a committee's staff (`Role` committee_staff on it): the recommendations waiting at it
  (received or being handled: once when waiting, weekly once past `due_on`);
- the staff of the nearest committee above a cell that has staff: the engine's findings on the
  cell's meetings and periods that ended in the last `FINDINGS_WINDOW` days (each once).

A reminder about what is due is sent once; one about what stays late once a week (the ISO week
is part of its key) until it is done."""

from __future__ import annotations

import calendar
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from chibo import vocabulary
from chibo.home.selectors import period_text
from chibo.meetings import lifecycle
from chibo.meetings.models import Meeting, Task
from chibo.meetings.preparation.services import notice_deadline, notice_late
from chibo.notices import selectors as notices
from chibo.orgs.models import CELL_KINDS, Organization, Role
from chibo.prepared import Prepared
from chibo.reminders.models import Notification, ReminderKind, ReminderPreference
from chibo.results.models import MeetingResult, PeriodFinding
from chibo.rules import engine
from chibo.rules.services import effective_profiles_for
from chibo.supervision.models import Recommendation, RecommendationStatus, VisitPlan

NOTICE_AHEAD = 3  # days before the notice's last day
DATE_AHEAD = 7  # days before the last day of the month's regular meeting
TASK_AHEAD = 3  # days before a task's due date
VISIT_AHEAD = 7  # days: the coming week
FINDINGS_WINDOW = 31  # days: findings of meetings (periods) that ended this long ago are still new
LIST_MAX = 50  # notifications on the list page
WAITING = (RecommendationStatus.RECEIVED, RecommendationStatus.HANDLING)  # at the committee, not answered
KIND_ORDER = {code: i for i, code in enumerate(vocabulary.REMINDER_KINDS.codes)}


@dataclass(frozen=True)
class Due:
    """One reminder to one person."""

    user_id: int
    kind: str
    key: str
    text: str
    url: str

    @property
    def label(self) -> str:
        return vocabulary.REMINDER_KINDS.labels[self.kind]


@dataclass(frozen=True)
class Recipient:
    user_id: int
    username: str
    name: str
    email: str  # "" without an address


def week(on: date) -> str:
    iso = on.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _short(text: str, most: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[: most - 1] + "…"


def _nearest_staff(path: str, staff: dict[int, list[int]]) -> list[int]:
    """The committee staff of the nearest organisation strictly above `path` that has staff."""
    for org_id in reversed(Organization(path=path).ancestor_ids()[:-1]):
        if org_id in staff:
            return staff[org_id]
    return []


def _last_regular_day(year: int, month: int, profile: dict, cache: dict) -> date | None:
    """The last day of the month a regular meeting is on time under `profile` (the engine's
    `is_on_time`, asked day by day)."""
    key = (year, month, profile["regular_meeting_day"])
    if key not in cache:
        days = [date(year, month, d) for d in range(1, calendar.monthrange(year, month)[1] + 1)]
        cache[key] = max((d for d in days if engine.is_on_time({"kind": "regular", "date": d}, profile)),
                         default=None)
    return cache[key]


def _cell_reminders(on: date, out: list[Due]) -> None:
    """The secretaries' reminders: four queries (roles, profiles (two), meetings)."""
    secretaries: dict[int, list[int]] = defaultdict(list)
    cells: dict[int, tuple[str, str]] = {}
    for user_id, org_id, code, name, kind in (Role.objects.filter(kind=Role.Kind.SECRETARY, user__is_active=True)
                                              .values_list("user_id", "organization_id", "organization__code",
                                                           "organization__name", "organization__kind")):
        if kind in CELL_KINDS:
            secretaries[org_id].append(user_id)
            cells[org_id] = (code, name)
    if not cells:
        return
    profiles = effective_profiles_for(list(cells))
    horizon = on + timedelta(days=max(p["notice_days_before"] for p in profiles.values()) + NOTICE_AHEAD)
    first, last = on.replace(day=1), on.replace(day=calendar.monthrange(on.year, on.month)[1])
    by_cell: dict[int, list] = defaultdict(list)
    for org_id, ident, kind, status, day, sent, reason in (
            Meeting.objects.exclude(status=lifecycle.CANCELLED)
            .filter(Q(status__in=(*lifecycle.UPCOMING, lifecycle.HELD), date__lte=horizon)
                    | Q(date__range=(first, last), kind__in=sorted(engine.REGULAR_KINDS)))
            .order_by("date", "ident")
            .values_list("organization_id", "ident", "kind", "status", "date", "notice_sent_on", "rescheduled_reason")):
        if org_id in cells:
            by_cell[org_id].append(SimpleNamespace(ident=ident, kind=kind, status=status, date=day,
                                                   notice_sent_on=sent, rescheduled_reason=reason))
    cache: dict = {}
    for org_id, (code, name) in cells.items():
        profile, meetings = profiles[org_id], by_cell.get(org_id, [])
        found: list[tuple[str, str, str, str]] = []  # kind, key, text, url
        if not any(m.kind in engine.REGULAR_KINDS and first <= m.date <= last for m in meetings):
            deadline = _last_regular_day(on.year, on.month, profile, cache)
            plan = reverse("meeting_list", args=[code])
            if deadline is not None and on > deadline:
                found.append((ReminderKind.MEETING_DATE, f"date-late:{code}:{on:%Y-%m}:{week(on)}",
                              f"{name}: chưa có cuộc họp thường kỳ tháng {on:%m/%Y}; ngày sinh hoạt thường kỳ chậm "
                              f"nhất trong tháng là {deadline:%d/%m/%Y} đã qua.", plan))
            elif deadline is not None and (deadline - on).days <= DATE_AHEAD:
                found.append((ReminderKind.MEETING_DATE, f"date-due:{code}:{on:%Y-%m}",
                              f"{name}: chưa lên lịch cuộc họp thường kỳ tháng {on:%m/%Y}; phải họp chậm nhất ngày "
                              f"{deadline:%d/%m/%Y}.", plan))
        for m in meetings:
            page = reverse("meeting_detail", args=[m.ident])
            if m.status in lifecycle.UPCOMING and m.date < on:
                found.append((ReminderKind.MINUTES, f"not-held:{m.ident}:{week(on)}",
                              f"{name}: cuộc họp ngày {m.date:%d/%m/%Y} đã qua ngày họp nhưng chưa đánh dấu đã họp.",
                              page))
            elif m.status == lifecycle.HELD and m.date < on:
                found.append((ReminderKind.MINUTES, f"not-final:{m.ident}:{week(on)}",
                              f"{name}: cuộc họp ngày {m.date:%d/%m/%Y} chưa hoàn tất biên bản.", page))
            elif m.status in lifecycle.UPCOMING and m.date >= on:
                if m.kind in engine.REGULAR_KINDS and not engine.is_on_time(
                        {"kind": m.kind, "date": m.date, "rescheduled_reason": m.rescheduled_reason}, profile):
                    found.append((ReminderKind.MEETING_DATE, f"date-off:{m.ident}:{m.date:%Y-%m-%d}",
                                  f"{name}: cuộc họp thường kỳ ngày {m.date:%d/%m/%Y} sau ngày sinh hoạt thường kỳ "
                                  f"chậm nhất trong tháng (ngày {profile['regular_meeting_day']}) mà chưa ghi lý do "
                                  f"đổi ngày.", page))
                if m.status == lifecycle.PLANNED and m.notice_sent_on is None:
                    deadline = notice_deadline(m, profile)
                    send = reverse("notice_send", args=[m.ident])
                    if notice_late(m, profile, on):
                        found.append((ReminderKind.NOTICE, f"notice-late:{m.ident}:{week(on)}",
                                      f"{name}: thông báo triệu tập cuộc họp ngày {m.date:%d/%m/%Y} phải gửi chậm "
                                      f"nhất ngày {deadline:%d/%m/%Y}; chưa gửi.", send))
                    elif notice_late(m, profile, on + timedelta(days=NOTICE_AHEAD)):
                        found.append((ReminderKind.NOTICE, f"notice-due:{m.ident}",
                                      f"{name}: thông báo triệu tập cuộc họp ngày {m.date:%d/%m/%Y} cần gửi chậm "
                                      f"nhất ngày {deadline:%d/%m/%Y}.", send))
        for user_id in secretaries[org_id]:
            out.extend(Due(user_id, kind, key, text, url) for kind, key, text, url in found)


def _task_reminders(on: date, out: list[Due]) -> None:
    """The members' open tasks due within TASK_AHEAD days or overdue: one query."""
    mine = reverse("my_page")
    for pk, description, due, meeting_day, cell, user_id in (
            Task.objects.filter(done_on__isnull=True, due__isnull=False, due__lte=on + timedelta(days=TASK_AHEAD),
                                assignee__user__isnull=False, assignee__user__is_active=True)
            .order_by("due", "pk")
            .values_list("pk", "description", "due", "meeting__date", "meeting__organization__name",
                         "assignee__user_id")):
        what = f"Nhiệm vụ “{_short(description)}” ({cell}, cuộc họp ngày {meeting_day:%d/%m/%Y})"
        if engine.is_task_overdue({"due": due, "done_on": None}, on):
            out.append(Due(user_id, ReminderKind.TASK, f"task-overdue:{pk}:{week(on)}",
                           f"{what} đã quá hạn từ ngày {due:%d/%m/%Y}.", mine))
        else:
            out.append(Due(user_id, ReminderKind.TASK, f"task-due:{pk}", f"{what} đến hạn ngày {due:%d/%m/%Y}.", mine))


def _visit_reminders(on: date, out: list[Due]) -> None:
    """The committee members assigned to attend a cell's meeting in the coming week
    (`VisitPlan` with its meeting dated then, not cancelled, not yet recorded as visited): one query."""
    mine = reverse("my_visits")
    for pk, day, start, place, cell, committee, ident, user_id in (
            VisitPlan.objects.filter(meeting__date__range=(on, on + timedelta(days=VISIT_AHEAD)),
                                     assignee__user__isnull=False, assignee__user__is_active=True,
                                     visit__isnull=True)
            .exclude(meeting__status=lifecycle.CANCELLED).order_by("meeting__date", "pk")
            .values_list("pk", "meeting__date", "meeting__start", "meeting__place", "cell__name", "committee__name",
                         "meeting__ident", "assignee__user_id")):
        when = f"lúc {start:%H:%M} ngày {day:%d/%m/%Y}" if start else f"ngày {day:%d/%m/%Y}"
        where = f" tại {place}" if place else ""
        out.append(Due(user_id, ReminderKind.VISIT, f"visit:{pk}:{ident}:{day:%Y-%m-%d}",
                       f"{committee} phân công đồng chí dự sinh hoạt {cell} {when}{where}.", mine))


def _committee_reminders(on: date, out: list[Due]) -> None:
    """The committees' staff: recommendations waiting at their committee, new findings. Four queries."""
    staff: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in (Role.objects.filter(kind=Role.Kind.COMMITTEE_STAFF, user__is_active=True)
                            .order_by("organization_id", "user_id").values_list("organization_id", "user_id")):
        staff[org_id].append(user_id)
    if not staff:
        return
    since = on - timedelta(days=FINDINGS_WINDOW)
    for pk, name, day, status, due_on, committee_id in (
            Recommendation.objects.filter(status__in=WAITING).order_by("due_on", "pk")
            .values_list("pk", "organization__name", "meeting__date", "status", "due_on", "committee_id")):
        what = f"Kiến nghị của {name} (cuộc họp ngày {day:%d/%m/%Y})"
        page = reverse("recommendation_detail", args=[pk])
        late = due_on < on
        for user_id in staff.get(committee_id, []):
            if late:
                out.append(Due(user_id, ReminderKind.RECOMMENDATIONS, f"rec-late:{pk}:{committee_id}:{week(on)}",
                               f"{what} quá hạn trả lời từ ngày {due_on:%d/%m/%Y}; "
                               f"{vocabulary.RECOMMENDATION_STATUSES.labels[status].lower()}.", page))
            else:
                out.append(Due(user_id, ReminderKind.RECOMMENDATIONS, f"rec-wait:{pk}:{committee_id}",
                               f"{what} chờ trả lời, hạn trả lời ngày {due_on:%d/%m/%Y}.", page))
    since = on - timedelta(days=FINDINGS_WINDOW)
    for ident, day, entry, name, path in (
            MeetingResult.objects.filter(date__range=(since, on)).order_by("date", "ident")
            .values_list("ident", "date", "entry", "organization__name", "organization__path")):
        codes = list(dict.fromkeys(f["code"] for f in json.loads(entry)["findings"]))
        if not codes:
            continue
        text = f"{name}, cuộc họp ngày {day:%d/%m/%Y}: " + "; ".join(engine.FINDING_LABELS.get(c, c) for c in codes) + "."
        for user_id in _nearest_staff(path, staff):
            out.append(Due(user_id, ReminderKind.FINDINGS, f"findings:{ident}", text,
                           reverse("meeting_detail", args=[ident])))
    periods: dict[tuple[str, str], dict] = {}
    for code, period, finding, name, path in (
            PeriodFinding.objects.filter(last__range=(since, on - timedelta(days=1))).exclude(code="TASK_OVERDUE")
            .order_by("organization__path", "first", "code")
            .values_list("organization__code", "period", "code", "organization__name", "organization__path")):
        entry = periods.setdefault((code, period), {"name": name, "path": path, "codes": {}})
        entry["codes"][finding] = None
    for (code, period), entry in periods.items():
        text = (f"{entry['name']}, {period_text(period)}: "
                + "; ".join(engine.FINDING_LABELS.get(c, c) for c in entry["codes"]) + ".")
        for user_id in _nearest_staff(entry["path"], staff):
            out.append(Due(user_id, ReminderKind.FINDINGS, f"findings:{code}:{period}", text,
                           reverse("org_detail", args=[code])))


def due_reminders(on: date) -> tuple[list[Due], dict[int, Recipient]]:
    """Every reminder of `on` for every person who has not turned its kind off, sorted by person
    and kind, and the people (active logins) with their e-mail address (the login's, else their
    member record's). Thirteen queries whatever the size of the data; sent ones are not removed
    here (`already_sent`)."""
    found: list[Due] = []
    _cell_reminders(on, found)
    _task_reminders(on, found)
    _visit_reminders(on, found)
    _committee_reminders(on, found)
    if not found:
        return [], {}
    off = set(ReminderPreference.objects.filter(enabled=False).values_list("user_id", "kind"))
    people = {pk: Recipient(pk, username, member or f"{first} {last}".strip() or username,
                            (email or member_email or "").strip())
              for pk, username, first, last, email, member, member_email in (
                  get_user_model().objects.filter(is_active=True)
                  .values_list("pk", "username", "first_name", "last_name", "email", "member__full_name",
                               "member__email"))}
    seen: set[tuple[int, str]] = set()
    out = []
    for due in found:
        if due.user_id in people and (due.user_id, due.kind) not in off and (due.user_id, due.key) not in seen:
            seen.add((due.user_id, due.key))
            out.append(due)
    out.sort(key=lambda d: (d.user_id, KIND_ORDER[d.kind], d.key))
    return out, people


def already_sent(batch: list[Due]) -> set[tuple[int, str]]:
    """Which (person, key) of `batch` were sent already: one query."""
    if not batch:
        return set()
    return set(Notification.objects.filter(key__in=sorted({d.key for d in batch}),
                                           user_id__in=sorted({d.user_id for d in batch}))
               .values_list("user_id", "key"))


# --- The notifications in the application ----------------------------------------------------


@dataclass(frozen=True)
class TopBarCounts:
    notices: int  # meeting notices not opened (chibo.notices)
    reminders: int  # notifications not read


def _topbar_query(user_id, member_id=None, on=None):
    unread = (Notification.objects.filter(user_id=OuterRef("pk"), read_at__isnull=True).order_by()
              .values("user_id").annotate(n=Count("pk")).values("n"))
    counts = {"reminders": Coalesce(Subquery(unread, output_field=IntegerField()), 0)}
    if member_id:
        unopened = (notices.unopened(member_id, on).order_by().values("member_id").annotate(n=Count("pk"))
                    .values("n"))
        counts["notices"] = Coalesce(Subquery(unopened, output_field=IntegerField()), 0)
    return get_user_model().objects.filter(pk=user_id).order_by().values(**counts)[:1]


# The top bar of every page, compiled once per process (chibo.prepared): a member's, anyone else's.
TOPBAR_MEMBER = Prepared(_topbar_query, user_id=-7_310_040, member_id=-7_310_041, on=date(1901, 2, 5))
TOPBAR = Prepared(_topbar_query, user_id=-7_310_042)


def topbar_counts(user_id: int, member_id: int | None, on: date) -> TopBarCounts:
    """The top bar's counts in one query: the notifications not read, and for a member the
    meeting notices not opened (`notices.unopened`)."""
    if member_id:
        row = TOPBAR_MEMBER.first(user_id=user_id, member_id=member_id, on=on) or {}
    else:
        row = TOPBAR.first(user_id=user_id) or {}
    return TopBarCounts(row.get("notices", 0), row.get("reminders", 0))


def notifications_of(user_id: int) -> list[Notification]:
    """The person's latest notifications, newest first: one query."""
    return list(Notification.objects.filter(user_id=user_id).order_by("-day", "-id")[:LIST_MAX])


def notification_for(user_id: int, pk: int) -> Notification | None:
    """The notification `pk` if it is the person's own (None otherwise: another's is not found)."""
    return Notification.objects.filter(pk=pk, user_id=user_id).first()


def preferences_of(user_id: int) -> dict[str, bool]:
    """{kind: on?} for every kind (no row: on). One query."""
    stored = dict(ReminderPreference.objects.filter(user_id=user_id).values_list("kind", "enabled"))
    return {code: stored.get(code, True) for code in vocabulary.REMINDER_KINDS.codes}
