"""Routes API: stops, legs, zones, GeoJSON, the next stop, writes; drafts hidden from outsiders."""

import math
from decimal import Decimal

import pytest

from heritage_sites import geodesy
from heritage_sites.models import PublicationState, Route
from tests.factories import HeritageSiteFactory, RouteFactory, RouteStopFactory

pytestmark = pytest.mark.django_db

R = geodesy.EARTH_RADIUS_M


def _site(slug, lat, lon, **kwargs):
    return HeritageSiteFactory(
        slug=slug, latitude=Decimal(str(lat)), longitude=Decimal(str(lon)), **kwargs
    )


@pytest.fixture
def equator_route(home):
    """Three stops one degree apart along the equator, eastwards across the antimeridian."""
    route = RouteFactory(slug="across-the-date-line", institution=home)
    west = _site("west", 0, 179.5, name_ar="الغرب")
    east = _site("east", 0, -179.5)
    north = _site("north", 1, -179.5)
    RouteStopFactory(route=route, position=1, site=west, visit_note_ar="انظر إلى البحر")
    RouteStopFactory(route=route, position=2, site=east, zone_radius_m=1000)
    RouteStopFactory(
        route=route,
        position=3,
        site=north,
        zone_radius_m=None,
        zone_polygon=[[-179.6, 0.9], [-179.4, 0.9], [-179.4, 1.1], [-179.6, 1.1], [-179.6, 0.9]],
    )
    return route


