"""Each role x each write action x own or other institution, in the API, the admin and the
visitor pages.

The people: a visitor (no role), a curator, a reviewer and an administrator of the home
institution, each acting on a record of their own institution ("own") or of another one
("other"), where they hold no role.
"""

import pytest
from django.test import Client

from heritage_sites.models import (
    AccessRequest,
    Artefact,
    DownloadPolicy,
    PublicationState,
    RequesterProfile,
    Scan,
)
from tests.factories import ArtefactFactory, InstitutionFactory, ScanFactory, UserFactory
from tests.workflow.conftest import api_as, member

pytestmark = pytest.mark.django_db

ROLES = ["visitor", "curator", "reviewer", "administrator"]
# Which roles may, on their own institution's records. On another's: nobody.
ALLOWED = {
    "create": {"curator", "reviewer", "administrator"},
    "edit": {"curator", "reviewer", "administrator"},
    "submit": {"curator", "reviewer", "administrator"},
    "publish": {"reviewer", "administrator"},
    "withdraw": {"reviewer", "administrator"},
    "revert": {"reviewer", "administrator"},
}
START = {
    "edit": PublicationState.DRAFT,
    "submit": PublicationState.DRAFT,
    "publish": PublicationState.IN_REVIEW,
    "withdraw": PublicationState.PUBLISHED,
}


@pytest.fixture
def world(db):
    own, other = InstitutionFactory(slug="own"), InstitutionFactory(slug="other")
    users = {"visitor": member(other, "curator", "visitor")}
    users["visitor"].institutions.clear()  # an account with no role anywhere
    for role in ROLES[1:]:
        users[role] = member(own, role, role)
    return {"own": own, "other": other, "users": users}


def _api_attempt(world, role, action, whose):
    client = api_as(world["users"][role])
    institution = world[whose]
    if action == "create":
        payload = {
            "slug": "new-bowl",
            "title": {"en": "New bowl"},
            "accession_number": "N-1",
            "institution": institution.slug,
            "object_type": "vessel",
            "licence": "CC-BY-4.0",
            "rights_holder": "Someone",
        }
        response = client.post("/api/v1/artefacts/", payload, format="json")
        return response.status_code == 201
    artefact = ArtefactFactory(institution=institution, slug="bowl", state=START[action])
    url = f"/api/v1/artefacts/{artefact.public_id}/"
    if action == "edit":
        response = client.patch(url, {"provenance": "Found in 1930."}, format="json")
    else:
        response = client.post(f"{url}{action}/", {"note": "Because."}, format="json")
    artefact.refresh_from_db()
    done = response.status_code == 200
    if done and action != "edit":
        assert artefact.state != START[action]
    if not done:
        # Refused and unchanged: 400 (not your institution), 403 or 404, never a 500.
        assert response.status_code in (400, 401, 403, 404), response.content
        assert artefact.state == START[action]
        assert artefact.provenance != "Found in 1930."
    return done


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["create", "edit", "submit", "publish", "withdraw"])
def test_api_matrix(world, role, action, whose):
    expected = whose == "own" and role in ALLOWED[action]
    assert _api_attempt(world, role, action, whose) is expected


def _admin(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ["submit", "publish", "withdraw"])
def test_admin_actions_matrix(world, role, action, whose):
    artefact = ArtefactFactory(institution=world[whose], state=START[action])
    data = {
        "action": action,
        "_selected_action": [artefact.pk],
        "confirmed": "yes",
        "note": "Because.",
    }
    _admin(world["users"][role]).post("/admin/heritage_sites/artefact/", data)
    artefact.refresh_from_db()
    moved = artefact.state != START[action]
    assert moved is (whose == "own" and role in ALLOWED[action])


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_admin_edit_matrix(world, role, whose):
    artefact = ArtefactFactory(institution=world[whose], state=PublicationState.DRAFT)
    response = _admin(world["users"][role]).get(
        f"/admin/heritage_sites/artefact/{artefact.pk}/change/"
    )
    may_change = response.status_code == 200 and b'name="_save"' in response.content
    assert may_change is (whose == "own" and role in ALLOWED["edit"])


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_admin_revert_matrix(world, role, whose):
    artefact = ArtefactFactory(institution=world[whose], state=PublicationState.DRAFT)
    artefact.provenance = "First text."
    artefact.save()
    first = artefact.history.order_by("history_date").last()
    artefact.provenance = "Second text."
    artefact.save()
    url = f"/admin/heritage_sites/artefact/{artefact.pk}/history/{first.history_id}/"
    client = _admin(world["users"][role])
    page = client.get(url)
    form = {
        "slug": artefact.slug,
        "title_en": artefact.title_en,
        "accession_number": artefact.accession_number,
        "institution": artefact.institution_id,
        "object_type": artefact.object_type,
        "licence": artefact.licence,
        "rights_holder": artefact.rights_holder,
        "provenance": "First text.",
    }
    client.post(url, form)
    artefact.refresh_from_db()
    reverted = artefact.provenance == "First text."
    expected = whose == "own" and role in ALLOWED["revert"]
    assert reverted is expected, page.status_code
    assert Artefact.objects.count() == 1


