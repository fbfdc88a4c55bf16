"""{% reminder_preferences_section %}: the account page's section where a person turns each kind
of reminder on or off (chibo.reminders)."""

from django import template

from chibo import vocabulary
from chibo.reminders import selectors

register = template.Library()


@register.inclusion_tag("reminders/_preferences_section.html", takes_context=True)
def reminder_preferences_section(context):
    chosen = selectors.preferences_of(context["request"].user.pk)
    return {"kinds": [(code, label, chosen[code]) for code, label in vocabulary.REMINDER_KINDS.choices()],
            "csrf_token": context.get("csrf_token")}
