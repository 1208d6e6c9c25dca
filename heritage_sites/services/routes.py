"""Routes: legs, total length, GeoJSON and the next stop for a visitor on the road.

Everything here reads; writes to routes go through the API's serializers and the admin, as
for sites and artefacts. The geometry is in heritage_sites/geodesy.py.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Prefetch

from heritage_sites import geodesy
from heritage_sites.api import languages
from heritage_sites.models import Route, RouteStop


def route_stops(route: Route) -> list[RouteStop]:
    """The stops in order, with their sites (prefetched when the caller did)."""
    cached = getattr(route, "ordered_stops", None)
    if cached is not None:
        return list(cached)
    return list(route.stops.select_related("site").order_by("position"))


def routes_with_stops(routes):
    """Prefetch stops and their sites: one query for all stops instead of one per route."""
    stops = RouteStop.objects.select_related("site").order_by("position")
    return routes.prefetch_related(
        Prefetch("stops", queryset=stops, to_attr="ordered_stops"), "themes"
    ).select_related("institution")


def route_legs(stops: Sequence[RouteStop]) -> list[tuple[RouteStop, RouteStop, geodesy.Leg]]:
    return [
        (start, end, geodesy.leg(start.lat, start.lon, end.lat, end.lon))
        for start, end in itertools.pairwise(stops)
    ]


def route_length_m(stops: Sequence[RouteStop]) -> float:
    return sum(step.distance_m for _start, _end, step in route_legs(stops))


def zone_geometry(stop: RouteStop) -> dict:
    """The stop's trigger zone as a GeoJSON geometry (a circle as a 64-sided polygon)."""
    if stop.zone_polygon:
        return {"type": "Polygon", "coordinates": [stop.zone_polygon]}
    return {"type": "Polygon", "coordinates": [circle_ring(stop.lat, stop.lon, stop.zone_radius_m)]}


def circle_ring(lat: float, lon: float, radius_m: float, sides: int = 64) -> list[list[float]]:
    """Points at ``radius_m`` from the centre (destination formula), closed, [lon, lat].

    Longitudes stay continuous around the centre's, so a zone on the antimeridian is drawn as
    a small ring rather than a band around the world.
    """
    phi1, lambda1 = math.radians(lat), math.radians(lon)
    delta = radius_m / geodesy.EARTH_RADIUS_M
    ring = []
    for i in range(sides):
        theta = 2 * math.pi * i / sides
        phi2 = math.asin(
            math.sin(phi1) * math.cos(delta) + math.cos(phi1) * math.sin(delta) * math.cos(theta)
        )
        lambda2 = lambda1 + math.atan2(
            math.sin(theta) * math.sin(delta) * math.cos(phi1),
            math.cos(delta) - math.sin(phi1) * math.sin(phi2),
        )
        ring.append([round(math.degrees(lambda2), 6), round(math.degrees(phi2), 6)])
    ring.append(list(ring[0]))
    return ring


def line_coordinates(stops: Sequence[RouteStop]) -> list[list[float]]:
    """The route's line, [lon, lat]; longitudes continue past +-180 so a map draws the short
    way across the antimeridian instead of around the world (RFC 7946 3.1.9 allows either)."""
    coordinates: list[list[float]] = []
    for stop in stops:
        lon = stop.lon
        if coordinates:
            previous = coordinates[-1][0]
            lon = previous + ((lon - previous + 180.0) % 360.0) - 180.0
        coordinates.append([lon, stop.lat])
    return coordinates


@dataclass(frozen=True)
class NextStop:
    """Where a visitor at (lat, lon) stands on the route and where to go next."""

    inside: RouteStop | None
    next: RouteStop | None
    distance_m: float | None
    bearing_deg: float | None
    remaining: int


def route_next(
    stops: Sequence[RouteStop], *, lat: float, lon: float, visited: Iterable[int] = ()
) -> NextStop:
    """The first stop in order not yet visited and not the one the visitor stands in.

    ``visited`` holds stop positions. A visitor inside a stop's zone is "at" that stop: the
    next stop is then the one after it, so a guide can show both.
    """
    visited = set(visited)
    inside = next((stop for stop in stops if stop.contains(lat, lon)), None)
    done = visited | ({inside.position} if inside else set())
    remaining = [stop for stop in stops if stop.position not in done]
    if inside is not None:
        # Stops before the one the visitor stands in are passed, visited or not.
        later = [stop for stop in remaining if stop.position > inside.position]
        remaining = later or remaining
    target = remaining[0] if remaining else None
    if target is None:
        return NextStop(inside=inside, next=None, distance_m=None, bearing_deg=None, remaining=0)
    step = geodesy.leg(lat, lon, target.lat, target.lon)
    return NextStop(
        inside=inside,
        next=target,
        distance_m=step.distance_m,
        bearing_deg=step.bearing_deg,
        remaining=len(remaining),
    )


def parse_visited(value: str, stops: Sequence[RouteStop]) -> set[int]:
    """``visited=1,2`` (stop positions) or site slugs; ValueError naming what is unknown."""
    if not value.strip():
        return set()
    by_slug = {stop.site.slug: stop.position for stop in stops}
    positions = {stop.position for stop in stops}
    visited = set()
    for part in (piece.strip() for piece in value.split(",")):
        if not part:
            continue
        if part.isdigit() and int(part) in positions:
            visited.add(int(part))
        elif part in by_slug:
            visited.add(by_slug[part])
        else:
            raise ValueError(
                f"'{part[:40]}' is not a stop of this route: give stop numbers "
                f"(1 to {max(positions, default=0)}) or site slugs, separated by commas."
            )
    return visited


def route_geojson(route: Route, stops: Sequence[RouteStop], language: str) -> dict:
    """The route as an RFC 7946 FeatureCollection: the line, each stop, each trigger zone."""
    features = []
    if len(stops) > 1:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": line_coordinates(stops)},
                "properties": {
                    "kind": "line",
                    "title": languages.localized(route, "title", language),
                    "length_m": round(route_length_m(stops), 1),
                },
            }
        )
    for stop in stops:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [stop.lon, stop.lat]},
                "properties": {
                    "kind": "stop",
                    "position": stop.position,
                    "site": stop.site.slug,
                    "name": languages.localized(stop.site, "name", language),
                    "visit_note": languages.localized(stop, "visit_note", language),
                    "suggested_minutes": stop.suggested_minutes,
                },
            }
        )
        zone = {"kind": "zone", "position": stop.position}
        zone["shape"] = "polygon" if stop.zone_polygon else "circle"
        if not stop.zone_polygon:
            zone["radius_m"] = stop.zone_radius_m
        features.append({"type": "Feature", "geometry": zone_geometry(stop), "properties": zone})
    return {"type": "FeatureCollection", "features": features}
