"""A meeting's dealings with its superior committees, beside the minutes: the visits recorded on
it (who came for which committee, their remarks and guidance: printed among the minutes' guests,
counted by the rule engine) and the speeches and agenda items sent up as recommendations.

The records and their writes belong to `chibo.supervision` (which ranks below meetings and
imports none of it); these views look the meeting up with the meetings' access helper and call
supervision's services with the meeting object.

Access: the page and visits: whoever records the cell's meetings (Right.RECORD) or supervises the
cell (committee staff above it); recommendations: Right.RECORD only (the cell sends them)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from chibo.formhelpers import QueryError, run_service
from chibo.meetings import dates
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.models import AgendaItem, Speech
from chibo.orgs.access import Right
from chibo.orgs.models import Member, Organization
from chibo.supervision import selectors as sup_selectors
from chibo.supervision import services as sup_services
from chibo.supervision.forms import RecommendationSendForm, VisitForm
from chibo.supervision.models import Visit

DENIED = "Chỉ người ghi biên bản của chi bộ hoặc cán bộ cấp ủy cấp trên mới ghi nhận việc dự sinh hoạt."


def _meeting_for_visits(user, ident):
    meeting, scope = get_meeting_for_user(user, ident)
    if not (scope.can_record_org(meeting.organization) or scope.can_supervise_org(meeting.organization)):
        raise PermissionDenied(DENIED)
    return meeting, scope


def _who_choices(meeting):
    return [(f"{m.pk}-{c.pk}", f"{m.full_name} — {c.name}")
            for m, c in sup_selectors.superior_people(meeting.organization, meeting.date)]


def _page(request, meeting, scope, *, visit_form=None, send_form=None, source="", status=200):
    speeches = list(Speech.objects.filter(meeting=meeting).select_related("member").order_by("position", "id"))
    agenda = list(AgendaItem.objects.filter(meeting=meeting).order_by("position", "id"))
    recs = sup_selectors.meeting_recommendations(meeting.pk)
    sent_speech = {r.speech_id: r for r in recs if r.speech_id}
    sent_item = {r.agenda_item_id: r for r in recs if r.agenda_item_id}
    return render(request, "meetings/upward.html", {
        "meeting": meeting,
        "visits": sup_selectors.meeting_visits(meeting.pk),
        "visit_form": visit_form or VisitForm(members=_who_choices(meeting)),
        "send_form": send_form or RecommendationSendForm(),
        "failed_source": source,
        "may_send": scope.can_record_org(meeting.organization),
        "open": meeting.status in sup_services.VISIT_MEETING_STATUSES,
        "speeches": [{"speech": s, "sent": sent_speech.get(s.pk), "key": f"speech-{s.pk}"} for s in speeches],
        "agenda": [{"item": a, "sent": sent_item.get(a.pk), "key": f"agenda-{a.pk}"} for a in agenda],
        "recommendations": recs,
    }, status=status)


@login_required
@require_GET
def meeting_upward(request, ident):
    """The visits recorded on the meeting and the form to record one; the speeches and agenda
    items with the form to send each up as a recommendation."""
    meeting, scope = _meeting_for_visits(request.user, ident)
    return _page(request, meeting, scope)


@login_required
@require_POST
def visit_add(request, ident):
    meeting, scope = _meeting_for_visits(request.user, ident)
    form = VisitForm(request.POST, members=_who_choices(meeting))
    if form.is_valid():
        member_id, committee_id = (int(x) for x in form.cleaned_data["who"].split("-"))
        visit = run_service(form, sup_services.visit_record, meeting,
                            committee=Organization.objects.get(pk=committee_id),
                            member=Member.objects.get(pk=member_id), remarks=form.cleaned_data["remarks"],
                            guidance=form.cleaned_data["guidance"], user=request.user, today=dates.today())
        if visit is not None:
            messages.success(request, f"Đã ghi nhận đồng chí {visit.visitor} dự sinh hoạt.")
            return redirect("meeting_upward", ident=meeting.ident)
    return _page(request, meeting, scope, visit_form=form, status=400)


@login_required
@require_POST
def visit_remove(request, ident, pk):
    meeting, _scope = _meeting_for_visits(request.user, ident)
    visit = get_object_or_404(Visit, pk=pk, meeting=meeting)
    if run_service(request, sup_services.visit_remove, visit, meeting, user=request.user):
        messages.success(request, "Đã xóa lượt dự sinh hoạt.")
    return redirect("meeting_upward", ident=meeting.ident)


@login_required
@require_POST
def recommendation_send(request, ident):
    """Send a speech (`nguon=speech-<id>`) or an agenda item (`agenda-<id>`) up as a
    recommendation to the cell's superior committee."""
    meeting, scope = get_meeting_for_user(request.user, ident, Right.RECORD)
    kind, _, pk = request.POST.get("nguon", "").partition("-")
    if kind not in ("speech", "agenda") or not pk.isdigit():
        raise QueryError("Chọn ý kiến hoặc nội dung chương trình để gửi.")
    model = Speech if kind == "speech" else AgendaItem
    source = get_object_or_404(model, pk=int(pk), meeting=meeting)
    form = RecommendationSendForm(request.POST)
    if form.is_valid():
        rec = run_service(form, sup_services.recommendation_send, meeting, topic=form.cleaned_data["topic"],
                          text=form.cleaned_data["text"], user=request.user,
                          speech=source if kind == "speech" else None,
                          agenda_item=source if kind == "agenda" else None)
        if rec is not None:
            messages.success(request, "Đã gửi kiến nghị lên cấp ủy cấp trên.")
            return redirect("meeting_upward", ident=meeting.ident)
    return _page(request, meeting, scope, send_form=form, source=f"{kind}-{pk}", status=400)
