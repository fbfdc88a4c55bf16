"""Deactivating a user or removing (or changing) a role ends the user's sessions and revokes the
calendar feeds the user may no longer have: all of them on deactivation, those of organisations
the remaining rights do not cover on a role's removal. The feed view checks the same at every
request, so a change made around these signals (``QuerySet.update``) is safe too."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from chibo.accounts import services
from chibo.orgs.models import Role
from chibo.orgs.services_accounts import password_issued

User = get_user_model()


@receiver(password_issued)
def password_chosen_by_someone_else(sender, login, **kwargs):
    services.password_change_require(login)


@receiver(user_logged_in)
def remember_epoch(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[services.EPOCH_SESSION_KEY] = services.session_epoch(user)


@receiver(pre_save, sender=User)
def _user_before(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._chibo_was_active = None
        return
    instance._chibo_was_active = User._default_manager.filter(pk=instance.pk).values_list(
        "is_active", flat=True).first()


@receiver(post_save, sender=User)
def user_deactivated(sender, instance, created, **kwargs):
    if not created and getattr(instance, "_chibo_was_active", None) and not instance.is_active:
        services.revoke_calendar_tokens(instance)
        services.end_sessions(instance)


@receiver(pre_save, sender=Role)
def _role_before(sender, instance, **kwargs):
    instance._chibo_before = (Role.objects.filter(pk=instance.pk).values_list("user_id", "organization_id", "kind")
                              .first() if instance.pk else None)


@receiver(post_save, sender=Role)
def role_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_chibo_before", None)
    if not created and before and before != (instance.user_id, instance.organization_id, instance.kind):
        _role_lost(before[0])


@receiver(post_delete, sender=Role)
def role_removed(sender, instance, origin=None, **kwargs):
    if isinstance(origin, User) or (isinstance(origin, QuerySet) and origin.model is User):
        return  # the user itself is being deleted: its tokens go with it
    _role_lost(instance.user_id)


def _role_lost(user_id):
    user = User._default_manager.filter(pk=user_id).first()
    if user is None:
        return
    services.revoke_calendar_tokens(user, lost_rights_only=True)
    services.end_sessions(user)
