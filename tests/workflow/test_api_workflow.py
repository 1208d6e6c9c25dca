"""The workflow through the API: transitions, gates, tombstones, the review queue."""

import pytest

from heritage_sites.models import Artefact, PublicationState, Scan
from heritage_sites.rights import Licence
from tests.factories import ArtefactFactory, DerivativeFactory, HeritageSiteFactory, ScanFactory
from tests.workflow.conftest import api_as

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW = PublicationState.DRAFT, PublicationState.IN_REVIEW
PUBLISHED, WITHDRAWN = PublicationState.PUBLISHED, PublicationState.WITHDRAWN


def post(client, url, **data):
    return client.post(url, data, format="json")


def test_an_artefact_goes_from_draft_to_published_with_who_and_when(people, home):
    artefact = ArtefactFactory(institution=home, slug="bowl", state=DRAFT)
    curator, reviewer = api_as(people["curator"]), api_as(people["reviewer"])

    response = post(curator, "/api/v1/artefacts/bowl/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == IN_REVIEW
    assert response.json()["review"]["submitted_by"] == "curator"

    # A curator may not publish their own submission.
    assert post(curator, "/api/v1/artefacts/bowl/publish/").status_code == 403

    response = post(reviewer, "/api/v1/artefacts/bowl/publish/")
    assert response.status_code == 200, response.content
    artefact.refresh_from_db()
    assert artefact.state == PUBLISHED
    assert artefact.published_by == people["reviewer"]
    assert artefact.published_at is not None
    assert artefact.submitted_by == people["curator"]
    # Visitors see it now, without the review trail.
    public = api_as(None).get("/api/v1/artefacts/bowl/")
    assert public.status_code == 200
    assert public.json()["review"] is None


def test_a_rejection_needs_a_comment_and_returns_the_draft(people, home):
    artefact = ArtefactFactory(institution=home, slug="bowl", state=IN_REVIEW)
    reviewer = api_as(people["reviewer"])
    response = post(reviewer, "/api/v1/artefacts/bowl/reject/")
    assert response.status_code == 400
    assert "comment" in response.json()["errors"]["note"][0]
    response = post(reviewer, "/api/v1/artefacts/bowl/reject/", note="Date the glaze, please.")
    assert response.status_code == 200
    artefact.refresh_from_db()
    assert (artefact.state, artefact.review_comment) == (DRAFT, "Date the glaze, please.")
    assert artefact.reviewed_by == people["reviewer"]


def test_a_transition_from_the_wrong_state_is_a_409(people, home):
    ArtefactFactory(institution=home, slug="bowl", state=DRAFT)
    response = post(api_as(people["reviewer"]), "/api/v1/artefacts/bowl/publish/")
    assert response.status_code == 409
    assert "only a record that is in review can be published" in response.json()["detail"]


def test_an_artefact_without_rights_cannot_be_published(people, home):
    artefact = ArtefactFactory(institution=home, slug="bowl", state=IN_REVIEW)
    Artefact.objects.filter(pk=artefact.pk).update(rights_holder="  ")
    response = post(api_as(people["reviewer"]), "/api/v1/artefacts/bowl/publish/")
    assert response.status_code == 409
    assert "rights holder" in response.json()["detail"]
    artefact.refresh_from_db()
    assert artefact.state == IN_REVIEW


def test_a_scan_is_published_only_when_ready_licensed_and_with_a_poster(people, home):
    artefact = ArtefactFactory(institution=home, state=PUBLISHED)
    scan = ScanFactory(artefact=artefact, publication_state=IN_REVIEW, state=Scan.State.QUEUED)
    reviewer = api_as(people["reviewer"])
    url = f"/api/v1/scans/{scan.public_id}/publish/"
    response = post(reviewer, url)
    assert response.status_code == 409
    assert "not processed yet" in response.json()["detail"]
    assert "no poster" in response.json()["detail"]
    Scan.objects.filter(pk=scan.pk).update(state=Scan.State.READY)
    DerivativeFactory(scan=scan)
    response = post(reviewer, url)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["publication_state"] == PUBLISHED
    # The scan inherits its artefact's licence; the API shows it as a URI with attribution.
    assert body["rights"]["licence"] == Licence.CC_BY
    assert body["rights"]["reusability"] == "open"
    assert artefact.rights_holder in body["rights"]["attribution"]


def test_a_draft_scan_of_a_published_artefact_stays_hidden(people, home):
    artefact = ArtefactFactory(institution=home, state=PUBLISHED, slug="bowl")
    scan = ScanFactory(artefact=artefact, publication_state=DRAFT, state=Scan.State.READY)
    anon = api_as(None)
    assert anon.get(f"/api/v1/scans/{scan.public_id}/").status_code == 404
    assert anon.get("/api/v1/artefacts/bowl/").json()["scans"] == []
    assert api_as(people["curator"]).get(f"/api/v1/scans/{scan.public_id}/").status_code == 200


def test_a_withdrawn_record_is_a_410_with_reason_and_citation(people, home):
    ArtefactFactory(institution=home, slug="bowl", state=PUBLISHED, title_en="Lustre bowl")
    reviewer = api_as(people["reviewer"])
    assert post(reviewer, "/api/v1/artefacts/bowl/withdraw/").status_code == 400
    response = post(reviewer, "/api/v1/artefacts/bowl/withdraw/", note="Returned to its owner.")
    assert response.status_code == 200

    gone = api_as(None).get("/api/v1/artefacts/bowl/")
    assert gone.status_code == 410
    assert gone["Content-Type"].startswith("application/problem+json")
    body = gone.json()
    assert body["tombstone"]["reason"] == "Returned to its owner."
    assert "Lustre bowl" in body["tombstone"]["citation"]
    assert "Home Museum" in body["tombstone"]["citation"]
    assert "Returned to its owner." in body["detail"]
    # Not in the lists any more; its institution still sees it as it is.
    assert api_as(None).get("/api/v1/artefacts/").json()["results"] == []
    mine = api_as(people["curator"]).get("/api/v1/artefacts/bowl/")
    assert mine.status_code == 200 and mine.json()["state"] == WITHDRAWN

    # Reinstated, it is a draft again: 404 for visitors, no tombstone.
    assert post(reviewer, "/api/v1/artefacts/bowl/reinstate/").status_code == 200
    assert api_as(None).get("/api/v1/artefacts/bowl/").status_code == 404


def test_a_withdrawn_site_is_a_410_too(people, home):
    site = HeritageSiteFactory(slug="merv", state=PUBLISHED)
    site.stewards.add(home)
    reviewer = api_as(people["reviewer"])
    assert (
        post(reviewer, "/api/v1/sites/merv/withdraw/", note="Duplicate of Merv oasis.").status_code
        == 200
    )
    gone = api_as(None).get(f"/api/v1/sites/{site.public_id}/")
    assert gone.status_code == 410
    assert gone.json()["tombstone"]["kind"] == "site"


def test_state_cannot_be_patched_any_more(people, home):
    ArtefactFactory(institution=home, slug="bowl", state=DRAFT)
    response = api_as(people["curator"]).patch(
        "/api/v1/artefacts/bowl/", {"state": "published"}, format="json"
    )
    assert response.status_code == 400
    assert "submit/" in response.json()["errors"]["state"][0]
    assert Artefact.objects.get(slug="bowl").state == DRAFT


def test_curators_edit_drafts_and_reviewers_edit_published_records(people, home):
    ArtefactFactory(institution=home, slug="bowl", state=PUBLISHED)
    change = {"provenance": "Bought in 1921."}
    response = api_as(people["curator"]).patch("/api/v1/artefacts/bowl/", change, format="json")
    assert response.status_code == 403
    assert "reviewers" in response.json()["detail"]
    response = api_as(people["reviewer"]).patch("/api/v1/artefacts/bowl/", change, format="json")
    assert response.status_code == 200


def test_the_review_queue_lists_what_waits_in_the_reviewers_institutions(people, home, other):
    mine = ArtefactFactory(institution=home, state=IN_REVIEW)
    ArtefactFactory(institution=other, state=IN_REVIEW)
    ArtefactFactory(institution=home, state=DRAFT)
    response = api_as(people["reviewer"]).get("/api/v1/review-queue/")
    assert response.status_code == 200
    assert [entry["id"] for entry in response.json()["artefacts"]] == [str(mine.public_id)]
    assert api_as(people["curator"]).get("/api/v1/review-queue/").status_code == 403
    assert api_as(None).get("/api/v1/review-queue/").status_code in (401, 403)
    staff = api_as(people["staff"]).get("/api/v1/review-queue/?institution=other-museum")
    assert len(staff.json()["artefacts"]) == 1


def test_licences_are_uris_and_codes_are_accepted_on_input(people, home):
    payload = {
        "slug": "lustre-bowl",
        "title": {"en": "Lustre bowl"},
        "accession_number": "KUN-9",
        "institution": "home-museum",
        "object_type": "vessel",
        "licence": "CC-BY-NC-SA-4.0",
        "rights_holder": "Home museum",
    }
    response = api_as(people["curator"]).post("/api/v1/artefacts/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["licence"] == "https://creativecommons.org/licenses/by-nc-sa/4.0/"
    assert response.json()["rights"]["reusability"] == "restricted"
    assert response.json()["state"] == DRAFT


def test_the_licence_and_reusability_filters(people, home):
    ArtefactFactory(institution=home, slug="open", licence=Licence.CC0)
    ArtefactFactory(institution=home, slug="closed", licence=Licence.IN_COPYRIGHT_EDU)
    anon = api_as(None)

    def slugs(query):
        response = anon.get("/api/v1/artefacts/", query)
        assert response.status_code == 200, response.content
        return {row["slug"] for row in response.json()["results"]}

    assert slugs({"licence": "CC0-1.0"}) == {"open"}
    assert slugs({"licence": "http://rightsstatements.org/vocab/InC-EDU/1.0/"}) == {"closed"}
    assert slugs({"reusability": "open"}) == {"open"}
    assert slugs({"reusability": "restricted"}) == {"closed"}
    bad = anon.get("/api/v1/artefacts/", {"licence": "WTFPL"})
    assert bad.status_code == 400
    assert "licence" in bad.json()["errors"]
