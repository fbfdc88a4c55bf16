"""The committees' pages: a committee's orientations and the form to publish one, one orientation
with the cells that took it up; the inbox of recommendations the cells sent up, and one
recommendation taken in hand, answered or forwarded. (The visit plan, which joins meetings and
the rule profile, is a page of `chibo.meetings.planning`; visits and recommendations are marked
on a meeting in `chibo.meetings.recording`.)

Views bind input, check access (404 outside the read scope, 403 without Right.SUPERVISE), call
one service or selector and render or redirect."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from chibo import vocabulary
from chibo.formhelpers import QueryError, query_int, run_service
from chibo.orgs.access import Right, get_org_for_user, scope_for
from chibo.orgs.selectors import recommendation_answer_days
from chibo.supervision import selectors, services
from chibo.supervision.forms import AnswerForm, ForwardForm, OrientationForm
from chibo.supervision.models import Orientation

DENIED = "Chỉ cán bộ cấp ủy cấp trên mới ban hành và theo dõi định hướng sinh hoạt chi bộ."


@login_required
@require_http_methods(["GET", "POST"])
def orientation_list(request, code):
    """The committee's orientations (newest month first) and the form to publish one."""
    org, _scope = get_org_for_user(request.user, code, Right.SUPERVISE, denied=DENIED)
    if org.is_cell:
        raise Http404("Chi bộ không ban hành định hướng sinh hoạt")
    # supervision sits below meetings (docs/architecture.md) and so cannot read chibo.meetings.dates;
    # the day only pre-fills the form.
    day = timezone.localdate()
    form = OrientationForm(request.POST or None, initial={"month": day.month, "year": day.year})
    if request.method == "POST" and form.is_valid():
        orientation = run_service(form, services.orientation_publish, org, user=request.user, **form.cleaned_data)
        if orientation is not None:
            messages.success(request, f"Đã ban hành định hướng tháng {orientation.month:02d}/{orientation.year}.")
            return redirect("orientation_detail", pk=orientation.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "supervision/orientation_list.html",
                  {"org": org, "form": form, "orientations": selectors.orientations_of(org)}, status=status)


@login_required
@require_GET
def orientation_detail(request, pk):
    """One orientation and every cell below with the meeting that took it up (or not yet)."""
    orientation = Orientation.objects.select_related("organization", "published_by").filter(pk=pk).first()
    scope = scope_for(request.user)
    if orientation is None or not scope.can_read_org(orientation.organization):
        raise Http404("Không tìm thấy định hướng")
    scope.require(orientation.organization, Right.SUPERVISE, DENIED)
    return render(request, "supervision/orientation_detail.html",
                  {"orientation": orientation, "org": orientation.organization, **selectors.orientation_page(orientation)})


# --- Recommendations sent upward: the committee's inbox and one recommendation -------------

INBOX_DENIED = "Chỉ cán bộ cấp ủy cấp trên mới xem và trả lời kiến nghị của chi bộ."
ANSWER_DENIED = "Chỉ cán bộ cấp ủy nhận kiến nghị mới được xử lý, trả lời hoặc chuyển kiến nghị."


@login_required
@require_GET
def recommendation_inbox(request, code):
    """The recommendations the committee received (and forwarded up), overdue ones first;
    filtered by status, cell, topic and age."""
    org, _scope = get_org_for_user(request.user, code, Right.SUPERVISE, denied=INBOX_DENIED)
    if org.is_cell:
        raise Http404("Chi bộ không nhận kiến nghị")
    status = request.GET.get("tinh_trang", "")
    if status not in ("", "overdue", *vocabulary.RECOMMENDATION_STATUSES.codes):
        raise QueryError("Tình trạng không hợp lệ.")
    topic = request.GET.get("linh_vuc", "")
    if topic not in ("", *vocabulary.RECOMMENDATION_TOPICS.codes):
        raise QueryError("Lĩnh vực không hợp lệ.")
    age = query_int(request, "tuoi", None, min=1, max=3650, label="Số ngày")
    cells = selectors.cells_below(org)
    cell_code = request.GET.get("chi_bo", "")
    cell = next((c for c in cells if c.code == cell_code), None)
    if cell_code and cell is None:
        raise QueryError("Chi bộ không thuộc cấp ủy.")
    today = timezone.localdate()
    rows = selectors.inbox(org, today=today, status=status, cell_id=cell.pk if cell else None, topic=topic, age=age)
    return render(request, "supervision/recommendation_inbox.html", {
        "org": org, "rows": rows, "cells": cells, "statuses": vocabulary.RECOMMENDATION_STATUSES.choices(),
        "topics": vocabulary.RECOMMENDATION_TOPICS.choices(), "ages": selectors.AGES,
        "chosen": {"status": status, "topic": topic, "cell": cell_code, "age": age}, "today": today,
        "answer_days": recommendation_answer_days(org)[0]})


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_detail(request, pk):
    """One recommendation: its cell, meeting, text, steps and answer; the committee it is sent to
    takes it in hand, answers it or forwards it up (POST `action`)."""
    rec = selectors.recommendation_with_steps(pk)
    scope = scope_for(request.user)
    if rec is None or not scope.can_read_org(rec.organization):
        raise Http404("Không tìm thấy kiến nghị")
    may_handle = scope.can_supervise_org(rec.committee)
    answer_form, forward_form = AnswerForm(), ForwardForm()
    if request.method == "POST":
        if not may_handle:
            raise PermissionDenied(ANSWER_DENIED)
        action = request.POST.get("action")
        done = None
        if action == "take":
            done = run_service(request, services.recommendation_take, rec, rec.committee, user=request.user)
        elif action == "answer":
            answer_form = AnswerForm(request.POST)
            if answer_form.is_valid():
                done = run_service(answer_form, services.recommendation_answer, rec, rec.committee,
                                   answer_form.cleaned_data["answer"], user=request.user)
        elif action == "forward":
            forward_form = ForwardForm(request.POST)
            if forward_form.is_valid():
                done = run_service(forward_form, services.recommendation_forward, rec, rec.committee,
                                   forward_form.cleaned_data["note"], user=request.user)
        else:
            raise QueryError("Thao tác không hợp lệ.")
        if done is not None:
            messages.success(request, "Đã cập nhật kiến nghị.")
            return redirect("recommendation_detail", pk=rec.pk)
        if answer_form.errors or forward_form.errors:
            return render(request, "supervision/recommendation_detail.html",
                          {"rec": rec, "may_handle": may_handle, "answer_form": answer_form,
                           "forward_form": forward_form, "today": timezone.localdate()}, status=400)
        return redirect("recommendation_detail", pk=rec.pk)
    return render(request, "supervision/recommendation_detail.html",
                  {"rec": rec, "may_handle": may_handle, "answer_form": answer_form, "forward_form": forward_form,
                   "today": timezone.localdate()})
