"""The meeting page, the live recording page and its autosave endpoints, finalization,
amendments and quality scores. Views bind input, check access, call one service, render.

The autosave endpoints of the live recording page (POST, form-encoded, CSRF token in the
X-CSRFToken header; the load test in bench/load speaks this contract):

- ghi/thong-tin/ (a header field): field, value, version (the meeting's header version the edit
  was based on), was (the field's value it started from, as the input held it).
- ghi/diem-danh/ (one member's attendance): member (code), status, reason, version (the row's
  version the tap was based on; 0 when the member had none).
- ghi/khach-moi/, ghi/phat-bieu/, ghi/bieu-quyet/, ghi/nhiem-vu/ (a guest, a speech, a vote, a
  task): key (a UUID the client makes when the row is added; the first save adds the row after the
  last one, later saves update it), version (0 for a row not saved yet, else the version the edit
  was based on) and the row's fields (guest: name, title, organization; speech: member, item,
  summary; vote: kind, method, subject, votes_for, votes_against, votes_abstain, votes_invalid;
  task: assignee, description, due dd/mm/yyyy); delete=1 with the key deletes the row (deleting a
  row already gone is no error). Without a key the row is addressed by `position` (older clients):
  two phones adding rows at once may then overwrite each other.

Every save is idempotent: sending it again (a retry after a lost answer, the offline queue
replayed) changes nothing more and is answered as applied. Answers are JSON:
{"ok": true, "panel": <the checks panel>, "votes": {position: <verdict>}, "version": n} after a save
(`version`: the record's new version; rows also "key" and "position"; with panel=0 in the request
the answer leaves "panel" and "votes" out, and the client asks ghi/kiem-tra/ for them when the
minute-taker pauses: the rule engine then runs once per pause, not once per tap); {"ok": false, "error": ...,
"field": ...} with status 400 for bad input (nothing changed; also a speaker not recorded present,
vote counts above the members present, an end before the start); 409 once the minutes are finalized,
and 409 with "current": {"version": n[, "value": the field's current value]} when someone else
changed what the edit was based on (the error says what it is now; nothing changed; sending the
edit again with that version applies it). 403/404 come from the access checks before anything
runs.

Finalizing (hoan-tat/) is a page: GET shows the engine's verdict and any reason the minutes cannot
be finalized yet; POST with confirm=1 finalizes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chibo import vocabulary
from chibo.formhelpers import json_error, json_form_error, run_service, run_service_json
from chibo.meetings import lifecycle, quality, selectors
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.models import (
    MeetingStatus,
    ScoreConfirmation,
    VoteKind,
    VoteMethod,
)
from chibo.meetings.recording import forms, services
from chibo.meetings.recording.live import live_recording
from chibo.notices import services as notice_deliveries
from chibo.orgs.access import Right

#: Short labels for the one-tap roll buttons (two lines at most on a 360-px phone).
TAP_LABELS = [(t.code, *t.short) for t in vocabulary.ATTENDANCE_STATUSES]


# --- the meeting page ----------------------------------------------------------------------

def _detail_context(request, meeting, scope, scores_form=None, official_form=None):
    can_manage = scope.can_record_org(meeting.organization)
    confirmation = ScoreConfirmation.objects.filter(meeting=meeting).select_related("confirmed_by").first()
    confirmed = bool(confirmation and confirmation.confirmed_at)
    if scores_form is None and can_manage and not confirmed:
        scores_form = forms.ScoresForm(initial={"preparation": meeting.score_preparation,
                                                "conduct": meeting.score_conduct,
                                                "principles": meeting.score_principles})
    cancelled = meeting.status == MeetingStatus.CANCELLED
    # A cancelled meeting was never held: the engine has nothing to judge (chibo.meetings.facts).
    verdict = None if cancelled else selectors.meeting_verdict(meeting)
    votes = [(v, verdict["votes"].get(v.position) if verdict else None) for v in meeting.votes.all()]
    upcoming = meeting.status in lifecycle.UPCOMING
    return {
        "meeting": meeting,
        "verdict": verdict,
        "votes": votes,
        "can_manage": can_manage,
        "can_prepare": scope.can_manage_org(meeting.organization),
        "finalized": meeting.status == MeetingStatus.FINALIZED,
        "cancelled": cancelled,
        "upcoming": upcoming,
        # Held: the meeting's day has come (recording its roll also marks it held).
        "can_mark_held": upcoming and meeting.date <= timezone.localdate(),
        "can_confirm": scope.is_superior_of(meeting.organization),
        # Absence reasons are personal: the recorders, the supervisors and the member themself.
        "reasons_for": None if (can_manage or scope.can_supervise_org(meeting.organization)) else scope.member_id,
        "confirmation": confirmation,
        "scores_form": scores_form if can_manage and not confirmed else None,
        "amendments": selectors.amendments_of(meeting),
        # HD 42 (rules-v2.md §5): the frame score, its adoption and the superior's official grade.
        "quality": quality.for_page(meeting, verdict) if verdict else None,
        "official_form": official_form or forms.OfficialGradeForm(),
    }


@login_required
def meeting_detail(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, full=True)
    notice_deliveries.deliveries_opened(meeting.pk, scope.member_id)  # the member saw the meeting (chibo.notices)
    return render(request, "meetings/detail.html", _detail_context(request, meeting, scope))


# --- the live recording page ---------------------------------------------------------------

@login_required
@require_GET
def meeting_record(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if meeting.status == MeetingStatus.CANCELLED:
        messages.error(request, services.CANCELLED_MESSAGE)
        return redirect("meeting_detail", ident=meeting.ident)
    page = selectors.record_page(meeting)
    if meeting.status != MeetingStatus.FINALIZED:
        roll_ids = [e.member.pk for e in page["roll"].entries]
        if services.attendance_prefill(meeting, roll_ids):
            page = selectors.record_page(meeting)
    verdict = selectors.meeting_verdict(meeting)
    attendance = page["attendance"]
    rows = [{"entry": e, "att": attendance.get(e.member.pk)} for e in page["roll"].entries]
    agenda_titles = [a.title for a in page["agenda"]]
    groups = [{"item": t, "speeches": [s for s in page["speeches"] if s.item == t]} for t in agenda_titles]
    groups.append({"item": "", "other": True,
                   "speeches": [s for s in page["speeches"] if s.item not in agenda_titles]})
    return render(request, "meetings/record.html", {
        "meeting": meeting,
        "roll": page["roll"],
        "rows": rows,
        "groups": groups,
        "votes": [(v, verdict["votes"].get(v.position)) for v in page["votes"]],
        "tasks": page["tasks"],
        "guests": page["guests"],
        "verdict": verdict,
        "finalized": meeting.status == MeetingStatus.FINALIZED,
        "statuses": TAP_LABELS,
        "vote_kinds": VoteKind.choices,
        "vote_methods": VoteMethod.choices,
        "ballot_labels": vocabulary.BALLOT_CHOICES.labels,
        "thematic": meeting.kind in ("thematic", "combined"),
        "quality": quality.for_page(meeting, verdict),
    })


def _panel(request, meeting) -> dict:
    verdict = selectors.meeting_verdict(meeting)
    return {
        "ok": True,
        "panel": render_to_string("meetings/_record_panel.html", {"verdict": verdict, "meeting": meeting}, request),
        "votes": {str(pos): render_to_string("meetings/_record_verdict.html", {"v": v}, request)
                  for pos, v in verdict["votes"].items()},
    }


def _panel_for(request, meeting):
    """The answer of an autosave endpoint after a save: the checks panel of the meeting and the
    saved record's version (a row: also its key and position)."""
    def respond(saved):
        # panel=0: the client refreshes the checks itself once the minute-taker pauses (record.js
        # asks ghi/kiem-tra/), so a burst of taps does not run the rule engine once per tap.
        answer = {"ok": True} if request.POST.get("panel") == "0" else _panel(request, meeting)
        if hasattr(saved, "version"):
            answer["version"] = saved.version
        if hasattr(saved, "key"):
            answer["key"], answer["position"] = str(saved.key), saved.position
        return answer
    return respond


