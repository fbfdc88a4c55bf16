"""Administrator screens of the meetings app: the HD 42 quality records, read-only (they are
written by the recording page's services, with their checks and the change log). Vietnamese
throughout: the models' verbose names and __str__ (chibo/meetings/models.py)."""

from django.contrib import admin

from chibo.meetings.models import QualityRecord


@admin.register(QualityRecord)
class QualityRecordAdmin(admin.ModelAdmin):
    list_display = ("meeting", "status", "official_grade", "scorer")
    list_select_related = ("meeting", "scorer")
    list_filter = ("status", "official_grade")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
