"""The start page's reads, one function per role, each in a fixed number of queries whatever the
size of the data. The verdicts are the rule engine's: meeting findings come from the stored
results (chibo.results), a late notice from the engine's own test (`notice_late`); nothing here
recomputes a rule. Each item carries the link to the page where it is done, or None when the
access helper guarding that page would refuse the user."""

import json
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from chibo import vocabulary
from chibo.meetings import lifecycle
from chibo.meetings.models import (
    AbsenceNotice,
    AgendaItem,
    Meeting,
    MeetingDocument,
    ScoreConfirmation,
    Task,
    ThematicPrep,
)
from chibo.meetings.preparation.services import notice_deadline, notice_late
from chibo.orgs.access import Scope
from chibo.orgs.models import Member, Organization, Role
from chibo.reports.dashboard import dashboard
from chibo.results.models import MeetingResult, PeriodFinding
from chibo.rules import engine
from chibo.rules.services import effective_profile_for
from chibo.supervision.models import Orientation
from chibo.supervision.selectors import orientations_for_cell

#: How many recent meetings' findings, open items and rows each list shows at most.
RECENT_MEETINGS = 5
LIST_MAX = 20
TASK_HORIZON = 7  # days: tasks due this week (or overdue)


def finding(code: str, detail: str = "") -> dict:
    return {"code": code, "label": engine.FINDING_LABELS[code], "advice": vocabulary.FINDING_ADVICE[code],
            "detail": detail}


def _next_meeting(cell: Organization, on: date) -> Meeting | None:
    """The cell's next meeting not yet held, with what its preparation has done. One query."""
    return (Meeting.objects.filter(organization=cell, date__gte=on, status__in=lifecycle.UPCOMING)
            .select_related("organization")
            .annotate(has_agenda=Exists(AgendaItem.objects.filter(meeting=OuterRef("pk"))),
                      has_documents=Exists(MeetingDocument.objects.filter(meeting=OuterRef("pk"))),
                      approved=Exists(ThematicPrep.objects.filter(meeting=OuterRef("pk"), approved_at__isnull=False)))
            .order_by("date", "ident").first())


def _steps(meeting: Meeting, can_manage: bool) -> list[dict]:
    """The preparation steps of `meeting`, each done or not, with where it is done (the pages
    `get_meeting_for_user(..., Right.MANAGE)` guards: only for those who may prepare it)."""
    prep = reverse("meeting_prepare", args=[meeting.ident])
    steps = [{"code": "agenda", "label": "Chương trình sinh hoạt", "done": meeting.has_agenda,
              "url": reverse("agenda_edit", args=[meeting.ident]) if can_manage else None},
             {"code": "documents", "label": "Tài liệu", "done": meeting.has_documents,
              "url": prep + "#tai-lieu" if can_manage else None}]
    if meeting.kind in engine.THEMATIC_KINDS:
        steps.append({"code": "thematic", "label": "Chi ủy duyệt bài đề dẫn chuyên đề", "done": meeting.approved,
                      "url": prep + "#chuyen-de" if can_manage else None})
    steps.append({"code": "notice", "label": "Gửi thông báo triệu tập", "done": meeting.notice_sent_on is not None,
                  "url": reverse("notice_send", args=[meeting.ident]) if can_manage else None})
    return steps


def cell_start(cell: Organization, scope: Scope, on: date) -> dict:
    """A cell's start page (its secretary, or staff designated to record it): the next meeting
    and its preparation, what is late, absence reasons received, tasks due within a week or
    overdue, the engine's findings on recent meetings, the committees' orientation. A fixed
    number of queries (tests/test_home.py pins it)."""
    can_manage, can_record = scope.can_manage_org(cell), scope.can_record_org(cell)
    nxt = _next_meeting(cell, on)
    late = []
    absences = []
    if nxt is not None:
        profile = effective_profile_for(cell)
        if nxt.notice_sent_on is None and notice_late(nxt, profile, on):
            late.append({"text": f"Thông báo triệu tập cuộc họp ngày {nxt.date:%d/%m/%Y} phải gửi chậm nhất ngày "
                                 f"{notice_deadline(nxt, profile):%d/%m/%Y}; chưa gửi.",
                         "url": reverse("notice_send", args=[nxt.ident]) if can_manage else None})
        absences = list(AbsenceNotice.objects.filter(meeting=nxt).select_related("member")
                        .order_by("member__sort_key", "id"))
    # Meetings whose day has passed without being marked held, and held ones not yet finalized.
    for m in (Meeting.objects.filter(Q(organization=cell) & (Q(date__lt=on, status__in=lifecycle.UPCOMING)
                                                            | Q(status=lifecycle.HELD)))
              .order_by("date", "ident")[:LIST_MAX]):
        what = "chưa hoàn tất biên bản" if m.status == lifecycle.HELD else "đã qua ngày họp nhưng chưa đánh dấu đã họp"
        late.append({"text": f"Cuộc họp ngày {m.date:%d/%m/%Y} {what}.",
                     "url": reverse("meeting_detail", args=[m.ident]) if can_record else None})
    tasks = list(Task.objects.filter(meeting__organization=cell, done_on__isnull=True, due__isnull=False,
                                     due__lte=on + timedelta(days=TASK_HORIZON))
                 .select_related("assignee", "meeting").order_by("due", "meeting__date", "position")[:LIST_MAX])
    for t in tasks:
        t.overdue = t.due < on
    return {"cell": cell, "next": nxt, "steps": _steps(nxt, can_manage) if nxt else [], "late": late,
            "absences": absences, "tasks": tasks, "findings": recent_findings(cell, on),
            "orientations": _orientations(cell, nxt, on), "can_manage": can_manage}


