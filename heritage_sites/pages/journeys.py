"""Route and exhibition pages (and the journey data the artefact page maps)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse

from heritage_sites import geodesy
from heritage_sites.api.serializers.exhibitions import exhibition_sections
from heritage_sites.models import Artefact, Exhibition, HeritageSite, PublicationState, Route
from heritage_sites.pages import text
from heritage_sites.pages.render import map_settings, render_page
from heritage_sites.pages.tombstones import gone_or_404
from heritage_sites.services import exhibitions as exhibition_service
from heritage_sites.services import routes as route_service
from heritage_sites.services.journeys import journey_geojson

VISITOR = AnonymousUser()  # pages show published content only, whoever is signed in


def _published_stops(route: Route):
    return [
        stop
        for stop in route_service.route_stops(route)
        if stop.site.state == PublicationState.PUBLISHED
    ]


def route_list(request: HttpRequest) -> HttpResponse:
    routes = list(route_service.routes_with_stops(Route.objects.published()).order_by("slug"))
    for route in routes:
        stops = _published_stops(route)
        route.stop_total = len(stops)
        route.length_km = route_service.route_length_m(stops) / 1000
    return render_page(request, "heritage_sites/route_list.html", {"routes": routes})


def route_detail(request: HttpRequest, slug: str) -> HttpResponse:
    route = route_service.routes_with_stops(Route.objects.published()).filter(slug=slug).first()
    if route is None:
        return gone_or_404(request, Route, slug=slug)
    language = text.current_language()
    stops = _published_stops(route)
    legs = [
        {
            "start": start,
            "end": end,
            "km": step.distance_m / 1000,
            "compass": geodesy.compass_point(step.bearing_deg),
            "bearing": round(step.bearing_deg),
        }
        for start, end, step in route_service.route_legs(stops)
    ]
    context = {
        "route": route,
        "stops": stops,
        "legs": legs,
        "length_km": sum(leg["km"] for leg in legs),
        "minutes": sum(stop.suggested_minutes or 0 for stop in stops),
        "page_title": text.localized(route, "title")["value"],
        "map_data": {
            **map_settings(),
            "geojson": route_service.route_geojson(route, stops, language),
        },
    }
    return render_page(request, "heritage_sites/route_detail.html", context)


def exhibition_list(request: HttpRequest) -> HttpResponse:
    exhibitions = Exhibition.objects.published().prefetch_related("institutions").order_by("slug")
    return render_page(
        request, "heritage_sites/exhibition_list.html", {"exhibitions": list(exhibitions)}
    )


def exhibition_detail(request: HttpRequest, slug: str) -> HttpResponse:
    published = exhibition_service.exhibitions_with_content(Exhibition.objects.published())
    exhibition = published.filter(slug=slug).first()
    if exhibition is None:
        return gone_or_404(request, Exhibition, slug=slug)
    visible = exhibition_service.visible_for(VISITOR, exhibition)
    sections = exhibition_sections(exhibition, visible, request, text.current_language())
    context = {
        "exhibition": exhibition,
        "sections": sections,
        "page_title": text.localized(exhibition, "title")["value"],
    }
    return render_page(request, "heritage_sites/exhibition_detail.html", context, viewer=True)


def artefact_journey(artefact: Artefact) -> dict | None:
    """The GeoJSON the artefact page draws, or None when the artefact has no journey."""
    data = journey_geojson(
        artefact, visible_sites=HeritageSite.objects.published(), language=text.current_language()
    )
    return data if data["features"] else None
