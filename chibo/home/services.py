"""The one write of the start pages: a cell takes a committee's orientation up by adding it to a
meeting's agenda. It joins two apps (supervision, which records the uptake, sits below meetings,
whose agenda service it cannot call), so it lives here, above both."""

from django.core.exceptions import ValidationError
from django.db import transaction

from chibo.meetings import lifecycle
from chibo.meetings.models import AgendaItem, Meeting
from chibo.meetings.planning import yearplan
from chibo.meetings.preparation import services as prep_services
from chibo.supervision import services as supervision_services
from chibo.supervision.models import Orientation, OrientationUptake


def agenda_title(orientation: Orientation) -> str:
    return f"Quán triệt định hướng của {orientation.organization.name}: {orientation.title}"[:yearplan.TITLE_MAX]


@transaction.atomic
def orientation_take_up(meeting: Meeting, orientation: Orientation, user=None) -> OrientationUptake:
    """Add `orientation` to the agenda of `meeting` (a meeting of a cell below the committee, not
    yet held) as an item of the body, its documents as the item's notes, through the agenda
    service; and record the uptake. Refused (nothing changed) when the meeting is held, finalized
    or cancelled, the cell already took it up, or the agenda is full."""
    locked = Meeting.objects.select_for_update().select_related("organization").get(pk=meeting.pk)
    if locked.status not in lifecycle.UPCOMING:
        raise ValidationError("Chỉ đưa định hướng vào chương trình của cuộc họp chưa diễn ra.")
    uptake = supervision_services.orientation_uptake_record(orientation, locked, user)
    items = list(AgendaItem.objects.filter(meeting=locked).order_by("position").values_list("section", "title", "notes"))
    prep_services.agenda_save(locked, [*items, (yearplan.BODY, agenda_title(orientation), orientation.documents)])
    return uptake
