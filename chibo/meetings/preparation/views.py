"""Preparation views: the preparation page of a meeting not yet held (schedule, order of
business, thematic preparation, contributions, documents), its notice and cancelling; the
member's own page (upcoming meetings with their absence notices, tasks to report done).

Views bind input, check access (404 when the record may not be read, 403 when it may be read but
not changed), call one service and render or redirect."""

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo import vocabulary
from chibo.changelog import record as changelog
from chibo.formhelpers import call_service, run_service
from chibo.meetings import dates, lifecycle, selectors
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.models import CalendarToken, MeetingDocument, Task, ThematicPrep
from chibo.meetings.planning import forms as planning_forms
from chibo.meetings.planning import yearplan
from chibo.meetings.preparation import forms, services, services_hd42
from chibo.meetings.recording import services as recording_services
from chibo.notices import selectors as notice_selectors
from chibo.notices import services as notice_services
from chibo.orgs.access import Right, scope_for
from chibo.orgs.models import Member
from chibo.plaintext import render_text
from chibo.rules.services import effective_profile_for
from chibo.supervision.selectors import orientations_for_cell


def _to_prep(meeting):
    return redirect("meeting_prepare", ident=meeting.ident)


# --- preparing a meeting -----------------------------------------------------------------------------

@login_required
def meeting_prepare(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident)
    # The member opened the meeting in the application: their notice is opened (chibo.notices).
    notice_services.deliveries_opened(meeting.pk, scope.member_id)
    return _prep_page(request, meeting, scope)


def _prep_page(request, meeting, scope, *, bound=None, status=200):
    """The preparation page; `bound`: forms sent with an error (by their context name), shown
    again with what was typed and the message next to the field (status 400)."""
    cell = meeting.organization
    can_manage = scope.can_manage_org(cell)
    data = selectors.prep_page(meeting)
    upcoming = meeting.status in services.UPCOMING
    context = {"meeting": meeting, "cell": cell, "can_manage": can_manage, "upcoming": upcoming,
               "weekday": dates.weekday(meeting.date), "thematic": meeting.kind in yearplan.THEMATIC_KINDS,
               "locked": meeting.status == "finalized",
               "has_body": any(s["code"] == yearplan.BODY for s in data["sections"]), **data,
               # The HD 42 section only where the engine judges the meeting by HD 42 (two queries).
               "hd42": services_hd42.applies(meeting)}
    # The committees' orientations for the meeting's month, with the cell's uptake (chibo.supervision).
    context["orientations"] = orientations_for_cell(cell, meeting.date.year, meeting.date.month)
    context["can_take_up"] = can_manage and upcoming
    if can_manage and not context["locked"]:
        members = planning_forms.roll_members(cell, meeting.date)
        prep = data["prep"]
        context["schedule_form"] = forms.ScheduleForm(initial={
            "date": meeting.date, "start": meeting.start, "place": meeting.place,
            "rescheduled_reason": meeting.rescheduled_reason}) if upcoming else None
        if context["thematic"]:
            context["prep_form"] = forms.ThematicPrepForm(members=members, initial={
                "topic": meeting.topic, "presenter": prep.presenter.code if prep and prep.presenter else None})
            context["contribution_form"] = forms.ContributionForm(members=members)
        context["document_form"] = forms.DocumentForm()
    member_id = scope.member_id
    if not (can_manage or scope.can_supervise_org(cell)):
        # Members see their own absence reason, not their fellows'.
        context["absences"] = [a for a in data["absences"] if a.member_id == member_id]
    if member_id and upcoming and meeting.date >= dates.today() and cell.path in scope.member_paths:
        mine = [a for a in data["absences"] if a.member_id == member_id]
        context["my_absence"] = mine[0] if mine else None
        context["absence_form"] = forms.AbsenceForm(initial={"reason": mine[0].reason if mine else ""})
    context.update(bound or {})
    return render(request, "meetings/prep.html", context, status=status)


