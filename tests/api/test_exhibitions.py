"""Exhibitions API: sections, items, models, hotspots mapped onto the web model, guided tour;
journeys as GeoJSON; drafts (and draft items) hidden from outsiders."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from heritage_sites.models import (
    Derivative,
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    Hotspot,
    Institution,
    ProvenanceEvent,
    PublicationState,
    Scan,
)
from tests.factories import (
    ArtefactFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    ScanFactory,
)

pytestmark = pytest.mark.django_db

REPORT = {"web_transform": {"centre": [0.0, 0.0, 50.0], "scale_to_metres": 0.001, "up_axis": "y"}}


def _exhibition(home, *, state=PublicationState.PUBLISHED, slug="bowls"):
    exhibition = Exhibition.objects.create(
        slug=slug,
        title_en="Bowls of the caravan cities",
        title_ar="أوعية مدن القوافل",
        introduction_en="Glazed bowls from Samarkand.",
        state=state,
    )
    exhibition.institutions.add(home)
    return exhibition


@pytest.fixture
def exhibition(home, other):
    exhibition = _exhibition(home)
    section = ExhibitionSection.objects.create(
        exhibition=exhibition, position=1, title_en="Writing on clay", title_ar="الكتابة على الطين"
    )
    bowl = ArtefactFactory(slug="epigraphic-bowl", institution=home)
    scan = ScanFactory(artefact=bowl, state=Scan.State.READY, report=REPORT)
    DerivativeFactory(scan=scan)
    DerivativeFactory(
        scan=scan,
        kind=Derivative.Kind.WEB,
        file=ContentFile(b"glTF", name="web.glb"),
        content_type="model/gltf-binary",
    )
    item = ExhibitionItem.objects.create(section=section, position=1, artefact=bowl)
    Hotspot.objects.create(
        item=item,
        scan=scan,
        position=1,
        label_en="The rim",
        label_ar="الحافة",
        text_en="Kufic letters run round the rim.",
        point=[10.0, 0.0, 50.0],
        normal=[1.0, 0.0, 0.0],
        camera_target=[10.0, 0.0, 50.0],
        camera_position=[10.0, 0.0, 550.0],
    )
    Hotspot.objects.create(
        item=item,
        scan=scan,
        position=2,
        label_en="The foot",
        point=[0.0, -20.0, 50.0],
        normal=[0.0, -1.0, 0.0],
    )
    # Another institution's draft bowl in the same section: nobody outside sees it.
    third = InstitutionFactory(slug="third-museum")
    secret = ArtefactFactory(
        slug="unpublished-bowl", institution=third, state=PublicationState.DRAFT
    )
    ExhibitionItem.objects.create(section=section, position=2, artefact=secret)
    site = HeritageSiteFactory(slug="samarkand")
    ExhibitionItem.objects.create(section=section, position=3, site=site)
    return exhibition


def test_an_exhibition_has_sections_items_models_and_hotspots_in_web_coordinates(anon, exhibition):
    response = anon.get(f"/api/v1/exhibitions/{exhibition.slug}/?lang=ar")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"]["value"] == "أوعية مدن القوافل"
    section = body["sections"][0]
    assert section["title"]["value"] == "الكتابة على الطين"
    assert [item["subject"]["kind"] for item in section["items"]] == ["artefact", "site"]
    bowl = section["items"][0]
    assert bowl["model"]["web"].endswith("/web.glb")
    assert bowl["model"]["poster"].endswith(".webp")
    rim, foot = bowl["hotspots"]
    assert rim["label"] == {"value": "الحافة", "lang": "ar", "dir": "rtl", "fallback": False}
    assert foot["label"]["fallback"] is True
    # Stored in millimetres about the original's origin; shown in metres about the centre.
    assert rim["original"]["point"] == [10.0, 0.0, 50.0]
    assert rim["web"]["position"] == pytest.approx([0.01, 0.0, 0.0])
    assert rim["web"]["data_position"] == "0.01000m 0.00000m 0.00000m"
    assert rim["web"]["camera_orbit"]["radius"] == pytest.approx(0.5)
    assert [step["hotspot"] for step in bowl["tour"]] == [1, 2]
    assert bowl["tour"][0]["camera_orbit"] == "0.00deg 90.00deg 0.5000m"
    assert bowl["tour"][1]["camera_orbit"] is None


def test_draft_items_show_only_to_their_curators(callers, exhibition):
    from tests.api.conftest import _token_client
    from tests.factories import UserFactory

    theirs = UserFactory(username="their-curator")
    Institution.objects.get(slug="third-museum").curators.add(theirs)
    their_client = _token_client(theirs)
    body = their_client.get(f"/api/v1/exhibitions/{exhibition.slug}/").json()
    slugs = [i["subject"].get("slug") for i in body["sections"][0]["items"]]
    assert "unpublished-bowl" in slugs
    for name, client in callers.items():
        text = client.get(f"/api/v1/exhibitions/{exhibition.slug}/").content.decode()
        assert "unpublished-bowl" not in text, name


def test_draft_exhibitions_are_hidden_from_everyone_but_their_institutions(callers, home):
    draft = _exhibition(home, state=PublicationState.DRAFT, slug="coming-soon")
    for name, client in callers.items():
        status = client.get(f"/api/v1/exhibitions/{draft.slug}/").status_code
        assert status == (200 if name == "owner" else 404), name
        listed = [row["slug"] for row in client.get("/api/v1/exhibitions/").json()["results"]]
        assert ("coming-soon" in listed) == (name == "owner"), name


def test_curators_create_exhibitions_only_for_their_institutions(owner, outsider, anon, home):
    payload = {"slug": "new", "title": {"en": "New"}, "institutions": [home.slug]}
    assert anon.post("/api/v1/exhibitions/", payload, format="json").status_code in (401, 403)
    refused = outsider.post("/api/v1/exhibitions/", payload, format="json")
    assert refused.status_code == 400 and "do not curate" in str(refused.json())
    created = owner.post("/api/v1/exhibitions/", payload, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "draft"
    patched = outsider.patch("/api/v1/exhibitions/new/", {"title": {"en": "Mine"}}, format="json")
    assert patched.status_code == 404


def test_a_journey_is_geojson_in_order_without_draft_sites(callers, home):
    bowl = ArtefactFactory(slug="travelling-bowl", institution=home)
    samarkand = HeritageSiteFactory(slug="samarkand-site")
    hidden = HeritageSiteFactory(slug="secret-site", state=PublicationState.DRAFT)
    hidden.stewards.add(home)
    ProvenanceEvent.objects.create(
        artefact=bowl,
        position=1,
        kind="made",
        site=samarkand,
        date_earliest=900,
        date_latest=950,
    )
    ProvenanceEvent.objects.create(artefact=bowl, position=2, kind="traded", site=hidden)
    ProvenanceEvent.objects.create(
        artefact=bowl,
        position=3,
        kind="held",
        place_name_en="Tashkent",
        latitude=Decimal("41.3111"),
        longitude=Decimal("69.2797"),
        date_earliest=1998,
    )
    for name, client in callers.items():
        response = client.get(f"/api/v1/artefacts/{bowl.slug}/journey/")
        assert response.status_code == 200, name
        assert response["Content-Type"] == "application/geo+json"
        features = response.json()["features"]
        events = [f["properties"] for f in features if f["properties"]["kind"] == "event"]
        expected = ["made", "traded", "held"] if name == "owner" else ["made", "held"]
        assert [e["event"] for e in events] == expected, name
        line = next(f for f in features if f["properties"]["kind"] == "journey")
        assert line["geometry"]["coordinates"][-1] == [69.2797, 41.3111]
    assert (
        callers["anonymous"]
        .get(f"/api/v1/artefacts/{bowl.slug}/journey/")
        .json()["features"][1]["properties"]["date_earliest"]
        == 900
    )


def test_a_draft_artefacts_journey_is_a_404_for_outsiders(callers, home):
    draft = ArtefactFactory(slug="draft-jar", institution=home, state=PublicationState.DRAFT)
    for name, client in callers.items():
        status = client.get(f"/api/v1/artefacts/{draft.slug}/journey/").status_code
        assert status == (200 if name == "owner" else 404), name
