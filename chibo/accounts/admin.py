"""The administrators' security policy (one row) in /quan-tri/. Locked-out logins are listed and
lifted in django-axes' own screens (Axes → access attempts: delete the attempt)."""

from django.contrib import admin

from chibo.accounts.models import SecurityPolicy


@admin.register(SecurityPolicy)
class SecurityPolicyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "require_2fa_committee_staff", "require_2fa_admins")

    def has_add_permission(self, request):
        return not SecurityPolicy.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
