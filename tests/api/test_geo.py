"""Bounding boxes, nearest-first search with distances, and GeoJSON in RFC 7946 order."""

from decimal import Decimal

import pytest

from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    coords = {
        "samarkand": ("39.654", "66.975"),
        "bukhara": ("39.775", "64.428"),
        "xian": ("34.341", "108.940"),
        "fiji-east": ("-17.0", "179.5"),
        "fiji-west": ("-17.0", "-179.5"),
    }
    return {
        slug: HeritageSiteFactory(slug=slug, latitude=Decimal(lat), longitude=Decimal(lon))
        for slug, (lat, lon) in coords.items()
    }


def _slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_bbox_keeps_sites_inside_the_box(anon, places):
    assert set(_slugs(anon.get("/api/v1/sites/?bbox=60,35,70,45"))) == {"samarkand", "bukhara"}


def test_bbox_across_the_antimeridian(anon, places):
    found = set(_slugs(anon.get("/api/v1/sites/?bbox=179,-20,-179,-10")))
    assert found == {"fiji-east", "fiji-west"}


def test_near_sorts_by_distance_and_reports_it(anon, places):
    rows = anon.get("/api/v1/sites/?near=39.65,66.96&radius_km=300").json()["results"]
    assert [row["slug"] for row in rows] == ["samarkand", "bukhara"]
    assert rows[0]["distance_km"] < 2
    # Samarkand to Bukhara is about 218 km as the crow flies.
    assert 210 < rows[1]["distance_km"] < 225


def test_near_works_across_the_antimeridian(anon, places):
    rows = anon.get("/api/v1/sites/?near=-17,179.9&radius_km=200").json()["results"]
    assert {row["slug"] for row in rows} == {"fiji-east", "fiji-west"}


def test_near_walks_by_cursor(anon):
    for index in range(12):
        HeritageSiteFactory(latitude=Decimal("40.0") + Decimal(index) / 10, longitude=Decimal(60))
    seen, url = [], "/api/v1/sites/?near=40,60&radius_km=500&page_size=5"
    while url:
        body = anon.get(url).json()
        seen += [row["distance_km"] for row in body["results"]]
        url = body["next"]
    assert len(seen) == 12
    assert seen == sorted(seen)


def test_geojson_is_a_feature_collection_in_lon_lat_order(anon, places):
    response = anon.get("/api/v1/sites.geojson?bbox=60,35,70,45")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    feature = next(f for f in body["features"] if f["properties"]["slug"] == "samarkand")
    assert feature["geometry"] == {"type": "Point", "coordinates": [66.975, 39.654]}
    assert feature["id"] == str(places["samarkand"].public_id)
    assert len(body["features"]) == 2


def test_geojson_speaks_the_asked_language(anon):
    HeritageSiteFactory(name_en="Samarkand", name_ar="سمرقند")
    response = anon.get("/api/v1/sites.geojson?lang=ar")
    properties = response.json()["features"][0]["properties"]
    assert (properties["name"], properties["name_lang"], properties["name_dir"]) == (
        "سمرقند",
        "ar",
        "rtl",
    )
    assert response["Content-Language"] == "ar"
