"""Access requests in the admin: the owning institution's reviewers see them (nobody else
does), approve or deny them with a note, revoke links, filter by state, and read the
downloads; the requester gets the same e-mail and link as through the API."""

import re

import pytest
from django.core import mail
from django.test import Client

from heritage_sites.models import AccessRequest, DownloadLog, RequesterProfile, Scan
from heritage_sites.rights import DownloadPolicy
from heritage_sites.services.access_requests import access_request_approve, access_request_create
from tests.factories import ArtefactFactory, ScanFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]

LIST = "/admin/heritage_sites/accessrequest/"


def _scan(institution):
    return ScanFactory(
        artefact=ArtefactFactory(institution=institution),
        state=Scan.State.READY,
        download_policy=DownloadPolicy.ON_REQUEST,
    )


def _ask(scan, username: str) -> AccessRequest:
    requester = UserFactory(username=username, email=f"{username}@example.org")
    RequesterProfile.objects.create(user=requester, full_name="Leyla Karimova", affiliation="TU")
    return access_request_create(
        scan=scan, requester=requester, intended_use="A paper on glazes.", terms_accepted=True
    )


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def requests(people, home, other):
    return {"mine": _ask(_scan(home), "leyla"), "theirs": _ask(_scan(other), "omar")}


def _act(client, action: str, *requests, **data):
    return client.post(
        LIST,
        {"action": action, "_selected_action": [r.pk for r in requests], **data},
        follow=True,
    )


def test_reviewers_see_their_institutions_requests_and_nobody_elses(people, requests):
    reviewer = _signed_in(people["reviewer"])
    listing = reviewer.get(LIST).content.decode()
    assert "leyla" in listing and "omar" not in listing
    assert "Leyla Karimova (TU)" in listing
    theirs = reviewer.get(f"{LIST}{requests['theirs'].pk}/change/", follow=True)
    assert theirs.redirect_chain and "omar" not in theirs.content.decode()
    # A curator decides on nothing: the admin has no access requests for them.
    assert _signed_in(people["curator"]).get(LIST).status_code == 403
    assert "omar" in _signed_in(people["staff"]).get(LIST).content.decode()


def test_a_reviewer_approves_with_a_note_and_the_requester_gets_a_personal_link(
    people, requests, django_capture_on_commit_callbacks
):
    reviewer = _signed_in(people["reviewer"])
    asked = _act(reviewer, "approve", requests["mine"])
    assert b"A note for the requesters (optional" in asked.content
    assert b"required" not in asked.content.split(b"<textarea")[1].split(b">")[0]
    assert AccessRequest.objects.get(pk=requests["mine"].pk).status == "pending"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = _act(reviewer, "approve", requests["mine"], confirmed="yes", note="Enjoy.")
    assert "1 request approved" in done.content.decode()
    approved = AccessRequest.objects.get(pk=requests["mine"].pk)
    assert (approved.status, approved.decided_by, approved.decision_note) == (
        "approved",
        people["reviewer"],
        "Enjoy.",
    )
    [message] = mail.outbox
    assert message.to == ["leyla@example.org"] and "Enjoy." in message.body
    link = re.search(r"/originals/requested/[\w-]+/", message.body).group()
    assert Client().get(link).status_code == 200
    # The log is shown read only on the request's page, without a save button.
    page = reviewer.get(f"{LIST}{approved.pk}/change/").content.decode()
    assert DownloadLog.objects.get().filename in page
    assert 'name="_save"' not in page and "token_digest" not in page


def test_a_denial_needs_a_note_and_tells_the_requester(
    people, requests, django_capture_on_commit_callbacks
):
    reviewer = _signed_in(people["reviewer"])
    again = _act(reviewer, "deny", requests["mine"], confirmed="yes", note="  ")
    assert b"Why the requests are denied" in again.content
    assert AccessRequest.objects.get(pk=requests["mine"].pk).status == "pending"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = _act(reviewer, "deny", requests["mine"], confirmed="yes", note="Not for films.")
    assert "1 request denied" in done.content.decode()
    assert AccessRequest.objects.get(pk=requests["mine"].pk).status == "denied"
    assert [m.body for m in mail.outbox] == ["Not for films."]


def test_a_reviewer_revokes_an_approved_link_and_is_told_what_could_not_be(people, requests):
    access_request_approve(access_request=requests["mine"], by=people["reviewer"])
    pending = _ask(requests["mine"].scan, "tomas")
    reviewer = _signed_in(people["reviewer"])

    done = _act(reviewer, "revoke", requests["mine"], pending).content.decode()

    assert "1 link revoked" in done
    assert "Only an approved request can be revoked." in done
    assert AccessRequest.objects.get(pk=requests["mine"].pk).status == "revoked"
    assert AccessRequest.objects.get(pk=pending.pk).status == "pending"


def test_the_list_filters_by_state(people, requests, home):
    access_request_approve(access_request=requests["mine"], by=people["reviewer"])
    _ask(requests["mine"].scan, "tomas")
    reviewer = _signed_in(people["reviewer"])

    approved = reviewer.get(LIST, {"status__exact": "approved"}).content.decode()
    pending = reviewer.get(LIST, {"status__exact": "pending"}).content.decode()

    assert "leyla" in approved and "tomas" not in approved
    assert "tomas" in pending and "leyla" not in pending


def test_another_institutions_reviewer_cannot_decide_by_posting_the_action(people, requests):
    _act(_signed_in(people["reviewer"]), "approve", requests["theirs"], confirmed="yes")
    assert AccessRequest.objects.get(pk=requests["theirs"].pk).status == "pending"
    _act(_signed_in(people["other_reviewer"]), "approve", requests["theirs"], confirmed="yes")
    assert AccessRequest.objects.get(pk=requests["theirs"].pk).status == "approved"
