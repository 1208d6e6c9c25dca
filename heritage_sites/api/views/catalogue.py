"""API v1: the index and the vocabularies (countries, institutions, corridors, materials).

Sites, artefacts, scans and direct uploads have their own modules beside this one.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from heritage_sites.api import languages
from heritage_sites.api.base import MuseumAPIMixin, MuseumViewSetMixin
from heritage_sites.api.serializers.catalogue import (
    CorridorSerializer,
    CountrySerializer,
    InstitutionSerializer,
    MaterialSerializer,
)
from heritage_sites.models import Corridor, Country, Institution, Material


class IndexView(MuseumAPIMixin, APIView):
    """Where everything is: the endpoints of API v1, its schema and documentation."""

    @extend_schema(
        operation_id="index",
        responses=inline_serializer(
            "Index",
            {
                "version": serializers.CharField(),
                "endpoints": serializers.DictField(child=serializers.URLField()),
                "uploads": serializers.DictField(child=serializers.URLField()),
                "workflow": serializers.DictField(child=serializers.URLField()),
                "languages": serializers.ListField(child=serializers.CharField()),
                "schema": serializers.URLField(),
                "docs": serializers.URLField(),
            },
        ),
    )
    def get(self, request):
        def url(name):
            return reverse(name, request=request)

        return Response(
            {
                "version": "v1",
                "endpoints": {
                    "countries": url("api-v1:country-list"),
                    "institutions": url("api-v1:institution-list"),
                    "corridors": url("api-v1:corridor-list"),
                    "materials": url("api-v1:material-list"),
                    "sites": url("api-v1:site-list"),
                    "sites_geojson": url("api-v1:site-geojson"),
                    "artefacts": url("api-v1:artefact-list"),
                    "scans": url("api-v1:scan-list"),
                    "routes": url("api-v1:route-list"),
                    "exhibitions": url("api-v1:exhibition-list"),
                },
                # POST only: direct uploads to object storage (curators).
                "uploads": {
                    "start": url("api-v1:scan-upload-start"),
                    "complete": url("api-v1:scan-upload-complete"),
                    "abort": url("api-v1:scan-upload-abort"),
                },
                # Curators and reviewers: the review queue (transitions are on each record).
                "workflow": {
                    "review_queue": url("api-v1:review-queue"),
                    "access_requests": url("api-v1:access-request-list"),
                },
                "languages": [languages.bcp47(code) for code in languages.supported_codes()],
                "schema": url("api-schema"),
                "docs": url("api-docs"),
            }
        )


@extend_schema_view(
    list=extend_schema(summary="List countries", description="Every country on the routes."),
    retrieve=extend_schema(summary="A country, by ISO 3166-1 alpha-2 code"),
)
class CountryViewSet(MuseumViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CountrySerializer
    queryset = Country.objects.all()
    slug_lookup = "iso2"
    uuid_lookup = None
    ordering_fields = {"iso2": "iso2", "name": "name_en"}
    default_ordering = "iso2"


@extend_schema_view(
    list=extend_schema(summary="List institutions"),
    retrieve=extend_schema(summary="An institution, by slug or public id"),
)
class InstitutionViewSet(MuseumViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = InstitutionSerializer
    ordering_fields = {"name": "name_en", "created": "created_at", "updated": "updated_at"}
    default_ordering = "name"

    def get_queryset(self):
        # select_related: each row shows its country's code; without it, one query per row.
        return Institution.objects.select_related("country")


@extend_schema_view(
    list=extend_schema(summary="List corridors of the Silk Roads"),
    retrieve=extend_schema(summary="A corridor, by slug"),
)
class CorridorViewSet(MuseumViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CorridorSerializer
    queryset = Corridor.objects.all()
    uuid_lookup = None
    ordering_fields = {"name": "name_en", "slug": "slug"}
    default_ordering = "name"


@extend_schema_view(
    list=extend_schema(summary="List materials"),
    retrieve=extend_schema(summary="A material, by slug"),
)
class MaterialViewSet(MuseumViewSetMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MaterialSerializer
    queryset = Material.objects.all()
    uuid_lookup = None
    ordering_fields = {"name": "name_en", "slug": "slug"}
    default_ordering = "name"