def _prep_error(request, meeting, scope, name, form):
    """The preparation page again, `form` (context name `name`) as sent, with its errors."""
    return _prep_page(request, meeting, scope, bound={name: form}, status=400)


@login_required
@require_POST
def meeting_schedule(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms.ScheduleForm(request.POST)
    if form.is_valid() and run_service(form, services.meeting_schedule_set, meeting, **form.cleaned_data) is not None:
        messages.success(request, "Đã lưu thời gian, địa điểm.")
        return _to_prep(meeting)
    return _prep_error(request, meeting, scope, "schedule_form", form)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_edit(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    items = list(meeting.agenda.order_by("position"))
    initial = [{"order": i + 1, "section": a.section, "title": a.title, "notes": a.notes} for i, a in enumerate(items)]
    initial += [{"section": yearplan.BODY}] * 3
    formset = forms.AgendaFormSet(request.POST or None, initial=initial, prefix="ct")
    if request.method == "POST" and formset.is_valid():
        rows = planning_forms.rows_in_order(formset, ("section", "title", "notes"))
        _result, exc = call_service(services.agenda_save, meeting, rows)
        if exc is None:
            messages.success(request, "Đã lưu chương trình sinh hoạt.")
            return _to_prep(meeting)
        # The service's refusal above the rows, the rows as typed.
        formset.non_form_errors().extend(exc.messages)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/prep_agenda.html", {"meeting": meeting, "formset": formset}, status=status)


@login_required
@require_POST
def agenda_reset(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if run_service(request, services.agenda_from_template, meeting) is not None:
        messages.success(request, "Đã lập lại chương trình theo mẫu.")
    return _to_prep(meeting)


def _form_errors(request, form):
    for errors in form.errors.values():
        for e in errors:
            messages.error(request, e)


@login_required
@require_POST
def thematic_prep_edit(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms.ThematicPrepForm(request.POST, request.FILES,
                                  members=planning_forms.roll_members(meeting.organization, meeting.date))
    if form.is_valid() and run_service(form, services.thematic_prep_save, meeting, **form.cleaned_data) is not None:
        messages.success(request, "Đã lưu phần chuẩn bị chuyên đề.")
        return _to_prep(meeting)
    return _prep_error(request, meeting, scope, "prep_form", form)


@login_required
@require_POST
def thematic_prep_approve(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if run_service(request, services.thematic_prep_approve, meeting, request.user) is not None:
        messages.success(request, "Chi ủy đã duyệt bài đề dẫn.")
    return _to_prep(meeting)


@login_required
@require_POST
def contribution_add(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms.ContributionForm(request.POST,
                                  members=planning_forms.roll_members(meeting.organization, meeting.date))
    if form.is_valid() and run_service(form, services.contribution_add, meeting, **form.cleaned_data) is not None:
        messages.success(request, "Đã phân công tham luận.")
        return _to_prep(meeting)
    return _prep_error(request, meeting, scope, "contribution_form", form)


@login_required
@require_POST
def contribution_delete(request, ident, pk):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if run_service(request, services.contribution_delete, meeting, pk):
        messages.success(request, "Đã bỏ phân công tham luận.")
    return _to_prep(meeting)


@login_required
@require_POST
def document_upload(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms.DocumentForm(request.POST, request.FILES)
    if form.is_valid() and run_service(form, services.document_add, meeting, **form.cleaned_data) is not None:
        messages.success(request, "Đã tải lên tài liệu.")
        return _to_prep(meeting)
    return _prep_error(request, meeting, scope, "document_form", form)


@login_required
@require_POST
def document_delete(request, ident, pk):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if run_service(request, services.document_delete, meeting, pk):
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
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        if run_service(form, recording_services.meeting_cancel, meeting, request.user, form.cleaned_data["reason"]):
            messages.success(request, "Đã hủy cuộc họp. Nếu đã gửi thông báo, hãy báo cho đảng viên biết.")
            return redirect("meeting_detail", ident=meeting.ident)
    status = 400 if request.method == "POST" else 200
    return render(request, "meetings/cancel.html", {"meeting": meeting, "form": form, "refusal": refusal},
                  status=409 if refusal and request.method == "POST" else status)


@login_required
@require_http_methods(["GET", "POST"])
def notice_view(request, ident):
    """GET: who the notice reaches and how (in the application, e-mail, printed), what it says,
    and, per member, how it reached them and whether they opened it; POST: send it."""
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if request.method == "POST":
        result = run_service(request, services.notice_send, meeting, request.user, base_url=_base_url(request))
        if result is not None:
            messages.success(request, result.message)
            if result.warning:
                messages.warning(request, result.warning)
            return redirect("notice_send", ident=meeting.ident)
    return _notice_page(request, meeting)


def _notice_page(request, meeting, *, paper_form=None, status=200):
    """The notice page; `paper_form`: the printed copies ticked, sent with an error (shown again
    as ticked, the message beside the list, status 400)."""
    roll = services.notice_roll(meeting)
    recipients = services.notice_recipients(meeting, roll)
    data = selectors.prep_page(meeting)
    profile = effective_profile_for(meeting.organization)
    deadline = services.notice_deadline(meeting, profile)
    late = meeting.notice_sent_on is None and services.notice_late(meeting, profile, dates.today())
    body = render_text("meetings/notice_email.txt", {
        "meeting": meeting, "cell": meeting.organization, "weekday": dates.weekday(meeting.date),
        "base_url": _base_url(request), "recipient": None, **data})
    deliveries = notice_selectors.deliveries_by_member(meeting.pk)
    no_email = services.without_email(roll)
    rows = [{"member": m, "email": (m.email or "").strip(), **deliveries.get(m.pk, {"channels": {}, "opened_at": None})}
            for m in roll]
    return render(request, "meetings/notice.html", {
        "meeting": meeting, "recipients": recipients, "body": body, "deadline": deadline, "late": late,
        "upcoming": meeting.status in services.UPCOMING, "notices": data["notices"], "roll": roll,
        "no_email": no_email, "rows": rows, "channels": vocabulary.NOTICE_CHANNELS,
        "opened": sum(1 for r in rows if r["opened_at"]),
        "paper_form": paper_form,
        "ticked": None if paper_form is None else {str(v) for v in paper_form.data.getlist("members")},
    }, status=status)


@login_required
@require_POST
def notice_paper(request, ident):
    """Record that the printed notice was handed to the members ticked."""
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    form = forms.PaperForm(request.POST, roll=services.notice_roll(meeting))
    added = run_service(form, services.notice_paper_record, meeting,
                        form.cleaned_data["members"]) if form.is_valid() else None
    if added is None and meeting.notice_sent_on is None:  # no list to tick yet: the message on the page
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("notice_send", ident=meeting.ident)
    if added is None:
        return _notice_page(request, meeting, paper_form=form, status=400)
    messages.success(request, f"Đã ghi nhận {added} bản in gửi tay.")
    return redirect("notice_send", ident=meeting.ident)


# --- absence notices sent ahead ---------------------------------------------------------------------------

def _own_meeting(request, ident, *, with_scope=False):
    """An upcoming meeting of the logged-in member's own current cell (404 otherwise)."""
    meeting, scope = get_meeting_for_user(request.user, ident)
    if not scope.member_id or meeting.organization.path not in scope.member_paths:
        raise Http404("Không tìm thấy cuộc họp của chi bộ đồng chí")
    member = Member.objects.get(pk=scope.member_id)
    return (meeting, member, scope) if with_scope else (meeting, member)


def _back(request, default="my_page"):
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure())
    return redirect(target if target and safe else default)


@login_required
@require_POST
def absence_send(request, ident):
    meeting, member, scope = _own_meeting(request, ident, with_scope=True)
    form = forms.AbsenceForm(request.POST)
    if form.is_valid() and run_service(form, services.absence_notice_send, meeting, member,
                                       form.cleaned_data["reason"]):
        messages.success(request, f"Đã gửi báo vắng cuộc họp ngày {meeting.date:%d/%m/%Y}.")
        return _back(request)
    # Refused: the reason as typed and the message beside it, on the meeting's preparation page
    # when sent from there, else on the member's page (which has every upcoming meeting's form).
    if request.POST.get("next", "") == reverse("meeting_prepare", args=[meeting.ident]):
        return _prep_error(request, meeting, scope, "absence_form", form)
    return _my_page(request, scope, absence=(meeting.pk, form), status=400)


@login_required
@require_POST
def absence_withdraw(request, ident):
    meeting, member = _own_meeting(request, ident)
    if run_service(request, services.absence_notice_withdraw, meeting, member):
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
    return _my_page(request, scope)


def _my_page(request, scope, *, absence=None, task=None, status=200):
    """The member's page; `absence` (meeting id, form) or `task` (task id, form): a form sent with
    an error, shown again with what was typed and the message beside the field."""
    on = dates.today()
    # the member's current cells, read with the access scope (not read again)
    cell_ids = (list(scope.member_cell_ids) if scope.member_cell_ids is not None
                else selectors.current_cell_ids(scope.member_id))
    upcoming = selectors.upcoming_for_member(scope.member_id, cell_ids, on)
    unopened = notice_selectors.unopened_meeting_ids(scope.member_id, [m.pk for m in upcoming])
    for m in upcoming:
        m.unopened = m.pk in unopened
        m.sections = []
        for item in m.agenda.all():
            if not m.sections or m.sections[-1]["code"] != item.section:
                m.sections.append({"code": item.section, "label": item.get_section_display(), "items": []})
            m.sections[-1]["items"].append(item)
        m.absence = m.my_absence[0] if m.my_absence else None
        m.absence_form = absence[1] if absence and absence[0] == m.pk else None
    tasks = list(selectors.tasks_of_member(scope.member_id))
    for t in tasks:
        t.done_form = task[1] if task and task[0] == t.pk and t.done_on is None else None
    shown = any(getattr(m, "absence_form", None) for m in upcoming) or any(t.done_form for t in tasks)
    for sent in (absence, task):
        if sent is not None and not shown:  # its meeting or task is no longer on the page
            for errors in sent[1].errors.values():
                for e in errors:
                    messages.error(request, e)
    token = CalendarToken.objects.filter(member_id=scope.member_id, user=request.user, revoked_at__isnull=True).first()
    return render(request, "meetings/my_page.html", {
        "upcoming": upcoming,
        "tasks": tasks,
        "open_tasks": [t for t in tasks if t.done_on is None],
        "done_tasks": [t for t in tasks if t.done_on is not None],
        "attendance": selectors.attendance_of_member(scope.member_id),
        "today": on,
        "absence_form": None,
        "feed_url": request.build_absolute_uri(reverse("ical_feed", args=[token.token])) if token else None,
    }, status=status)


@login_required
@require_POST
def task_done(request, pk):
    """Only the assignee (the logged-in member) reports a task done."""
    scope = scope_for(request.user)
    task = Task.objects.select_related("assignee").filter(pk=pk).first()
    if task is None or not scope.member_id or task.assignee_id != scope.member_id:
        raise Http404("Không tìm thấy nhiệm vụ của đồng chí")
    form = forms.TaskDoneForm(request.POST)
    if not (form.is_valid() and run_service(form, services.task_mark_done, task, task.assignee,
                                            form.cleaned_data["note"], form.cleaned_data["on"])):
        return _my_page(request, scope, task=(task.pk, form), status=400)
    messages.success(request, "Đã báo hoàn thành nhiệm vụ.")
    return redirect("my_page")

