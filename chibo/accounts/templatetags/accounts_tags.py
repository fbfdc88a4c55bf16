from django import template

register = template.Library()


@register.filter
def minutes(delta) -> str:
    """A timedelta as 'N phút' (the lockout page)."""
    try:
        return f"{round(delta.total_seconds() / 60)} phút"
    except AttributeError:
        return ""
