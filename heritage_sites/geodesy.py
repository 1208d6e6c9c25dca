"""Great-circle geometry on a spherical Earth: distances, bearings and trigger zones.

Pure functions of degrees (no Django), right across the antimeridian and near the poles: the
haversine is computed with ``atan2`` (no loss for antipodal points), bearings with ``atan2``
of the spherical formula, and polygons are tested in a frame centred on the visitor's
longitude so a zone spanning 180 degrees is not read as spanning the whole globe.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# The IUGG mean Earth radius, the one the API's ORM distance uses (api/geo.py).
EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Leg:
    """From one stop to the next: great-circle distance (metres) and initial bearing."""

    distance_m: float
    bearing_deg: float


def _check(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise ValueError("Coordinates must be finite numbers.")
    if not -90 <= lat <= 90:
        raise ValueError(f"Latitude must be between -90 and 90 (got {lat:g}).")
    if not -180 <= lon <= 180:
        raise ValueError(f"Longitude must be between -180 and 180 (got {lon:g}).")


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, atan2 form)."""
    _check(lat1, lon1)
    _check(lat2, lon2)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    a = min(1.0, max(0.0, a))
    return 2 * EARTH_RADIUS_M * math.atan2(math.sqrt(a), math.sqrt(1 - a))


def initial_bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from point 1 towards point 2, degrees clockwise from true north [0, 360).

    From a pole every direction is south (or north): the bearing is then measured as the
    meridian of the destination, the usual convention (0 for the same point).
    """
    _check(lat1, lon1)
    _check(lat2, lon2)
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_lambda = math.radians(lon2 - lon1)
    if lat1 == 90:
        return 180.0
    if lat1 == -90:
        return 0.0
    y = math.sin(d_lambda) * math.cos(phi2)
    x = math.cos(phi1) * math.sin(phi2) - math.sin(phi1) * math.cos(phi2) * math.cos(d_lambda)
    if abs(x) < 1e-15 and abs(y) < 1e-15:
        return 0.0
    return math.degrees(math.atan2(y, x)) % 360.0


def leg(lat1: float, lon1: float, lat2: float, lon2: float) -> Leg:
    return Leg(
        distance_m=distance_m(lat1, lon1, lat2, lon2),
        bearing_deg=initial_bearing_deg(lat1, lon1, lat2, lon2),
    )


def compass_point(bearing: float) -> str:
    """The nearest of the 8 compass points ("N", "NE", ...) for a bearing in degrees."""
    points = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")
    return points[round((bearing % 360) / 45) % 8]


def in_circle(lat: float, lon: float, centre_lat: float, centre_lon: float, radius_m: float):
    return distance_m(lat, lon, centre_lat, centre_lon) <= radius_m


def in_polygon(lat: float, lon: float, ring: Sequence[Sequence[float]]) -> bool:
    """Whether the point is inside the ring of ``[lon, lat]`` vertices (GeoJSON order).

    Ray casting in a plane where the ring's longitudes are made continuous (each vertex within
    180 degrees of the one before) and the point is moved by whole turns next to the ring, so
    a small zone astride the antimeridian works. A ring around a pole is not supported (zones
    are a few kilometres across, never a polar cap).
    """
    _check(lat, lon)
    points: list[tuple[float, float]] = []
    for vertex in ring:
        x = float(vertex[0])
        if points:
            x = _unwrap(x, points[-1][0])
        points.append((x, float(vertex[1])))
    if not points:
        return False
    centre = sum(x for x, _y in points) / len(points)
    lon = _unwrap(lon, centre)
    inside = False
    if len(points) > 1 and points[0] == points[-1]:
        points = points[:-1]
    count = len(points)
    for i in range(count):
        x1, y1 = points[i]
        x2, y2 = points[(i + 1) % count]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def _unwrap(value: float, around: float) -> float:
    """The longitude equal to ``value`` modulo 360 that is nearest to ``around``."""
    return around + ((value - around + 180.0) % 360.0) - 180.0


def check_ring(ring) -> list[list[float]]:
    """A closed GeoJSON ring of [lon, lat] pairs, or ValueError saying what is wrong."""
    if not isinstance(ring, list) or len(ring) < 3:
        raise ValueError("A zone polygon needs at least three [longitude, latitude] points.")
    clean = []
    for number, vertex in enumerate(ring, start=1):
        if (
            not isinstance(vertex, list | tuple)
            or len(vertex) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in vertex)
        ):
            raise ValueError(f"Point {number} of the polygon is not a [longitude, latitude] pair.")
        lon, lat = float(vertex[0]), float(vertex[1])
        try:
            _check(lat, lon)
        except ValueError as exc:
            raise ValueError(f"Point {number} of the polygon: {exc}") from None
        clean.append([lon, lat])
    if clean[0] != clean[-1]:
        clean.append(list(clean[0]))
    if len(clean) < 4:
        raise ValueError("A zone polygon needs at least three distinct points.")
    return clean
