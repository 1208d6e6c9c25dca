"""Requests for originals: ask, approve, deny, expire, revoke, download logged, e-mails."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from heritage_sites.models import AccessRequest, DownloadLog, Scan
from heritage_sites.rights import DownloadPolicy
from tests.factories import ArtefactFactory, ScanFactory
from tests.workflow.conftest import api_as, member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

PROFILE = {"full_name": "Leyla Karimova", "affiliation": "Tashkent University", "purpose": ""}


@pytest.fixture
def scan(home):
    artefact = ArtefactFactory(institution=home)
    return ScanFactory(
        artefact=artefact, state=Scan.State.READY, download_policy=DownloadPolicy.ON_REQUEST
    )


@pytest.fixture
def researcher(db):
    from tests.factories import UserFactory

    return UserFactory(username="leyla", email="leyla@example.org")


def ask(client, scan, **overrides):
    payload = {
        "scan": str(scan.public_id),
        "intended_use": "A paper on lustre glazes.",
        "accept_terms": True,
        "profile": PROFILE,
        **overrides,
    }
    return client.post("/api/v1/access-requests/", payload, format="json")


def test_a_request_needs_the_terms_and_a_profile(people, scan, researcher):
    client = api_as(researcher)
    refused = ask(client, scan, accept_terms=False)
    assert refused.status_code == 400
    assert "Accept the terms" in refused.json()["detail"]
    no_profile = ask(client, scan, profile=None)
    assert no_profile.status_code == 400
    assert not AccessRequest.objects.exists()
    assert api_as(None).post("/api/v1/access-requests/", {}, format="json").status_code in (
        401,
        403,
    )


def test_approval_sends_a_personal_link_that_downloads_and_is_logged(
    people, scan, researcher, django_capture_on_commit_callbacks, client
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(api_as(researcher), scan)
    assert response.status_code == 201, response.content
    request_id = response.json()["id"]
    # The reviewers of the institution are told; the curator is not a reviewer.
    assert [message.to for message in mail.outbox] == [
        ["administrator@example.org", "reviewer@example.org"]
    ]
    assert "Leyla Karimova (Tashkent University)" in mail.outbox[0].body

    # A reviewer of another institution cannot decide; nor can the curator.
    url = f"/api/v1/access-requests/{request_id}/approve/"
    assert api_as(people["other_reviewer"]).post(url, format="json").status_code == 404
    assert api_as(people["curator"]).post(url, format="json").status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        approved = api_as(people["reviewer"]).post(url, {"note": "Enjoy."}, format="json")
    assert approved.status_code == 200, approved.content
    body = approved.json()
    assert body["status"] == "approved"
    assert body["decided_by"] == "reviewer"
    days = timezone.now() + timedelta(days=7) - timezone.datetime.fromisoformat(body["expires_at"])
    assert abs(days.total_seconds()) < 60
    letter = mail.outbox[-1]
    assert letter.to == ["leyla@example.org"]
    link = next(word for word in letter.body.split() if word.startswith("/originals/requested/"))

    client.force_login(researcher)
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == scan.original.open("rb").read()
    [log] = DownloadLog.objects.all()
    assert (log.user, log.scan, log.byte_size) == (researcher, scan, scan.byte_size)
    assert log.filename == scan.original_filename

    # Someone else signed in with the same link is refused, and nothing is logged.
    client.force_login(people["visitor"])
    assert client.get(link).status_code == 403
    assert DownloadLog.objects.count() == 1


def test_a_denied_request_tells_the_requester_why(
    people, scan, researcher, django_capture_on_commit_callbacks
):
    request_id = ask(api_as(researcher), scan).json()["id"]
    url = f"/api/v1/access-requests/{request_id}/deny/"
    reviewer = api_as(people["reviewer"])
    assert reviewer.post(url, format="json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        denied = reviewer.post(url, {"note": "Under conservation study."}, format="json")
    assert denied.json()["status"] == "denied"
    assert mail.outbox[-1].to == ["leyla@example.org"]
    assert "Under conservation study." in mail.outbox[-1].body
    again = reviewer.post(f"/api/v1/access-requests/{request_id}/approve/", format="json")
    assert again.status_code == 409


def test_links_expire_and_can_be_revoked(people, scan, researcher, client):
    created = AccessRequest.objects.get(public_id=ask(api_as(researcher), scan).json()["id"])
    from heritage_sites.services.access_requests import access_request_approve

    token = access_request_approve(access_request=created, by=people["reviewer"])
    link = f"/originals/requested/{token}/"
    assert client.get(link).status_code == 200

    AccessRequest.objects.filter(pk=created.pk).update(expires_at=timezone.now())
    assert client.get(link).status_code == 404
    AccessRequest.objects.filter(pk=created.pk).update(
        expires_at=timezone.now() + timedelta(days=1)
    )
    revoked = api_as(people["reviewer"]).post(
        f"/api/v1/access-requests/{created.public_id}/revoke/", format="json"
    )
    assert revoked.json()["status"] == "revoked"
    assert client.get(link).status_code == 404
    assert client.get("/originals/requested/not-a-token/").status_code == 404
    assert DownloadLog.objects.count() == 1


def test_only_scans_on_request_can_be_asked_for(people, home, researcher):
    open_scan = ScanFactory(
        artefact=ArtefactFactory(institution=home),
        state=Scan.State.READY,
        download_policy=DownloadPolicy.OPEN,
    )
    response = ask(api_as(researcher), open_scan)
    assert response.status_code == 400
    assert "open" in response.json()["detail"]
    closed = ScanFactory(artefact=ArtefactFactory(institution=home), state=Scan.State.READY)
    assert "does not give out" in ask(api_as(researcher), closed).json()["detail"]


def test_a_reviewer_who_is_also_an_administrator_elsewhere_decides_only_at_home(home, other, scan):
    helper = member(other, "administrator", "helper")
    created = AccessRequest.objects.create(
        scan=scan, requester=helper, intended_use="x", terms_accepted_at=timezone.now()
    )
    from heritage_sites.services.access_requests import AccessRefused, access_request_approve

    with pytest.raises(AccessRefused):
        access_request_approve(access_request=created, by=helper)
