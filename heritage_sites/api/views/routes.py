"""Routes: read for everyone (drafts for their institution), write for its curators; the
GeoJSON of a route and the next stop for a visitor on the road."""

from __future__ import annotations

from django import forms
from django.http import JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from heritage_sites import geodesy
from heritage_sites.api.base import CuratedRecordViewSet, curated_record_schema
from heritage_sites.api.filters import RouteFilter
from heritage_sites.api.serializers.routes import (
    RouteDetailSerializer,
    RouteListSerializer,
    RouteWriteSerializer,
    localized_text,
    stop_data,
    visible_stops,
)
from heritage_sites.api.views.packs import PackActionsMixin, PackQuery
from heritage_sites.api.views.workflow import WorkflowActionsMixin
from heritage_sites.models import HeritageSite, Route
from heritage_sites.services import routes as route_service


class NextQuery(forms.Form):
    lat = forms.FloatField(min_value=-90, max_value=90)
    lon = forms.FloatField(min_value=-180, max_value=180)
    visited = forms.CharField(required=False, max_length=2000)


@curated_record_schema(
    listing={"summary": "List routes"},
    retrieve={
        "summary": "A route with its stops, legs and trigger zones",
        "description": "Distances in metres along great circles, initial bearings in degrees "
        "from true north. Drafts answer 404 to everyone but their institution's members; a "
        "withdrawn route answers 410 with its tombstone.",
    },
    write=RouteWriteSerializer,
    detail=RouteDetailSerializer,
    create="Create a route (curators)",
    replace="Replace a route of your institution",
    change="Change fields of a route of your institution",
    tags=["routes"],
)
class RouteViewSet(WorkflowActionsMixin, PackActionsMixin, CuratedRecordViewSet):
    filterset_class = RouteFilter
    action_parameters = {
        "next_stop": set(NextQuery.base_fields),
        "pack": set(PackQuery.base_fields),
    }
    ordering_fields = {"slug": "slug", "created": "created_at", "updated": "updated_at"}
    default_ordering = "slug"
    list_serializer_class = RouteListSerializer
    detail_serializer_class = RouteDetailSerializer
    write_serializer_class = RouteWriteSerializer

    def get_queryset(self):
        routes = self.records_for(Route)
        # Stops with their sites and the themes in one query each, not one per route.
        return route_service.routes_with_stops(routes)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["visible_site_ids"] = self.visible_site_ids()
        return context

    def visible_site_ids(self) -> set[int] | None:
        # A stop at a draft site is left out for those who may not see the site.
        if not hasattr(self, "_visible_site_ids"):
            self._visible_site_ids = set(
                HeritageSite.objects.visible_to(self.request.user).values_list("pk", flat=True)
            )
        return self._visible_site_ids

    def retrieve(self, request, *args, **kwargs):
        route = self.get_object()
        context = {**self.get_serializer_context(), "pack": self.ready_pack_summary(route)}
        return Response(RouteDetailSerializer(route, context=context).data)

    def route_and_stops(self):
        route = self.get_object()
        return route, visible_stops(route, self.visible_site_ids())

    @extend_schema(
        summary="A route as a GeoJSON FeatureCollection",
        description="The line, the stops (numbered) and their trigger zones (a circle is drawn "
        "as a 64-sided polygon; its radius is in the properties).",
        responses={(200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
        tags=["routes"],
    )
    @action(detail=True, methods=["get"], url_path="geojson")
    def geojson(self, request, ref=None):
        route, stops = self.route_and_stops()
        return JsonResponse(
            route_service.route_geojson(route, stops, self.language),
            content_type="application/geo+json",
            json_dumps_params={"ensure_ascii": False},
        )

    @extend_schema(
        summary="The next stop for a visitor at a position",
        description="The first stop not yet visited (and not the one the visitor stands in), "
        "with the distance in metres and the initial bearing to it, the stop whose trigger "
        "zone the visitor is inside (if any), and both stops' texts in the asked language.",
        parameters=[
            OpenApiParameter("lat", float, required=True, description="Latitude, WGS84."),
            OpenApiParameter("lon", float, required=True, description="Longitude, WGS84."),
            OpenApiParameter(
                "visited",
                str,
                description="Stops already seen: numbers or site slugs, "
                "comma-separated (e.g. 1,2).",
            ),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT)},
        tags=["routes"],
    )
    @action(detail=True, methods=["get"], url_path="next")
    def next_stop(self, request, ref=None):
        query = NextQuery(request.query_params)
        if not query.is_valid():
            raise ValidationError(
                {name: [str(e) for e in errors] for name, errors in query.errors.items()}
            )
        _route, stops = self.route_and_stops()
        lat, lon = query.cleaned_data["lat"], query.cleaned_data["lon"]
        try:
            visited = route_service.parse_visited(query.cleaned_data["visited"], stops)
        except ValueError as exc:
            raise ValidationError({"visited": [str(exc)]}) from None
        found = route_service.route_next(stops, lat=lat, lon=lon, visited=visited)

        def describe(stop):
            if stop is None:
                return None
            data = stop_data(stop, request, self.language)
            data["text"] = localized_text(stop, "visit_note", self.language)
            data["site_description"] = localized_text(stop.site, "description", self.language)
            return data

        body = {
            "position": {"latitude": lat, "longitude": lon},
            "inside": describe(found.inside),
            "next": describe(found.next),
            "distance_m": None if found.distance_m is None else round(found.distance_m, 1),
            "bearing_deg": None if found.bearing_deg is None else round(found.bearing_deg, 2),
            "compass": None
            if found.bearing_deg is None
            else geodesy.compass_point(found.bearing_deg),
            "remaining": found.remaining,
            "finished": found.next is None,
        }
        response = Response(body)
        # A position is personal: never kept by a shared cache.
        response["Cache-Control"] = "private, no-store"
        return response
