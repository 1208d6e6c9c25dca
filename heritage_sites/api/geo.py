"""Bounding boxes and great-circle distance as ORM expressions (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import math

from django import forms
from django.db.models import F, FloatField, Lookup, Q, Value
from django.db.models.expressions import ExpressionList
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088
MAX_RADIUS_KM = 20_038.0  # half the equator: everything on Earth is within this distance


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise forms.ValidationError(f"{what} '{text.strip()[:20]}' is not a number.") from None
    if not math.isfinite(value):
        raise forms.ValidationError(f"{what} must be a finite number.")
    return value


def _check_lat(value: float, what: str) -> None:
    if not -90 <= value <= 90:
        raise forms.ValidationError(f"{what} must be between -90 and 90 (got {value:g}).")


def _check_lon(value: float, what: str) -> None:
    if not -180 <= value <= 180:
        raise forms.ValidationError(f"{what} must be between -180 and 180 (got {value:g}).")


class BBoxField(forms.CharField):
    """``minlon,minlat,maxlon,maxlat`` (WGS84 degrees, the order of RFC 7946)."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parts = value.split(",")
        if len(parts) != 4:
            raise forms.ValidationError(
                "Give four numbers separated by commas: minlon,minlat,maxlon,maxlat "
                "(for example 55,35,75,45)."
            )
        names = ("minlon", "minlat", "maxlon", "maxlat")
        min_lon, min_lat, max_lon, max_lat = (
            _number(part, name) for part, name in zip(parts, names, strict=True)
        )
        _check_lon(min_lon, "minlon")
        _check_lon(max_lon, "maxlon")
        _check_lat(min_lat, "minlat")
        _check_lat(max_lat, "maxlat")
        if min_lat > max_lat:
            raise forms.ValidationError("minlat is north of maxlat: swap the two latitudes.")
        return min_lon, min_lat, max_lon, max_lat


