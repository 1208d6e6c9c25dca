"""Curators create and change the sites and artefacts of their own institutions only."""

import pytest

from heritage_sites.models import Artefact, HeritageSite, PublicationState
from tests.factories import (
    ArtefactFactory,
    CountryFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    MaterialFactory,
)

pytestmark = pytest.mark.django_db


def artefact_payload(**overrides):
    payload = {
        "slug": "lustre-bowl",
        "title": {"en": "Lustre bowl", "fa": "کاسه زرین‌فام"},
        "description": {"en": "Painted with a bird."},
        "accession_number": "KUN-1",
        "institution": "home-museum",
        "object_type": "vessel",
        "licence": "CC-BY-4.0",
        "rights_holder": "Home museum",
        "date_earliest": 1100,
        "date_latest": 1200,
        "state": "draft",
    }
    return {**payload, **overrides}


def site_payload(**overrides):
    payload = {
        "slug": "merv",
        "name": {"en": "Merv", "ru": "Мерв"},
        "latitude": 37.66,
        "longitude": 62.19,
        "countries": ["TM"],
        "category": "cultural",
        "period_start": -500,
        "period_end": 1221,
        "state": "draft",
    }
    return {**payload, **overrides}


def test_a_curator_creates_an_artefact_of_their_institution(owner, home):
    MaterialFactory(slug="fritware")
    response = owner.post(
        "/api/v1/artefacts/", artefact_payload(materials=["fritware"]), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    artefact = Artefact.objects.get(slug="lustre-bowl")
    assert body["id"] == str(artefact.public_id)
    assert response["Location"] == body["url"]
    assert artefact.institution == home
    assert artefact.title_fa == "کاسه زرین‌فام"
    assert artefact.created_by == owner.user
    assert body["materials"] == ["fritware"]
    # The draft is visible to its curators straight away.
    assert owner.get(body["url"]).status_code == 200


def test_creating_for_another_institution_is_refused(owner, other):
    response = owner.post(
        "/api/v1/artefacts/", artefact_payload(institution="other-museum"), format="json"
    )
    assert response.status_code == 400
    assert "You do not curate 'other-museum'" in response.json()["errors"]["institution"][0]
    assert not Artefact.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": {"fa": "only persian"}}, "title"),
        ({"title": "plain string"}, "title"),
        ({"title": {"en": "x", "xx": "y"}}, "title"),
        ({"date_earliest": 1300, "date_latest": 1200}, "date_latest"),
        ({"object_type": "spaceship"}, "object_type"),
        ({"height_mm": -4}, "height_mm"),
        ({"slug": "not a slug"}, "slug"),
        ({"licence": "all-mine"}, "licence"),
        ({"materials": ["unobtainium"]}, "materials"),
    ],
)
def test_bad_artefact_fields_are_400_naming_the_field(owner, home, overrides, field):
    response = owner.post("/api/v1/artefacts/", artefact_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"], response.json()


def test_duplicate_accession_number_is_a_400_not_a_500(owner, home):
    ArtefactFactory(institution=home, accession_number="KUN-1")
    response = owner.post("/api/v1/artefacts/", artefact_payload(), format="json")
    assert response.status_code == 400
    assert "accession number" in response.json()["detail"]


def test_a_curator_updates_their_artefact(owner, home):
    artefact = ArtefactFactory(institution=home, slug="bowl", state=PublicationState.DRAFT)
    response = owner.patch(
        "/api/v1/artefacts/bowl/", {"title": {"en": "Bowl with birds"}}, format="json"
    )
    assert response.status_code == 200, response.content
    artefact.refresh_from_db()
    assert artefact.title_en == "Bowl with birds"


def test_mass_assignment_of_read_only_fields_is_ignored_or_refused(owner, home, other):
    artefact = ArtefactFactory(institution=home, slug="bowl", state=PublicationState.DRAFT)
    original_id = artefact.public_id
    response = owner.patch(
        "/api/v1/artefacts/bowl/",
        {"id": "00000000-0000-0000-0000-000000000000", "public_id": "x", "created_at": "2000"},
        format="json",
    )
    assert response.status_code == 200
    artefact.refresh_from_db()
    assert artefact.public_id == original_id
    moved = owner.patch("/api/v1/artefacts/bowl/", {"institution": "other-museum"}, format="json")
    assert moved.status_code == 400
    artefact.refresh_from_db()
    assert artefact.institution == home


@pytest.mark.parametrize("method", ["patch", "put"])
def test_another_institutions_artefact_answers_404_and_stays_unchanged(outsider, home, method):
    artefact = ArtefactFactory(institution=home, slug="bowl", title_en="Bowl")
    response = getattr(outsider, method)(
        "/api/v1/artefacts/bowl/", artefact_payload(title={"en": "Stolen"}), format="json"
    )
    assert response.status_code == 404
    artefact.refresh_from_db()
    assert artefact.title_en == "Bowl"


def test_anonymous_and_api_keys_cannot_write(anon, key_client, home):
    ArtefactFactory(institution=home, slug="bowl")
    anonymous = anon.patch("/api/v1/artefacts/bowl/", {"title": {"en": "x"}}, format="json")
    assert anonymous.status_code == 401
    keyed = key_client.post("/api/v1/artefacts/", artefact_payload(), format="json")
    assert keyed.status_code == 403
    assert "read access only" in keyed.json()["detail"]


def test_a_signed_in_user_who_curates_nothing_cannot_write(db):
    from tests.api.conftest import _token_client
    from tests.factories import UserFactory

    client = _token_client(UserFactory(username="visitor"))
    response = client.post("/api/v1/sites/", site_payload(), format="json")
    assert response.status_code == 403
    assert "not a curator" in response.json()["detail"]


def test_a_curator_creates_a_site_stewarded_by_their_institution(owner, home):
    CountryFactory(iso2="TM")
    response = owner.post("/api/v1/sites/", site_payload(), format="json")
    assert response.status_code == 201, response.content
    site = HeritageSite.objects.get(slug="merv")
    assert list(site.stewards.all()) == [home]
    assert response.json()["stewards"] == ["home-museum"]
    assert site.name_ru == "Мерв"


def test_a_site_cannot_be_stewarded_by_someone_elses_institution(owner, other):
    CountryFactory(iso2="TM")
    response = owner.post("/api/v1/sites/", site_payload(stewards=["other-museum"]), format="json")
    assert response.status_code == 400
    assert "stewards" in response.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"latitude": 95}, "latitude"),
        ({"longitude": "east"}, "longitude"),
        ({"period_start": 1500, "period_end": 1000}, "period_end"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"name": {"en": ""}}, "name"),
    ],
)
def test_bad_site_fields_are_400(owner, home, overrides, field):
    CountryFactory(iso2="TM")
    response = owner.post("/api/v1/sites/", site_payload(**overrides), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]


