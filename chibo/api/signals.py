"""Deactivating a user, or removing or changing one of their roles, revokes the user's API tokens
(as it revokes their calendar feeds: chibo/accounts/signals.py). The token lookup also refuses an
inactive user at every request, so a change made around these signals (QuerySet.update) is safe."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from chibo.api import services
from chibo.orgs.models import Role

User = get_user_model()


@receiver(post_save, sender=User)
def user_saved(sender, instance, created, **kwargs):
    if not created and not instance.is_active:
        services.revoke_all(instance.pk)


@receiver(pre_save, sender=Role)
def _role_before(sender, instance, **kwargs):
    instance._chibo_api_before = (Role.objects.filter(pk=instance.pk).values_list("user_id", "organization_id", "kind")
                                  .first() if instance.pk else None)


@receiver(post_save, sender=Role)
def role_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_chibo_api_before", None)
    if not created and before and before != (instance.user_id, instance.organization_id, instance.kind):
        services.revoke_all(before[0])


@receiver(post_delete, sender=Role)
def role_removed(sender, instance, **kwargs):
    services.revoke_all(instance.user_id)
