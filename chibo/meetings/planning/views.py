"""Planning views: the cell's meeting list and year plan, a meeting added by hand, the thematic
plan, the agenda template and the calendar feeds (their addresses and the feed itself).

Views bind input, check access (404 when the record may not be read, 403 when it may be read but
not changed), call one service and render or redirect."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo.formhelpers import query_int, query_year, run_service
from chibo.meetings import dates, selectors
from chibo.meetings.models import CalendarToken
from chibo.meetings.planning import forms, ical, services, yearplan
from chibo.orgs.access import Right, get_org_for_user, scope_for
from chibo.orgs.models import CELL_KINDS, Member, Organization
from chibo.rules.services import effective_profile_for
from chibo.supervision import selectors as sup_selectors

MONTHS = [f"Tháng {m}" for m in range(1, 13)]


def _cell_for(user, code, right=Right.READ):
    org, scope = get_org_for_user(user, code, right)
    if not org.is_cell:
        raise Http404("Không phải chi bộ")
    return org, scope


# --- the cell's meetings and year plan ------------------------------------------------------------

@login_required
def meeting_list(request, code):
    """The year's calendar month by month, the meetings with their status, the thematic plan.
    Constant queries whatever the number of meetings."""
    org, scope = _cell_for(request.user, code)
    year = query_year(request, "nam", dates.today().year)
    profile = effective_profile_for(org)
    meetings = list(selectors.year_meetings(org, year))
    plan_rows = list(selectors.thematic_plan_rows(org, year))
    can_manage = scope.can_manage_org(org)
    day = profile["regular_meeting_day"]
    months = []
    for m in range(1, 13):
        in_month = [x for x in meetings if x.date.month == m]
        expected = yearplan.regular_date(year, m, day)
        months.append({
            "label": MONTHS[m - 1], "month": m, "expected": expected, "weekday": dates.weekday(expected),
            "meetings": in_month,
            "has_regular": any(x.kind in yearplan.REGULAR_KINDS for x in in_month),
            "quarter_end": m % 3 == 0, "quarter": (m - 1) // 3 + 1,
        })
    quarters = []
    for q in (1, 2, 3, 4):
        quarters.append({
            "quarter": q,
            "topics": [r for r in plan_rows if r.quarter == q],
            "has_thematic": any(x.kind in yearplan.THEMATIC_KINDS and yearplan.quarter_of(x.date) == q
                                for x in meetings),
        })
    token = (CalendarToken.objects.filter(organization=org, user=request.user, revoked_at__isnull=True).first()
             if can_manage else None)
    return render(request, "meetings/list.html", {
        "org": org, "year": year, "prev_year": year - 1, "next_year": year + 1, "meetings": meetings,
        "months": months, "quarters": quarters, "plan_rows": plan_rows,
        "reported_at": plan_rows[0].reported_at if plan_rows and all(r.reported_at for r in plan_rows) else None,
        "regular_day": day, "can_manage": can_manage, "can_supervise": scope.can_supervise_org(org),
        "today": dates.today(),
        "feed_url": request.build_absolute_uri(reverse("ical_feed", args=[token.token])) if token else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_year_view(request, code):
    """Preview of the year plan (what will be created), and creating it."""
    org, _scope = _cell_for(request.user, code, Right.MANAGE)
    if request.method == "POST":
        form = forms.YearPlanForm(request.POST)
    elif "year" in request.GET:
        query_year(request, "year")  # a year that does not parse or is out of range: 400
        form = forms.YearPlanForm(request.GET)
    else:
        form = forms.YearPlanForm(initial={"year": query_year(request, "nam", dates.today().year),
                                                "combine": True})
    year, combine = form.initial.get("year"), True
    if form.is_bound and form.is_valid():
        year, combine = form.cleaned_data["year"], form.cleaned_data["combine"]
        if request.method == "POST":
            result = run_service(form, services.plan_year, org, year, request.user, combine=combine)
            if result is not None:
                text = f"Đã lập kế hoạch năm {year}: thêm {len(result.created)} cuộc họp dự kiến"
                if result.filled:
                    text += f", ghi chuyên đề cho {len(result.filled)} cuộc họp đã có"
                messages.success(request, text + ".")
                return redirect(reverse("meeting_list", args=[org.code]) + f"?nam={year}")
    changes = None
    if year:
        changes = run_service(form, services.plan_preview, org, year, combine=combine)
    return render(request, "meetings/plan_year.html", {"org": org, "form": form, "changes": changes,
                                                       "year": year or dates.today().year})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create_view(request, code):
    org, _scope = _cell_for(request.user, code, Right.MANAGE)
    form = forms.MeetingCreateForm(request.POST or None, initial={"date": dates.today()})
    if request.method == "POST" and form.is_valid():
        meeting = run_service(form, services.meeting_create, org, user=request.user, **form.cleaned_data)
        if meeting is not None:
            messages.success(request, f"Đã thêm cuộc họp {meeting.get_kind_display().lower()} ngày "
                                      f"{meeting.date:%d/%m/%Y}.")
            return redirect("meeting_prepare", ident=meeting.ident)
    return render(request, "meetings/plan_form.html", {"form": form, "org": org,
                                                       "title": f"Thêm sinh hoạt – {org.name}"})


# --- the thematic plan ---------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def thematic_plan_view(request, code, year):
    org, scope = _cell_for(request.user, code)
    can_manage = scope.can_manage_org(org)
    if request.method == "POST":
        scope.require(org, Right.MANAGE, "Bạn không có quyền sửa kế hoạch sinh hoạt chuyên đề của chi bộ này.")
    if not 2000 <= year <= 2100:
        raise Http404("Năm không hợp lệ")
    rows = list(selectors.thematic_plan_rows(org, year))
    members = forms.roll_members(org, dates.today())
    initial = [{"quarter": r.quarter, "topic": r.topic, "presenter": r.presenter.code if r.presenter else None,
                "planned_date": r.planned_date} for r in rows]
    initial += [{"quarter": q} for q in (1, 2, 3, 4)]
    initial.sort(key=lambda r: r["quarter"])
    formset = forms.ThematicPlanFormSet(request.POST or None, initial=initial, prefix="cd",
                                             form_kwargs={"members": members})
    if request.method == "POST" and formset.is_valid():
        data = [f.cleaned_data for f in formset.forms if f.cleaned_data]
        saved = run_service(request, services.thematic_plan_save, org, year, data, request.user)
        if saved is not None:
            messages.success(request, f"Đã lưu kế hoạch sinh hoạt chuyên đề năm {year}.")
            return redirect("thematic_plan", code=org.code, year=year)
    reported = rows and all(r.reported_at for r in rows)
    return render(request, "meetings/plan_thematic.html", {
        "org": org, "year": year, "rows": rows, "formset": formset, "can_manage": can_manage,
        "reported_at": rows[0].reported_at if reported else None,
        "missing_quarters": sorted({1, 2, 3, 4} - {r.quarter for r in rows}),
    })


@login_required
@require_POST
def thematic_plan_report_view(request, code, year):
    org, _scope = _cell_for(request.user, code, Right.MANAGE)
    if run_service(request, services.thematic_plan_report, org, year, request.user) is not None:
        messages.success(request, f"Đã đánh dấu báo cáo cấp trên kế hoạch sinh hoạt chuyên đề năm {year}.")
    return redirect("thematic_plan", code=org.code, year=year)


@login_required
def thematic_plans_subtree(request, code):
    """Committee staff: the thematic plans of every cell in the subtree, 100 cells a page.
    Four queries whatever the page size (organisation, count, cells, plans)."""
    org, _scope = get_org_for_user(request.user, code, Right.SUPERVISE)
    year = query_year(request, "nam", dates.today().year)
    cells = Organization.objects.filter(org.subtree_q(), kind__in=CELL_KINDS).order_by("path")
    page = Paginator(cells, 100).get_page(query_int(request, "trang", 1, min=1, max=10**6, label="Số trang"))
    plans = selectors.thematic_plans_of_cells([c.pk for c in page.object_list], year)
    rows = []
    for cell in page.object_list:
        cell_rows = plans.get(cell.pk, [])
        rows.append({
            "cell": cell,
            "quarters": [[r for r in cell_rows if r.quarter == q] for q in (1, 2, 3, 4)],
            "reported_at": cell_rows[0].reported_at if cell_rows and all(r.reported_at for r in cell_rows) else None,
            "has_plan": bool(cell_rows),
        })
    return render(request, "meetings/plan_subtree.html", {"org": org, "year": year, "rows": rows, "page": page,
                                                          "prev_year": year - 1, "next_year": year + 1})


# --- the order of business ---------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def agenda_template_view(request, code):
    org, scope = get_org_for_user(request.user, code)
    can_edit = scope.can_supervise_org(org)
    if request.method == "POST":
        scope.require(org, Right.SUPERVISE, "Chỉ cấp ủy mới được sửa chương trình sinh hoạt mẫu.")
    items, source = services.agenda_template_for(org)
    if request.method == "POST" and request.POST.get("action") == "inherit":
        services.agenda_template_save(org, [], request.user)
        messages.success(request, "Đã bỏ mẫu riêng; áp dụng mẫu của cấp trên.")
        return redirect("agenda_template", code=org.code)
    initial = [{"order": i + 1, "section": s, "title": t} for i, (s, t) in enumerate(items)]
    initial += [{"section": yearplan.BODY}] * 3
    formset = forms.TemplateFormSet(request.POST or None, initial=initial, prefix="mau")
    if request.method == "POST" and formset.is_valid():
        rows = forms.rows_in_order(formset, ("section", "title"))
        if not any(t.strip() for _s, t in rows):
            messages.error(request, "Chương trình mẫu phải có ít nhất một nội dung.")
        elif run_service(request, services.agenda_template_save, org, rows, request.user) is not None:
            messages.success(request, "Đã lưu chương trình sinh hoạt mẫu.")
            return redirect("agenda_template", code=org.code)
    return render(request, "meetings/agenda_template.html", {
        "org": org, "formset": formset, "items": items, "source": source, "can_edit": can_edit,
        "own": source is not None and source.pk == org.pk,
    })


# --- calendar feeds ---------------------------------------------------------------------------------------

@login_required
@require_POST
def calendar_token_cell(request, code):
    """Create (or, with regenerate, replace) the cell's feed token. The cell feed is for those
    who run the cell; members subscribe to their own feed, which follows their current cell."""
    org, _scope = _cell_for(request.user, code, Right.MANAGE)
    if request.POST.get("action") == "regenerate":
        services.calendar_token_regenerate(user=request.user, organization=org)
        messages.success(request, "Đã tạo địa chỉ lịch mới; địa chỉ cũ không còn dùng được.")
    else:
        services.calendar_token_get(user=request.user, organization=org)
        messages.success(request, "Đã tạo địa chỉ lịch của chi bộ.")
    return redirect("meeting_list", code=org.code)


@login_required
@require_POST
def calendar_token_member(request):
    scope = scope_for(request.user)
    if not scope.member_id:
        raise Http404("Tài khoản chưa gắn với đảng viên nào")
    member = Member.objects.get(pk=scope.member_id)
    if request.POST.get("action") == "regenerate":
        services.calendar_token_regenerate(user=request.user, member=member)
        messages.success(request, "Đã tạo địa chỉ lịch mới; địa chỉ cũ không còn dùng được.")
    else:
        services.calendar_token_get(user=request.user, member=member)
        messages.success(request, "Đã tạo địa chỉ lịch của đồng chí.")
    return redirect("my_page")


FEED_DAYS_BACK = 365


@require_GET
def ical_feed(request, token):
    """No login: the secret token is the key. A cell token gives the cell's meetings; a member
    token the meetings of the member's current cell(s), the member's open tasks with a due date and
    the cells' meetings a committee sent the member to (dự sinh hoạt).
    Meetings from one year back onwards. A revoked token, an inactive user or a user whose rights
    no longer cover the feed gets 404, as an unknown token does."""
    found = services.calendar_token_for_feed(token)
    if found is None:
        raise Http404("Không tìm thấy lịch")
    since = dates.today() - timedelta(days=FEED_DAYS_BACK)
    if found.organization_id:
        name = f"Lịch sinh hoạt – {found.organization.name}"
        meetings = selectors.feed_meetings([found.organization_id], since)
        tasks, visits = [], []
    else:
        name = f"Lịch sinh hoạt – {found.member.full_name}"
        meetings = selectors.feed_meetings(selectors.current_cell_ids(found.member_id), since)
        tasks = selectors.feed_tasks(found.member_id)
        # the cells' meetings the member is sent to by a committee (chibo.supervision's plan)
        visits = [p for p in sup_selectors.member_visits(found.member_id, since) if p.meeting is not None]
    base = request.build_absolute_uri("/").rstrip("/")
    events = [ical.meeting_event(m, m.organization.name, url=base + reverse("meeting_prepare", args=[m.ident]))
              for m in meetings]
    events += [ical.task_event(t, t.meeting.updated_at) for t in tasks]
    events += [ical.visit_event(p, url=base + reverse("meeting_detail", args=[p.meeting.ident])) for p in visits]
    response = HttpResponse(ical.calendar(name, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="chibo.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response

