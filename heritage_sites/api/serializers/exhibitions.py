"""Exhibitions: list rows, the full narrative with models and hotspots, and curator writes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.api import languages
from heritage_sites.api.serializers.common import (
    LocalizedField,
    TranslationsField,
    public_url,
    validate_model,
)
from heritage_sites.api.serializers.rights import refuse_state_writes
from heritage_sites.api.serializers.routes import localized_text
from heritage_sites.api.serializers.sites import _curated_institutions, site_ref
from heritage_sites.api.serializers.workflow import ReviewTrailSerializer
from heritage_sites.models import Derivative, Exhibition, Institution
from heritage_sites.permissions import may_work_on
from heritage_sites.services import exhibitions as service


def _file_url(request, derivative) -> str | None:
    return request.build_absolute_uri(derivative.file.url) if derivative else None


def _model(scan, request) -> dict | None:
    if scan is None:
        return None
    poster = service.derivative(scan, Derivative.Kind.POSTER)
    web = service.derivative(scan, Derivative.Kind.WEB)
    lightest = service.derivative(scan, Derivative.Kind.LOD, lightest=True)
    return {
        "scan": str(scan.public_id),
        "scan_url": public_url(request, "scan-detail", ref=scan.public_id),
        "poster": _file_url(request, poster),
        "web": _file_url(request, web),
        "lightest": _file_url(request, lightest or web),
    }


def _orbit_text(orbit: dict | None) -> str | None:
    if orbit is None:
        return None
    return f"{orbit['theta']:.2f}deg {orbit['phi']:.2f}deg {orbit['radius']:.4f}m"


def _hotspot(hotspot, scan, language: str) -> dict:
    web = service.hotspot_in_web(hotspot, scan)
    return {
        "position": hotspot.position,
        "label": localized_text(hotspot, "label", language),
        "text": localized_text(hotspot, "text", language),
        "original": {
            "point": hotspot.point,
            "normal": hotspot.normal,
            "camera_target": hotspot.camera_target,
            "camera_position": hotspot.camera_position,
        },
        # model-viewer's attributes, ready to use: data-position, data-normal, camera-orbit.
        "web": None
        if web is None
        else {
            **web,
            "data_position": " ".join(f"{v:.5f}m" for v in web["position"]),
            "data_normal": " ".join(f"{v:.5f}m" for v in web["normal"]),
            "camera_orbit_attr": _orbit_text(web["camera_orbit"]),
            "camera_target_attr": None
            if web["camera_target"] is None
            else " ".join(f"{v:.5f}m" for v in web["camera_target"]),
        },
    }


def _subject(item, request, language: str) -> dict:
    if item.artefact_id:
        artefact = item.artefact
        return {
            "kind": "artefact",
            "id": str(artefact.public_id),
            "slug": artefact.slug,
            "title": languages.localized(artefact, "title", language),
            "url": public_url(request, "artefact-detail", ref=artefact.public_id),
            "licence": artefact.licence,
            "attribution": artefact.attribution or artefact.rights_holder,
        }
    if item.site_id:
        ref = site_ref(item.site, request, language)
        return {"kind": "site", **ref, "title": ref["name"]}
    return {
        "kind": "scan",
        "id": str(item.scan.public_id),
        "title": {"value": str(item.scan), "lang": "en", "dir": "ltr"},
        "url": public_url(request, "scan-detail", ref=item.scan.public_id),
    }


def exhibition_sections(exhibition, visible, request, language: str) -> list[dict]:
    sections = []
    for section in exhibition.sections.all():
        items = []
        for item in section.items.all():
            if not service.item_is_visible(item, visible):
                continue
            scan = service.item_model(item, visible)
            spots = [
                _hotspot(h, scan, language)
                for h in item.hotspots.all()
                if scan is not None and h.scan_id == scan.pk
            ]
            items.append(
                {
                    "position": item.position,
                    "subject": _subject(item, request, language),
                    "caption": localized_text(item, "caption", language),
                    "model": _model(scan, request),
                    "hotspots": spots,
                    # The guided tour: the hotspots in order, each with its camera move.
                    "tour": [
                        {
                            "step": number,
                            "hotspot": spot["position"],
                            "camera_orbit": spot["web"] and spot["web"]["camera_orbit_attr"],
                            "camera_target": spot["web"] and spot["web"]["camera_target_attr"],
                        }
                        for number, spot in enumerate(spots, start=1)
                    ],
                }
            )
        sections.append(
            {
                "position": section.position,
                "title": localized_text(section, "title", language),
                "text": localized_text(section, "text", language),
                "items": items,
            }
        )
    return sections


class ExhibitionListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    title = LocalizedField("title")
    institutions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    cover = serializers.SerializerMethodField()

    class Meta:
        model = Exhibition
        fields = ["id", "slug", "url", "title", "institutions", "cover", "state", "updated_at"]
        read_only_fields = fields

    def get_url(self, exhibition) -> str:
        return public_url(self.context["request"], "exhibition-detail", ref=exhibition.public_id)

    def get_cover(self, exhibition) -> str | None:
        # A cover is shown only when its scan may be seen by the caller.
        cover = exhibition.cover
        visible = self.context.get("visible_cover_ids")
        if cover is None or (visible is not None and cover.pk not in visible):
            return None
        return _file_url(self.context["request"], cover)


class ExhibitionDetailSerializer(ExhibitionListSerializer):
    introduction = LocalizedField("introduction")
    sections = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    class Meta(ExhibitionListSerializer.Meta):
        fields = [
            *ExhibitionListSerializer.Meta.fields,
            "introduction",
            "sections",
            "review",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReviewTrailSerializer(allow_null=True))
    def get_review(self, exhibition):
        # Who moved it, and the reviewers' comments: for its institutions' members only.
        if not may_work_on(self.context["request"].user, exhibition):
            return None
        return ReviewTrailSerializer(exhibition).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_sections(self, exhibition):
        request = self.context["request"]
        visible = service.visible_for(request.user, exhibition)
        return exhibition_sections(exhibition, visible, request, self.context["language"])


class ExhibitionWriteSerializer(serializers.ModelSerializer):
    """A curator's exhibition. Sections, items and hotspots are placed in the admin, where a
    hotspot is put on the model by clicking on it. Its state changes through the workflow
    endpoints, never by a write."""

    title = TranslationsField("title", max_length=300)
    introduction = TranslationsField("introduction", required=False)
    institutions = serializers.SlugRelatedField(
        slug_field="slug", queryset=Institution.objects.all(), many=True
    )

    class Meta:
        model = Exhibition
        validators = []
        fields = ["slug", "title", "introduction", "institutions"]

    def validate_institutions(self, value):
        if not value:
            raise serializers.ValidationError("Name at least one institution you curate.")
        allowed = set(_curated_institutions(self.context["request"]).values_list("pk", flat=True))
        if foreign := [i.slug for i in value if i.pk not in allowed]:
            raise serializers.ValidationError(f"You do not curate: {', '.join(foreign)}.")
        return value

    def validate(self, attrs):
        refuse_state_writes(self, self.initial_data)
        scalar = {k: v for k, v in attrs.items() if k != "institutions"}
        instance = self.instance or Exhibition(created_by=self.context["request"].user)
        validate_model(instance, scalar, exclude=[])
        return attrs
