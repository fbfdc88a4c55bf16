"""Planning views: the cell's meeting list and year plan, the thematic plan, the order of business,
the preparation of a meeting, its notice, the calendar feeds and the member's own page.

Views bind input, check access (404 when the record may not be read, 403 when it may be read but
not changed), call one service and render or redirect."""

from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo.changelog import record as changelog
from chibo.formhelpers import query_int, query_year, run_service
from chibo.meetings import forms_plan, ical, lifecycle, planning, selectors, services_plan
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.models import CalendarToken, MeetingDocument, Task, ThematicPrep
from chibo.meetings.recording import services
from chibo.orgs.access import Right, get_org_for_user, scope_for
from chibo.orgs.models import CELL_KINDS, Member, Organization
from chibo.plaintext import render_text
from chibo.rules.services import effective_profile_for

MONTHS = [f"Tháng {m}" for m in range(1, 13)]


def _cell_for(user, code, right=Right.READ):
    org, scope = get_org_for_user(user, code, right)
    if not org.is_cell:
        raise Http404("Không phải chi bộ")
    return org, scope


def _to_prep(meeting):
    return redirect("meeting_prepare", ident=meeting.ident)


# --- the cell's meetings and year plan ------------------------------------------------------------

@login_required
def meeting_list(request, code):
    """The year's calendar month by month, the meetings with their status, the thematic plan.
    Constant queries whatever the number of meetings."""
    org, scope = _cell_for(request.user, code)
    year = query_year(request, "nam", services_plan.today().year)
    profile = effective_profile_for(org)
    meetings = list(selectors.year_meetings(org, year))
    plan_rows = list(selectors.thematic_plan_rows(org, year))
    can_manage = scope.can_manage_org(org)
    day = profile["regular_meeting_day"]
    months = []
    for m in range(1, 13):
        in_month = [x for x in meetings if x.date.month == m]
        expected = planning.regular_date(year, m, day)
        months.append({
            "label": MONTHS[m - 1], "month": m, "expected": expected, "weekday": services_plan.weekday(expected),
            "meetings": in_month,
            "has_regular": any(x.kind in planning.REGULAR_KINDS for x in in_month),
            "quarter_end": m % 3 == 0, "quarter": (m - 1) // 3 + 1,
        })
    quarters = []
    for q in (1, 2, 3, 4):
        quarters.append({
            "quarter": q,
            "topics": [r for r in plan_rows if r.quarter == q],
            "has_thematic": any(x.kind in planning.THEMATIC_KINDS and planning.quarter_of(x.date) == q
                                for x in meetings),
        })
    token = (CalendarToken.objects.filter(organization=org, user=request.user, revoked_at__isnull=True).first()
             if can_manage else None)
    return render(request, "meetings/list.html", {
        "org": org, "year": year, "prev_year": year - 1, "next_year": year + 1, "meetings": meetings,
        "months": months, "quarters": quarters, "plan_rows": plan_rows,
        "reported_at": plan_rows[0].reported_at if plan_rows and all(r.reported_at for r in plan_rows) else None,
        "regular_day": day, "can_manage": can_manage, "can_supervise": scope.can_supervise_org(org),
        "today": services_plan.today(),
        "feed_url": request.build_absolute_uri(reverse("ical_feed", args=[token.token])) if token else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def plan_year_view(request, code):
    """Preview of the year plan (what will be created), and creating it."""
    org, _scope = _cell_for(request.user, code, Right.MANAGE)
    if request.method == "POST":
        form = forms_plan.YearPlanForm(request.POST)
    elif "year" in request.GET:
        query_year(request, "year")  # a year that does not parse or is out of range: 400
        form = forms_plan.YearPlanForm(request.GET)
    else:
        form = forms_plan.YearPlanForm(initial={"year": query_year(request, "nam", services_plan.today().year),
                                                "combine": True})
    year, combine = form.initial.get("year"), True
    if form.is_bound and form.is_valid():
        year, combine = form.cleaned_data["year"], form.cleaned_data["combine"]
        if request.method == "POST":
            result = run_service(form, services_plan.plan_year, org, year, request.user, combine=combine)
            if result is not None:
                text = f"Đã lập kế hoạch năm {year}: thêm {len(result.created)} cuộc họp dự kiến"
                if result.filled:
                    text += f", ghi chuyên đề cho {len(result.filled)} cuộc họp đã có"
                messages.success(request, text + ".")
                return redirect(reverse("meeting_list", args=[org.code]) + f"?nam={year}")
    changes = None
    if year:
        changes = run_service(form, services_plan.plan_preview, org, year, combine=combine)
    return render(request, "meetings/plan_year.html", {"org": org, "form": form, "changes": changes,
                                                       "year": year or services_plan.today().year})


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create_view(request, code):
    org, _scope = _cell_for(request.user, code, Right.MANAGE)
    form = forms_plan.MeetingCreateForm(request.POST or None, initial={"date": services_plan.today()})
    if request.method == "POST" and form.is_valid():
        meeting = run_service(form, services_plan.meeting_create, org, user=request.user, **form.cleaned_data)
        if meeting is not None:
            messages.success(request, f"Đã thêm cuộc họp {meeting.get_kind_display().lower()} ngày "
                                      f"{meeting.date:%d/%m/%Y}.")
            return _to_prep(meeting)
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
    members = forms_plan.roll_members(org, services_plan.today())
    initial = [{"quarter": r.quarter, "topic": r.topic, "presenter": r.presenter.code if r.presenter else None,
                "planned_date": r.planned_date} for r in rows]
    initial += [{"quarter": q} for q in (1, 2, 3, 4)]
    initial.sort(key=lambda r: r["quarter"])
    formset = forms_plan.ThematicPlanFormSet(request.POST or None, initial=initial, prefix="cd",
                                             form_kwargs={"members": members})
    if request.method == "POST" and formset.is_valid():
        data = [f.cleaned_data for f in formset.forms if f.cleaned_data]
        saved = run_service(request, services_plan.thematic_plan_save, org, year, data, request.user)
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
    if run_service(request, services_plan.thematic_plan_report, org, year, request.user) is not None:
        messages.success(request, f"Đã đánh dấu báo cáo cấp trên kế hoạch sinh hoạt chuyên đề năm {year}.")
    return redirect("thematic_plan", code=org.code, year=year)


@login_required
def thematic_plans_subtree(request, code):
    """Committee staff: the thematic plans of every cell in the subtree, 100 cells a page.
    Four queries whatever the page size (organisation, count, cells, plans)."""
    org, _scope = get_org_for_user(request.user, code, Right.SUPERVISE)
    year = query_year(request, "nam", services_plan.today().year)
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

def _rows_in_order(formset, keys):
    """Cleaned rows of a formset ordered by their 'order' field (blank last), then as shown."""
    rows = [(f.cleaned_data.get("order"), i, f.cleaned_data) for i, f in enumerate(formset.forms) if f.cleaned_data]
    rows.sort(key=lambda r: (r[0] is None, r[0] or 0, r[1]))
    return [tuple(data.get(k) or "" for k in keys) for _o, _i, data in rows]


@login_required
@require_http_methods(["GET", "POST"])
def agenda_template_view(request, code):
    org, scope = get_org_for_user(request.user, code)
    can_edit = scope.can_supervise_org(org)
    if request.method == "POST":
        scope.require(org, Right.SUPERVISE, "Chỉ cấp ủy mới được sửa chương trình sinh hoạt mẫu.")
    items, source = services_plan.agenda_template_for(org)
    if request.method == "POST" and request.POST.get("action") == "inherit":
        services_plan.agenda_template_save(org, [], request.user)
        messages.success(request, "Đã bỏ mẫu riêng; áp dụng mẫu của cấp trên.")
        return redirect("agenda_template", code=org.code)
    initial = [{"order": i + 1, "section": s, "title": t} for i, (s, t) in enumerate(items)]
    initial += [{"section": planning.BODY}] * 3
    formset = forms_plan.TemplateFormSet(request.POST or None, initial=initial, prefix="mau")
    if request.method == "POST" and formset.is_valid():
        rows = _rows_in_order(formset, ("section", "title"))
        if not any(t.strip() for _s, t in rows):
            messages.error(request, "Chương trình mẫu phải có ít nhất một nội dung.")
        elif run_service(request, services_plan.agenda_template_save, org, rows, request.user) is not None:
            messages.success(request, "Đã lưu chương trình sinh hoạt mẫu.")
            return redirect("agenda_template", code=org.code)
    return render(request, "meetings/agenda_template.html", {
        "org": org, "formset": formset, "items": items, "source": source, "can_edit": can_edit,
        "own": source is not None and source.pk == org.pk,
    })


# --- preparing a meeting -----------------------------------------------------------------------------

@login_required
def meeting_prepare(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident)
    cell = meeting.organization
    can_manage = scope.can_manage_org(cell)
    data = selectors.prep_page(meeting)
    upcoming = meeting.status in services_plan.UPCOMING
    context = {"meeting": meeting, "cell": cell, "can_manage": can_manage, "upcoming": upcoming,
               "weekday": services_plan.weekday(meeting.date), "thematic": meeting.kind in planning.THEMATIC_KINDS,
               "locked": meeting.status == "finalized",
               "has_body": any(s["code"] == planning.BODY for s in data["sections"]), **data}
    if can_manage and not context["locked"]:
        members = forms_plan.roll_members(cell, meeting.date)
        prep = data["prep"]
        context["schedule_form"] = forms_plan.ScheduleForm(initial={
            "date": meeting.date, "start": meeting.start, "place": meeting.place,
            "rescheduled_reason": meeting.rescheduled_reason}) if upcoming else None
        if context["thematic"]:
            context["prep_form"] = forms_plan.ThematicPrepForm(members=members, initial={
                "topic": meeting.topic, "presenter": prep.presenter.code if prep and prep.presenter else None})
            context["contribution_form"] = forms_plan.ContributionForm(members=members)
        context["document_form"] = forms_plan.DocumentForm()
    member_id = scope.member_id
    if not (can_manage or scope.can_supervise_org(cell)):
        # Members see their own absence reason, not their fellows'.
        context["absences"] = [a for a in data["absences"] if a.member_id == member_id]
    if member_id and upcoming and meeting.date >= services_plan.today() and cell.path in scope.member_paths:
        mine = [a for a in data["absences"] if a.member_id == member_id]
        context["my_absence"] = mine[0] if mine else None
        context["absence_form"] = forms_plan.AbsenceForm(initial={"reason": mine[0].reason if mine else ""})
    return render(request, "meetings/prep.html", context)


@login_required
@require_POST
def meeting_schedule(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms_plan.ScheduleForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    elif run_service(request, services_plan.meeting_schedule_set, meeting, **form.cleaned_data) is not None:
        messages.success(request, "Đã lưu thời gian, địa điểm.")
    return _to_prep(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    items = list(meeting.agenda.order_by("position"))
    initial = [{"order": i + 1, "section": a.section, "title": a.title, "notes": a.notes} for i, a in enumerate(items)]
    initial += [{"section": planning.BODY}] * 3
    formset = forms_plan.AgendaFormSet(request.POST or None, initial=initial, prefix="ct")
    if request.method == "POST" and formset.is_valid():
        rows = _rows_in_order(formset, ("section", "title", "notes"))
        if run_service(request, services_plan.agenda_save, meeting, rows) is not None:
            messages.success(request, "Đã lưu chương trình sinh hoạt.")
            return _to_prep(meeting)
    return render(request, "meetings/prep_agenda.html", {"meeting": meeting, "formset": formset})


@login_required
@require_POST
def agenda_reset(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if run_service(request, services_plan.agenda_from_template, meeting) is not None:
        messages.success(request, "Đã lập lại chương trình theo mẫu.")
    return _to_prep(meeting)


def _form_errors(request, form):
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


@login_required
@require_POST
def thematic_prep_edit(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms_plan.ThematicPrepForm(request.POST, request.FILES,
                                       members=forms_plan.roll_members(meeting.organization, meeting.date))
    if not form.is_valid():
        _form_errors(request, form)
    elif run_service(request, services_plan.thematic_prep_save, meeting, **form.cleaned_data) is not None:
        messages.success(request, "Đã lưu phần chuẩn bị chuyên đề.")
    return _to_prep(meeting)


@login_required
@require_POST
def thematic_prep_approve(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if run_service(request, services_plan.thematic_prep_approve, meeting, request.user) is not None:
        messages.success(request, "Chi ủy đã duyệt bài đề dẫn.")
    return _to_prep(meeting)


@login_required
@require_POST
def contribution_add(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms_plan.ContributionForm(request.POST,
                                       members=forms_plan.roll_members(meeting.organization, meeting.date))
    if not form.is_valid():
        _form_errors(request, form)
    elif run_service(request, services_plan.contribution_add, meeting, **form.cleaned_data) is not None:
        messages.success(request, "Đã phân công tham luận.")
    return _to_prep(meeting)


@login_required
@require_POST
def contribution_delete(request, ident, pk):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if run_service(request, services_plan.contribution_delete, meeting, pk):
        messages.success(request, "Đã bỏ phân công tham luận.")
    return _to_prep(meeting)


@login_required
@require_POST
def document_upload(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms_plan.DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
    elif run_service(request, services_plan.document_add, meeting, **form.cleaned_data) is not None:
        messages.success(request, "Đã tải lên tài liệu.")
    return _to_prep(meeting)


@login_required
@require_POST
def document_delete(request, ident, pk):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if run_service(request, services_plan.document_delete, meeting, pk):
        messages.success(request, "Đã xóa tài liệu.")
    return _to_prep(meeting)


def _file_response(field, title=""):
    if not field:
        raise Http404("Không có tệp")
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404("Không tìm thấy tệp") from exc
    suffix = Path(field.name).suffix
    name = title if title and title.lower().endswith(suffix.lower()) else (f"{title}{suffix}" if title
                                                                          else Path(field.name).name)
    response = FileResponse(handle, as_attachment=True, filename=name)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def document_download(request, ident, pk):
    """Only users who may read the cell: files are never served from a public media URL."""
    meeting, _scope = get_meeting_for_user(request.user, ident)
    doc = MeetingDocument.objects.filter(meeting=meeting, pk=pk).first()
    if doc is None:
        raise Http404("Không tìm thấy tài liệu")
    response = _file_response(doc.file, doc.title)
    changelog.download(doc, f"Tài liệu “{doc.title}”", Path(doc.file.name).suffix.lstrip(".").lower())
    return response


@login_required
@require_GET
def presentation_download(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident)
    prep = ThematicPrep.objects.filter(meeting=meeting).first()
    if prep is None:
        raise Http404("Không có bài đề dẫn")
    response = _file_response(prep.presentation, "Bai-de-dan")
    changelog.download(prep, "Bài đề dẫn", Path(prep.presentation.name).suffix.lstrip(".").lower())
    return response


# --- the notice ------------------------------------------------------------------------------------------

def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, ident):
    """Call off a meeting still planned or notified, with its reason (shown on the meeting's page,
    the cell's list and the members' page)."""
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    refusal = lifecycle.refusal(meeting.status, lifecycle.CANCELLED)
    form = forms_plan.CancelForm(request.POST or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        if run_service(form, services.meeting_cancel, meeting, request.user, form.cleaned_data["reason"]):
            messages.success(request, "Đã hủy cuộc họp. Nếu đã gửi thông báo, hãy báo cho đảng viên biết.")
            return redirect("meeting_detail", ident=meeting.ident)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/cancel.html", {"meeting": meeting, "form": form, "refusal": refusal},
                  status=409 if refusal and request.method == "POST" else status)


@login_required
@require_http_methods(["GET", "POST"])
def notice_view(request, ident):
    """GET: who will receive the notice and what it says; POST: send it."""
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if request.method == "POST":
        result = run_service(request, services_plan.notice_send, meeting, request.user, base_url=_base_url(request))
        if result is not None:
            messages.success(request, f"Đã gửi thông báo đến {len(result.notice.recipients)} người nhận.")
            if result.warning:
                messages.warning(request, result.warning)
            return _to_prep(meeting)
    recipients = services_plan.notice_recipients(meeting)
    data = selectors.prep_page(meeting)
    profile = effective_profile_for(meeting.organization)
    deadline = services_plan.notice_deadline(meeting, profile)
    late = meeting.notice_sent_on is None and services_plan.notice_late(meeting, profile, services_plan.today())
    body = render_text("meetings/notice_email.txt", {
        "meeting": meeting, "cell": meeting.organization, "weekday": services_plan.weekday(meeting.date),
        "base_url": _base_url(request), "recipient": None, **data})
    return render(request, "meetings/notice.html", {
        "meeting": meeting, "recipients": recipients, "body": body, "deadline": deadline, "late": late,
        "upcoming": meeting.status in services_plan.UPCOMING, "notices": data["notices"],
    })


# --- absence notices sent ahead ---------------------------------------------------------------------------

def _own_meeting(request, ident):
    """An upcoming meeting of the logged-in member's own current cell (404 otherwise)."""
    meeting, scope = get_meeting_for_user(request.user, ident)
    if not scope.member_id or meeting.organization.path not in scope.member_paths:
        raise Http404("Không tìm thấy cuộc họp của chi bộ đồng chí")
    return meeting, Member.objects.get(pk=scope.member_id)


def _back(request, default="my_page"):
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return redirect(target if target and safe else default)


@login_required
@require_POST
def absence_send(request, ident):
    meeting, member = _own_meeting(request, ident)
    form = forms_plan.AbsenceForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif run_service(request, services_plan.absence_notice_send, meeting, member, form.cleaned_data["reason"]):
        messages.success(request, f"Đã gửi báo vắng cuộc họp ngày {meeting.date:%d/%m/%Y}.")
    return _back(request)


@login_required
@require_POST
def absence_withdraw(request, ident):
    meeting, member = _own_meeting(request, ident)
    if run_service(request, services_plan.absence_notice_withdraw, meeting, member):
        messages.success(request, f"Đã rút báo vắng cuộc họp ngày {meeting.date:%d/%m/%Y}.")
    return _back(request)


# --- the member's own page and tasks -------------------------------------------------------------------

@login_required
def my_page(request):
    """Upcoming meetings of the member's cell with their materials, the member's absence notices,
    tasks and attendance history. Constant queries."""
    scope = scope_for(request.user)
    if not scope.member_id:
        raise Http404("Tài khoản chưa gắn với đảng viên nào")
    on = services_plan.today()
    cell_ids = selectors.current_cell_ids(scope.member_id)
    upcoming = selectors.upcoming_for_member(scope.member_id, cell_ids, on)
    for m in upcoming:
        m.sections = []
        for item in m.agenda.all():
            if not m.sections or m.sections[-1]["code"] != item.section:
                m.sections.append({"code": item.section, "label": item.get_section_display(), "items": []})
            m.sections[-1]["items"].append(item)
        m.absence = m.my_absence[0] if m.my_absence else None
    tasks = list(selectors.tasks_of_member(scope.member_id))
    token = CalendarToken.objects.filter(member_id=scope.member_id, user=request.user, revoked_at__isnull=True).first()
    return render(request, "meetings/my_page.html", {
        "upcoming": upcoming,
        "tasks": tasks,
        "open_tasks": [t for t in tasks if t.done_on is None],
        "done_tasks": [t for t in tasks if t.done_on is not None],
        "attendance": selectors.attendance_of_member(scope.member_id),
        "today": on,
        "feed_url": request.build_absolute_uri(reverse("ical_feed", args=[token.token])) if token else None,
    })


@login_required
@require_POST
def task_done(request, pk):
    """Only the assignee (the logged-in member) reports a task done."""
    scope = scope_for(request.user)
    task = Task.objects.select_related("assignee").filter(pk=pk).first()
    if task is None or not scope.member_id or task.assignee_id != scope.member_id:
        raise Http404("Không tìm thấy nhiệm vụ của đồng chí")
    form = forms_plan.TaskDoneForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    elif run_service(request, services_plan.task_mark_done, task, task.assignee, form.cleaned_data["note"],
               form.cleaned_data["on"]):
        messages.success(request, "Đã báo hoàn thành nhiệm vụ.")
    return redirect("my_page")


# --- calendar feeds ---------------------------------------------------------------------------------------

@login_required
@require_POST
def calendar_token_cell(request, code):
    """Create (or, with regenerate, replace) the cell's feed token. The cell feed is for those
    who run the cell; members subscribe to their own feed, which follows their current cell."""
    org, _scope = _cell_for(request.user, code, Right.MANAGE)
    if request.POST.get("action") == "regenerate":
        services_plan.calendar_token_regenerate(user=request.user, organization=org)
        messages.success(request, "Đã tạo địa chỉ lịch mới; địa chỉ cũ không còn dùng được.")
    else:
        services_plan.calendar_token_get(user=request.user, organization=org)
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
        services_plan.calendar_token_regenerate(user=request.user, member=member)
        messages.success(request, "Đã tạo địa chỉ lịch mới; địa chỉ cũ không còn dùng được.")
    else:
        services_plan.calendar_token_get(user=request.user, member=member)
        messages.success(request, "Đã tạo địa chỉ lịch của đồng chí.")
    return redirect("my_page")


FEED_DAYS_BACK = 365


@require_GET
def ical_feed(request, token):
    """No login: the secret token is the key. A cell token gives the cell's meetings; a member
    token the meetings of the member's current cell(s) and the member's open tasks with a due date.
    Meetings from one year back onwards. A revoked token, an inactive user or a user whose rights
    no longer cover the feed gets 404, as an unknown token does."""
    found = services_plan.calendar_token_for_feed(token)
    if found is None:
        raise Http404("Không tìm thấy lịch")
    since = services_plan.today() - timedelta(days=FEED_DAYS_BACK)
    if found.organization_id:
        name = f"Lịch sinh hoạt – {found.organization.name}"
        meetings = selectors.feed_meetings([found.organization_id], since)
        tasks = []
    else:
        name = f"Lịch sinh hoạt – {found.member.full_name}"
        meetings = selectors.feed_meetings(selectors.current_cell_ids(found.member_id), since)
        tasks = selectors.feed_tasks(found.member_id)
    base = _base_url(request)
    events = [ical.meeting_event(m, m.organization.name, url=base + reverse("meeting_prepare", args=[m.ident]))
              for m in meetings]
    events += [ical.task_event(t, t.meeting.updated_at) for t in tasks]
    response = HttpResponse(ical.calendar(name, events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="chibo.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
