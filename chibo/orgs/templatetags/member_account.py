"""{% member_account_section member %}: the member page's section "Tài khoản và vai trò" (the
member's login, its roles, the buttons to give and withdraw roles, create, disable or re-enable
the login), shown to administrators and committee staff only. The buttons are shown by the
same Scope predicates that guard the views and services (chibo/orgs/views_accounts.py).
Queries: none for other users; for staff one (is the member on a roll of their subtree), and
two more when the member has a login (the login, its roles with their organisations)."""

from django import template
from django.contrib.auth import get_user_model

from chibo.orgs.access import scope_for
from chibo.orgs.models import Role

register = template.Library()


def member_account(member, scope) -> dict:
    if not scope.can_administer_accounts():
        return {"show": False}
    data = {"show": True, "member": member, "can_manage": scope.can_manage_account(member), "login": None,
            "roles": []}
    if member.user_id is None:
        return data
    login = get_user_model()._default_manager.filter(pk=member.user_id).first()
    roles = list(Role.objects.filter(user_id=member.user_id).select_related("organization")
                 .order_by("organization__path", "kind"))
    for role in roles:
        role.user = login
        role.can_withdraw = scope.can_withdraw_role(role)
    refusal = scope.login_refusal(login, roles)
    data.update(login=login, roles=roles, can_toggle=data["can_manage"] and refusal is None, toggle_refusal=refusal)
    return data


@register.inclusion_tag("orgs/_member_account.html", takes_context=True)
def member_account_section(context, member):
    data = member_account(member, scope_for(context["request"].user))
    data["csrf_token"] = context.get("csrf_token")
    return data
