"""Schema of /api/v1/sites.geojson: an RFC 7946 FeatureCollection of points (schema only: the
view builds the dicts itself, for speed)."""

from __future__ import annotations

from rest_framework import serializers

from heritage_sites.models import HeritageSite


class SiteFeatureProperties(serializers.Serializer):
    id = serializers.UUIDField()
    slug = serializers.SlugField()
    name = serializers.CharField()
    name_lang = serializers.CharField(help_text="BCP 47 tag of the language of `name`.")
    name_dir = serializers.ChoiceField(choices=["ltr", "rtl"])
    category = serializers.ChoiceField(choices=HeritageSite.Category.choices, allow_blank=True)
    in_danger = serializers.BooleanField()
    unesco_id = serializers.IntegerField(allow_null=True)
    countries = serializers.ListField(child=serializers.CharField(), help_text="ISO alpha-2.")
    url = serializers.URLField()
    distance_km = serializers.FloatField(required=False, help_text="Only with `near`.")


class PointGeometry(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text="[longitude, latitude] in degrees (WGS84).",
    )


class SiteFeature(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    id = serializers.UUIDField()
    geometry = PointGeometry()
    properties = SiteFeatureProperties()


class SiteFeatureCollection(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = SiteFeature(many=True)
