"""The preparation page's HD 42 forms (rules-v2.md §2; the section is
chibo/meetings/templatetags/hd42_prep.py): the preparation dates and the scorer; after the
meeting, the results posted. Access: managing the cell (Right.MANAGE). A refusal re-renders the
preparation page with what was typed and the message next to the field (status 400). A meeting
judged by HD 12 has no such section: a post is refused (message, back to the page, nothing saved)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from chibo.formhelpers import run_service
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.planning.forms import roll_members
from chibo.meetings.preparation import forms, services_hd42
from chibo.meetings.preparation.views import _prep_error
from chibo.orgs.access import Right


@login_required
@require_POST
def meeting_hd42_prep(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if not services_hd42.applies(meeting):
        messages.error(request, services_hd42.NOT_HD42)
        return redirect("meeting_prepare", ident=meeting.ident)
    form = forms.Hd42PrepForm(request.POST, members=roll_members(meeting.organization, meeting.date))
    if form.is_valid() and run_service(form, services_hd42.meeting_hd42_prep_set, meeting,
                                       **form.cleaned_data) is not None:
        messages.success(request, "Đã lưu các bước chuẩn bị theo Hướng dẫn 42.")
        return redirect("meeting_prepare", ident=meeting.ident)
    return _prep_error(request, meeting, scope, "hd42_form", form)


@login_required
@require_POST
def meeting_results_posted(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, Right.MANAGE)
    if not services_hd42.applies(meeting):
        messages.error(request, services_hd42.NOT_HD42)
        return redirect("meeting_prepare", ident=meeting.ident)
    form = forms.ResultsPostedForm(request.POST)
    if form.is_valid() and run_service(form, services_hd42.meeting_results_posted_set, meeting,
                                       **form.cleaned_data) is not None:
        messages.success(request, "Đã lưu việc đăng kết quả sinh hoạt.")
        return redirect("meeting_prepare", ident=meeting.ident)
    return _prep_error(request, meeting, scope, "results_form", form)
