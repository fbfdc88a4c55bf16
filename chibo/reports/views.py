import calendar
import re
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from chibo import vocabulary
from chibo.changelog import record as changelog
from chibo.formhelpers import QueryError, query_date
from chibo.orgs.access import get_org_for_user
from chibo.orgs.views import today
from chibo.reports import export
from chibo.reports.dashboard import PERIOD_CODES, dashboard, new_finding_rows
from chibo.reports.services import refresh_missing, subtree_compliance
from chibo.results.selectors import missing_slices
from chibo.rules.engine import FINDING_LABELS, GRADE_LABELS


def org_audit_page(request, code):
    org, _scope = get_org_for_user(request.user, code)
    now = today()
    d_from = query_date(request, "tu", date(now.year, 1, 1))
    d_to = query_date(request, "den", now)
    error = None
    if d_to < d_from:
        error = "Ngày kết thúc phải sau ngày bắt đầu."
        d_to = d_from
    as_of = query_date(request, "xet", min(d_to, now))
    result, cells, names = subtree_compliance(org, d_from, d_to, as_of)
    findings = [dict(f, label=FINDING_LABELS.get(f["code"], f["code"]),
                     org_name=names.get(f.get("organization"), "")) for f in result["findings"]]
    return render(request, "reports/audit.html", {
        "org": org, "d_from": d_from, "d_to": d_to, "as_of": as_of, "cells": cells, "findings": findings, "error": error,
        "grade_labels": GRADE_LABELS, "meetings": len(result["meetings"]),
    })


#: The dashboard's periods: ?ky=2025 (year), 2025-Q2 (quarter), 2025-05 (month); or ?tu=&den=.
PERIOD = re.compile(r"([0-9]{4})(?:-(Q[1-4]|H[12]|0[1-9]|1[0-2]))?")


def _period(request, now: date) -> tuple[date, date, str]:
    """(from, to, the period's name) of the dashboard's query; a bad value is a 400."""
    text = (request.GET.get("ky") or "").strip()
    if not text and ("tu" in request.GET or "den" in request.GET):
        d_from = query_date(request, "tu", date(now.year, 1, 1))
        d_to = query_date(request, "den", now)
        if d_to < d_from:
            raise QueryError("Ngày kết thúc phải sau ngày bắt đầu.")
        return d_from, d_to, f"từ {d_from:%d/%m/%Y} đến {d_to:%d/%m/%Y}"
    match = PERIOD.fullmatch(text or str(now.year))
    if match is None:
        raise QueryError(f"Kỳ '{text[:20]}' không hợp lệ (ví dụ: 2025, 2025-Q2, 2025-H1, 2025-05).")
    year, part = int(match[1]), match[2]
    if not 2000 <= year <= 2100:
        raise QueryError(f"Năm {year} không hợp lệ.")
    if part is None:
        return date(year, 1, 1), date(year, 12, 31), f"năm {year}"
    if part[0] == "Q":
        q = int(part[1])
        first, last = 3 * q - 2, 3 * q
        name = f"quý {'I II III IV'.split()[q - 1]} năm {year}"
    elif part[0] == "H":
        h = int(part[1])
        first, last = 6 * h - 5, 6 * h
        name = f"6 tháng {'đầu' if h == 1 else 'cuối'} năm {year}"
    else:
        first = last = int(part)
        name = f"tháng {first:02d}/{year}"
    return date(year, first, 1), date(year, last, calendar.monthrange(year, last)[1]), name


def _dashboard_query(request, code):
    """(org, scope, from, to, period name, cell kind, figures) of a dashboard request."""
    org, scope = get_org_for_user(request.user, code)
    if org.is_cell:
        raise Http404("Bảng theo dõi dành cho cấp ủy cấp trên chi bộ")
    d_from, d_to, period_name = _period(request, today())
    cell_kind = request.GET.get("loai") or ""
    if cell_kind and cell_kind not in vocabulary.CELL_KINDS:
        raise QueryError("Loại chi bộ không hợp lệ.")
    missing = missing_slices(org, d_from, d_to)
    if missing:
        refresh_missing(missing)
    return org, scope, d_from, d_to, period_name, cell_kind, dashboard(org, d_from, d_to, cell_kind or None)


