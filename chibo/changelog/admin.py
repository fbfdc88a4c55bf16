"""The change log in /quan-tri/ (read-only, like django-auditlog's own screen, which it replaces):
in Vietnamese, each entry as the log page (/nhat-ky/) shows it — when, who, what record, the
action and each field before and after (chibo.changelog.selectors.rows)."""

from auditlog.filters import ResourceTypeFilter
from django.contrib import admin
from django.utils.timezone import localtime

from chibo.changelog import selectors
from chibo.changelog.models import LogEntry

if admin.site.is_registered(LogEntry):
    admin.site.unregister(LogEntry)  # auditlog.admin's English screen


class ActionFilter(admin.SimpleListFilter):
    title = "thao tác"
    parameter_name = "thao_tac"

    def lookups(self, request, model_admin):
        return [(str(code), label) for code, label in selectors.ACTIONS.items()]

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(action=int(value)) if value and value.isdigit() else queryset


class KindFilter(ResourceTypeFilter):
    title = "loại bản ghi"


@admin.register(LogEntry)
class ChangeLogAdmin(admin.ModelAdmin):
    date_hierarchy = "timestamp"
    list_select_related = ["content_type", "actor"]
    list_display = ["when", "who", "record", "action_label", "changes_short"]
    list_filter = [ActionFilter, KindFilter]
    search_fields = ["object_repr", "actor_name", "actor__username"]
    fields = ["when", "who", "address", "record", "action_label", "changes_table"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @staticmethod
    def _row(obj):
        return selectors.rows([obj])[0]

    @admin.display(description="lúc", ordering="timestamp")
    def when(self, obj):
        return localtime(obj.timestamp).strftime("%d/%m/%Y %H:%M:%S")

    @admin.display(description="người thực hiện")
    def who(self, obj):
        return self._row(obj).who

    @admin.display(description="từ địa chỉ")
    def address(self, obj):
        return obj.remote_addr or "—"

    @admin.display(description="bản ghi")
    def record(self, obj):
        row = self._row(obj)
        return f"{row.kind}: {row.record}"

    @admin.display(description="thao tác")
    def action_label(self, obj):
        return selectors.ACTIONS.get(obj.action, "?")

    @admin.display(description="thay đổi")
    def changes_short(self, obj):
        changes = self._row(obj).changes
        return ", ".join(label for label, _old, _new in changes)

    @admin.display(description="các trường: trước → sau")
    def changes_table(self, obj):
        """One line per field (plain text: the admin escapes it and breaks the lines)."""
        changes = self._row(obj).changes
        return "\n".join(f"{label}: {old} → {new}" for label, old, new in changes) or "—"
