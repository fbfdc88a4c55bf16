"""{% hd42_prep_section %}: the preparation page's section "Theo Hướng dẫn 42" (rules-v2.md §2):
the documents posted on the Sổ tay đảng viên điện tử, the chi ủy agreeing the content, the
superior committee notified, the member who scores the meeting; after the meeting, the results
posted (or the content secret). Its forms post to chibo/meetings/preparation/views_hd42.py; a form
sent with an error comes back in the page's context (`hd42_form`, `results_form`) and is shown
as typed. Queries: none beyond the page's (the quality record is the selector's); one for the
scorer's choices when the form is shown."""

from django import template

from chibo.meetings.models import MeetingStatus
from chibo.meetings.planning.forms import roll_members
from chibo.meetings.preparation import forms

register = template.Library()

HELD = (MeetingStatus.HELD, MeetingStatus.FINALIZED)


def section(meeting, *, can_manage: bool, quality, hd42_form=None, results_form=None) -> dict:
    editable = can_manage and meeting.status not in (MeetingStatus.FINALIZED, MeetingStatus.CANCELLED)
    if editable and hd42_form is None:
        hd42_form = forms.Hd42PrepForm(members=roll_members(meeting.organization, meeting.date), initial={
            "docs_posted_on": meeting.docs_posted_on, "committee_prepared_on": meeting.committee_prepared_on,
            "superior_notified_on": meeting.superior_notified_on,
            "scorer": quality.scorer.code if quality and quality.scorer else None})
    held = meeting.status in HELD
    if can_manage and held and results_form is None:
        results_form = forms.ResultsPostedForm(initial={"results_posted_on": meeting.results_posted_on,
                                                        "secret_content": meeting.secret_content})
    return {"meeting": meeting, "quality": quality, "held": held,
            "hd42_form": hd42_form if editable else None, "results_form": results_form if can_manage and held else None}


@register.inclusion_tag("meetings/_prep_hd42.html", takes_context=True)
def hd42_prep_section(context):
    data = section(context["meeting"], can_manage=context.get("can_manage", False), quality=context.get("quality"),
                   hd42_form=context.get("hd42_form"), results_form=context.get("results_form"))
    data["csrf_token"] = context.get("csrf_token")
    return data
