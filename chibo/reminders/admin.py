"""The administrators' list of the reminders sent (/quan-tri/ → Nhắc việc): read-only."""

from django.contrib import admin

from chibo.reminders.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("day", "user", "kind", "text", "emailed_to", "read_at")
    list_filter = ("kind", "day")
    search_fields = ("text", "key", "user__username", "emailed_to")
    date_hierarchy = "day"
    fields = ("day", "user", "kind", "key", "text", "url", "emailed_to", "created_at", "read_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
