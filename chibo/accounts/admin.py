"""The administrators' security policy (one row) in /quan-tri/. Locked-out logins are listed and
lifted in django-axes' own screens (Axes → access attempts: delete the attempt)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from chibo.accounts import services
from chibo.accounts.models import SecurityPolicy


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "require_2fa_committee_staff", "require_2fa_admins")

    def has_add_permission(self, request):
        return not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


# --- logins: a password set by an administrator must be changed at the next login ----------------

User = get_user_model()


class ChiboUserAdmin(UserAdmin):
    """Django's screens for logins; a password an administrator sets for someone else (a new
    login, or "change password" on a login) is to be changed by its owner at the next login
    (chibo.accounts.services.password_change_require)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and obj.has_usable_password() and obj.pk != request.user.pk:
            services.password_change_require(obj)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and str(request.user.pk) != str(id):
            user = User._default_manager.filter(pk=id).first()
            if user is not None and user.has_usable_password():
                services.password_change_require(user)
        return response


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, ChiboUserAdmin)
