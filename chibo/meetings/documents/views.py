"""Downloads of the official documents, printed from the record: minutes and resolution of a
meeting (Word and PDF) and a cell's minutes book of a year (PDF, finalized meetings only).

Only users who may read the cell get a file; anyone else gets 404, as for the meeting page."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from chibo.changelog import record as changelog
from chibo.meetings import lifecycle
from chibo.meetings.access import get_meeting_for_user
from chibo.meetings.documents import adapter
from chibo.meetings.models import MeetingStatus
from chibo.orgs.access import get_org_for_user

#: How a download is written in the change log (chibo.changelog).
LABELS = {"minutes": "Biên bản", "resolution": "Nghị quyết", "notice": "Thông báo họp"}

DOCUMENTS = {
    "minutes": ("bien-ban", adapter.minutes_file),
    "resolution": ("nghi-quyet", adapter.resolution_file),
}


def _attachment(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=adapter.content_type(fmt))
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def meeting_document(request, ident, document, fmt):
    meeting, _scope = get_meeting_for_user(request.user, ident)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Http404("Cuộc họp đã bị hủy: không có biên bản, nghị quyết")
    slug, render = DOCUMENTS[document]
    filename = f"{slug}-{meeting.ident}.{fmt}"
    response = _attachment(render(meeting, fmt), fmt, filename)
    changelog.download(meeting, LABELS[document], fmt, filename)
    return response


@login_required
@require_GET
def notice_document(request, ident, fmt):
    """The printed notice (Word or PDF) of a meeting still to come, for whoever reads the meeting
    (what it prints is on the preparation page): the secretary hands it to members without an
    e-mail, a member keeps a copy."""
    meeting, _scope = get_meeting_for_user(request.user, ident)
    if meeting.status not in lifecycle.UPCOMING:
        raise Http404("Cuộc họp không còn sắp tới: không in thông báo.")
    filename = f"thong-bao-{meeting.ident}.{fmt}"
    response = _attachment(adapter.notice_file(meeting, fmt), fmt, filename)
    changelog.download(meeting, LABELS["notice"], fmt, filename)
    return response


@login_required
@require_GET
def minutes_book(request, code, year):
    org, _scope = get_org_for_user(request.user, code)
    if not org.is_cell or not 1900 <= year <= 9999:
        raise Http404("Không có sổ biên bản này")
    filename = f"so-bien-ban-{org.code}-{year}.pdf"
    response = _attachment(adapter.minutes_book_file(org, year), "pdf", filename)
    changelog.download(org, f"Sổ biên bản năm {year}", "pdf", filename)
    return response
