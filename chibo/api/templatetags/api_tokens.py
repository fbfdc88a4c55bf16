"""{% api_tokens_section %}: the account page's section listing the user's API tokens."""

from django import template

from chibo.api.forms import TokenForm
from chibo.api.models import ApiToken

register = template.Library()


@register.inclusion_tag("api/_tokens_section.html", takes_context=True)
def api_tokens_section(context):
    user = context["request"].user
    tokens = ApiToken.objects.filter(user_id=user.pk, revoked_at__isnull=True).order_by("-created_at", "-pk")
    return {"tokens": list(tokens), "form": TokenForm(), "csrf_token": context.get("csrf_token")}
