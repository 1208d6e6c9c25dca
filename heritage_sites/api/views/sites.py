"""Heritage sites: read for everyone (drafts for their stewards), write for stewards."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import JsonResponse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.reverse import reverse

from heritage_sites.api import languages, previews
from heritage_sites.api.base import CuratedRecordViewSet, curated_record_schema
from heritage_sites.api.filters import SiteFilter
from heritage_sites.api.serializers.geojson import SiteFeatureCollection
from heritage_sites.api.serializers.sites import (
    SiteDetailSerializer,
    SiteListSerializer,
    SiteWriteSerializer,
)
from heritage_sites.api.views.workflow import WorkflowActionsMixin
from heritage_sites.models import HeritageSite
from heritage_sites.services import derivatives as derivative_access


@curated_record_schema(
    listing={
        "summary": "List heritage sites",
        "description": "Published sites (and, for curators, the drafts their institutions "
        "steward), filtered, searched and paginated by cursor. With `near`, nearest first "
        "and each with `distance_km`.",
    },
    retrieve={
        "summary": "A heritage site, by public id or slug",
        "description": "With its component sites when it is a serial property. Drafts answer "
        "404 to everyone but their stewards.",
    },
    write=SiteWriteSerializer,
    detail=SiteDetailSerializer,
    create="Create a site (curators)",
    replace="Replace a site your institution stewards",
    change="Change fields of a site your institution stewards",
)
class SiteViewSet(WorkflowActionsMixin, CuratedRecordViewSet):
    filterset_class = SiteFilter
    ordering_fields = {"name": "name_en", "created": "created_at", "updated": "updated_at"}
    default_ordering = "name"
    list_serializer_class = SiteListSerializer
    detail_serializer_class = SiteDetailSerializer
    write_serializer_class = SiteWriteSerializer

    def written(self, record) -> None:
        # Publishing makes the scans' files public, withdrawing makes them private again.
        derivative_access.subject_derivatives_sync_visibility_on_commit(subject=record)

    def get_queryset(self):
        user = self.request.user
        sites = self.records_for(HeritageSite)
        # select_related("parent"): each row shows its parent's public id (one query per
        # component otherwise). prefetch countries/corridors: one query per row otherwise.
        sites = sites.select_related("parent").prefetch_related("countries", "corridors")
        if self.action == "retrieve":
            # The detail lists components the caller may see, and the stewards' slugs.
            components = HeritageSite.objects.visible_to(user).order_by("name_en", "id")
            sites = sites.prefetch_related(
                Prefetch("components", queryset=components, to_attr="visible_components"),
                "stewards",
            )
        return sites

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "page_ids", None)
        if page is not None:
            # One query each for the page's posters and 3D flags, not one per row.
            found = previews.previews(self.request, "site", page)
            context["posters"], context["with_3d"] = found.posters, found.with_3d
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self.page_ids = [site.pk for site in page]
        return page

    @extend_schema(
        summary="Sites as a GeoJSON FeatureCollection",
        description="Every site matching the filters (the same as the list's), as RFC 7946 "
        "GeoJSON: coordinates are [longitude, latitude]. Not paginated.",
        filters=True,
        responses={(200, "application/geo+json"): OpenApiResponse(SiteFeatureCollection)},
    )
    def geojson(self, request):
        sites = self.filter_queryset(self.get_queryset())
        features = []
        latest = None
        for site in sites:
            latest = site.updated_at if latest is None else max(latest, site.updated_at)
            name = languages.localized(site, "name", self.language)
            properties = {
                "id": str(site.public_id),
                "slug": site.slug,
                "name": name["value"],
                "name_lang": name["lang"],
                "name_dir": name["dir"],
                "category": site.category,
                "in_danger": site.in_danger,
                "unesco_id": site.unesco_id,
                "countries": [country.iso2 for country in site.countries.all()],
                "url": reverse(
                    "api-v1:site-detail", kwargs={"ref": site.public_id}, request=request
                ),
            }
            if getattr(site, "distance_km", None) is not None:
                properties["distance_km"] = round(site.distance_km, 3)
            features.append(
                {
                    "type": "Feature",
                    "id": str(site.public_id),
                    "geometry": {
                        "type": "Point",
                        "coordinates": [float(site.longitude), float(site.latitude)],
                    },
                    "properties": properties,
                }
            )
        self.last_modified = latest
        body = {"type": "FeatureCollection", "features": features}
        return JsonResponse(
            body, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
        )
