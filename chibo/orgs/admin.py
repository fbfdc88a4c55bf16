"""Administrator screens (superusers only): users and their roles, the tree, members."""

from django.contrib import admin

from chibo.orgs.models import Member, MemberPeriod, Membership, Organization, Position, Role

admin.site.site_header = "Chibo - quản trị"


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "organization")
    list_filter = ("kind",)
    search_fields = ("user__username", "organization__code", "organization__name")
    autocomplete_fields = ("organization",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent")
    search_fields = ("code", "name")
    readonly_fields = ("path", "depth")

    def has_add_permission(self, request):
        return False  # created through the application so that the tree path is kept


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organization",)


class PeriodInline(admin.TabularInline):
    model = MemberPeriod
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "official_on", "user")
    search_fields = ("code", "search_name")
    inlines = [MembershipInline, PeriodInline]
    raw_id_fields = ("user",)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("member", "title", "organization", "start", "end")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("member",)
