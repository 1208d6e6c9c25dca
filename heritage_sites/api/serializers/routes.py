"""Routes: list rows, the full route with stops, legs and zones, and curator writes."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites import geodesy
from heritage_sites.api import languages
from heritage_sites.api.serializers.common import (
    LocalizedField,
    TranslationsField,
    public_url,
    validate_model,
)
from heritage_sites.api.serializers.rights import refuse_state_writes
from heritage_sites.api.serializers.sites import _curated_institutions, site_ref
from heritage_sites.api.serializers.workflow import ReviewTrailSerializer
from heritage_sites.models import HeritageSite, Institution, Route, RouteStop, RouteTheme
from heritage_sites.permissions import may_work_on
from heritage_sites.services import routes as route_service


def localized_text(obj, field: str, language: str) -> dict:
    """A translated text with ``fallback``: true when it is not in the asked language."""
    text = languages.localized(obj, field, language)
    return {**text, "fallback": bool(text["value"]) and text["lang"] != languages.bcp47(language)}


def visible_stops(route: Route, visible_site_ids: set[int] | None) -> list[RouteStop]:
    """The stops whose sites the caller may see: a draft site never shows through a route."""
    stops = route_service.route_stops(route)
    if visible_site_ids is None:
        return stops
    return [stop for stop in stops if stop.site_id in visible_site_ids]


def zone(stop: RouteStop) -> dict:
    if stop.zone_polygon:
        return {"type": "polygon", "coordinates": stop.zone_polygon}
    return {"type": "circle", "radius_m": stop.zone_radius_m}


def stop_data(stop: RouteStop, request, language: str) -> dict:
    return {
        "position": stop.position,
        "site": site_ref(stop.site, request, language),
        "latitude": stop.lat,
        "longitude": stop.lon,
        "visit_note": localized_text(stop, "visit_note", language),
        "suggested_minutes": stop.suggested_minutes,
        "zone": zone(stop),
    }


def leg_data(start: RouteStop, end: RouteStop, step: geodesy.Leg) -> dict:
    return {
        "from": start.position,
        "to": end.position,
        "distance_m": round(step.distance_m, 1),
        "bearing_deg": round(step.bearing_deg, 2),
        "compass": geodesy.compass_point(step.bearing_deg),
    }


class ThemeSerializer(serializers.ModelSerializer):
    name = LocalizedField("name")

    class Meta:
        model = RouteTheme
        fields = ["slug", "name"]


class RouteListSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    title = LocalizedField("title")
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    themes = ThemeSerializer(many=True, read_only=True)
    stop_count = serializers.SerializerMethodField()
    length_m = serializers.SerializerMethodField()

    class Meta:
        model = Route
        fields = [
            "id",
            "slug",
            "url",
            "title",
            "institution",
            "themes",
            "stop_count",
            "length_m",
            "state",
            "updated_at",
        ]
        read_only_fields = fields

    def _stops(self, route) -> list[RouteStop]:
        return visible_stops(route, self.context.get("visible_site_ids"))

    def get_url(self, route) -> str:
        return public_url(self.context["request"], "route-detail", ref=route.public_id)

    def get_stop_count(self, route) -> int:
        return len(self._stops(route))

    def get_length_m(self, route) -> float:
        return round(route_service.route_length_m(self._stops(route)), 1)


class RouteDetailSerializer(RouteListSerializer):
    description = LocalizedField("description")
    stops = serializers.SerializerMethodField()
    legs = serializers.SerializerMethodField()
    suggested_minutes = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    pack = serializers.SerializerMethodField()
    review = serializers.SerializerMethodField()

    class Meta(RouteListSerializer.Meta):
        fields = [
            *RouteListSerializer.Meta.fields,
            "description",
            "suggested_minutes",
            "stops",
            "legs",
            "links",
            "pack",
            "review",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ReviewTrailSerializer(allow_null=True))
    def get_review(self, route):
        # Who moved it, and the reviewers' comments: for the institution's members only.
        if not may_work_on(self.context["request"].user, route):
            return None
        return ReviewTrailSerializer(route).data

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_stops(self, route):
        request, language = self.context["request"], self.context["language"]
        return [stop_data(stop, request, language) for stop in self._stops(route)]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_legs(self, route):
        return [leg_data(*item) for item in route_service.route_legs(self._stops(route))]

    def get_suggested_minutes(self, route) -> int:
        return sum(stop.suggested_minutes or 0 for stop in self._stops(route))

    @extend_schema_field(serializers.DictField(child=serializers.URLField()))
    def get_links(self, route):
        request = self.context["request"]
        base = public_url(request, "route-detail", ref=route.public_id)
        return {"geojson": f"{base}geojson/", "next": f"{base}next/", "pack": f"{base}pack/"}

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_pack(self, route):
        # Filled in by the view for published routes: the size of the asked language's pack.
        return self.context.get("pack")


class StopWriteSerializer(serializers.Serializer):
    site = serializers.SlugRelatedField(slug_field="slug", queryset=HeritageSite.objects.all())
    visit_note = TranslationsField("visit_note", required=False)
    suggested_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    zone_radius_m = serializers.IntegerField(required=False, allow_null=True)
    zone_polygon = serializers.JSONField(required=False, allow_null=True)

    def validate_site(self, site):
        request = self.context["request"]
        if not HeritageSite.objects.visible_to(request.user).filter(pk=site.pk).exists():
            raise serializers.ValidationError(f"No site '{site.slug}' that you may use here.")
        return site

    def validate(self, attrs):
        stop = RouteStop(route=Route(), position=1)
        if attrs.get("zone_radius_m") is None and attrs.get("zone_polygon") is None:
            attrs["zone_radius_m"] = 500
        validate_model(stop, attrs, exclude=["route"])
        attrs["zone_polygon"] = stop.zone_polygon
        return attrs


class RouteWriteSerializer(serializers.ModelSerializer):
    """A curator's route: the stops are given in order and replace the old ones. Its state
    changes through the workflow endpoints, never by a write."""

    title = TranslationsField("title", max_length=300)
    description = TranslationsField("description", required=False)
    institution = serializers.SlugRelatedField(
        slug_field="slug", queryset=Institution.objects.all(), help_text="One you curate."
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=RouteTheme.objects.all(), many=True, required=False
    )
    stops = StopWriteSerializer(many=True, required=False)

    class Meta:
        model = Route
        validators = []
        fields = ["slug", "title", "description", "institution", "themes", "stops"]

    def validate_institution(self, institution):
        if not _curated_institutions(self.context["request"]).filter(pk=institution.pk).exists():
            raise serializers.ValidationError(
                f"You do not curate '{institution.slug}'. Choose one of your institutions."
            )
        return institution

    def validate_stops(self, stops):
        if len(stops) > 200:
            raise serializers.ValidationError("A route has at most 200 stops.")
        return stops

    def validate(self, attrs):
        refuse_state_writes(self, self.initial_data)
        scalar = {k: v for k, v in attrs.items() if k not in ("themes", "stops")}
        instance = self.instance or Route(created_by=self.context["request"].user)
        validate_model(instance, scalar, exclude=[])
        return attrs

    def _save_stops(self, route: Route, stops: list[dict] | None) -> None:
        if stops is None:
            return
        route.stops.all().delete()
        for position, values in enumerate(stops, start=1):
            RouteStop.objects.create(route=route, position=position, **values)

    @transaction.atomic
    def create(self, validated_data):
        stops = validated_data.pop("stops", [])
        route = super().create(validated_data)
        self._save_stops(route, stops)
        return route

    @transaction.atomic
    def update(self, instance, validated_data):
        stops = validated_data.pop("stops", None)
        route = super().update(instance, validated_data)
        self._save_stops(route, stops)
        return route