@login_required
def dashboard_page(request, code):
    """The committee's dashboard over a period and a kind of cell: its figures, one row per
    direct child (a click goes down a level), the attendance month by month, the cells that
    need help first. Organisations above the cells only."""
    org, scope, d_from, d_to, period_name, cell_kind, data = _dashboard_query(request, code)
    for cell in data["worst"]:
        cell.finding_rows = [(FINDING_LABELS[c], cell.findings[c]) for c in PERIOD_CODES if cell.findings[c]]
    return render(request, "reports/dashboard.html", {
        "org": org, "d_from": d_from, "d_to": d_to, "period_name": period_name, "ky": request.GET.get("ky", ""),
        "query": request.GET.urlencode(),
        "cell_kind": cell_kind, "cell_kinds": [(k, vocabulary.ORG_KINDS.labels[k]) for k in vocabulary.ORG_KINDS.codes
                                                if k in vocabulary.CELL_KINDS],
        "total": data["total"], "children": data["children"], "months": data["months"], "worst": data["worst"],
        "grade_rows": [(g, label, data["total"].grades[g]) for g, label in vocabulary.GRADES.choices()],
        "new_rows": new_finding_rows(data["total"]),
        "parent": org.parent if org.parent_id and scope.can_read_org(org.parent) else None,
    })


@login_required
def dashboard_download(request, code, fmt):
    """The dashboard as a report (.xlsx or PDF) with the organisation, period and date on it."""
    org, _scope, d_from, d_to, period_name, cell_kind, data = _dashboard_query(request, code)
    lines = export.heading_lines(org.name, period_name, d_from, d_to, today(),
                                 vocabulary.ORG_KINDS.labels[cell_kind] if cell_kind else "")
    content = export.to_xlsx(lines, data) if fmt == "xlsx" else export.to_pdf(lines, data)
    filename = f"bao-cao-{org.code}-{d_from:%Y%m%d}-{d_to:%Y%m%d}.{fmt}"
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    changelog.download(org, f"Báo cáo tình hình sinh hoạt {period_name}", fmt, filename)
    return response


CONTENT_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def _year_sheet(request, code, year):
    """(org, sheet) of a year-end sheet request: a cell whose roll the user keeps (its secretary,
    committee staff above it, an administrator) sees every line; a member of the cell sees their
    own line only (`yearsheet.own_line`); anyone else 403 (404 outside the read scope); a bad
    year is a 404."""
    from chibo.orgs.access import Right
    from chibo.reports.yearsheet import own_line, year_sheet

    org, scope = get_org_for_user(request.user, code)
    own = not scope.can_manage_org(org)
    if own and not (scope.member_id and org.path in scope.member_paths):
        scope.require(org, Right.MANAGE)
    if not org.is_cell or not 2000 <= year <= today().year + 1:
        raise Http404("Không có bảng tổng hợp năm này.")
    sheet = year_sheet(org, year, min(today(), date(year, 12, 31)))
    return org, own_line(sheet, scope.member_id) if own else sheet


@login_required
def year_sheet_page(request, code, year):
    """The cell's year-end sheet: its meetings, each member's figures for the annual review."""
    from chibo.reports.yearsheet import MEMBER_HEADINGS

    org, sheet = _year_sheet(request, code, year)
    return render(request, "reports/year_sheet.html", {"org": org, "sheet": sheet, "headings": MEMBER_HEADINGS,
                                                        "years": range(year - 2, min(year + 2, today().year + 1))})


@login_required
def year_sheet_download(request, code, year, fmt):
    from chibo.reports import yearsheet

    org, sheet = _year_sheet(request, code, year)
    content = yearsheet.to_xlsx(sheet, today()) if fmt == "xlsx" else yearsheet.to_pdf(sheet, today())
    filename = f"tong-hop-{org.code}-{year}.{fmt}"
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    response["Cache-Control"] = "private, no-store"
    changelog.download(org, f"Bảng tổng hợp sinh hoạt năm {year}", fmt, filename)
    return response
