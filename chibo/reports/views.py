from datetime import date

from django.shortcuts import render

from chibo.formhelpers import query_date
from chibo.orgs.access import get_org_for_user
from chibo.orgs.views import today
from chibo.reports.services import subtree_compliance
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
