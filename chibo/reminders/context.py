"""The top bar's counts, in one place and one query: the notifications not read (beside
"Nhắc việc") and the meeting notices not opened (beside "Của tôi", chibo.notices). Computed only
when a page shows them (`selectors.topbar_counts`)."""

from django.utils.functional import SimpleLazyObject

from chibo.meetings import dates
from chibo.orgs.access import scope_for
from chibo.reminders import selectors


def topbar(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member_id = scope_for(user).member_id
    counts = SimpleLazyObject(lambda: selectors.topbar_counts(user.pk, member_id, dates.today()))
    return {"topbar": counts, "unopened_notices": SimpleLazyObject(lambda: counts.notices)}
