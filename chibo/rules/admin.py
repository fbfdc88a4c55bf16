"""Administrator screens of the rules app: the committees' scoring sheets, read-only (a sheet is
written on its committee's page, through the service that checks it with the rule engine).
Vietnamese throughout: the models' verbose names and __str__ (chibo/rules/models.py)."""

from django.contrib import admin

from chibo.rules.models import ScoringSheet


@admin.register(ScoringSheet)
class ScoringSheetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "organization", "updated_at")
    list_select_related = ("organization",)
    search_fields = ("code", "name", "organization__code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