def _access_request(world, whose) -> AccessRequest:
    """A pending request for the original of a scan of ``whose`` institution."""
    artefact = ArtefactFactory(institution=world[whose], state=PublicationState.PUBLISHED)
    scan = ScanFactory(
        artefact=artefact,
        state=Scan.State.READY,
        publication_state=PublicationState.PUBLISHED,
        download_policy=DownloadPolicy.ON_REQUEST,
    )
    requester = UserFactory(username="leyla-reader")
    RequesterProfile.objects.create(user=requester, full_name="A. Reader", affiliation="Library")
    asked = api_as(requester).post(
        "/api/v1/access-requests/",
        {"scan": str(scan.public_id), "intended_use": "A paper.", "accept_terms": True},
        format="json",
    )
    assert asked.status_code == 201, asked.content
    return AccessRequest.objects.get()


# Who decides on a request for an original: the scan's institution's reviewers.
DECIDES = {"reviewer", "administrator"}


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_api_approve_an_access_request_matrix(world, role, whose):
    """Only a reviewer or administrator of the scan's institution decides on its requests."""
    access_request = _access_request(world, whose)
    response = api_as(world["users"][role]).post(
        f"/api/v1/access-requests/{access_request.public_id}/approve/",
        {"note": "Yes."},
        format="json",
    )
    approved = AccessRequest.objects.get().status == AccessRequest.Status.APPROVED
    assert approved is (whose == "own" and role in DECIDES)
    if not approved:
        assert response.status_code in (403, 404), response.content


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", ROLES)
def test_admin_approve_an_access_request_matrix(world, role, whose):
    """The admin's approve action, on the same rule: another institution's reviewer and a
    curator neither see the request nor approve it by posting the action."""
    access_request = _access_request(world, whose)
    client = _admin(world["users"][role])
    listing = client.get("/admin/heritage_sites/accessrequest/")
    client.post(
        "/admin/heritage_sites/accessrequest/",
        {
            "action": "approve",
            "_selected_action": [access_request.pk],
            "confirmed": "yes",
            "note": "Yes.",
        },
    )
    approved = AccessRequest.objects.get().status == AccessRequest.Status.APPROVED
    assert approved is (whose == "own" and role in DECIDES)
    listed = listing.status_code == 200 and b"leyla-reader" in listing.content
    assert listed is (whose == "own" and role in DECIDES)


PAGE_STATUS = {
    PublicationState.DRAFT: 404,
    PublicationState.IN_REVIEW: 404,
    PublicationState.PUBLISHED: 200,
    PublicationState.WITHDRAWN: 410,
}


@pytest.mark.parametrize("whose", ["own", "other"])
@pytest.mark.parametrize("role", ["anonymous", *ROLES])
@pytest.mark.parametrize("state", list(PAGE_STATUS))
def test_pages_matrix(world, role, state, whose):
    """The visitor pages show the published museum to everyone, their own drafts to nobody
    (curators preview in the admin); a withdrawn record is its tombstone."""
    ArtefactFactory(institution=world[whose], slug="bowl", state=state)
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    assert client.get("/en/artefacts/bowl/").status_code == PAGE_STATUS[state]
    listed = client.get("/en/artefacts/").content.decode()
    assert ("/en/artefacts/bowl/" in listed) is (state == PublicationState.PUBLISHED)
