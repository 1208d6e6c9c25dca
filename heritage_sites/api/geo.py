"""Bounding boxes and great-circle distance as ORM expressions (SQLite and PostgreSQL alike)."""

from __future__ import annotations

import math

from django import forms
from django.db.models import F, FloatField, Q, Value
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


def in_bbox(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> Q:
    latitude = Q(latitude__gte=min_lat, latitude__lte=max_lat)
    if min_lon <= max_lon:
        return latitude & Q(longitude__gte=min_lon, longitude__lte=max_lon)
    # A box across the antimeridian (minlon 170, maxlon -170) wraps around.
    return latitude & (Q(longitude__gte=min_lon) | Q(longitude__lte=max_lon))


def around(lat: float, lon: float, radius_km: float) -> Q:
    """A cheap box that holds the circle, so the exact distance is computed on few rows."""
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    condition = Q(latitude__gte=max(-90.0, lat - dlat), latitude__lte=min(90.0, lat + dlat))
    cos_lat = math.cos(math.radians(lat))
    if lat - dlat <= -90 or lat + dlat >= 90 or cos_lat < 1e-6:
        return condition  # the circle holds a pole: every longitude
    dlon = math.degrees(radius_km / (EARTH_RADIUS_KM * cos_lat))
    if dlon >= 180:
        return condition
    return condition & in_bbox(
        ((lon - dlon + 180) % 360) - 180, -90, ((lon + dlon + 180) % 360) - 180, 90
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
