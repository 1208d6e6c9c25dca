"""In the embedded default, a draft's files answer only to its curators; publishing opens them to
everyone, withdrawing closes them again, and the API lists URLs that work for each caller."""

import pytest
from django.test import Client

from heritage_sites.models import Derivative, PublicationState
from tests.factories import ArtefactFactory, DerivativeFactory, HeritageSiteFactory, ScanFactory

pytestmark = pytest.mark.django_db


def fetch(url: str, *, as_user=None):
    client = Client()
    if as_user is not None:
        client.force_login(as_user)
    return client.get(url)


def listed_urls(api_client, scan) -> list[str]:
    response = api_client.get(f"/api/v1/scans/{scan.public_id}/")
    assert response.status_code == 200, response.content
    return [item["url"] for item in response.json()["derivatives"]]


@pytest.fixture
def draft_poster(home):
    artefact = ArtefactFactory(institution=home, slug="bowl", state=PublicationState.DRAFT)
    return DerivativeFactory(scan__artefact=artefact)


def test_a_drafts_plain_derivative_url_is_404_for_anonymous_and_another_institutions_curator(
    draft_poster, outsider
):
    url = draft_poster.file.url
    assert fetch(url).status_code == 404
    assert fetch(url, as_user=outsider.user).status_code == 404


def test_outsiders_are_not_listed_a_drafts_scan_at_all(draft_poster, anon, outsider):
    for caller in (anon, outsider):
        assert caller.get(f"/api/v1/scans/{draft_poster.scan.public_id}/").status_code == 404


def test_the_owner_is_listed_a_short_lived_link_that_works_without_a_session(draft_poster, owner):
    [url] = listed_urls(owner, draft_poster.scan)
    assert "?access=" in url
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert fetch(draft_poster.file.url, as_user=owner.user).status_code == 200


def test_publishing_then_withdrawing_an_artefact_flips_its_files(
    draft_poster, owner, anon, django_capture_on_commit_callbacks
):
    scan, url = draft_poster.scan, draft_poster.file.url
    with django_capture_on_commit_callbacks(execute=True):
        owner.post("/api/v1/artefacts/bowl/submit/", {}, format="json")
        published = owner.post("/api/v1/artefacts/bowl/publish/", {}, format="json")
    assert published.status_code == 200, published.content
    assert Derivative.objects.get(pk=draft_poster.pk).is_public
    [listed] = listed_urls(anon, scan)
    assert listed == f"http://testserver{url}"
    response = fetch(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = owner.post(
            "/api/v1/artefacts/bowl/withdraw/", {"note": "Rights in question."}, format="json"
        )
    assert withdrawn.status_code == 200, withdrawn.content
    assert not Derivative.objects.get(pk=draft_poster.pk).is_public
    assert fetch(url).status_code == 404
    assert anon.get(f"/api/v1/scans/{scan.public_id}/").status_code == 404
    [signed] = listed_urls(owner, scan)
    assert Client().get(signed).status_code == 200


def test_a_withdrawn_site_closes_its_scans_files(home, owner, django_capture_on_commit_callbacks):
    site = HeritageSiteFactory(slug="merv", state=PublicationState.PUBLISHED)
    site.stewards.add(home)
    poster = DerivativeFactory(scan=ScanFactory(artefact=None, site=site, state="ready"))
    assert poster.is_public and fetch(poster.file.url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            "/api/v1/sites/merv/withdraw/", {"note": "Boundaries redrawn."}, format="json"
        )
    assert response.status_code == 200, response.content
    assert not Derivative.objects.get(pk=poster.pk).is_public
    assert fetch(poster.file.url).status_code == 404
    assert fetch(poster.file.url, as_user=owner.user).status_code == 200


def test_the_admin_publishing_an_artefact_makes_its_files_public(
    draft_poster, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.factories import UserFactory

    client.force_login(UserFactory(username="keeper", is_staff=True, is_superuser=True))
    artefact = draft_poster.scan.artefact
    with django_capture_on_commit_callbacks(execute=True):
        for action in ("submit", "publish"):  # the admin's workflow actions
            client.post(
                reverse("admin:heritage_sites_artefact_changelist"),
                {"action": action, "_selected_action": [artefact.pk]},
            )
    artefact.refresh_from_db()
    assert artefact.state == PublicationState.PUBLISHED
    assert Derivative.objects.get(pk=draft_poster.pk).is_public
    assert fetch(draft_poster.file.url).status_code == 200