def test_stewards_edit_their_sites_and_others_get_404(owner, outsider, home):
    site = HeritageSiteFactory(slug="merv", name_en="Merv", state=PublicationState.DRAFT)
    site.stewards.add(home)
    assert (
        outsider.patch("/api/v1/sites/merv/", {"in_danger": True}, format="json").status_code == 404
    )
    response = owner.patch("/api/v1/sites/merv/", {"in_danger": True}, format="json")
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.in_danger is True


def test_stewards_cannot_be_switched_after_creation(owner, home, other):
    site = HeritageSiteFactory(slug="merv", state=PublicationState.DRAFT)
    site.stewards.add(home)
    response = owner.patch("/api/v1/sites/merv/", {"stewards": ["other-museum"]}, format="json")
    assert response.status_code == 400
    assert list(site.stewards.all()) == [home]


def test_an_unstewarded_published_site_is_read_only_for_curators(owner):
    HeritageSiteFactory(slug="merv", state=PublicationState.PUBLISHED)
    assert owner.patch("/api/v1/sites/merv/", {"in_danger": True}, format="json").status_code == 404


def test_deleting_is_not_offered(owner, home):
    ArtefactFactory(institution=home, slug="bowl")
    response = owner.delete("/api/v1/artefacts/bowl/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert Artefact.objects.filter(slug="bowl").exists()


def test_a_json_body_that_does_not_parse_is_a_400(owner, home):
    response = owner.generic(
        "POST", "/api/v1/artefacts/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["status"] == 400


def test_an_unsupported_media_type_is_a_415(owner, home):
    response = owner.generic("POST", "/api/v1/artefacts/", "<x/>", content_type="text/xml")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"
    assert InstitutionFactory is not None
