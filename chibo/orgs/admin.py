"""Administrator screens (superusers only): users and their roles, the tree, members. In
Vietnamese throughout: the models' verbose names and __str__ (chibo/orgs/models.py), the column
headers from the fields' verbose names (tests/test_admin_vietnamese.py walks every screen)."""

from django import forms
from django.contrib import admin

from chibo.orgs import services
from chibo.orgs.models import Member, MemberPeriod, Membership, Organization, Position, Role

admin.site.site_header = "Chibo - quản trị"


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "organization")
    list_select_related = ("user", "organization")
    list_filter = ("kind",)
    search_fields = ("user__username", "organization__code", "organization__name")
    autocomplete_fields = ("organization",)


ORG_FIELDS = ("code", "name", "kind", "parent", "established_on", "locality", "address")


class OrganizationAdminForm(forms.ModelForm):
    """Refuses what services.org_update refuses (a parent inside its own subtree, a kind the parent
    may not hold, ...), with the same messages, before anything is saved."""

    class Meta:
        model = Organization
        fields = ORG_FIELDS

    def clean(self):
        data = super().clean()
        if self.instance.pk and not self.errors:
            # self.instance is still the stored row: the form copies its values onto it afterwards.
            services.check_org_change(self.instance, kind=data["kind"], parent=data.get("parent"))
        return data


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """A change of `parent` here moves the subtree through services.org_update (one service,
    org_move's subtree rewrite, the change log): the admin never saves a parent without its path."""

    form = OrganizationAdminForm
    list_display = ("code", "name", "kind", "parent")
    search_fields = ("code", "name")
    fields = (*ORG_FIELDS, "path", "depth")
    readonly_fields = ("path", "depth")

    def has_add_permission(self, request):
        return False  # created through the application so that the tree path is kept

    def save_model(self, request, obj, form, change):
        data = {name: form.cleaned_data.get(name) for name in ORG_FIELDS}
        saved = services.org_update(obj, **data)
        obj.parent, obj.path, obj.depth = saved.parent, saved.path, saved.depth


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("organization",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member", "organization")


class PeriodInline(admin.TabularInline):
    model = MemberPeriod
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("member")


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "official_on", "user")
    search_fields = ("code", "search_name")
    inlines = [MembershipInline, PeriodInline]
    raw_id_fields = ("user",)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("member", "title", "organization", "start", "end")
    list_select_related = ("member", "organization")
    autocomplete_fields = ("organization",)
    raw_id_fields = ("member",)
