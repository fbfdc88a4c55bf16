"""The change log page ("Nhật ký thay đổi"): read-only, for administrators (everything) and
committee staff (their subtrees)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from chibo.changelog import selectors
from chibo.changelog.forms import LogFilterForm
from chibo.changelog.models import LogEntry
from chibo.meetings.models import Meeting
from chibo.orgs.models import Member, Organization

#: Records found by their code rather than their number.
CODE_LOOKUPS = {Member: "code", Organization: "code", Meeting: "ident"}


@login_required
@require_GET
def changelog(request):
    log_scope = selectors.log_scope(request.user)
    form = LogFilterForm(request.GET or None)
    entries = LogEntry.objects.filter(log_scope.q())
    subject = None
    status = 200
    if form.is_bound and not form.is_valid():
        entries = entries.none()
        status = 400
    elif form.is_bound:
        data = form.cleaned_data
        if data["nguoi"]:
            entries = entries.filter(selectors.person_q(data["nguoi"].strip()))
        if data["to_chuc"]:
            org = Organization.objects.filter(code=data["to_chuc"].strip()).first()
            if org is None or not log_scope.covers(org.path):
                raise Http404("Không tìm thấy tổ chức")
            entries = entries.filter(selectors.paths_q([org.path]))
            subject = org.name
        model = selectors.model_for(data["loai"]) if data["loai"] else None
        if model is not None:
            if data["ma"]:
                pk = _record_pk(model, data["ma"].strip())
                entries = entries.filter(selectors.record_q(model, pk)) if pk is not None else entries.none()
            else:
                entries = entries.filter(content_type__app_label=model._meta.app_label,
                                         content_type__model=model._meta.model_name)
        elif data["ma"]:
            entries = entries.filter(object_pk=data["ma"].strip())
        entries = entries.filter(selectors.day_bounds(data["tu"], data["den"]))
    entries = entries.select_related("content_type", "actor").order_by("-timestamp", "-pk")
    page = Paginator(entries, selectors.PAGE_SIZE).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(request, "changelog/list.html", {
        "form": form, "page": page, "rows": selectors.rows(page.object_list), "subject": subject,
        "query": query.urlencode(), "is_admin": log_scope.is_admin,
    }, status=status)


def _record_pk(model, text: str):
    lookup = CODE_LOOKUPS.get(model)
    if lookup:
        pk = model._base_manager.filter(**{lookup: text}).values_list("pk", flat=True).first()
        if pk is not None:
            return pk
    try:
        return int(text)
    except ValueError:
        return None
