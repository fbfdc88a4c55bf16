"""A committee's scoring sheets (rules-v2.md §5.1; `rules.ScoringSheet`): the list, and the form
that defines one (its groups, tiers and bands), checked by the rule engine's `rubric_errors` with
every message next to its field, with a preview of the sheet's score for a past meeting of the
subtree before it is saved. The sheet becomes the subtree's rubric when the rule profile's
`rubric` names its code (the profile page).

Here (rank 6) because the preview reads a meeting (chibo.meetings.quality) and the sheet is the
rules app's: the writes go through chibo.rules.services_sheets. Access: the committee's own staff
or staff above it (Right.SUPERVISE, as the rule profile page), for reading and writing alike."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chibo.formhelpers import call_service
from chibo.meetings import quality, selectors
from chibo.meetings.models import Meeting, MeetingStatus
from chibo.orgs.access import Right, get_org_for_user
from chibo.rules import engine
from chibo.rules.forms_sheets import GroupFormSet, SheetForm, built_in_initial, place_errors, rubric_data
from chibo.rules.models import ScoringSheet
from chibo.rules.services import effective_profile_for
from chibo.rules.services_sheets import sheet_errors, sheet_save

DENIED = "Chỉ cấp ủy của tổ chức này hoặc cấp trên mới được xem và sửa phiếu chấm điểm."
#: How many of the subtree's latest meetings the preview offers.
PREVIEW_CHOICES = 40


@login_required
def sheet_list(request, code):
    org, _scope = get_org_for_user(request.user, code, Right.SUPERVISE, denied=DENIED)
    sheets = list(ScoringSheet.objects.filter(organization_id__in=org.ancestor_ids())
                  .select_related("organization").order_by("organization__path", "code"))
    profile = effective_profile_for(org)
    return render(request, "reports/sheets.html", {
        "org": org, "sheets": sheets, "in_use": profile.get("rubric"), "builtin": engine.HD42_FRAME,
        "builtin_id": engine.HD42_FRAME_ID})


def _past_meetings(org):
    return list(Meeting.objects.filter(org.subtree_q("organization__"),
                                       status__in=(MeetingStatus.HELD, MeetingStatus.FINALIZED))
                .select_related("organization").order_by("-date", "-ident")[:PREVIEW_CHOICES])


def _preview(org, code: str, name: str, data: dict, ident: str) -> dict | str:
    meeting = Meeting.objects.filter(org.subtree_q("organization__"), ident=ident,
                                     status__in=(MeetingStatus.HELD, MeetingStatus.FINALIZED)
                                     ).select_related("organization").first()
    if meeting is None:
        return "Chọn một cuộc họp đã diễn ra của tổ chức để xem thử."
    verdict = selectors.meeting_verdict(meeting)
    profile = effective_profile_for(meeting.organization)
    record = meeting.quality if hasattr(meeting, "quality") else None
    rubric = {"name": name, **data}
    score = quality.score_with(code or "phieu-moi", rubric, quality.frame_inputs(meeting, verdict["result"], profile, record),
                               record)
    return {"meeting": meeting, **score}


@login_required
@require_http_methods(["GET", "POST"])
def sheet_edit(request, code, sheet_code=None):
    org, _scope = get_org_for_user(request.user, code, Right.SUPERVISE, denied=DENIED)
    sheet = None
    if sheet_code is not None:
        sheet = ScoringSheet.objects.filter(organization=org, code=sheet_code).first()
        if sheet is None:
            raise Http404("Không tìm thấy phiếu chấm điểm của tổ chức này")
    if request.method == "POST":
        form, formset = SheetForm(request.POST), GroupFormSet(request.POST, prefix="g")
    elif sheet is not None:
        form = SheetForm(initial=SheetForm.initial_of(sheet))
        formset = GroupFormSet(prefix="g", initial=[GroupFormSet.form.initial_of(g) for g in sheet.data["groups"]])
    else:
        form = SheetForm(initial={"tot": 90, "kha": 70, "trung_binh": 50})
        formset = GroupFormSet(prefix="g", initial=built_in_initial())
    preview, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and formset.is_valid():
            data = rubric_data(form, formset)
            rows = data.pop("rows")
            d = form.cleaned_data
            if request.POST.get("action") == "preview":
                errors = sheet_errors(d["code"], d["name"], d["source"], data, org=org, sheet=sheet)
                errors.pop("code", None)  # a preview needs no free code
                if errors:
                    place_errors(errors, form, formset, rows)
                else:
                    preview, status = _preview(org, d["code"], d["name"], data, request.POST.get("meeting", "")), 200
            else:
                saved, exc = call_service(sheet_save, org, code=d["code"], name=d["name"], source=d["source"],
                                          data=data, user=request.user, sheet=sheet)
                if exc is None:
                    messages.success(request, f"Đã lưu phiếu chấm “{saved.name}”. Để áp dụng cho các chi bộ trực "
                                              f"thuộc, chọn mã “{saved.code}” ở mục Bộ tiêu chí chấm điểm của bộ "
                                              "quy tắc.")
                    return redirect("sheet_edit", code=org.code, sheet_code=saved.code)
                place_errors(exc.message_dict and {k: v[0] for k, v in exc.message_dict.items()}, form, formset, rows)
    return render(request, "reports/sheet_edit.html", {
        "org": org, "sheet": sheet, "form": form, "formset": formset, "preview": preview,
        "preview_error": preview if isinstance(preview, str) else None,
        "meetings": _past_meetings(org), "chosen": request.POST.get("meeting", ""),
    }, status=status)