def _orientations(cell: Organization, nxt: Meeting | None, on: date) -> list:
    """The committees' orientations for the month of the next meeting (this month without one)."""
    day = nxt.date if nxt is not None else on
    return orientations_for_cell(cell, day.year, day.month)


#: Whom NOTICE_MISSING says the notice did not reach in time (rules-v2.md §2).
NOTICE_MISSING_LABELS = {"members": "đảng viên", "superior": "cấp ủy cấp trên"}


def recent_findings(cell: Organization, on: date) -> list[dict]:
    """The engine's stored findings on the cell's last meetings (newest first) and its findings of
    the last three months, each with its label and what to do. Three queries."""
    results = list(MeetingResult.objects.filter(organization=cell, date__lte=on).order_by("-date", "-ident")
                   .values_list("ident", "date", "entry")[:RECENT_MEETINGS])
    parsed = [(ident, day, json.loads(entry)["findings"]) for ident, day, entry in results]
    periods = list(PeriodFinding.objects.filter(organization=cell, first__gte=on - timedelta(days=92), first__lte=on)
                   .exclude(code="TASK_OVERDUE").order_by("-first", "code", "member"))
    codes = {f["member"] for _i, _d, fs in parsed for f in fs if "member" in f} | {p.member for p in periods if p.member}
    names = dict(Member.objects.filter(code__in=sorted(codes)).values_list("code", "full_name")) if codes else {}
    out = []
    for ident, day, found in parsed:
        if not found:
            continue
        rows = []
        for f in found:
            detail = names.get(f.get("member"), f.get("member", ""))
            if f["code"] == "NOTICE_MISSING":  # HD 42: whom the notice did not reach in time
                detail = ", ".join(NOTICE_MISSING_LABELS[m] for m in f["missing"])
            elif "missing" in f:
                detail = ", ".join(engine.MISSING_ELEMENT_LABELS[m] for m in f["missing"])
            elif "vote" in f:
                detail = f"biểu quyết thứ {f['vote'] + 1}"
            rows.append(finding(f["code"], detail))
        out.append({"title": f"Cuộc họp ngày {day:%d/%m/%Y}", "url": reverse("meeting_detail", args=[ident]),
                    "findings": rows})
    if periods:
        out.append({"title": "Theo tháng, quý của chi bộ", "url": None,
                    "findings": [finding(p.code, " · ".join(x for x in (period_text(p.period),
                                                                         names.get(p.member, "")) if x))
                                 for p in periods]})
    return out


def period_text(period: str) -> str:
    """A stored period as a page says it: 2025-03 -> tháng 03/2025, 2025-Q1 -> quý 1/2025,
    2025-H2 -> 6 tháng cuối năm 2025, 2025 -> năm 2025."""
    year, _, part = (period or "").partition("-")
    if not part:
        return f"năm {year}" if year else ""
    if part.startswith("Q"):
        return f"quý {part[1:]}/{year}"
    if part.startswith("H"):
        return f"6 tháng {'đầu' if part == 'H1' else 'cuối'} năm {year}"
    return f"tháng {part}/{year}"


def member_start(scope: Scope, on: date) -> dict:
    """A member's start page: the next meeting of their cell with its notice and materials and
    their own absence reason, their open tasks. A fixed number of queries."""
    from chibo.meetings import selectors as meeting_selectors

    cell_ids = meeting_selectors.current_cell_ids(scope.member_id)
    upcoming = meeting_selectors.upcoming_for_member(scope.member_id, cell_ids, on, limit=1)
    nxt = upcoming[0] if upcoming else None
    if nxt is not None:
        nxt.absence = nxt.my_absence[0] if nxt.my_absence else None
    tasks = [t for t in meeting_selectors.tasks_of_member(scope.member_id) if t.done_on is None]
    for t in tasks:
        t.overdue = t.due is not None and t.due < on
    return {"next": nxt, "tasks": tasks}


