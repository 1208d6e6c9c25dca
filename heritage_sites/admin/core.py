"""The curators' admin: every model editable, scans with their state, report and poster.

Staff see everything. Curators who are not staff sign in too and see the sites, artefacts and
scans they may edit, as heritage_sites/permissions.py decides (the same rules as the API).
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from heritage_sites import permissions
from heritage_sites.admin.workflow import ReviewQueueFilter, WorkflowAdmin
from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    Derivative,
    HeritageSite,
    Institution,
    InstitutionRole,
    Material,
    Scan,
)
from heritage_sites.services import derivatives as derivative_access
from heritage_sites.services.originals import scan_original_url
from heritage_sites.services.records import record_delete, record_slug_changed
from heritage_sites.services.scans import (
    ScanBusy,
    ScanRejected,
    scan_reprocess,
    scan_set_pose,
    scan_upload,
)


def _autocomplete_for(request) -> tuple[str, str] | None:
    """(model, field) an admin autocomplete request fills in, or None for other requests."""
    match = request.resolver_match
    if match is None or match.url_name != "autocomplete":
        return None
    return request.GET.get("model_name", ""), request.GET.get("field_name", "")


class CuratedAdmin:
    """Sites, artefacts and scans: curators see and change what the rule set lets them."""

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def has_module_permission(self, request):
        return permissions.is_curator(request.user)

    def has_view_permission(self, request, obj=None):
        # Any role in the record's institutions sees it; changing it may need a reviewer.
        if obj is None:
            return permissions.is_curator(request.user)
        return permissions.may_work_on(request.user, obj)

    def has_add_permission(self, request):
        return permissions.is_curator(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_curator(request.user)
        return self.may_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return permissions.is_staff(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A curator files records under their own institutions only.
        if db_field.name == "institution" and not permissions.is_staff(request.user):
            kwargs["queryset"] = Institution.objects.filter(curators=request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "stewards" and not permissions.is_staff(request.user):
            kwargs["queryset"] = Institution.objects.filter(curators=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change and getattr(obj, "created_by_id", 0) is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change and "slug" in form.initial:
            record_slug_changed(instance=obj, old_slug=form.initial["slug"])

    # Deletions leave tombstones, so mirrors following ?updated_since= remove them too.
    def delete_model(self, request, obj):
        record_delete(instance=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            record_delete(instance=obj)


@admin.register(Country)
class CountryAdmin(TabbedTranslationAdmin):
    list_display = ["name", "iso2", "iso3"]
    search_fields = ["name", "iso2", "iso3"]


class InstitutionRoleInline(admin.TabularInline):
    model = InstitutionRole
    fields = ["user", "role"]
    autocomplete_fields = ["user"]
    extra = 1
    verbose_name_plural = _("roles (curators, reviewers, administrators)")


@admin.register(Institution)
class InstitutionAdmin(TabbedTranslationAdmin):
    list_display = ["name", "kind", "country", "city"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "city"]
    prepopulated_fields = {"slug": ["name_en"]}
    readonly_fields = ["public_id", "created_at", "updated_at"]
    inlines = [InstitutionRoleInline]


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
    readonly_fields = ["state"]
    show_change_link = True
    extra = 0


@admin.register(HeritageSite)
class HeritageSiteAdmin(CuratedAdmin, WorkflowAdmin, TabbedTranslationAdmin):
    list_display = ["name", "unesco_id", "inscription_year", "category", "in_danger", "state"]
    list_filter = [ReviewQueueFilter, "state", "category", "in_danger", "countries", "corridors"]
    search_fields = ["name", "description", "unesco_id", "unesco_component_ref"]
    prepopulated_fields = {"slug": ["name_en"]}
    filter_horizontal = ["countries", "corridors"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["public_id", "created_by", "created_at", "updated_at"]
    inlines = [ComponentInline]

    def may_edit(self, user, site) -> bool:
        return permissions.may_edit_site(user, site)

    def get_queryset(self, request):
        # An artefact's site of origin may be any site the curator can see, not only the
        # ones their institutions steward.
        if _autocomplete_for(request) == ("artefact", "site"):
            return HeritageSite.objects.visible_to(request.user)
        return super().get_queryset(request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        site = form.instance
        if not permissions.is_staff(request.user) and not permissions.may_edit_site(
            request.user, site
        ):
            # A curator who adds a site stewards it; otherwise they could not open it again.
            site.stewards.add(*request.user.institutions.all())

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        derivative_access.subject_derivatives_sync_visibility_on_commit(subject=obj)

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        # Component sites published or withdrawn in the inline.
        for component in formset.new_objects + [obj for obj, _fields in formset.changed_objects]:
            derivative_access.subject_derivatives_sync_visibility_on_commit(subject=component)


@admin.register(Artefact)
class ArtefactAdmin(CuratedAdmin, WorkflowAdmin, TabbedTranslationAdmin):
    list_display = ["title", "accession_number", "institution", "object_type", "state"]
    list_filter = [
        ReviewQueueFilter,
        "state",
        "institution",
        "institution__country",
        "object_type",
        "licence",
    ]
    search_fields = ["title", "description", "accession_number"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["materials"]
    autocomplete_fields = ["site"]
    readonly_fields = ["public_id", "attribution_shown", "created_by", "created_at", "updated_at"]

    @admin.display(description=_("attribution shown with the artefact"))
    def attribution_shown(self, artefact: Artefact) -> str:
        return artefact.attribution_line

    def may_edit(self, user, artefact) -> bool:
        return permissions.may_edit_artefact(user, artefact)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        derivative_access.subject_derivatives_sync_visibility_on_commit(subject=obj)


class DerivativeInline(admin.TabularInline):
    model = Derivative
    fields = ["kind", "file", "content_type", "byte_size", "face_count", "width", "height"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ScanUploadForm(forms.ModelForm):
    """The admin's "Add scan": the file goes through ``scan_upload`` like every other upload."""

    file = forms.FileField(
        label=_("3D file"),
        allow_empty_file=True,  # scan_upload says what to do about an empty file
        help_text=_("GLB, PLY, STL, OFF, OBJ, or a zip of OBJ+MTL+textures or glTF."),
    )

    class Meta:
        model = Scan
        fields = [
            "artefact",
            "site",
            "title",
            "capture_method",
            "kind",
            "derived_from",
            "unit",
            "device",
            "operator",
            "capture_date",
            "procedural",
        ]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.uploaded: Scan | None = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        artefact, site = data.get("artefact"), data.get("site")
        if (artefact is None) == (site is None):
            raise ValidationError(_("Choose an artefact or a site: a scan belongs to one of them."))
        if not permissions.may_add_scan(self.user, artefact=artefact, site=site):
            raise ValidationError(permissions.refusal_to_add_scan(artefact=artefact, site=site))
        upload = data["file"]
        fields = {name: data.get(name) for name in ScanUploadForm.Meta.fields}
        fields["unit"] = fields["unit"] or ""
        for text in ("title", "device", "operator"):
            fields[text] = fields[text] or ""
        try:
            result = scan_upload(file=upload, filename=upload.name, uploaded_by=self.user, **fields)
        except ScanRejected as exc:
            raise ValidationError(exc.messages) from exc
        self.uploaded = result.scan
        return data


