"""Who calls the API: a personal token (`Authorization: Bearer chibo_...`, chibo/api/services.py)
or the browser's session (the pages, /api/docs; writes then need the CSRF token). Either way the
API acts as that user, with that user's scope (chibo/orgs/access.py)."""

from auditlog.context import auditlog_value
from ninja.security import HttpBearer, django_auth

from chibo.api import services
from chibo.changelog.middleware import actor_label


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = services.token_user(token)
        if user is None:
            return None
        request.user = user
        # The change log's middleware ran before the token was read: name the actor now.
        data = auditlog_value.get(None)
        if isinstance(data, dict):
            data["actor"] = user
            data["actor_name"] = lambda: actor_label(user)
        return user


AUTH = [TokenAuth(), django_auth]
