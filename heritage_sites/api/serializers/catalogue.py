"""Countries, institutions, corridors and materials: the vocabularies the filters use."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.api.serializers.common import LocalizedField, public_url
from heritage_sites.models import Corridor, Country, Institution, Material


class CountrySerializer(serializers.ModelSerializer):
    name = LocalizedField("name")

    class Meta:
        model = Country
        fields = ["iso2", "iso3", "name"]
        read_only_fields = fields


class InstitutionSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    name = LocalizedField("name")
    country = serializers.CharField(source="country.iso2", read_only=True)
    website = serializers.SerializerMethodField()

    class Meta:
        model = Institution
        fields = ["id", "slug", "url", "name", "kind", "country", "city", "website"]
        read_only_fields = fields

    def get_url(self, institution) -> str:
        return public_url(self.context["request"], "institution-detail", ref=institution.slug)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_website(self, institution):
        # null rather than "": an empty string is not a URL.
        return institution.website or None


class CorridorSerializer(serializers.ModelSerializer):
    name = LocalizedField("name")

    class Meta:
        model = Corridor
        fields = ["slug", "name", "maritime"]
        read_only_fields = fields


class MaterialSerializer(serializers.ModelSerializer):
    name = LocalizedField("name")

    class Meta:
        model = Material
        fields = ["slug", "name"]
        read_only_fields = fields