def _record_endpoint(request, ident, form_class):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if meeting.status == MeetingStatus.FINALIZED:
        return meeting, None, json_error(services.FINALIZED_MESSAGE, status=409)
    form = form_class(request.POST, meeting=meeting) if form_class is not forms.DeleteForm else form_class(request.POST)
    if not form.is_valid():
        return meeting, None, json_form_error(form)
    return meeting, form.cleaned_data, None


@login_required
@require_GET
def record_status(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if meeting.status == MeetingStatus.CANCELLED:
        return json_error(services.CANCELLED_MESSAGE, status=409)
    return JsonResponse(_panel(request, meeting))


@login_required
@require_POST
@live_recording
def record_field(request, ident):
    meeting, data, failed = _record_endpoint(request, ident, forms.HeaderFieldForm)
    if failed:
        return failed
    extra = {"was": data["parsed_was"]} if "parsed_was" in data else {}
    return run_service_json(_panel_for(request, meeting), services.meeting_field_set, meeting, data["field"],
                            data["parsed"], version=data["version"], **extra)


@login_required
@require_POST
@live_recording
def record_attendance(request, ident):
    meeting, data, failed = _record_endpoint(request, ident, forms.AttendanceForm)
    if failed:
        return failed
    return run_service_json(_panel_for(request, meeting), services.attendance_set, meeting, data["member"],
                            data["status"], data["reason"], version=data["version"])


def _delete_or(request, ident, form_class, save, delete):
    form_class = forms.DeleteForm if request.POST.get("delete") else form_class
    meeting, data, failed = _record_endpoint(request, ident, form_class)
    if failed:
        return failed
    position, key, version = data.pop("position"), data.pop("key"), data.pop("version")
    if form_class is forms.DeleteForm:
        return run_service_json(_panel_for(request, meeting), delete, meeting, position, key=key)
    return run_service_json(_panel_for(request, meeting), save, meeting, position, key=key, version=version,
                            **data)


@login_required
@require_POST
@live_recording
def record_guest(request, ident):
    return _delete_or(request, ident, forms.GuestForm, services.guest_save, services.guest_delete)


@login_required
@require_POST
@live_recording
def record_speech(request, ident):
    return _delete_or(request, ident, forms.SpeechForm, services.speech_save, services.speech_delete)


@login_required
@require_POST
@live_recording
def record_vote(request, ident):
    return _delete_or(request, ident, forms.VoteForm, services.vote_record, services.vote_delete)


@login_required
@require_POST
@live_recording
def record_task(request, ident):
    return _delete_or(request, ident, forms.TaskForm, services.task_save, services.task_delete)


# --- finalize, amend ---------------------------------------------------------------------------

@login_required
@require_POST
def meeting_mark_held(request, ident):
    """The meeting has taken place: it may now be finalized (recording its roll does this too)."""
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if run_service(request, services.meeting_mark_held, meeting, request.user) is not None:
        messages.success(request, "Đã ghi nhận cuộc họp đã diễn ra. Ghi đủ biên bản rồi bấm Hoàn tất.")
    return redirect("meeting_detail", ident=meeting.ident)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_finalize(request, ident):
    """Finalizing is a deliberate step: the page shows the engine's findings for these minutes
    (what is missing, what breaks a rule: the verdict of chibo.meetings.selectors) and why they
    cannot be finalized yet, if so; the recorder confirms and the service locks them."""
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if meeting.status == MeetingStatus.FINALIZED:
        messages.info(request, "Biên bản đã hoàn tất và bị khóa.")
        return redirect("meeting_detail", ident=meeting.ident)
    form = forms.FinalizeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.meeting_finalize, meeting, request.user) is not None:
            messages.success(request, "Đã hoàn tất và khóa biên bản.")
            return redirect("meeting_detail", ident=meeting.ident)
    cancelled = meeting.status == MeetingStatus.CANCELLED
    verdict = None if cancelled else selectors.meeting_verdict(meeting)
    refusal = services.finalize_refusal(meeting, missing=verdict["missing"] if verdict else [])
    return render(request, "meetings/record_finalize.html", {
        "meeting": meeting, "verdict": verdict, "form": form,
        "refusal": refusal.messages[0] if refusal is not None else None,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_amend(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.RECORD, full=True)
    if meeting.status != MeetingStatus.FINALIZED:
        messages.error(request, "Biên bản chưa hoàn tất: hãy sửa trực tiếp trên trang ghi biên bản.")
        return redirect("meeting_record", ident=meeting.ident)
    roll = selectors.record_page(meeting)["roll"]
    form = forms.AmendForm(request.POST or None, meeting=meeting, roll_members=[e.member for e in roll.entries])
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.meeting_amend, meeting, request.user, form.cleaned_data["reason"],
                       form.changes()):
            messages.success(request, "Đã ghi đính chính biên bản.")
            return redirect("meeting_detail", ident=meeting.ident)
    return render(request, "meetings/record_amend.html", {"meeting": meeting, "form": form})


# --- quality scores ----------------------------------------------------------------------------

@login_required
@require_POST
def meeting_scores(request, ident):
    meeting, scope = get_meeting_for_user(request.user, ident, Right.RECORD, full=True)
    form = forms.ScoresForm(request.POST)
    if form.is_valid() and run_service(form, services.meeting_scores_set, meeting, user=request.user,
                                         **form.cleaned_data):
        messages.success(request, "Đã lưu điểm đánh giá của chi bộ.")
        return redirect("meeting_detail", ident=meeting.ident)
    context = _detail_context(request, meeting, scope, scores_form=form)
    return render(request, "meetings/detail.html", context, status=400)


@login_required
@require_POST
def meeting_scores_adopt(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    if run_service(request, services.meeting_scores_adopt, meeting, request.user) is not None:
        messages.success(request, "Đã ghi nhận hội nghị thông qua điểm đánh giá.")
    return redirect("meeting_detail", ident=meeting.ident)


@login_required
@require_POST
def meeting_scores_confirm(request, ident):
    meeting, _scope = get_meeting_for_user(request.user, ident, Right.SUPERIOR)
    if run_service(request, services.meeting_scores_confirm, meeting, request.user) is not None:
        messages.success(request, "Đã xác nhận điểm đánh giá.")
    return redirect("meeting_detail", ident=meeting.ident)
