"""Admin for exhibitions (sections, items, hotspots) and relic journeys.

Who may change what follows heritage_sites/permissions.py: an exhibition's sections, items and
hotspots go with the exhibition (its institutions' curators); a journey goes with its artefact.
A hotspot is placed by clicking on the model in the item's viewer (templates/admin/
heritage_sites/exhibitionitem/change_form.html), never by typing coordinates.
"""

from django import forms
from django.contrib import admin
from modeltranslation.admin import (
    TabbedTranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from heritage_sites import permissions
from heritage_sites.admin.core import CuratedAdmin, InlineOfOwner
from heritage_sites.admin.workflow import ReviewQueueFilter, WorkflowAdmin
from heritage_sites.models import (
    Artefact,
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    Hotspot,
    Institution,
    ProvenanceEvent,
)
from heritage_sites.services import exhibitions as service


class OwnedThroughAdmin:
    """Rows that belong to an exhibition or an artefact: the owner's rule decides."""

    owner_path: str  # e.g. "exhibition" or "section__exhibition"

    def owner(self, obj):
        for name in self.owner_path.split("__"):
            obj = getattr(obj, name)
        return obj

    def may_edit_owner(self, user, owner) -> bool:
        return permissions.may_edit_exhibition(user, owner)

    def get_queryset(self, request):
        owners = Exhibition.objects.editable_by(request.user)
        return super().get_queryset(request).filter(**{f"{self.owner_path}__in": owners})

    def has_module_permission(self, request):
        return permissions.is_curator(request.user)

    def has_view_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        return permissions.is_curator(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.is_curator(request.user)
        return self.may_edit_owner(request.user, self.owner(obj))

    def has_delete_permission(self, request, obj=None):
        return self.has_change_permission(request, obj)


class SectionInline(InlineOfOwner, TranslationStackedInline):
    model = ExhibitionSection
    extra = 0
    fields = ["position", "title", "text"]
    show_change_link = True

    @staticmethod
    def parent_rule(user, exhibition):
        return permissions.may_edit_exhibition(user, exhibition)


@admin.register(Exhibition)
class ExhibitionAdmin(CuratedAdmin, WorkflowAdmin, TabbedTranslationAdmin):
    """The state is read only: it moves by the workflow actions, as an artefact's does."""

    list_display = ["title", "state", "updated_at"]
    list_filter = [ReviewQueueFilter, "state", "institutions"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title_en"]}
    filter_horizontal = ["institutions"]
    raw_id_fields = ["cover"]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    inlines = [SectionInline]

    def may_edit(self, user, exhibition) -> bool:
        return permissions.may_edit_exhibition(user, exhibition)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "institutions" and not permissions.is_staff(request.user):
            kwargs["queryset"] = Institution.objects.filter(curators=request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ItemInline(InlineOfOwner, TranslationTabularInline):
    model = ExhibitionItem
    extra = 1
    fields = ["position", "artefact", "site", "scan", "caption"]
    raw_id_fields = ["artefact", "site", "scan"]
    show_change_link = True

    @staticmethod
    def parent_rule(user, section):
        return permissions.may_edit_exhibition(user, section.exhibition)


@admin.register(ExhibitionSection)
class ExhibitionSectionAdmin(OwnedThroughAdmin, TabbedTranslationAdmin):
    owner_path = "exhibition"
    list_display = ["__str__", "exhibition"]
    inlines = [ItemInline]


class HotspotForm(forms.ModelForm):
    """The viewer fills the web_* fields when the curator clicks on the model; they are
    stored in the original's coordinates through the scan's recorded transform."""

    web_position = forms.CharField(widget=forms.HiddenInput, required=False)
    web_normal = forms.CharField(widget=forms.HiddenInput, required=False)
    web_camera_target = forms.CharField(widget=forms.HiddenInput, required=False)
    web_camera_orbit = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Hotspot
        fields = ["position", "label", "text", "scan"]

    @staticmethod
    def _vector(text: str, name: str, size: int = 3) -> list[float] | None:
        if not text.strip():
            return None
        try:
            values = [float(part) for part in text.split()]
        except ValueError:
            raise forms.ValidationError(f"The viewer sent an unreadable {name}.") from None
        if len(values) != size:
            raise forms.ValidationError(f"The viewer sent an unreadable {name}.")
        return values

    def clean(self):
        cleaned = super().clean()
        position = self._vector(cleaned.get("web_position", ""), "position")
        if position is None:
            if self.instance.pk is None:
                raise forms.ValidationError("Click on the model to place this hotspot, then save.")
            return cleaned
        normal = self._vector(cleaned.get("web_normal", ""), "normal") or [0.0, 1.0, 0.0]
        target = self._vector(cleaned.get("web_camera_target", ""), "camera target")
        orbit = self._vector(cleaned.get("web_camera_orbit", ""), "camera orbit")
        scan = cleaned.get("scan")
        if scan is None:
            return cleaned
        try:
            values = service.hotspot_from_web(
                scan=scan,
                position=position,
                normal=normal,
                camera_target=target,
                camera_orbit=None
                if orbit is None
                else {"theta": orbit[0], "phi": orbit[1], "radius": orbit[2]},
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        for name, value in values.items():
            setattr(self.instance, name, value)
        return cleaned


class HotspotInline(InlineOfOwner, TranslationStackedInline):
    model = Hotspot
    form = HotspotForm
    extra = 0
    fields = [
        "position",
        "label",
        "text",
        "scan",
        "web_position",
        "web_normal",
        "web_camera_target",
        "web_camera_orbit",
    ]
    raw_id_fields = ["scan"]

    @staticmethod
    def parent_rule(user, item):
        return permissions.may_edit_exhibition(user, item.section.exhibition)


@admin.register(ExhibitionItem)
class ExhibitionItemAdmin(OwnedThroughAdmin, TabbedTranslationAdmin):
    owner_path = "section__exhibition"
    list_display = ["__str__", "section"]
    raw_id_fields = ["artefact", "site", "scan"]
    inlines = [HotspotInline]
    change_form_template = "admin/heritage_sites/exhibitionitem/change_form.html"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            visible = service.visible_for(request.user, obj.section.exhibition)
            scan = service.item_model(obj, visible)
            context["viewer_scan"] = scan
            if scan is not None:
                web = service.derivative(scan, "web")
                context["viewer_model_url"] = web.file.url if web else None
                context["viewer_hotspots"] = [
                    (h, service.hotspot_in_web(h, scan))
                    for h in obj.hotspots.all()
                    if h.scan_id == scan.pk
                ]
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(ProvenanceEvent)
class ProvenanceEventAdmin(OwnedThroughAdmin, TabbedTranslationAdmin):
    """A relic's journey, one event per row; edited by the artefact's curators."""

    owner_path = "artefact"
    list_display = ["artefact", "position", "kind", "site", "place_name", "date_earliest"]
    list_filter = ["kind"]
    raw_id_fields = ["artefact", "site"]

    def may_edit_owner(self, user, owner) -> bool:
        return permissions.may_edit_artefact(user, owner)

    def get_queryset(self, request):
        owners = Artefact.objects.editable_by(request.user)
        return admin.ModelAdmin.get_queryset(self, request).filter(artefact__in=owners)
