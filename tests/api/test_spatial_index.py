"""The spatial index behind `bbox` and `near`: the same rows as the exact test on the columns,
across the antimeridian, at the poles and on the edges of a box, and, on SQLite, an R*Tree
that follows every write of a site's coordinates."""

import random
from decimal import Decimal

import pytest
from django.db import connection

from heritage_sites.api import geo
from heritage_sites.models import HeritageSite
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db

EDGE_POINTS = [
    ("90", "0"),
    ("-90", "45"),
    ("89.99", "179.999999"),
    ("89.99", "-179.999999"),
    ("-17", "180"),
    ("-17", "-180"),
    ("-17", "179.5"),
    ("-17", "-179.5"),
    ("35", "80"),
    ("35.000001", "80"),
    ("34.999999", "79.999999"),
    ("0", "0"),
    ("-0.000001", "-0.000001"),
]

BOXES = [
    (79.8, 34.8, 80.2, 35.2),
    (80, 35, 80, 35),  # a box that is one point: the sites exactly on it
    (79.999999, 34.999999, 80.0, 35.000001),
    (179, -20, -179, -10),  # across the antimeridian
    (180, -20, -180, -10),
    (-180, -90, 180, 90),  # the whole Earth
    (170, 80, -170, 90),  # across the antimeridian at the north pole
    (-1e-6, -1e-6, 0, 0),
    (0.0000004, 0, 1, 1),  # finer than the columns' six decimals
]

CIRCLES = [
    (35, 80, 25),
    (89.95, 0, 50),  # holds the north pole: every longitude
    (-89.999, 10, 1),
    (80, 179.9, 300),  # high latitude, across the antimeridian
    (-17, 179.9, 200),
    (0, 0, 0),
    (35, 80, 0.0001),
    (10, -170, 20_038),  # the whole Earth
]


@pytest.fixture
def scattered():
    # Edge points and a random scatter, with a fixed seed so a failure repeats.
    rng = random.Random(19)
    points = list(EDGE_POINTS)
    for _ in range(300):
        points.append((f"{rng.uniform(-90, 90):.6f}", f"{rng.uniform(-180, 180):.6f}"))
    for _ in range(100):  # crowded around the boxes' edges
        points.append((f"{rng.uniform(34.7, 35.3):.6f}", f"{rng.uniform(79.7, 80.3):.6f}"))
    HeritageSite.objects.bulk_create(
        HeritageSite(
            slug=f"point-{number}",
            name_en=f"Point {number}",
            latitude=Decimal(lat),
            longitude=Decimal(lon),
            state="published",
        )
        for number, (lat, lon) in enumerate(points)
    )


def _ids(condition) -> list[int]:
    return list(HeritageSite.objects.filter(condition).order_by("id").values_list("id", flat=True))


@pytest.mark.parametrize("box", BOXES)
def test_bbox_through_the_index_finds_what_the_columns_say(scattered, box):
    assert _ids(geo.in_bbox(*box)) == _ids(geo._exact_bbox(*box))


@pytest.mark.parametrize("circle", CIRCLES)
def test_near_through_the_index_finds_what_the_distance_says(scattered, circle):
    lat, lon, radius = circle
    indexed = (
        HeritageSite.objects.filter(geo.around(lat, lon, radius))
        .annotate(distance_km=geo.distance_km(lat, lon))
        .filter(distance_km__lte=radius)
        .order_by("distance_km", "id")
        .values_list("id", flat=True)
    )
    every = (
        HeritageSite.objects.annotate(distance_km=geo.distance_km(lat, lon))
        .filter(distance_km__lte=radius)
        .order_by("distance_km", "id")
        .values_list("id", flat=True)
    )
    assert list(indexed) == list(every)


def test_near_at_high_latitude_finds_sites_across_the_pole(anon):
    HeritageSiteFactory(slug="this-side", latitude=Decimal("89.9"), longitude=Decimal("0"))
    HeritageSiteFactory(slug="far-side", latitude=Decimal("89.9"), longitude=Decimal("180"))
    HeritageSiteFactory(slug="south", latitude=Decimal("80"), longitude=Decimal("0"))
    body = anon.get("/api/v1/sites/?near=89.95,90&radius_km=30").json()
    assert {row["slug"] for row in body["results"]} == {"this-side", "far-side"}


def test_bbox_keeps_sites_on_its_edges(anon):
    HeritageSiteFactory(slug="corner", latitude=Decimal("35"), longitude=Decimal("80"))
    HeritageSiteFactory(slug="outside", latitude=Decimal("35.000001"), longitude=Decimal("80"))
    response = anon.get("/api/v1/sites/?bbox=79,34,80,35")
    assert [row["slug"] for row in response.json()["results"]] == ["corner"]


sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's R*Tree")


def _rtree() -> dict[int, tuple[float, float]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, min_lon, max_lon, min_lat, max_lat FROM {geo.SQLITE_RTREE}")
        rows = cursor.fetchall()
    for _id, min_lon, max_lon, min_lat, max_lat in rows:
        assert max_lon - min_lon < 1e-4 and max_lat - min_lat < 1e-4  # a point, 32-bit floats
    return {row[0]: (round(row[3], 4), round(row[1], 4)) for row in rows}


def _columns() -> dict[int, tuple[float, float]]:
    return {
        pk: (round(float(lat), 4), round(float(lon), 4))
        for pk, lat, lon in HeritageSite.objects.values_list("id", "latitude", "longitude")
    }


@sqlite_only
def test_the_rtree_follows_every_write_of_a_sites_coordinates(anon):
    site = HeritageSiteFactory(slug="moving", latitude=Decimal("10"), longitude=Decimal("20"))
    HeritageSite.objects.bulk_create(
        [HeritageSite(slug="bulk", name_en="Bulk", latitude=Decimal("-5"), longitude=Decimal("7"))]
    )
    assert _rtree() == _columns()

    site.latitude, site.longitude = Decimal("11.5"), Decimal("-21.25")
    site.save()
    assert _rtree() == _columns()
    HeritageSite.objects.filter(slug="bulk").update(longitude=Decimal("179.999"))
    assert _rtree() == _columns()
    HeritageSite.objects.filter(slug="moving").update(name_en="Renamed")  # no coordinates
    assert _rtree() == _columns()

    found = anon.get("/api/v1/sites/?bbox=-22,11,-21,12").json()["results"]
    assert [row["slug"] for row in found] == ["moving"]
    assert anon.get("/api/v1/sites/?bbox=19,9,21,11").json()["results"] == []

    site.delete()
    HeritageSite.objects.filter(slug="bulk").delete()
    assert _rtree() == {}


@sqlite_only
def test_bbox_and_near_read_the_rtree_on_sqlite():
    for condition in (geo.in_bbox(79.8, 34.8, 80.2, 35.2), geo.around(35, 80, 25)):
        plan = HeritageSite.objects.published().filter(condition).order_by("name_en").explain()
        assert f"SCAN {geo.SQLITE_RTREE} VIRTUAL TABLE INDEX" in plan, plan
        # The sites are then read by id, not by walking every published one in name order.
        assert "SEARCH heritage_sites_heritagesite USING INTEGER PRIMARY KEY" in plan, plan
