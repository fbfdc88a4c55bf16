"""The top bar's count of meeting notices the member has not opened yet (beside "Của tôi")."""

from django.utils.functional import SimpleLazyObject

from chibo.meetings import dates
from chibo.notices import selectors as notices
from chibo.orgs.access import scope_for


def unopened_notices(request):
    """`unopened_notices`: computed only when a page shows it (one query, members only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member_id = scope_for(user).member_id
    if not member_id:
        return {}
    return {"unopened_notices": SimpleLazyObject(lambda: notices.unopened_count(member_id, dates.today()))}