@admin.register(Scan)
class ScanAdmin(CuratedAdmin, WorkflowAdmin):
    class Media:
        # Styles as classes: the Content-Security-Policy refuses inline style attributes.
        css = {"all": ["heritage_sites/css/scan_admin.css"]}

    list_display = [
        "poster_thumbnail",
        "__str__",
        "subject",
        "format",
        "state",
        "publication_state",
        "created_at",
    ]
    list_display_links = ["poster_thumbnail", "__str__"]
    list_filter = [
        ReviewQueueFilter,
        "publication_state",
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
        "original_link",
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
        "attribution_shown",
        "uploaded_by",
        "created_at",
        "updated_at",
    ]
    exclude = ["report", "original"]
    inlines = [DerivativeInline]
    actions = ["reprocess"]

    def may_edit(self, user, scan) -> bool:
        return permissions.may_change_scan(user, scan)

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            form = super().get_form(request, obj, change, form=ScanUploadForm, **kwargs)

            class UploadForm(form):
                def __init__(self, *args, **kwargs):
                    super().__init__(*args, user=request.user, **kwargs)

            return UploadForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["file", *ScanUploadForm.Meta.fields]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_inlines(self, request, obj):
        return [] if obj is None else super().get_inlines(request, obj)

    def save_form(self, request, form, change):
        if change:
            return super().save_form(request, form, change)
        return form.uploaded  # stored, queued and saved by scan_upload in the form's clean()

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def get_urls(self):
        original = path(
            "<int:object_id>/original/",
            self.admin_site.admin_view(self.original_view),
            name="heritage_sites_scan_original",
        )
        return [original, *super().get_urls()]

    def original_view(self, request, object_id):
        """Send the curator to a short-lived download link of the original."""
        scan = self.get_queryset(request).filter(pk=object_id).first()
        if scan is None:
            raise Http404
        try:
            return HttpResponseRedirect(scan_original_url(scan=scan, user=request.user))
        except PermissionDenied:
            raise Http404 from None

    @admin.display(description=_("original"))
    def original_link(self, scan: Scan) -> str:
        url = reverse("admin:heritage_sites_scan_original", args=[scan.pk])
        return format_html(
            '<a href="{}">{}</a> ({}, sha256 {})',
            url,
            _("Download the original"),
            scan.original_filename,
            scan.sha256,
        )

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
        if not change:
            return None  # a new scan was stored by scan_upload in the form's clean()
        pose_changed = {"up_axis", "quarter_turns"} & set(form.changed_data)
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
        return format_html(
            '<img src="{}" alt="" class="scan-poster-thumbnail">',
            derivative_access.derivative_url(derivative=poster),
        )

    @admin.display(description=_("poster"))
    def poster_preview(self, scan: Scan) -> str:
        posters = [d for d in scan.derivatives.all() if d.kind == Derivative.Kind.POSTER]
        if not posters:
            return _("No poster yet.")
        largest = max(posters, key=lambda d: d.width or 0)
        return format_html(
            '<img src="{}" alt="" class="scan-poster-preview">',
            derivative_access.derivative_url(derivative=largest),
        )

    @admin.display(description=_("attribution shown with the scan"))
    def attribution_shown(self, scan: Scan) -> str:
        return scan.attribution_line

    @admin.display(description=_("validation report"))
    def report_pretty(self, scan: Scan) -> str:
        if not scan.report:
            return _("No report yet.")
        return format_html(
            '<pre class="scan-report">{}</pre>',
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


class InlineOfOwner:
    """Inlines: whoever may edit the parent edits its rows. (Django's default asks for model
    permissions, which curators who are not staff do not have.) ``parent_rule(user, parent)``
    is the rule set's may_edit_* for the parent."""

    def _may(self, request, parent) -> bool:
        if parent is None:
            return permissions.is_curator(request.user)
        return self.parent_rule(request.user, parent)

    def has_view_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may(request, obj)