def test_a_route_has_its_stops_legs_and_total_length(anon, equator_route):
    response = anon.get(f"/api/v1/routes/{equator_route.slug}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [stop["site"]["slug"] for stop in body["stops"]] == ["west", "east", "north"]
    one_degree = math.pi * R / 180
    first, second = body["legs"]
    assert (first["from"], first["to"]) == (1, 2)
    assert first["distance_m"] == pytest.approx(one_degree, abs=0.1)
    assert first["bearing_deg"] == pytest.approx(90, abs=0.01)
    assert first["compass"] == "E"
    assert second["distance_m"] == pytest.approx(one_degree, abs=0.1)
    assert second["bearing_deg"] == pytest.approx(0, abs=0.01)
    assert body["length_m"] == pytest.approx(2 * one_degree, abs=0.2)
    assert body["stops"][1]["zone"] == {"type": "circle", "radius_m": 1000}
    assert body["stops"][2]["zone"]["type"] == "polygon"
    assert body["suggested_minutes"] == 180


def test_texts_come_in_the_asked_language_with_the_fallback_marked(anon, equator_route):
    body = anon.get(f"/api/v1/routes/{equator_route.slug}/?lang=ar").json()
    first, second = body["stops"][:2]
    assert first["visit_note"] == {
        "value": "انظر إلى البحر",
        "lang": "ar",
        "dir": "rtl",
        "fallback": False,
    }
    assert first["site"]["name"]["value"] == "الغرب"
    assert second["visit_note"]["lang"] == "en"
    assert second["visit_note"]["fallback"] is True


def test_the_geojson_has_the_line_stops_and_zones(anon, equator_route):
    response = anon.get(f"/api/v1/routes/{equator_route.slug}/geojson/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    kinds = [feature["properties"]["kind"] for feature in features]
    assert kinds.count("line") == 1 and kinds.count("stop") == 3 and kinds.count("zone") == 3
    line = features[0]["geometry"]["coordinates"]
    # Continuous across 180: a map draws one degree, not a line around the world.
    assert line[0] == [179.5, 0.0] and line[1] == [180.5, 0.0]
    circle = next(f for f in features if f["properties"]["kind"] == "zone")
    ring = circle["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1]
    for lon, lat in ring[:-1]:
        assert geodesy.distance_m(lat, (lon + 180) % 360 - 180, 0, 179.5) == pytest.approx(
            500, abs=0.5
        )


def test_next_stop_from_outside_every_zone_is_the_first_unvisited(anon, equator_route):
    response = anon.get(f"/api/v1/routes/{equator_route.slug}/next/?lat=0&lon=179&lang=ar")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["inside"] is None
    assert body["next"]["position"] == 1
    assert body["next"]["text"]["value"] == "انظر إلى البحر"
    assert body["distance_m"] == pytest.approx(0.5 * math.pi * R / 180, abs=0.1)
    assert body["bearing_deg"] == pytest.approx(90, abs=0.01)
    assert response["Cache-Control"] == "private, no-store"


def test_inside_a_zone_the_next_stop_is_the_one_after(anon, equator_route):
    # 300 m west of "east", across the antimeridian from the visitor's side.
    lon = -179.5 - math.degrees(300 / R)
    body = anon.get(f"/api/v1/routes/{equator_route.slug}/next/?lat=0&lon={lon}").json()
    assert body["inside"]["position"] == 2
    assert body["next"]["position"] == 3
    assert body["bearing_deg"] == pytest.approx(0, abs=0.5)
    assert body["remaining"] == 1


def test_inside_a_polygon_zone(anon, equator_route):
    body = anon.get(f"/api/v1/routes/{equator_route.slug}/next/?lat=1.05&lon=-179.45").json()
    assert body["inside"]["position"] == 3
    # Stops 1 and 2 are passed; nothing later remains, so the guide points back to them.
    assert body["next"]["position"] == 1


def test_visited_stops_are_skipped_and_a_finished_route_says_so(anon, equator_route):
    url = f"/api/v1/routes/{equator_route.slug}/next/?lat=10&lon=10"
    assert anon.get(f"{url}&visited=1,east").json()["next"]["position"] == 3
    done = anon.get(f"{url}&visited=1,2,3").json()
    assert done["finished"] is True and done["next"] is None and done["distance_m"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("lat=91&lon=0", "lat"),
        ("lat=0&lon=-181", "lon"),
        ("lat=north&lon=0", "lat"),
        ("lon=0", "lat"),
        ("lat=0&lon=0&visited=9", "visited"),
        ("lat=0&lon=0&visited=petra", "visited"),
        ("lat=nan&lon=0", "lat"),
    ],
)
def test_bad_positions_are_a_400_naming_the_parameter(anon, equator_route, query, field):
    response = anon.get(f"/api/v1/routes/{equator_route.slug}/next/?{query}")
    assert response.status_code == 400
    assert field in response.json()["errors"] or field in str(response.json())


def test_draft_routes_are_hidden_from_everyone_but_their_curators(callers, home):
    draft = RouteFactory(slug="secret-route", institution=home, state=PublicationState.DRAFT)
    RouteStopFactory(route=draft, position=1)
    for name, client in callers.items():
        for suffix in ("", "geojson/", "next/?lat=0&lon=0", "pack/"):
            status = client.get(f"/api/v1/routes/{draft.slug}/{suffix}").status_code
            expected = 200 if name == "owner" and suffix != "pack/" else 404
            assert status == expected, (name, suffix, status)
        slugs = [row["slug"] for row in client.get("/api/v1/routes/").json()["results"]]
        assert ("secret-route" in slugs) == (name == "owner")


def test_a_draft_site_never_shows_through_a_published_route(callers, home, other):
    route = RouteFactory(slug="with-a-draft-stop", institution=other)
    hidden = _site("unpublished-site", 40, 60, state=PublicationState.DRAFT)
    hidden.stewards.add(home)
    RouteStopFactory(route=route, position=1, site=_site("shown", 39, 60))
    RouteStopFactory(route=route, position=2, site=hidden)
    for name, client in callers.items():
        body = client.get(f"/api/v1/routes/{route.slug}/").json()
        slugs = [stop["site"]["slug"] for stop in body["stops"]]
        assert ("unpublished-site" in slugs) == (name == "owner"), name
        geojson = client.get(f"/api/v1/routes/{route.slug}/geojson/").content.decode()
        assert ("unpublished-site" in geojson) == (name == "owner"), name


def _route_payload(institution, *sites):
    return {
        "slug": "new-route",
        "title": {"en": "Oases of the north", "fa": "واحه‌های شمال"},
        "institution": institution,
        "state": "draft",
        "stops": [
            {"site": site.slug, "visit_note": {"en": f"See {site.slug}"}, "suggested_minutes": 30}
            for site in sites
        ],
    }


def test_curators_create_and_replace_routes_of_their_institution(owner, home):
    a, b = _site("oasis-a", 40, 60), _site("oasis-b", 41, 61)
    response = owner.post("/api/v1/routes/", _route_payload(home.slug, a, b), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [stop["site"]["slug"] for stop in body["stops"]] == ["oasis-a", "oasis-b"]
    assert body["stops"][0]["zone"] == {"type": "circle", "radius_m": 500}
    assert len(body["legs"]) == 1
    route = Route.objects.get(slug="new-route")
    changed = owner.patch(
        f"/api/v1/routes/{route.public_id}/",
        {"stops": [{"site": "oasis-b", "zone_radius_m": 200}]},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert [stop["site"]["slug"] for stop in changed.json()["stops"]] == ["oasis-b"]


def test_other_curators_and_anonymous_cannot_write(anon, outsider, owner, home):
    route = RouteFactory(slug="theirs", institution=home)
    site = _site("s", 1, 1)
    assert anon.post(
        "/api/v1/routes/", _route_payload(home.slug, site), format="json"
    ).status_code in (401, 403)
    created = outsider.post("/api/v1/routes/", _route_payload(home.slug, site), format="json")
    assert created.status_code == 400
    assert "institution" in str(created.json())
    patched = outsider.patch(
        f"/api/v1/routes/{route.slug}/", {"title": {"en": "Mine now"}}, format="json"
    )
    assert patched.status_code == 404
    # Nobody moves a route by PATCH: see tests/workflow/test_route_and_exhibition_workflow.py.
    for client in (outsider, anon):
        assert client.post(f"/api/v1/routes/{route.slug}/withdraw/", {"note": "x"}).status_code in (
            401,
            403,
            404,
        )


@pytest.mark.parametrize(
    ("stop", "message"),
    [
        ({"site": "nowhere"}, "site"),
        ({"site": "s", "zone_radius_m": 5}, "zone_radius_m"),
        ({"site": "s", "zone_polygon": [[0, 0], [1, 1]]}, "three"),
        ({"site": "s", "zone_radius_m": 100, "zone_polygon": [[0, 0], [1, 0], [1, 1]]}, "not both"),
        ({"site": "s", "suggested_minutes": -5}, "suggested_minutes"),
    ],
)
def test_bad_stops_are_a_400_in_words(owner, home, stop, message):
    _site("s", 1, 1)
    payload = _route_payload(home.slug)
    payload["stops"] = [stop]
    response = owner.post("/api/v1/routes/", payload, format="json")
    assert response.status_code == 400, response.content
    assert message in str(response.json())


def test_the_index_lists_routes(anon):
    assert anon.get("/api/v1/").json()["endpoints"]["routes"].endswith("/api/v1/routes/")


def test_a_renamed_route_keeps_answering_at_its_old_slug(owner, home):
    route = RouteFactory(slug="old-name", institution=home, state=PublicationState.DRAFT)
    renamed = owner.patch("/api/v1/routes/old-name/", {"slug": "new-name"}, format="json")
    assert renamed.status_code == 200, renamed.content
    moved = owner.get("/api/v1/routes/old-name/")
    assert moved.status_code == 301
    assert moved["Location"].endswith("/api/v1/routes/new-name/")
    assert Route.objects.get(pk=route.pk).slug == "new-name"
