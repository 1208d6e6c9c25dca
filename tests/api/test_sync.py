"""What a grid and a mirror need: totals, facet counts, and ?updated_since= with tombstones."""

from datetime import timedelta

import pytest
from django.utils import timezone

from heritage_sites.models import (
    Artefact,
    DeletedRecord,
    Exhibition,
    HeritageSite,
    PublicationState,
)
from heritage_sites.services.records import record_delete
from tests.factories import (
    ArtefactFactory,
    CountryFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    MaterialFactory,
    RouteFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    uz, cn = CountryFactory(iso2="UZ"), CountryFactory(iso2="CN")
    bronze, silk = MaterialFactory(slug="bronze"), MaterialFactory(slug="silk")
    merv = HeritageSiteFactory(slug="merv", countries=[uz])
    xian = HeritageSiteFactory(slug="xian", countries=[cn])
    ArtefactFactory(slug="a", site=merv, materials=[bronze], object_type="vessel")
    ArtefactFactory(slug="b", site=merv, materials=[bronze, silk], object_type="textile")
    c = ArtefactFactory(slug="c", site=xian, materials=[silk], object_type="textile")
    ArtefactFactory(slug="hidden", site=xian, state=PublicationState.DRAFT)
    DerivativeFactory(scan__artefact=c)
    return {"merv": merv}


def test_total_counts_every_match_not_the_page(anon, catalogue):
    body = anon.get("/api/v1/artefacts/?page_size=1&total=true").json()
    assert body["total"] == 3 and len(body["results"]) == 1
    assert "total" not in anon.get("/api/v1/artefacts/").json()
    assert anon.get("/api/v1/artefacts/?material=silk&total=true").json()["total"] == 2


def test_facets_count_what_matches_the_filters(anon, catalogue):
    body = anon.get(
        "/api/v1/artefacts/?facets=country,material,object_type,has_3d&page_size=1"
    ).json()
    facets = body["facets"]
    assert facets["country"] == {"UZ": 2, "CN": 1}  # the draft is not counted
    assert facets["material"] == {"bronze": 2, "silk": 2}
    assert facets["object_type"] == {"textile": 2, "vessel": 1}
    assert facets["has_3d"] == {"true": 1, "false": 2}
    filtered = anon.get("/api/v1/artefacts/?country=CN&facets=material").json()["facets"]
    assert filtered == {"material": {"silk": 1}}
    sites = anon.get("/api/v1/sites/?facets=country").json()["facets"]
    assert sites == {"country": {"CN": 1, "UZ": 1}}


@pytest.mark.parametrize("query", ["facets=licence", "facets=", "total=maybe"])
def test_bad_extras_are_a_400_naming_the_choices(anon, query):
    response = anon.get(f"/api/v1/artefacts/?{query}")
    assert response.status_code == 400
    name = query.split("=")[0]
    assert name in response.json()["errors"]


def test_updated_since_lists_changes_and_tombstones(anon, owner, home, catalogue):
    before = timezone.now() - timedelta(seconds=1)
    old = timezone.now() - timedelta(days=2)
    Artefact.objects.update(updated_at=old)
    changed = Artefact.objects.get(slug="a")
    changed.attribution = "New attribution"
    changed.save()
    withdrawn = Artefact.objects.get(slug="b")
    withdrawn.state = PublicationState.WITHDRAWN
    withdrawn.save()
    gone = Artefact.objects.get(slug="c")
    gone_id = gone.public_id
    record_delete(instance=gone)
    # A draft that was never published leaves no trace for outsiders.
    record_delete(instance=HeritageSite.objects.get(slug="merv"))
    since = before.isoformat().replace("+00:00", "Z")
    body = anon.get("/api/v1/artefacts/", {"updated_since": since}).json()
    assert [row["slug"] for row in body["results"]] == ["a"]
    stones = {(s["id"], s["reason"]) for s in body["tombstones"]}
    assert stones == {(str(gone_id), "deleted"), (str(withdrawn.public_id), "withdrawn")}
    # The deleted scan of the deleted artefact is a scan tombstone.
    scans = anon.get("/api/v1/scans/", {"updated_since": since}).json()["tombstones"]
    assert [s["kind"] for s in scans] == ["scan"]
    site_stones = anon.get("/api/v1/sites/", {"updated_since": since}).json()["tombstones"]
    assert [s["slug"] for s in site_stones] == ["merv"]
    # Later pages do not repeat them; before the changes, nothing is listed.
    later = anon.get("/api/v1/artefacts/", {"updated_since": timezone.now().isoformat()})
    assert later.json()["tombstones"] == [] and later.json()["results"] == []
    assert DeletedRecord.objects.count() == 3


def test_a_bad_updated_since_is_a_400(anon):
    response = anon.get("/api/v1/artefacts/?updated_since=yesterday")
    assert response.status_code == 400
    assert "updated_since" in response.json()["errors"]


LISTS = ["sites", "artefacts", "scans", "routes", "exhibitions"]


@pytest.mark.parametrize("path", LISTS)
def test_updated_since_takes_any_iso_offset(anon, home, path):
    # +16:19 is valid ISO 8601 that PostgreSQL refuses as an offset (schemathesis found a 500).
    _route(home, "silk")
    ArtefactFactory(slug="bowl")
    for stamp, found in (("0201-01-21T11:18:35.8+16:19", True), ("2999-01-01T00:00-15:59", False)):
        response = anon.get(f"/api/v1/{path}/", {"updated_since": stamp})
        assert response.status_code == 200, response.content
        if path in ("artefacts", "routes"):
            assert bool(response.json()["results"]) == found


@pytest.mark.parametrize("path", LISTS)
def test_an_updated_since_before_the_year_1_is_a_400(anon, path):
    response = anon.get(f"/api/v1/{path}/", {"updated_since": "0001-01-01T00:00:00+15:00"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "year 1" in response.json()["errors"]["updated_since"][0]


def _route(home, slug: str):
    return RouteFactory(institution=home, slug=slug, state=PublicationState.PUBLISHED)


def _exhibition(home, slug: str):
    exhibition = Exhibition.objects.create(
        slug=slug, title_en=f"Exhibition {slug}", state=PublicationState.PUBLISHED
    )
    exhibition.institutions.add(home)
    return exhibition


@pytest.mark.parametrize(
    ("path", "kind", "make"),
    [("routes", "route", _route), ("exhibitions", "exhibition", _exhibition)],
)
def test_routes_and_exhibitions_list_their_tombstones_in_updated_since(
    anon, owner, home, path, kind, make
):
    kept, withdrawn, draft, gone = (make(home, slug) for slug in ("kept", "off", "wip", "gone"))
    type(kept).objects.update(updated_at=timezone.now() - timedelta(days=2))
    since = timezone.now() - timedelta(seconds=1)
    withdrawn.state = PublicationState.WITHDRAWN
    withdrawn.save()
    draft.state = PublicationState.DRAFT
    draft.save()
    gone_id = gone.public_id
    record_delete(instance=gone)
    # A draft that was never published, made after `since`: nobody's business either.
    new = make(home, "new-draft")
    new.state = PublicationState.DRAFT
    new.save()

    body = anon.get(f"/api/v1/{path}/", {"updated_since": since.isoformat()}).json()

    assert body["results"] == []
    assert {(s["kind"], s["id"], s["slug"], s["reason"]) for s in body["tombstones"]} == {
        (kind, str(gone_id), "gone", "deleted"),
        (kind, str(withdrawn.public_id), "off", "withdrawn"),
    }
    # The institution's reviewer sees its drafts among the changes, never as tombstones.
    mine = owner.get(f"/api/v1/{path}/", {"updated_since": since.isoformat()}).json()
    assert sorted(row["slug"] for row in mine["results"]) == ["new-draft", "off", "wip"]
    assert {s["slug"] for s in mine["tombstones"]} == {"gone", "off"}
    # Without updated_since there are no tombstones; a bad value is a 400 naming it.
    assert "tombstones" not in anon.get(f"/api/v1/{path}/").json()
    bad = anon.get(f"/api/v1/{path}/?updated_since=yesterday")
    assert bad.status_code == 400 and "updated_since" in bad.json()["errors"]
