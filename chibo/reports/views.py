from django.shortcuts import render

from chibo.orgs.access import get_org_for_user


def org_audit_page(request, code):
    org, scope = get_org_for_user(request.user, code)
    return render(request, "reports/audit.html", {"org": org})
