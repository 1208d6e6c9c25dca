"""Each page is produced with a number of queries that does not grow with its rows."""

import pytest

from heritage_sites.models import ProvenanceEvent, Scan
from tests.factories import (
    ArtefactFactory,
    CorridorFactory,
    CountryFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    MaterialFactory,
    ScanFactory,
)

pytestmark = pytest.mark.django_db


def _museum(rows: int):
    corridor = CorridorFactory()
    country = CountryFactory()
    material = MaterialFactory(slug="bronze")
    site = HeritageSiteFactory(slug="the-site", countries=[country], corridors=[corridor])
    the_artefact = ArtefactFactory(slug="the-artefact", site=site, materials=[material])
    main = ScanFactory(artefact=the_artefact, state=Scan.State.READY, content=b"main")
    DerivativeFactory(scan=main)
    DerivativeFactory(scan=main, kind="web", content=b"glTF")
    # The pages skip the site's scans and the relic's journey when there are none: pin the
    # counts with both.
    site_scan = ScanFactory(artefact=None, site=site, state=Scan.State.READY, content=b"site")
    DerivativeFactory(scan=site_scan, kind="web", content=b"glTF site")
    ProvenanceEvent.objects.create(
        artefact=the_artefact, position=1, kind=ProvenanceEvent.Kind.MADE, site=site
    )
    for n in range(rows):
        HeritageSiteFactory(countries=[country, CountryFactory()], corridors=[corridor])
        HeritageSiteFactory(parent=site)
        artefact = ArtefactFactory(site=site, materials=[material])
        scan = ScanFactory(artefact=artefact, state=Scan.State.READY)
        DerivativeFactory(scan=scan)
        # The artefact page: one relic with as many restorations as rows.
        restoration = ScanFactory(
            artefact=the_artefact,
            state=Scan.State.READY,
            kind=Scan.Kind.VIRTUAL_RESTORATION,
            derived_from=main,
            content=f"restoration {n}".encode(),
        )
        DerivativeFactory(scan=restoration, kind="web", content=f"glTF {n}".encode())


# Pinned: a change here is a change in how a page reads the database.
EXPECTED = {
    "/en/": 6,  # properties, countries, corridors of the map, corridor names, featured x2
    "/en/sites/": 6,  # count, page, countries, posters, the two filter lists
    # the site with its components, countries, corridors, relics, their posters, scans
    "/en/sites/the-site/": 6,
    "/en/artefacts/": 6,
    # artefact, materials, scans with their files, journey (the visible sites a subquery)
    "/en/artefacts/the-artefact/": 4,
    "/en/search/?q=Glazed": 5,
    "/ar/artefacts/?has_3d=true&material=bronze": 7,
}


@pytest.mark.parametrize("rows", [5, 50])
def test_query_counts_do_not_grow_with_rows(client, django_assert_num_queries, rows):
    _museum(rows)
    for url, expected in EXPECTED.items():
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200, url
