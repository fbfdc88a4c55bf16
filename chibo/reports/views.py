from datetime import date

from django.shortcuts import render

from chibo.orgs.access import get_org_for_user
from chibo.orgs.views import parse_day, today
from chibo.reports.services import subtree_compliance
from chibo.rules.engine import FINDING_LABELS, GRADE_LABELS


def org_audit_page(request, code):
    org, _scope = get_org_for_user(request.user, code)
    now = today()
    d_from = parse_day(request.GET.get("tu")) if request.GET.get("tu") else date(now.year, 1, 1)
    d_to = parse_day(request.GET.get("den")) if request.GET.get("den") else now
    error = None
    if d_to < d_from:
        error = "Ngày kết thúc phải sau ngày bắt đầu."
        d_to = d_from
    as_of = parse_day(request.GET.get("xet")) if request.GET.get("xet") else min(d_to, now)
    result, cells, names = subtree_compliance(org, d_from, d_to, as_of)
    findings = [dict(f, label=FINDING_LABELS.get(f["code"], f["code"]),
                     org_name=names.get(f.get("organization"), "")) for f in result["findings"]]
    return render(request, "reports/audit.html", {
        "org": org, "d_from": d_from, "d_to": d_to, "as_of": as_of, "cells": cells, "findings": findings, "error": error,
        "grade_labels": GRADE_LABELS, "meetings": len(result["meetings"]),
    })
