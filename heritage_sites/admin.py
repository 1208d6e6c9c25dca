"""The curators' admin: every model editable, scans with their state, report and poster."""

import json

from django.contrib import admin, messages
from django.db import transaction
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    Derivative,
    HeritageSite,
    Institution,
    Material,
    Scan,
)
from heritage_sites.services import ScanBusy, scan_reprocess, scan_set_pose


@admin.register(Country)
class CountryAdmin(TabbedTranslationAdmin):
    list_display = ["name", "iso2", "iso3"]
    search_fields = ["name", "iso2", "iso3"]


@admin.register(Institution)
class InstitutionAdmin(TabbedTranslationAdmin):
    list_display = ["name", "kind", "country", "city"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["curators"]
    readonly_fields = ["public_id", "created_at", "updated_at"]


@admin.register(Corridor)
class CorridorAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug", "maritime"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Material)
class MaterialAdmin(TabbedTranslationAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name_en"]}


class ComponentInline(admin.TabularInline):
    model = HeritageSite
    fk_name = "parent"
    fields = ["name", "unesco_component_ref", "latitude", "longitude", "state"]
    show_change_link = True
    extra = 0


@admin.register(HeritageSite)
class HeritageSiteAdmin(TabbedTranslationAdmin):
    list_display = ["name", "unesco_id", "inscription_year", "category", "in_danger", "state"]
    list_filter = ["state", "category", "in_danger", "countries", "corridors"]
    search_fields = ["name", "description", "unesco_id", "unesco_component_ref"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["countries", "corridors"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["public_id", "created_by", "created_at", "updated_at"]
    inlines = [ComponentInline]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Artefact)
class ArtefactAdmin(TabbedTranslationAdmin):
    list_display = ["title", "accession_number", "institution", "object_type", "state"]
    list_filter = ["state", "institution", "institution__country", "object_type", "licence"]
    search_fields = ["title", "description", "accession_number"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["materials"]
    autocomplete_fields = ["site"]
    readonly_fields = ["public_id", "created_by", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class DerivativeInline(admin.TabularInline):
    model = Derivative
    fields = ["kind", "file", "content_type", "byte_size", "face_count", "width", "height"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Scan)
class ScanAdmin(admin.ModelAdmin):
    list_display = ["poster_thumbnail", "__str__", "subject", "format", "state", "created_at"]
    list_display_links = ["poster_thumbnail", "__str__"]
    list_filter = [
        "state",
        "format",
        "kind",
        "capture_method",
        "procedural",
        "artefact__institution",
        "artefact__institution__country",
    ]
    search_fields = [
        "title",
        "original_filename",
        "sha256",
        "artefact__title",
        "artefact__accession_number",
        "site__name",
    ]
    autocomplete_fields = ["artefact", "site", "derived_from"]
    readonly_fields = [
        "public_id",
        "poster_preview",
        "original_filename",
        "format",
        "byte_size",
        "sha256",
        "state",
        "failure_reason",
        "attempts",
        "queued_at",
        "started_at",
        "finished_at",
        "lease_expires_at",
        "report_pretty",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]
    exclude = ["report"]
    inlines = [DerivativeInline]
    actions = ["reprocess"]

    @admin.action(description=_("Process the selected scans again"))
    def reprocess(self, request, queryset):
        with transaction.atomic():
            queued = sum(scan_reprocess(scan=scan) for scan in queryset)
        self.message_user(
            request,
            _("%(queued)d scan(s) queued; the others are already queued or processing.")
            % {"queued": queued},
            messages.SUCCESS,
        )

    def save_model(self, request, obj, form, change):
        pose_changed = change and {"up_axis", "quarter_turns"} & set(form.changed_data)
        if not pose_changed:
            return super().save_model(request, obj, form, change)
        # The pose goes through its service (it rebuilds the derivatives), the rest as usual.
        pose = {"up_axis": obj.up_axis, "quarter_turns": obj.quarter_turns}
        obj.up_axis, obj.quarter_turns = form.initial["up_axis"], form.initial["quarter_turns"]
        super().save_model(request, obj, form, change)
        try:
            queued = scan_set_pose(scan=obj, **pose)
        except ScanBusy as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return None
        if queued:
            self.message_user(
                request,
                _("The new pose was saved; the web model and posters are being rebuilt."),
                messages.SUCCESS,
            )
        return None

    def get_queryset(self, request):
        # The list shows the subject and a poster per row: fetch them with the scans.
        return (
            super()
            .get_queryset(request)
            .select_related("artefact", "site")
            .prefetch_related("derivatives")
        )

    @admin.display(description=_("of"))
    def subject(self, scan: Scan) -> str:
        return str(scan.artefact or scan.site)

    def _poster(self, scan: Scan) -> Derivative | None:
        posters = [d for d in scan.derivatives.all() if d.kind == Derivative.Kind.POSTER]
        return min(posters, key=lambda d: d.width or 0, default=None)

    @admin.display(description=_("poster"))
    def poster_thumbnail(self, scan: Scan) -> str:
        poster = self._poster(scan)
        if poster is None:
            return "—"
        return format_html('<img src="{}" alt="" style="height:48px">', poster.file.url)

    @admin.display(description=_("poster"))
    def poster_preview(self, scan: Scan) -> str:
        posters = [d for d in scan.derivatives.all() if d.kind == Derivative.Kind.POSTER]
        if not posters:
            return _("No poster yet.")
        largest = max(posters, key=lambda d: d.width or 0)
        return format_html('<img src="{}" alt="" style="max-width:512px">', largest.file.url)

    @admin.display(description=_("validation report"))
    def report_pretty(self, scan: Scan) -> str:
        if not scan.report:
            return _("No report yet.")
        return format_html(
            '<pre style="white-space:pre-wrap;max-height:40em;overflow:auto">{}</pre>',
            json.dumps(scan.report, indent=2, ensure_ascii=False),
        )


@admin.register(Derivative)
class DerivativeAdmin(admin.ModelAdmin):
    """Made by the pipeline: listed and inspectable, changed only by reprocessing the scan."""

    list_display = ["scan", "kind", "content_type", "byte_size", "face_count", "width"]
    list_filter = ["kind", "content_type"]
    search_fields = ["scan__title", "scan__original_filename", "scan__artefact__accession_number"]
    list_select_related = ["scan"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
