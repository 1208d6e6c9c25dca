"""Each list costs the same number of SQL queries for 5 rows as for 50."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from heritage_sites.models import Scan
from tests.factories import (
    ArtefactFactory,
    CorridorFactory,
    CountryFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    MaterialFactory,
)

pytestmark = pytest.mark.django_db


def build(count: int, home) -> None:
    country = CountryFactory(iso2="UZ")
    corridor = CorridorFactory()
    material = MaterialFactory()
    parent = HeritageSiteFactory()
    for index in range(count):
        site = HeritageSiteFactory(parent=parent, countries=[country], corridors=[corridor])
        site.stewards.add(home)
        artefact = ArtefactFactory(institution=home, site=site, materials=[material])
        DerivativeFactory(scan__artefact=artefact, scan__content=f"OFF {index}".encode())
        InstitutionFactory()
        CountryFactory()
        CorridorFactory()
        MaterialFactory()


LISTS = [
    "/api/v1/sites/",
    "/api/v1/sites/?near=39.6,66.9&radius_km=100",
    "/api/v1/sites.geojson",
    "/api/v1/artefacts/",
    "/api/v1/artefacts/?has_3d=true&q=bowl",
    "/api/v1/scans/",
    "/api/v1/countries/",
    "/api/v1/institutions/",
    "/api/v1/corridors/",
    "/api/v1/materials/",
]


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json().get("results", response.json().get("features"))) >= 5
    return len(queries)


@pytest.mark.parametrize("caller", ["anonymous", "owner"])
def test_list_query_counts_do_not_grow_with_rows(callers, home, caller):
    client = callers[caller]
    build(5, home)
    small = {url: _count(client, url) for url in LISTS}
    build(45, home)
    large = {url: _count(client, url) for url in LISTS}
    assert small == large


# The pinned figures: a change here is a change in cost per request; look before updating.
PINNED = {
    "/api/v1/sites/": 4,  # sites+parent, countries, corridors, ready scans with posters
    "/api/v1/sites.geojson": 3,  # the same queryset as the list
    "/api/v1/artefacts/": 3,  # rows+institution+site, materials, ready scans with posters
    "/api/v1/scans/": 2,  # scans+artefact+site, derivatives
    "/api/v1/countries/": 1,
    "/api/v1/institutions/": 1,
}


@pytest.mark.parametrize(("url", "expected"), PINNED.items())
def test_anonymous_list_query_count_is_pinned(anon, home, django_assert_num_queries, url, expected):
    build(5, home)
    with django_assert_num_queries(expected):
        assert anon.get(url).status_code == 200
    assert Scan.objects.exists()
