"""Route, exhibition and journey pages: published only, in every language, with their data."""

from decimal import Decimal

import pytest

from heritage_sites.models import Exhibition, ExhibitionSection, ProvenanceEvent, PublicationState
from tests.factories import (
    ArtefactFactory,
    HeritageSiteFactory,
    RouteFactory,
    RouteStopFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def route():
    route = RouteFactory(slug="caravan", title_ar="مدن القوافل")
    a = HeritageSiteFactory(slug="a", latitude=Decimal("39.0"), longitude=Decimal("66.0"))
    b = HeritageSiteFactory(slug="b", latitude=Decimal("40.0"), longitude=Decimal("66.0"))
    RouteStopFactory(route=route, position=1, site=a, visit_note_ar="ابدأ من البوابة")
    RouteStopFactory(route=route, position=2, site=b)
    return route


def test_the_route_page_lists_stops_legs_and_the_where_am_i_button(client, route):
    html = client.get("/en/routes/caravan/").content.decode()
    assert 'id="route-map"' in html and 'id="whereami"' in html
    assert f"/api/v1/routes/{route.public_id}/next/" in html
    # One degree of latitude: 111.2 km, due north.
    assert "Then 111.2 km to stop 2 (initial bearing 0°)." in html
    assert "/en/routes/" in client.get("/en/").content.decode()


def test_the_route_page_speaks_arabic(client, route):
    html = client.get("/ar/routes/caravan/").content.decode()
    assert 'dir="rtl"' in html and "مدن القوافل" in html and "ابدأ من البوابة" in html
    assert "Where am I?" not in html


def test_draft_routes_and_exhibitions_have_no_page(client, route):
    route.state = PublicationState.DRAFT
    route.save()
    assert client.get("/en/routes/caravan/").status_code == 404
    assert "caravan" not in client.get("/en/routes/").content.decode()
    Exhibition.objects.create(slug="soon", title_en="Soon", state=PublicationState.DRAFT)
    assert client.get("/en/exhibitions/soon/").status_code == 404


def test_the_exhibition_page_shows_its_sections(client):
    exhibition = Exhibition.objects.create(
        slug="bowls", title_en="Bowls", title_ar="أوعية", state=PublicationState.PUBLISHED
    )
    ExhibitionSection.objects.create(exhibition=exhibition, position=1, title_en="On clay")
    html = client.get("/ar/exhibitions/bowls/").content.decode()
    assert "أوعية" in html and "On clay" in html and 'lang="en"' in html


def test_the_artefact_page_maps_the_relics_journey(client):
    bowl = ArtefactFactory(slug="travelling-bowl")
    ProvenanceEvent.objects.create(
        artefact=bowl, position=1, kind="made", site=HeritageSiteFactory(slug="kiln")
    )
    ProvenanceEvent.objects.create(
        artefact=bowl,
        position=2,
        kind="held",
        place_name_en="Tashkent",
        latitude=Decimal("41.3"),
        longitude=Decimal("69.2"),
    )
    html = client.get("/en/artefacts/travelling-bowl/").content.decode()
    assert 'id="journey-map"' in html and "Tashkent" in html
