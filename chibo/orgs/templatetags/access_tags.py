"""Links and buttons ask the same rule as the view they lead to (no dead ends, issue 13 item 7).

`{% allowed "manage" meeting.organization as may_prepare %}` answers `Scope.has_right(org, right)`:
the predicate the lookup helpers (`get_org_for_user`, `get_meeting_for_user`, through
`Scope.require`) refuse with 403. A template shows a link or a button to a view guarded by
`right` on `org` only when this says yes; tests/test_dead_ends.py follows every link and button of
every page as each persona to keep it so."""

from django import template

from chibo.orgs.access import Right, scope_for

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context, right: str, org) -> bool:
    scope = context.get("scope")
    if scope is None:
        request = context.get("request")
        scope = scope_for(getattr(request, "user", None))
    return org is not None and scope.has_right(org, Right(right))
