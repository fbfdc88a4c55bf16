from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chibo.formhelpers import run_service
from chibo.orgs.access import Right, get_org_for_user
from chibo.orgs.selectors import ANSWER_DAYS, recommendation_answer_days
from chibo.rules import services
from chibo.rules.forms import ANSWER_DAYS_LABEL, ProfileForm
from chibo.rules.models import RuleProfile, RuleProfileChange
from chibo.rules.profile import PROFILE_LABELS, display_value


@login_required
@require_http_methods(["GET", "POST"])
def rule_profile(request, code):
    org, scope = get_org_for_user(request.user, code)
    can_edit = scope.can_supervise_org(org)
    if request.method == "POST":
        scope.require(org, Right.SUPERVISE, "Chỉ cấp ủy của tổ chức này hoặc cấp trên mới được sửa bộ quy tắc.")
    own = RuleProfile.objects.filter(organization=org).values_list("values", flat=True).first() or {}
    if org.recommendation_answer_days is not None:
        own = {**own, ANSWER_DAYS: org.recommendation_answer_days}
    choices = services.rubric_choices(org)
    form = ProfileForm(request.POST or None, initial=own, rubric_choices=choices)
    if request.method == "POST" and form.is_valid():
        if run_service(form, services.profile_update, org, user=request.user, values=form.values()) is not None:
            messages.success(request, "Đã lưu bộ quy tắc.")
            return redirect("rule_profile", code=org.code)
    labels = dict(choices)
    rows = [{"key": k, "label": PROFILE_LABELS[k], "value": display_value(k, v, labels), "source": src,
             "own": k in own, "field": form[k]}
            for k, (v, src) in services.profile_with_sources(org).items()]
    days, source = recommendation_answer_days(org)
    rows.append({"key": ANSWER_DAYS, "label": ANSWER_DAYS_LABEL, "value": str(days), "source": source,
                 "own": ANSWER_DAYS in own, "field": form[ANSWER_DAYS]})
    changes = RuleProfileChange.objects.filter(organization=org).select_related("user")[:50]
    return render(request, "rules/profile.html",
                  {"org": org, "rows": rows, "form": form, "can_edit": can_edit, "changes": changes})


@login_required
def org_audit(request, code):
    from chibo.reports.views import org_audit_page

    return org_audit_page(request, code)
