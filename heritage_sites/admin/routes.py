"""Admin for routes and their stops, on the same rule set and workflow as sites and artefacts:
the state is read only and moves by the workflow actions."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin, TranslationTabularInline

from heritage_sites import permissions
from heritage_sites.admin.core import CuratedAdmin, InlineOfOwner
from heritage_sites.admin.workflow import ReviewQueueFilter, WorkflowAdmin
from heritage_sites.models import HeritageSite, Route, RoutePack, RouteStop, RouteTheme
from heritage_sites.services import routes as route_service


@admin.register(RouteTheme)
class RouteThemeAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


class RouteStopInline(InlineOfOwner, TranslationTabularInline):
    model = RouteStop
    extra = 1
    ordering = ["position"]
    autocomplete_fields = ["site"]
    fields = [
        "position",
        "site",
        "visit_note",
        "suggested_minutes",
        "zone_radius_m",
        "zone_polygon",
    ]

    @staticmethod
    def parent_rule(user, route):
        return permissions.may_edit_route(user, route)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "site":
            # A stop may be at a published site or one the curator's institutions steward.
            kwargs["queryset"] = HeritageSite.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Route)
class RouteAdmin(CuratedAdmin, WorkflowAdmin, TabbedTranslationAdmin):
    list_display = ["title", "institution", "state", "stop_count", "length_km", "updated_at"]
    list_filter = [ReviewQueueFilter, "state", "themes", "institution"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["themes"]
    readonly_fields = ["public_id", "length_km", "created_at", "updated_at"]
    inlines = [RouteStopInline]

    def may_edit(self, user, route) -> bool:
        return permissions.may_edit_route(user, route)

    def get_queryset(self, request):
        return route_service.routes_with_stops(super().get_queryset(request))

    @admin.display(description=_("stops"))
    def stop_count(self, route) -> int:
        return len(route_service.route_stops(route))

    @admin.display(description=_("length (km)"))
    def length_km(self, route) -> str:
        if route.pk is None:
            return "-"
        return f"{route_service.route_length_m(route_service.route_stops(route)) / 1000:,.1f}"


@admin.register(RoutePack)
class RoutePackAdmin(admin.ModelAdmin):
    list_display = ["route", "language", "device", "state", "byte_size", "finished_at"]
    list_filter = ["state", "language", "device"]
    readonly_fields = [field.name for field in RoutePack._meta.fields]

    def has_module_permission(self, request):
        return permissions.is_staff(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return permissions.is_staff(request.user)
