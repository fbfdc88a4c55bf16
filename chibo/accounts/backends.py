"""The one authentication backend: django-axes' login throttling in front of Django's model
backend, and a user loaded together with what the account middleware needs.

Axes needs the request to know the client's address. Logins through the site always have it
(the login form, the admin's login); ``authenticate()`` without a request only comes from code
(the test client's ``login()``, a shell), which is not a path an attacker can reach, so it is
passed to the model backend unthrottled instead of failing.
"""

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django_otp.plugins.otp_totp.models import TOTPDevice

from chibo.accounts.models import AccountState, SecurityPolicy
from chibo.prepared import Prepared


def users_with_security_state():
    """Users annotated, in the same query, with their session epoch, whether they have a confirmed
    second factor and the administrators' policy (``chibo_*`` attributes)."""
    policy = SecurityPolicy.objects.filter(pk=1)
    return get_user_model()._default_manager.annotate(
        chibo_session_epoch=Coalesce(
            Subquery(AccountState.objects.filter(user=OuterRef("pk")).values("session_epoch")[:1]), Value(0)),
        chibo_must_change_password=Coalesce(
            Subquery(AccountState.objects.filter(user=OuterRef("pk")).values("must_change_password")[:1]),
            Value(False)),
        chibo_has_device=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)),
        chibo_require_staff=Coalesce(Subquery(policy.values("require_2fa_committee_staff")[:1]), Value(False)),
        chibo_require_admins=Coalesce(Subquery(policy.values("require_2fa_admins")[:1]), Value(False)),
    )


#: The user of every request (``get_user``), compiled once per process.
USER_BY_PK = Prepared(lambda pk: users_with_security_state().filter(pk=pk)[:1], pk=-7_310_001)


class ChiboBackend(AxesStandaloneBackend, ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is not None:
            # Raises PermissionDenied (caught by django.contrib.auth.authenticate) when locked out.
            AxesStandaloneBackend.authenticate(self, request, username=username, password=password, **kwargs)
        kwargs.pop("response_context", None)
        return ModelBackend.authenticate(self, request, username=username, password=password, **kwargs)

    def get_user(self, user_id):
        user = USER_BY_PK.first(pk=int(user_id))
        return user if user is not None and self.user_can_authenticate(user) else None
