"""The browsable API renders for a signed-in curator, write forms included."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ArtefactFactory, DerivativeFactory, HeritageSiteFactory

pytestmark = pytest.mark.django_db


def test_every_page_of_the_browsable_api_renders_for_a_curator(owner, home):
    site = HeritageSiteFactory(slug="merv")
    site.stewards.add(home)
    artefact = ArtefactFactory(institution=home, slug="bowl", site=site)
    scan = DerivativeFactory(scan__artefact=artefact).scan
    client = APIClient()
    client.force_login(owner.user)
    for url in (
        "/api/v1/",
        "/api/v1/sites/",
        "/api/v1/sites/merv/",
        "/api/v1/artefacts/",
        "/api/v1/artefacts/bowl/",
        "/api/v1/scans/",
        f"/api/v1/scans/{scan.public_id}/",
        "/api/v1/countries/",
        "/api/v1/institutions/",
    ):
        response = client.get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        assert b"<form" in response.content or url.endswith("/v1/"), url
