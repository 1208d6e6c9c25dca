"""The three demo routes exist after load_demo, over real demo sites, and load only once."""

import pytest

from heritage_sites.demo.load import demo_load
from heritage_sites.models import PublicationState, Route
from heritage_sites.services import routes as route_service

pytestmark = pytest.mark.django_db


def test_the_three_demo_routes_are_published_with_stops_in_order():
    demo_load()
    routes = {route.slug: route for route in Route.objects.all()}
    assert set(routes) == {
        "changan-tianshan-from-xian-westwards",
        "samarkand-bukhara-khiva-merv",
        "maritime-road-from-quanzhou",
    }
    assert all(route.state == PublicationState.PUBLISHED for route in routes.values())
    caravan = [
        s.site.slug for s in route_service.route_stops(routes["samarkand-bukhara-khiva-merv"])
    ]
    assert caravan == [
        "samarkand-crossroad-of-cultures",
        "historic-centre-of-bukhara",
        "itchan-kala",
        "ancient-merv",
    ]
    tianshan = route_service.route_stops(routes["changan-tianshan-from-xian-westwards"])
    assert tianshan[0].site.slug == "1442-weiyang-palace"
    # Westwards all the way: every stop is further west than (or level with) Xi'an's.
    assert tianshan[-1].lon < tianshan[0].lon - 30
    maritime = route_service.route_stops(routes["maritime-road-from-quanzhou"])
    assert {s.site.slug for s in maritime} >= {"hoi-an-ancient-town", "historic-cairo"}
    for route in routes.values():
        stops = route_service.route_stops(route)
        assert route_service.route_length_m(stops) > 1_000_000
        assert all(stop.visit_note_en for stop in stops)
        assert route.title_zh_hans and route.title_ar


def test_itchan_kala_zone_is_a_polygon_around_the_site():
    demo_load()
    stop = Route.objects.get(slug="samarkand-bukhara-khiva-merv").stops.get(position=3)
    assert stop.zone_polygon and stop.zone_radius_m is None
    assert stop.contains(stop.lat, stop.lon)


def test_a_second_load_changes_no_route():
    demo_load()
    first = {route.slug: route.updated_at for route in Route.objects.all()}
    report = demo_load()
    assert report.counts["routes"]["unchanged"] == 3
    assert {route.slug: route.updated_at for route in Route.objects.all()} == first


def test_the_demo_exhibition_has_hotspots_on_its_scans_and_loads_once():
    from heritage_sites.models import Exhibition, Hotspot

    demo_load()
    exhibition = Exhibition.objects.get(slug="writing-along-the-silk-roads")
    assert exhibition.state == PublicationState.PUBLISHED
    assert exhibition.sections.count() == 2 and exhibition.title_ar
    hotspots = Hotspot.objects.filter(item__section__exhibition=exhibition)
    assert hotspots.count() == 5
    assert all(h.scan.artefact_id == h.item.artefact_id for h in hotspots)
    assert all(h.label_en and h.label_ar and h.camera_position for h in hotspots)
    report = demo_load()
    assert report.counts["exhibitions"]["unchanged"] == 1
