"""A relic's journey: its provenance events as GeoJSON, for the artefact page's map."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.views import APIView

from heritage_sites.api.base import MuseumAPIMixin
from heritage_sites.models import Artefact, HeritageSite
from heritage_sites.services.journeys import artefact_lookup, journey_geojson


class JourneyView(MuseumAPIMixin, APIView):
    """``GET /api/v1/artefacts/{ref}/journey/``"""

    @extend_schema(
        summary="The artefact's journey as GeoJSON",
        description="Provenance events in order (made at, traded through, excavated at, now "
        "held by), each a Point with its dates, and a LineString through them. Events at "
        "sites the caller may not see are left out.",
        responses={(200, "application/geo+json"): OpenApiResponse(OpenApiTypes.OBJECT)},
        tags=["artefacts"],
    )
    def get(self, request, ref: str):
        artefacts = Artefact.objects.visible_to(request.user)
        artefact = get_object_or_404(artefacts, **artefact_lookup(ref))
        visible_sites = HeritageSite.objects.visible_to(request.user)
        body = journey_geojson(artefact, visible_sites=visible_sites, language=self.language)
        return JsonResponse(
            body, content_type="application/geo+json", json_dumps_params={"ensure_ascii": False}
        )
