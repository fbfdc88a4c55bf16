"""Administrator screens of the fee ledger, in Vietnamese (the models' verbose names and __str__).
The cells keep the ledger on their pages (chibo/fees/views.py); these screens are for repairs."""

from django.contrib import admin

from chibo.fees.models import FeeRecord, Relief


@admin.register(FeeRecord)
class FeeRecordAdmin(admin.ModelAdmin):
    list_display = ("member", "month", "category", "due", "paid", "paid_on", "channel")
    list_select_related = ("member",)
    list_filter = ("channel", "category")
    search_fields = ("member__code", "member__full_name")
    date_hierarchy = "month"
    raw_id_fields = ("member", "collector", "updated_by")


@admin.register(Relief)
class ReliefAdmin(admin.ModelAdmin):
    list_display = ("member", "kind", "basis", "from_month", "to_month", "decided_by", "decision_number")
    list_select_related = ("member", "decided_by")
    list_filter = ("kind", "basis")
    search_fields = ("member__code", "member__full_name", "decision_number")
    raw_id_fields = ("member", "decided_by", "created_by")
