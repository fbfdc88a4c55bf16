"""Administrator screens of the supervision app, read-only: visits and their plan, orientations and
their uptakes, recommendations and their steps (each is written on its page, through its service).
Vietnamese throughout: the models' verbose names and __str__ (chibo/supervision/models.py)."""

from django.contrib import admin

from chibo.supervision.models import (
    Orientation,
    OrientationUptake,
    Recommendation,
    RecommendationStep,
    Visit,
    VisitPlan,
)


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Visit)
class VisitAdmin(ReadOnly):
    list_display = ("date", "organization", "visitor", "committee")
    list_select_related = ("organization",)
    search_fields = ("organization__code", "visitor")


@admin.register(VisitPlan)
class VisitPlanAdmin(ReadOnly):
    list_display = ("year", "half", "committee", "cell", "assignee")
    list_select_related = ("committee", "cell", "assignee")
    search_fields = ("cell__code", "assignee__code")


@admin.register(Orientation)
class OrientationAdmin(ReadOnly):
    list_display = ("title", "organization", "month", "year")
    list_select_related = ("organization",)


@admin.register(OrientationUptake)
class OrientationUptakeAdmin(ReadOnly):
    list_display = ("orientation", "organization", "taken_at")
    list_select_related = ("orientation", "organization")


class StepInline(admin.TabularInline):
    model = RecommendationStep
    fields = ("at", "committee", "status", "note", "by")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnly):
    list_display = ("organization", "committee", "topic", "status", "due_on")
    list_select_related = ("organization", "committee")
    list_filter = ("status", "topic")
    inlines = [StepInline]
