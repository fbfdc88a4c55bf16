"""The committees' work as the meeting pages show it, without the meetings app importing a page
of supervision or supervision importing meetings:

- `{% meeting_upward meeting %}` on the meeting page: the visits recorded on it and the
  recommendations it sent up, each with where it stands and the committee's answer; a link to
  the page that records them where the user may use it;
- `{% preparation_answers meeting %}` on the preparation page: the cell's earlier
  recommendations still awaiting an answer and those answered since its previous meeting.

Each reads one selector (one or two queries)."""

from django import template
from django.utils import timezone

from chibo.orgs.access import scope_for
from chibo.supervision import selectors

register = template.Library()


@register.inclusion_tag("supervision/_meeting_upward.html", takes_context=True)
def meeting_upward(context, meeting):
    scope = scope_for(context["request"].user)
    cell = meeting.organization
    return {"meeting": meeting, "visits": selectors.meeting_visits(meeting.pk),
            "recommendations": selectors.meeting_recommendations(meeting.pk),
            "may_open": scope.can_record_org(cell) or scope.can_supervise_org(cell)}


@register.inclusion_tag("supervision/_preparation_answers.html")
def preparation_answers(meeting):
    """Two queries: the cell's previous meeting's day (through the organisation's reverse
    relation: no import of the meetings app), the recommendations."""
    since = (meeting.organization.meetings.filter(date__lt=meeting.date).exclude(status="cancelled")
             .order_by("-date").values_list("date", flat=True).first())
    return {"rows": selectors.answers_for_preparation(meeting.organization, meeting.date, since)}


@register.inclusion_tag("supervision/_my_visits_section.html", takes_context=True)
def my_visits_section(context):
    """The signed-in member's planned visits from the current half-year on (nothing without a
    member record or without any plan). One query (none without a member record)."""
    scope = scope_for(context["request"].user)
    today = context.get("today") or timezone.localdate()  # the page's day (chibo.meetings.dates)
    plans = selectors.member_visits(scope.member_id, today) if scope.member_id else []
    return {"plans": plans, "request": context["request"]}