class PointField(forms.CharField):
    """``lat,lon`` in degrees."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        parts = value.split(",")
        if len(parts) != 2:
            raise forms.ValidationError("Give latitude and longitude: lat,lon (e.g. 39.65,66.96).")
        lat, lon = _number(parts[0], "Latitude"), _number(parts[1], "Longitude")
        _check_lat(lat, "Latitude")
        _check_lon(lon, "Longitude")
        return lat, lon


# Rows whose point lies within this many degrees of a box are read from the spatial index and
# then tested exactly: the index stores floats (32-bit in SQLite's R*Tree, rounded outwards),
# the columns are decimals, and the exact test on the columns has the last word.
INDEX_MARGIN_DEG = 1e-5
Box = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat, not wrapped


class InIndexedBoxes(Lookup):
    """True for rows whose point may lie in one of the boxes, asked of the spatial index
    (migration 0019_spatial_indexes_of_sites): a GiST index on ``point(longitude, latitude)``
    on PostgreSQL, an R*Tree table kept in step by triggers on SQLite. A superset of the rows
    inside; pair it with the exact condition on the columns.

    A lookup rather than a plain expression: SQLite has no boolean type, and Django would
    write any other condition as ``(...) = true``, which no index serves."""

    lookup_name = "in_indexed_boxes"
    prepare_rhs = False

    def __init__(self, boxes: list[Box]):
        margin = INDEX_MARGIN_DEG
        widened = [
            (min_lon - margin, min_lat - margin, max_lon + margin, max_lat + margin)
            for min_lon, min_lat, max_lon, max_lat in boxes
        ]
        super().__init__(ExpressionList(F("pk"), F("longitude"), F("latitude")), widened)

    def _columns(self, compiler) -> list[str]:
        return [compiler.compile(column)[0] for column in self.lhs.get_source_expressions()]

    def as_sql(self, compiler, connection):
        # A database without a spatial index of ours: the exact condition does all the work.
        return "(1 = 1)", []

    def as_postgresql(self, compiler, connection):
        _pk, longitude, latitude = self._columns(compiler)
        # The expression of the index, written the same way so the planner matches it.
        point = POSTGRES_POINT.format(longitude=longitude, latitude=latitude)
        tests = [f"{point} <@ box(point(%s, %s), point(%s, %s))" for _box in self.rhs]
        return "(" + " OR ".join(tests) + ")", [value for box in self.rhs for value in box]

    def as_sqlite(self, compiler, connection):
        pk = self._columns(compiler)[0]
        # Overlap with the box: the R*Tree rounds each stored point outwards to a tiny box.
        tests = " OR ".join(
            "(max_lon >= %s AND min_lon <= %s AND max_lat >= %s AND min_lat <= %s)"
            for _box in self.rhs
        )
        params = []
        for min_lon, min_lat, max_lon, max_lat in self.rhs:
            params += [min_lon, max_lon, min_lat, max_lat]
        return f"{pk} IN (SELECT id FROM {SQLITE_RTREE} WHERE {tests})", params


# The spatial index of sites, named once for the migration and the query.
POSTGRES_POINT = "point(({longitude})::double precision, ({latitude})::double precision)"
POSTGRES_INDEX = "heritage_sites_heritagesite_point_gist"
SQLITE_RTREE = "heritage_sites_heritagesite_rtree"


def _boxes(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> list[Box]:
    if min_lon <= max_lon:
        return [(min_lon, min_lat, max_lon, max_lat)]
    # A box across the antimeridian (minlon 170, maxlon -170): one box on each side.
    return [(min_lon, min_lat, 180.0, max_lat), (-180.0, min_lat, max_lon, max_lat)]


def _exact_bbox(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> Q:
    latitude = Q(latitude__gte=min_lat, latitude__lte=max_lat)
    if min_lon <= max_lon:
        return latitude & Q(longitude__gte=min_lon, longitude__lte=max_lon)
    # A box across the antimeridian (minlon 170, maxlon -170) wraps around.
    return latitude & (Q(longitude__gte=min_lon) | Q(longitude__lte=max_lon))


def in_bbox(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> Q:
    """Sites in the box, found through the spatial index, decided on the columns."""
    return Q(InIndexedBoxes(_boxes(min_lon, min_lat, max_lon, max_lat))) & _exact_bbox(
        min_lon, min_lat, max_lon, max_lat
    )


def around(lat: float, lon: float, radius_km: float) -> Q:
    """A cheap box that holds the circle, so the exact distance is computed on few rows."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    condition = Q(latitude__gte=south, latitude__lte=north)
    cos_lat = math.cos(math.radians(lat))
    holds_pole = lat - dlat <= -90 or lat + dlat >= 90 or cos_lat < 1e-6
    dlon = 180.0 if holds_pole else math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat))
    if dlon >= 180:
        # The circle holds a pole, or is wider than the Earth at this latitude: every longitude.
        return Q(InIndexedBoxes([(-180.0, south, 180.0, north)])) & condition
    west, east = ((lon - dlon + 180) % 360) - 180, ((lon + dlon + 180) % 360) - 180
    return (
        Q(InIndexedBoxes(_boxes(west, south, east, north)))
        & condition
        & _exact_bbox(west, -90, east, 90)
    )


def distance_km(lat: float, lon: float):
    """Haversine distance in km from (lat, lon) to each row's latitude/longitude."""
    row_lat = Radians(Cast(F("latitude"), FloatField()))
    row_lon = Radians(Cast(F("longitude"), FloatField()))
    lat0, lon0 = math.radians(lat), math.radians(lon)
    half_dlat = (row_lat - Value(lat0)) / Value(2.0)
    half_dlon = (row_lon - Value(lon0)) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Value(math.cos(lat0)) * Cos(row_lat) * Power(Sin(half_dlon), 2)
    # Least(): rounding can push sqrt(a) a hair above 1, outside asin's domain.
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Sqrt(a), Value(1.0)), output_field=FloatField())
