"""The administrators' lists of the background jobs (/quan-tri/ → Công việc nền): the jobs that
failed for good and the e-mail sent. Read-only; a failure may be deleted once dealt with."""

from django.contrib import admin

from chibo.jobs.models import JobFailure, MailDelivery


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(JobFailure)
class JobFailureAdmin(ReadOnly):
    list_display = ("failed_at", "label", "error", "retries")
    list_filter = ("label",)
    search_fields = ("label", "task", "error", "arguments")
    date_hierarchy = "failed_at"
    fields = ("failed_at", "label", "task", "task_id", "arguments", "retries", "error", "traceback")
    readonly_fields = fields


@admin.register(MailDelivery)
class MailDeliveryAdmin(ReadOnly):
    list_display = ("sent_at", "recipient", "subject")
    search_fields = ("recipient", "subject", "key")
    date_hierarchy = "sent_at"
    fields = ("sent_at", "recipient", "subject", "key")
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None):
        return False
