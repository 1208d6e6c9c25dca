"""Every endpoint as anonymous, API key, curator of another institution and of the owner;
a draft never shows up for outsiders on any surface."""

from urllib.parse import urlparse

import pytest
from django.test import Client

from heritage_sites.models import PublicationState, Scan
from tests.factories import (
    ArtefactFactory,
    CountryFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    ScanFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = PublicationState.DRAFT
OUTSIDERS = ["anonymous", "api_key", "outsider"]
EVERYONE = [*OUTSIDERS, "owner"]


@pytest.fixture
def world(home):
    """Published and draft records of the home institution, with scans and derivatives."""
    country = CountryFactory(iso2="UZ", name_en="Uzbekistan")
    site = HeritageSiteFactory(slug="samarkand", name_en="Samarkand", countries=[country])
    draft_site = HeritageSiteFactory(
        slug="secret-site", name_en="Secret caravanserai", state=DRAFT, countries=[country]
    )
    draft_site.stewards.add(home)
    component = HeritageSiteFactory(slug="secret-component", parent=site, state=DRAFT)
    component.stewards.add(home)
    public = ArtefactFactory(slug="bowl", institution=home, site=site, title_en="Bowl")
    draft = ArtefactFactory(
        slug="secret-bowl", institution=home, site=draft_site, title_en="Secret bowl", state=DRAFT
    )
    # A published artefact whose site of origin is still a draft.
    linked = ArtefactFactory(slug="linked-bowl", institution=home, site=draft_site)
    public_poster = DerivativeFactory(scan__artefact=public)
    draft_poster = DerivativeFactory(scan__artefact=draft)
    processing = ScanFactory(artefact=public, state=Scan.State.PROCESSING, content=b"OFF\n0 0 0\n")
    site_scan = DerivativeFactory(scan__artefact=None, scan__site=draft_site)
    return {
        "site": site,
        "draft_site": draft_site,
        "component": component,
        "public": public,
        "draft": draft,
        "linked": linked,
        "public_scan": public_poster.scan,
        "draft_scan": draft_poster.scan,
        "draft_file": draft_poster.file.name,
        "site_scan": site_scan.scan,
        "site_scan_file": site_scan.file.name,
        "processing": processing,
    }


SECRETS = ("secret", "Secret")


def _assert_no_secret(response, world):
    text = response.content.decode()
    for marker in (
        *SECRETS,
        str(world["draft"].public_id),
        str(world["draft_site"].public_id),
        str(world["draft_scan"].public_id),
        str(world["site_scan"].public_id),
        world["draft_file"],
        world["site_scan_file"],
    ):
        assert marker not in text, f"{marker} leaked in {response.request['PATH_INFO']}"


LISTS = [
    "/api/v1/",
    "/api/v1/countries/",
    "/api/v1/institutions/",
    "/api/v1/sites/",
    "/api/v1/sites/?q=secret",
    "/api/v1/sites/?q=caravanserai",
    "/api/v1/sites/?country=UZ",
    "/api/v1/sites/?near=39.65,66.97&radius_km=100",
    "/api/v1/sites/?bbox=60,30,70,45",
    "/api/v1/sites.geojson",
    "/api/v1/sites.geojson?q=secret",
    "/api/v1/sites/?state=draft",
    "/api/v1/artefacts/",
    "/api/v1/artefacts/?q=secret",
    "/api/v1/artefacts/?state=draft",
    "/api/v1/artefacts/?site=secret-site",
    "/api/v1/artefacts/?institution=home-museum&state=draft",
    "/api/v1/sites/?institution=home-museum",
    "/api/v1/sites/?component_of=samarkand",
    "/api/v1/sites.geojson?institution=home-museum&state=draft",
    "/api/v1/scans/",
    "/api/v1/scans/?state=processing",
    "/api/v1/scans/?artefact=secret-bowl",
    "/api/v1/sites/samarkand/",
    "/api/v1/artefacts/bowl/",
    "/api/v1/artefacts/linked-bowl/",
]


@pytest.mark.parametrize("caller", OUTSIDERS)
def test_drafts_never_reach_outsiders(callers, world, caller):
    for url in LISTS:
        response = callers[caller].get(url)
        assert response.status_code == 200, url
        _assert_no_secret(response, world)


@pytest.mark.parametrize("caller", OUTSIDERS)
def test_outsiders_get_404_for_drafts(callers, world, caller):
    client = callers[caller]
    for url in (
        f"/api/v1/sites/{world['draft_site'].public_id}/",
        "/api/v1/sites/secret-site/",
        "/api/v1/sites/secret-component/",
        f"/api/v1/artefacts/{world['draft'].public_id}/",
        "/api/v1/artefacts/secret-bowl/",
        f"/api/v1/scans/{world['draft_scan'].public_id}/",
        f"/api/v1/scans/{world['site_scan'].public_id}/",
        f"/api/v1/scans/{world['processing'].public_id}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["status"] == 404
        _assert_no_secret(response, world)


def test_the_owning_curator_sees_drafts_everywhere(owner, world):
    assert owner.get("/api/v1/artefacts/secret-bowl/").status_code == 200
    assert owner.get("/api/v1/sites/secret-site/").status_code == 200
    slugs = [row["slug"] for row in owner.get("/api/v1/artefacts/").json()["results"]]
    assert "secret-bowl" in slugs
    found = owner.get("/api/v1/sites/?q=secret").json()["results"]
    assert {row["slug"] for row in found} == {"secret-site"}
    scans = owner.get("/api/v1/scans/?state=processing").json()["results"]
    assert [scan["id"] for scan in scans] == [str(world["processing"].public_id)]
    detail = owner.get(f"/api/v1/scans/{world['draft_scan'].public_id}/").json()
    # A draft's file comes as a short-lived signed link (derivative_access), which works.
    draft_url = urlparse(detail["derivatives"][0]["url"])
    assert draft_url.path.endswith(world["draft_file"])
    assert Client().get(f"{draft_url.path}?{draft_url.query}").status_code == 200
    geojson = owner.get("/api/v1/sites.geojson").json()
    assert "secret-site" in {f["properties"]["slug"] for f in geojson["features"]}
    components = owner.get("/api/v1/sites/samarkand/").json()["components"]
    assert [c["slug"] for c in components] == ["secret-component"]


@pytest.mark.parametrize("caller", EVERYONE)
def test_everyone_reads_published_records(callers, world, caller):
    client = callers[caller]
    site = client.get("/api/v1/sites/samarkand/").json()
    assert site["id"] == str(world["site"].public_id)
    assert site["countries"] == ["UZ"]
    artefact = client.get(f"/api/v1/artefacts/{world['public'].public_id}/").json()
    assert artefact["slug"] == "bowl"
    assert artefact["site"]["slug"] == "samarkand"
    [scan] = [s for s in artefact["scans"] if s["state"] == "ready"]
    [poster] = scan["derivatives"]
    assert poster["byte_size"] == 12
    assert poster["width"] == 512
    assert poster["url"].startswith("http://testserver/media/derivatives/")
    assert client.get("/api/v1/countries/UZ/").json()["name"]["value"] == "Uzbekistan"
    assert client.get("/api/v1/institutions/home-museum/").json()["slug"] == "home-museum"


@pytest.mark.parametrize("caller", OUTSIDERS)
def test_a_draft_site_of_origin_is_hidden_on_published_artefacts(callers, world, caller):
    artefact = callers[caller].get("/api/v1/artefacts/linked-bowl/").json()
    assert artefact["site"] is None


def test_a_draft_site_of_origin_is_shown_to_its_steward(owner, world):
    assert owner.get("/api/v1/artefacts/linked-bowl/").json()["site"]["slug"] == "secret-site"
    rows = owner.get("/api/v1/artefacts/?site=secret-site").json()["results"]
    assert {row["slug"]: row["site"]["slug"] for row in rows} == {
        "linked-bowl": "secret-site",
        "secret-bowl": "secret-site",
    }


def test_a_draft_site_of_origin_is_hidden_in_lists_for_other_curators(outsider, world):
    rows = outsider.get("/api/v1/artefacts/?site=secret-site").json()["results"]
    assert [(row["slug"], row["site"]) for row in rows] == [("linked-bowl", None)]


def test_outsiders_see_only_ready_scans_of_published_records(anon, world):
    scans = anon.get("/api/v1/scans/").json()["results"]
    assert [scan["id"] for scan in scans] == [str(world["public_scan"].public_id)]


def test_a_curator_of_two_institutions_sees_both_drafts(world, other):
    from tests.api.conftest import _token_client
    from tests.factories import UserFactory

    user = UserFactory(username="both")
    world["draft"].institution.curators.add(user)
    other.curators.add(user)
    other_draft = ArtefactFactory(slug="other-draft", institution=other, state=DRAFT)
    client = _token_client(user)
    slugs = {row["slug"] for row in client.get("/api/v1/artefacts/?state=draft").json()["results"]}
    assert slugs == {"secret-bowl", other_draft.slug}


def test_staff_see_every_draft(world, db):
    from tests.api.conftest import _token_client
    from tests.factories import UserFactory

    client = _token_client(UserFactory(username="staff", is_staff=True))
    assert client.get("/api/v1/sites/secret-site/").status_code == 200
    assert InstitutionFactory() is not None
