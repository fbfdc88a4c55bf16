"""The HD 42 quality score of a meeting (rules-v2.md §5.3; the services are
chibo/meetings/recording/services_quality.py): the recording page's closing step saves the
entered groups one at a time (JSON, like the page's other autosaves; 409 with the current value
when another phone changed it), the secretary records the cell's adoption after its vote, and
committee staff strictly above the cell decide the official grade on the meeting page.

Access: scoring and adopting need Right.RECORD (whoever records the meeting); the official grade
needs Right.SUPERIOR (staff of an ancestor committee, never the cell's own secretary), and the
service refuses whoever scored or adopted it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from chibo.formhelpers import json_error, json_form_error, run_service, run_service_json
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.models import MeetingStatus
from chibo.meetings.recording import forms, services_quality
from chibo.orgs.access import Right


@login_required
@require_POST
def record_quality(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if meeting.status == MeetingStatus.FINALIZED:
        return json_error(services_quality.SCORED_IN_MINUTES, status=409)
    form = forms.QualityGroupForm(request.POST)
    if not form.is_valid():
        return json_form_error(form)
    data = form.cleaned_data
    return run_service_json(lambda record: {"ok": True, "version": record.version, "status": record.status},
                            services_quality.quality_group_set, meeting, data["group"], data["value"],
                            user=request.user, version=data["version"])


@login_required
@require_POST
def quality_adopt(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if run_service(request, services_quality.quality_adopt, meeting, request.user) is not None:
        messages.success(request, "Đã ghi nhận chi bộ thông qua điểm tự chấm.")
    return redirect("meeting_detail", ident=meeting.ident)


@login_required
@require_POST
def quality_confirm(request, ident):
    """A refusal is shown on the meeting page (the form has one choice; the page shows it again)."""
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.SUPERIOR)
    form = forms.OfficialGradeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
    elif run_service(request, services_quality.quality_confirm_official, meeting, request.user,
                     form.cleaned_data["official_grade"]) is not None:
        messages.success(request, "Đã quyết định xếp loại chính thức buổi sinh hoạt.")
    return redirect("meeting_detail", ident=meeting.ident)