def committee_start(org: Organization, scope: Scope, user, on: date) -> dict:
    """A committee's start page: the cells that need attention first (the dashboard's, over the
    year so far), the scores awaiting the committee's confirmation, and the committee's own
    to-dos (this month's orientation). A fixed number of queries (the dashboard's five and three)."""
    figures = dashboard(org, date(on.year, 1, 1), on)
    worst = []
    for fig in figures["worst"]:
        reasons = [(engine.FINDING_LABELS[code], n) for code, n in fig.findings.items() if n]
        worst.append({"code": fig.code, "name": fig.name, "problems": fig.problems, "reasons": reasons,
                      "url": reverse("org_detail", args=[fig.code])})
    scores = list(ScoreConfirmation.objects.filter(
        meeting__organization__path__gt=org.path, meeting__organization__path__lt=org.path + "g",
        scored_at__isnull=False, confirmed_at__isnull=True)
        .exclude(scored_by=user).select_related("meeting", "meeting__organization")
        .order_by("meeting__date", "meeting__ident")[:LIST_MAX])
    to_confirm = [{"text": f"{s.meeting.organization.name}: cuộc họp ngày {s.meeting.date:%d/%m/%Y}",
                   "url": reverse("meeting_detail", args=[s.meeting.ident])
                   if scope.is_superior_of(s.meeting.organization) else None} for s in scores]
    todo = []
    supervise = scope.can_supervise_org(org)
    published = list(Orientation.objects.filter(organization=org, year=on.year, month=on.month)
                     .annotate(n_uptakes=Count("uptakes")).order_by("id")) if not org.is_cell else []
    if not org.is_cell and not published:
        todo.append({"text": f"Ban hành định hướng nội dung sinh hoạt chi bộ tháng {on.month:02d}/{on.year}.",
                     "url": reverse("orientation_list", args=[org.code]) if supervise else None})
    for o in published:
        todo.append({"text": f"Định hướng tháng {o.month:02d}/{o.year} “{o.title}”: {o.n_uptakes} chi bộ đã đưa vào "
                             f"chương trình họp.",
                     "url": reverse("orientation_detail", args=[o.pk]) if supervise else None})
    visits = figures["total"].findings["NO_SUPERIOR_VISIT"]
    if visits:
        todo.append({"text": f"{visits} lượt chi bộ chưa có cấp ủy cấp trên dự sinh hoạt trong năm: phân công cán bộ dự.",
                     "url": reverse("dashboard", args=[org.code])})
    return {"org": org, "worst": worst, "to_confirm": to_confirm, "todo": todo, "total": figures["total"]}


def admin_start(on: date) -> dict:
    """An administrator's start page: active accounts without any role or member record, cells
    without a secretary's login, accounts locked by login throttling. Five queries."""
    from axes.models import AccessAttempt

    User = get_user_model()
    bare = (User.objects.filter(is_active=True, is_superuser=False)
            .exclude(Exists(Role.objects.filter(user=OuterRef("pk"))))
            .exclude(Exists(Member.objects.filter(user=OuterRef("pk")))))
    cells = (Organization.objects.filter(kind__in=sorted(vocabulary.CELL_KINDS))
             .exclude(Exists(Role.objects.filter(organization=OuterRef("pk"), kind=Role.Kind.SECRETARY))))
    since = timezone.now() - timedelta(hours=settings.AXES_COOLOFF_TIME)
    locked = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since)
    return {
        "users": [{"text": u.get_full_name() or u.username, "login": u.username,
                   "url": reverse("admin:auth_user_change", args=[u.pk])} for u in bare.order_by("username")[:LIST_MAX]],
        "users_total": bare.count(),
        "cells": [{"text": c.name, "code": c.code, "url": reverse("org_detail", args=[c.code])}
                  for c in cells.order_by("path")[:LIST_MAX]],
        "cells_total": cells.count(),
        "locked": [{"text": a.username or "", "ip": a.ip_address or "", "since": a.attempt_time,
                    "url": reverse("admin:axes_accessattempt_change", args=[a.pk])}
                   for a in locked.order_by("-attempt_time")[:LIST_MAX]],
        "role_add_url": reverse("admin:orgs_role_add"),
    }
