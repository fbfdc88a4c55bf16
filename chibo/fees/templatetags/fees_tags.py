"""Template helpers of the fee pages: `vnd` (68000 -> "68.000") and the month's fee status, a
small read-only block the meeting pages may include (`{% load fees_tags %}{% fee_month_status
org month %}`): totals paid and due after relief, the members unpaid. The tag checks the viewer's
right itself (Right.FEES on the cell: amounts are the cell's fee keepers' business) and shows
nothing to anyone else."""

from django import template

from chibo.fees import calculator
from chibo.fees.selectors import month_status
from chibo.orgs.access import Right, scope_for

register = template.Library()


@register.filter
def vnd(value) -> str:
    if value is None or value == "":
        return "—"
    return f"{int(value):,}".replace(",", ".")


@register.filter
def month_vn(value) -> str:
    """A month's first day as "03/2026"."""
    return f"{value:%m/%Y}" if value else ""


@register.inclusion_tag("fees/_month_status.html", takes_context=True)
def fee_month_status(context, org, day):
    """The fee status of the month of `day` for the cell `org`, for those who keep its fees."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not org.is_cell or not scope_for(user).has_right(org, Right.FEES):
        return {"status": None}
    return {"status": month_status(org, calculator.first_day(day)), "org": org}


@register.inclusion_tag("fees/_member_fees.html", takes_context=True)
def member_fees(context, member):
    """The member's own months of this year on their own record page (nobody else's: the amounts
    are the member's and their cell's fee keepers'). No query for anyone else."""
    from django.utils import timezone

    from chibo.fees.selectors import member_months

    request = context.get("request")
    scope = scope_for(getattr(request, "user", None))
    if not scope.member_id or scope.member_id != member.pk:
        return {"rows": None}
    year = timezone.localdate().year
    rows, _reliefs = member_months(member, year)
    return {"rows": rows, "year": year}
