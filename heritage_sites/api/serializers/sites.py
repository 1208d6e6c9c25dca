"""Heritage sites: list rows, full records with their component sites, GeoJSON, writes."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.api.languages import localized
from heritage_sites.api.previews import PosterSerializer, posters
from heritage_sites.api.serializers.common import (
    LocalizedField,
    RefField,
    TranslationsField,
    public_url,
    validate_model,
)
from heritage_sites.api.serializers.rights import refuse_state_writes
from heritage_sites.models import Corridor, Country, HeritageSite, Institution, Scan


class SiteRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    slug = serializers.SlugField(read_only=True)
    name = LocalizedField("name")
    url = serializers.SerializerMethodField()

    def get_url(self, site) -> str:
        return public_url(self.context["request"], "site-detail", ref=site.public_id)


def site_ref(site, request, language: str) -> dict:
    """SiteRefSerializer's output, built directly (it is nested in every artefact row)."""
    public_id = str(site.public_id)
    return {
        "id": public_id,
        "slug": site.slug,
        "name": localized(site, "name", language),
        "url": public_url(request, "site-detail", ref=public_id),
    }


class SiteListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    name = LocalizedField("name")
    latitude = serializers.FloatField()
    longitude = serializers.FloatField()
    countries = serializers.SerializerMethodField()
    corridors = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()
    has_3d = serializers.SerializerMethodField()
    posters = serializers.SerializerMethodField()

    class Meta:
        model = HeritageSite
        fields = [
            "id",
            "slug",
            "url",
            "name",
            "category",
            "latitude",
            "longitude",
            "countries",
            "corridors",
            "parent",
            "unesco_id",
            "unesco_component_ref",
            "inscription_year",
            "in_danger",
            "period_start",
            "period_end",
            "state",
            "updated_at",
            "distance_km",
            "has_3d",
            "posters",
        ]
        read_only_fields = fields

    def _posters(self, site) -> list[dict]:
        # A page's posters come in one query (previews.posters); a detail asks for its own.
        page = self.context.get("posters")
        if page is None:
            page = self.context["posters"] = posters(self.context["request"], "site", [site.pk])
        return page.get(site.pk, [])

    @extend_schema_field(PosterSerializer(many=True))
    def get_posters(self, site):
        return self._posters(site)

    def get_has_3d(self, site) -> bool:
        """Whether the site has a 3D scan ready to view."""
        with_3d = self.context.get("with_3d")
        if with_3d is None:
            return site.scans.filter(state=Scan.State.READY).exists()
        return site.pk in with_3d

    def get_url(self, site) -> str:
        return public_url(self.context["request"], "site-detail", ref=site.public_id)

    def get_countries(self, site) -> list[str]:
        return [country.iso2 for country in site.countries.all()]

    def get_corridors(self, site) -> list[str]:
        return [corridor.slug for corridor in site.corridors.all()]

    @extend_schema_field(serializers.UUIDField(allow_null=True))
    def get_parent(self, site):
        # Only the parent's public id, read through the select_related row; a draft parent
        # is named by id but answers 404 to outsiders.
        return str(site.parent.public_id) if site.parent_id else None

    @extend_schema_field(serializers.FloatField(allow_null=True))
    def get_distance_km(self, site):
        distance = getattr(site, "distance_km", None)
        return None if distance is None else round(distance, 3)


class SiteDetailSerializer(SiteListSerializer):
    description = LocalizedField("description")
    components = serializers.SerializerMethodField()
    stewards = serializers.SerializerMethodField()
    area_hectares = serializers.FloatField(allow_null=True)

    class Meta(SiteListSerializer.Meta):
        fields = [
            *SiteListSerializer.Meta.fields,
            "description",
            "text_source",
            "criteria",
            "area_hectares",
            "components",
            "stewards",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(SiteRefSerializer(many=True))
    def get_components(self, site):
        # visible_components is a Prefetch filtered by visible_to(user) in the view.
        components = getattr(site, "visible_components", None)
        if components is None:
            user = self.context["request"].user
            components = HeritageSite.objects.visible_to(user).filter(parent=site)
        request, language = self.context["request"], self.context["language"]
        return [site_ref(component, request, language) for component in components]

    def get_stewards(self, site) -> list[str]:
        return [institution.slug for institution in site.stewards.all()]


def _curated_institutions(request):
    user = request.user
    if user.is_staff or user.is_superuser:
        return Institution.objects.all()
    return Institution.objects.filter(curators=user)


def _editable_sites(request):
    return HeritageSite.objects.editable_by(request.user)


class SiteWriteSerializer(serializers.ModelSerializer):
    """What a curator may set on a site. The id, timestamps and creator are never taken
    from the request; stewards are set once, at creation, from the curator's institutions."""

    name = TranslationsField("name", max_length=500)
    description = TranslationsField("description", required=False)
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, coerce_to_string=False)
    countries = serializers.SlugRelatedField(
        slug_field="iso2", queryset=Country.objects.all(), many=True, required=False
    )
    corridors = serializers.SlugRelatedField(
        slug_field="slug", queryset=Corridor.objects.all(), many=True, required=False
    )
    parent = RefField(
        _editable_sites, "serial property you steward", required=False, allow_null=True
    )
    stewards = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Institution.objects.all(),
        many=True,
        required=False,
        help_text="Slugs of the institutions that steward the site (yours only). Defaults to "
        "your institution when you curate exactly one. Set at creation only.",
    )

    class Meta:
        model = HeritageSite
        # Uniqueness and constraints are checked by the model's own full_clean() in
        # validate(), with the model's messages; DRF's copies would demand extra fields.
        validators = []
        fields = [
            "slug",
            "name",
            "description",
            "latitude",
            "longitude",
            "countries",
            "corridors",
            "parent",
            "unesco_id",
            "unesco_component_ref",
            "inscription_year",
            "criteria",
            "category",
            "in_danger",
            "area_hectares",
            "text_source",
            "period_start",
            "period_end",
            "stewards",
        ]

    def validate_stewards(self, value):
        if self.instance is not None:
            current = set(self.instance.stewards.values_list("pk", flat=True))
            if {institution.pk for institution in value} != current:
                raise serializers.ValidationError(
                    "Stewards are set when a site is created; ask an administrator to change them."
                )
            return value
        allowed = set(_curated_institutions(self.context["request"]).values_list("pk", flat=True))
        foreign = [institution.slug for institution in value if institution.pk not in allowed]
        if foreign:
            raise serializers.ValidationError(
                f"You do not curate {', '.join(foreign)}: a site can only be stewarded by your "
                "own institutions."
            )
        return value

    def validate(self, attrs):
        refuse_state_writes(self, self.initial_data)
        request = self.context["request"]
        if self.instance is None and not attrs.get("stewards"):
            mine = list(_curated_institutions(request)[:2])
            if len(mine) != 1 or request.user.is_staff:
                if not request.user.is_staff:
                    raise serializers.ValidationError(
                        {"stewards": ["You curate several institutions: name the stewards."]}
                    )
            else:
                attrs["stewards"] = mine
        scalar = {k: v for k, v in attrs.items() if k not in ("countries", "corridors", "stewards")}
        instance = self.instance or HeritageSite(created_by=request.user)
        validate_model(instance, scalar, exclude=[])
        return attrs

    def to_representation(self, instance):
        return SiteDetailSerializer(instance, context=self.context).data
