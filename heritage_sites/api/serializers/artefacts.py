"""Artefacts: list rows, full records with their visible scans, and curator writes."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.api.languages import localized
from heritage_sites.api.previews import PosterSerializer, posters
from heritage_sites.api.serializers.common import (
    LocalizedField,
    TranslationsField,
    public_url,
    validate_model,
)
from heritage_sites.api.serializers.rights import (
    LicenceField,
    RightsSerializer,
    refuse_state_writes,
    rights_block,
)
from heritage_sites.api.serializers.scans import ScanSerializer
from heritage_sites.api.serializers.sites import (
    SiteRefSerializer,
    _curated_institutions,
    site_ref,
)
from heritage_sites.api.serializers.workflow import ReviewTrailSerializer
from heritage_sites.models import Artefact, HeritageSite, Institution, Material
from heritage_sites.permissions import may_work_on


def _datetime_field(context: dict) -> serializers.DateTimeField:
    """A DateTimeField with the request's time zone fixed, made once per page: the default
    one looks the zone up again for each of the 50 rows."""
    field = context.get("datetime_field")
    if field is None:
        zone = timezone.get_current_timezone() if settings.USE_TZ else None
        field = context["datetime_field"] = serializers.DateTimeField(default_timezone=zone)
    return field


class InstitutionRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    name = LocalizedField("name")


class ArtefactListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    title = LocalizedField("title")
    institution = InstitutionRefSerializer(read_only=True)
    site = serializers.SerializerMethodField()
    materials = serializers.SerializerMethodField()
    has_3d = serializers.BooleanField(read_only=True)
    posters = serializers.SerializerMethodField()

    class Meta:
        model = Artefact
        fields = [
            "id",
            "slug",
            "url",
            "title",
            "accession_number",
            "object_type",
            "institution",
            "site",
            "materials",
            "date_earliest",
            "date_latest",
            "licence",
            "has_3d",
            "posters",
            "state",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(PosterSerializer(many=True))
    def get_posters(self, artefact):
        # A page's posters come in one query (previews.posters); a detail asks for its own.
        page = self.context.get("posters")
        if page is None:
            page = posters(self.context["request"], "artefact", [artefact.id])
        return page.get(artefact.id, [])

    def get_url(self, artefact) -> str:
        return public_url(self.context["request"], "artefact-detail", ref=artefact.public_id)

    @extend_schema_field(SiteRefSerializer(allow_null=True))
    def get_site(self, artefact):
        # `visible_site` is prefetched through visible_to(user): a draft site of origin is
        # None for outsiders, so a published artefact never reveals it.
        site = getattr(artefact, "visible_site", None)
        if site is None:
            return None
        return site_ref(site, self.context["request"], self.context["language"])

    def get_materials(self, artefact) -> list[str]:
        materials = getattr(artefact, "material_list", None)
        if materials is None:
            materials = artefact.materials.all()
        return [material.slug for material in materials]

    def to_representation(self, artefact):
        # Hand-built for lists: the same keys and values as the declared fields (which the
        # schema and the detail view use), without DRF's per-field machinery, which took
        # most of a 50-row page's time. tests/api/test_serializers.py keeps the two equal.
        request, language = self.context["request"], self.context["language"]
        institution = artefact.institution
        site = getattr(artefact, "visible_site", None)
        public_id = str(artefact.public_id)
        return {
            "id": public_id,
            "slug": artefact.slug,
            "url": public_url(request, "artefact-detail", ref=public_id),
            "title": localized(artefact, "title", language),
            "accession_number": artefact.accession_number,
            "object_type": artefact.object_type,
            "institution": {
                "slug": institution.slug,
                "name": localized(institution, "name", language),
            },
            "site": None if site is None else site_ref(site, request, language),
            "materials": self.get_materials(artefact),
            "date_earliest": artefact.date_earliest,
            "date_latest": artefact.date_latest,
            "licence": artefact.licence,
            "has_3d": bool(getattr(artefact, "has_3d", False)),
            "posters": self.get_posters(artefact),
            "state": artefact.state,
            "updated_at": _datetime_field(self.context).to_representation(artefact.updated_at),
        }


class ArtefactDetailSerializer(ArtefactListSerializer):
    # The generic, field-by-field representation (the list's fast path covers list fields only).
    to_representation = serializers.ModelSerializer.to_representation

    description = LocalizedField("description")
    height_mm = serializers.FloatField(allow_null=True)
    width_mm = serializers.FloatField(allow_null=True)
    depth_mm = serializers.FloatField(allow_null=True)
    weight_g = serializers.FloatField(allow_null=True)
    scans = serializers.SerializerMethodField()
    rights = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    class Meta(ArtefactListSerializer.Meta):
        fields = [
            *ArtefactListSerializer.Meta.fields,
            "description",
            "height_mm",
            "width_mm",
            "depth_mm",
            "weight_g",
            "provenance",
            "rights_holder",
            "attribution",
            "rights",
            "review",
            "scans",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(RightsSerializer)
    def get_rights(self, artefact):
        return rights_block(
            licence=artefact.licence,
            rights_holder=artefact.rights_holder,
            attribution=artefact.attribution_line,
        )

    @extend_schema_field(ReviewTrailSerializer(allow_null=True))
    def get_review(self, artefact):
        # Who moved it, and the reviewers' comments: for the institution's members only.
        if not may_work_on(self.context["request"].user, artefact):
            return None
        return ReviewTrailSerializer(artefact).data

    @extend_schema_field(ScanSerializer(many=True))
    def get_scans(self, artefact):
        # `visible_scans` is prefetched through Scan visible_to(user), with derivatives.
        scans = getattr(artefact, "visible_scans", [])
        return ScanSerializer(scans, many=True, context=self.context).data


class ArtefactWriteSerializer(serializers.ModelSerializer):
    """What a curator may set on an artefact of their own institution. The public id, state
    of scans and timestamps are never taken from the request; an artefact cannot move to an
    institution the curator does not curate."""

    title = TranslationsField("title", max_length=500)
    description = TranslationsField("description", required=False)
    institution = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Institution.objects.all(),
        help_text="Slug of the holding institution: one you curate.",
    )
    site = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=HeritageSite.objects.all(),
        required=False,
        allow_null=True,
        help_text="Slug of the site of origin (a published site, or one you steward).",
    )
    materials = serializers.SlugRelatedField(
        slug_field="slug", queryset=Material.objects.all(), many=True, required=False
    )
    licence = LicenceField()

    class Meta:
        model = Artefact
        # Uniqueness and constraints are checked by the model's own full_clean() in
        # validate(), with the model's messages; DRF's copies would demand extra fields.
        validators = []
        fields = [
            "slug",
            "title",
            "description",
            "accession_number",
            "institution",
            "site",
            "materials",
            "object_type",
            "date_earliest",
            "date_latest",
            "height_mm",
            "width_mm",
            "depth_mm",
            "weight_g",
            "provenance",
            "licence",
            "rights_holder",
            "attribution",
        ]

    def validate_institution(self, institution):
        request = self.context["request"]
        if not _curated_institutions(request).filter(pk=institution.pk).exists():
            raise serializers.ValidationError(
                f"You do not curate '{institution.slug}'. Choose one of your institutions."
            )
        return institution

    def validate_site(self, site):
        if site is None:
            return site
        request = self.context["request"]
        if not HeritageSite.objects.visible_to(request.user).filter(pk=site.pk).exists():
            raise serializers.ValidationError(f"No site '{site.slug}' that you may use here.")
        return site

    def validate(self, attrs):
        refuse_state_writes(self, self.initial_data)
        request = self.context["request"]
        scalar = {k: v for k, v in attrs.items() if k != "materials"}
        instance = self.instance or Artefact(created_by=request.user)
        validate_model(instance, scalar, exclude=[])
        return attrs

    def to_representation(self, instance):
        return ArtefactDetailSerializer(instance, context=self.context).data
