"""History through the API (who, when, which fields, old and new) and the 410 page."""

import pytest

from heritage_sites.models import PublicationState
from heritage_sites.services.workflow import artefact_withdraw, site_withdraw
from tests.factories import ArtefactFactory, HeritageSiteFactory
from tests.workflow.conftest import api_as

pytestmark = pytest.mark.django_db


def test_the_institutions_members_read_the_history_of_a_record(people, home):
    ArtefactFactory(institution=home, slug="bowl", state=PublicationState.DRAFT)
    curator = api_as(people["curator"])
    curator.patch("/api/v1/artefacts/bowl/", {"provenance": "Bought in 1921."}, format="json")
    curator.post("/api/v1/artefacts/bowl/submit/", format="json")

    response = curator.get("/api/v1/artefacts/bowl/history/")
    assert response.status_code == 200
    submitted, edited, created = response.json()["results"]
    assert (submitted["by"], submitted["reason"]) == ("curator", "submit")
    assert {"field": "state", "old": "draft", "new": "in_review"} in submitted["changes"]
    assert edited["by"] == "curator"
    assert {"field": "provenance", "old": "", "new": "Bought in 1921."} in edited["changes"]
    assert created["type"] == "created"

    # Another institution's reviewer and visitors see no history.
    other = api_as(people["other_reviewer"]).get("/api/v1/artefacts/bowl/history/")
    assert other.status_code == 404
    assert api_as(None).get("/api/v1/artefacts/bowl/history/").status_code in (401, 403, 404)


def test_a_withdrawn_record_has_a_410_page_with_reason_and_citation(people, home, client):
    artefact = ArtefactFactory(
        institution=home, state=PublicationState.PUBLISHED, title_en="Lustre bowl"
    )
    artefact_withdraw(artefact=artefact, by=people["reviewer"], note="Returned to its owner.")
    page = client.get(f"/en/withdrawn/artefact/{artefact.public_id}/")
    assert page.status_code == 410
    text = page.content.decode()
    assert "Returned to its owner." in text
    assert "Lustre bowl" in text and "Home Museum" in text
    assert "style=" not in text and "<script" not in text
    # The API's 410 names the page.
    gone = api_as(None).get(f"/api/v1/artefacts/{artefact.public_id}/").json()
    assert gone["tombstone"]["page"] == f"/en/withdrawn/artefact/{artefact.public_id}/"
    # Published or draft records have no tombstone page.
    published = ArtefactFactory(institution=home, state=PublicationState.PUBLISHED)
    assert client.get(f"/en/withdrawn/artefact/{published.public_id}/").status_code == 404
    assert client.get(f"/en/withdrawn/spaceship/{published.public_id}/").status_code == 404


def test_a_withdrawn_records_own_page_becomes_its_tombstone_in_the_visitors_language(
    people, home, client
):
    artefact = ArtefactFactory(
        institution=home, slug="bowl", state=PublicationState.PUBLISHED, title_en="Lustre bowl"
    )
    site = HeritageSiteFactory(slug="merv", state=PublicationState.PUBLISHED)
    assert client.get("/en/artefacts/bowl/").status_code == 200
    artefact_withdraw(artefact=artefact, by=people["reviewer"], note="Returned to its owner.")
    site_withdraw(site=site, by=people["staff"], note="Listed twice.")

    page = client.get("/ar/artefacts/bowl/")
    assert page.status_code == 410
    text = page.content.decode()
    assert 'dir="rtl"' in text and "Returned to its owner." in text
    assert "was withdrawn" not in text, "the page's own words are in Arabic"
    assert f"urn:uuid:{artefact.public_id}" in text
    assert client.get("/en/sites/merv/").status_code == 410
    # A draft, or no record at all, is simply not found.
    ArtefactFactory(institution=home, slug="draft-bowl", state=PublicationState.DRAFT)
    assert client.get("/en/artefacts/draft-bowl/").status_code == 404
    assert client.get("/en/artefacts/no-such-bowl/").status_code == 404
