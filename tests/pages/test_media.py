"""The embedded default's /media/ URL: only derivatives, only for whoever may see their scan."""

import logging
import time
from unittest import mock

import pytest
from django.test import Client

from heritage_sites.models import PublicationState
from heritage_sites.services.derivatives import derivative_url
from tests.factories import (
    TETRAHEDRON_OFF,
    ArtefactFactory,
    DerivativeFactory,
    InstitutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def published_derivative():
    return DerivativeFactory(scan__artefact__state=PublicationState.PUBLISHED)


# Every spelling of "leave derivatives/ for the scan's private original". {scan} is the scan's
# public id, {root} the media folder on disk; the original is scans/{scan}/original/original.off.
TRAVERSALS = {
    "plain": "derivatives/../scans/{scan}/original/original.off",
    "encoded dots": "derivatives/%2e%2e/scans/{scan}/original/original.off",
    "encoded dots, capitals": "derivatives/%2E%2E/scans/{scan}/original/original.off",
    "encoded slash": "derivatives/..%2fscans/{scan}/original/original.off",
    "encoded backslash": "derivatives/{scan}/..%5c..%5cscans%5c{scan}%5coriginal%5coriginal.off",
    "double-encoded": "derivatives/%252e%252e/scans/{scan}/original/original.off",
    "double-encoded slash": "derivatives/..%252fscans/{scan}/original/original.off",
    "backslash": "derivatives\\..\\scans\\{scan}\\original\\original.off",
    "overlong utf-8 dots": "derivatives/%c0%ae%c0%ae/scans/{scan}/original/original.off",
    "overlong utf-8 slash": "derivatives/..%c0%afscans/{scan}/original/original.off",
    "nul": "derivatives/%2e%2e/scans/{scan}/original/original.off%00.webp",
    "nul segment": "derivatives/%00/../scans/{scan}/original/original.off",
    "below the scan's folder": "derivatives/{scan}/../../scans/{scan}/original/original.off",
    "below a generation folder": "derivatives/{scan}/x/../../../scans/{scan}/original/original.off",
    "absolute": "/{root}/scans/{scan}/original/original.off",
    "absolute under derivatives": "derivatives//{root}/scans/{scan}/original/original.off",
    "the original itself": "scans/{scan}/original/original.off",
    "dot segment": "derivatives/./../scans/{scan}/original/original.off",
}


@pytest.mark.parametrize("spelling", TRAVERSALS.values(), ids=TRAVERSALS.keys())
@pytest.mark.parametrize("as_staff", [False, True], ids=["anonymous", "staff"])
def test_no_spelling_of_a_traversal_reaches_an_original(
    client, settings, caplog, published_derivative, spelling, as_staff
):
    scan = published_derivative.scan
    assert (settings.MEDIA_ROOT / scan.original.name).read_bytes() == TETRAHEDRON_OFF
    if as_staff:
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    root = str(settings.MEDIA_ROOT).strip("/")
    url = "/media/" + spelling.format(scan=scan.public_id, root=root)
    with caplog.at_level(logging.INFO):
        response = client.get(url)
    assert response.status_code == 404, url
    assert TETRAHEDRON_OFF not in body(response)
    assert b"OFF" not in body(response)
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_a_published_subjects_derivative_is_served_to_anyone_and_cached_forever(
    client, published_derivative
):
    response = client.get(published_derivative.file.url)
    assert response.status_code == 200
    assert body(response) == b"RIFF\x00\x00\x00\x00WEBP"
    assert response["Content-Type"] == "image/webp"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_file_in_the_derivatives_folder_that_is_no_derivative_is_not_served(
    client, settings, published_derivative
):
    stray = settings.MEDIA_ROOT / "derivatives" / str(published_derivative.scan.public_id)
    (stray / "stray").mkdir(parents=True)
    (stray / "stray" / "notes.txt").write_bytes(b"not for the public")
    response = client.get(
        f"/media/derivatives/{published_derivative.scan.public_id}/stray/notes.txt"
    )
    assert response.status_code == 404


def test_a_derivative_name_under_another_scans_id_is_not_served(client, published_derivative):
    other = DerivativeFactory()
    _, _scan, generation, name = published_derivative.file.name.split("/")
    response = client.get(f"/media/derivatives/{other.scan.public_id}/{generation}/{name}")
    assert response.status_code == 404


@pytest.fixture
def draft_derivative():
    curator = UserFactory()
    institution = InstitutionFactory(curators=[curator])
    artefact = ArtefactFactory(institution=institution, state=PublicationState.DRAFT)
    derivative = DerivativeFactory(scan__artefact=artefact)
    derivative.curator = curator
    return derivative


def test_a_drafts_derivative_is_not_found_by_anonymous_visitors(client, draft_derivative):
    assert not draft_derivative.is_public
    response = client.get(draft_derivative.file.url)
    assert response.status_code == 404
    assert b"WEBP" not in body(response)


def test_a_drafts_derivative_is_not_found_by_another_institutions_curator(client, draft_derivative):
    outsider = UserFactory()
    InstitutionFactory(curators=[outsider])
    client.force_login(outsider)
    assert client.get(draft_derivative.file.url).status_code == 404


def test_a_drafts_derivative_is_served_to_its_curator_and_never_cached_by_others(
    client, draft_derivative
):
    client.force_login(draft_derivative.curator)
    response = client.get(draft_derivative.file.url)
    assert response.status_code == 200
    assert body(response) == b"RIFF\x00\x00\x00\x00WEBP"
    assert response["Cache-Control"] == "private, no-store"


def test_a_signed_link_opens_only_the_file_it_was_made_for(draft_derivative):
    link = derivative_url(derivative=draft_derivative)
    assert "?access=" in link
    assert Client().get(link).status_code == 200
    token = link.partition("?access=")[2]
    other = DerivativeFactory(scan__artefact=ArtefactFactory(state=PublicationState.DRAFT))
    assert Client().get(f"{other.file.url}?access={token}").status_code == 404
    assert Client().get(f"{draft_derivative.file.url}?access={token[:-2]}xx").status_code == 404
    assert Client().get(f"{draft_derivative.file.url}?access=").status_code == 404


def test_a_signed_link_expires(draft_derivative):
    # A link made eleven minutes ago (links last ten), for the right file.
    with mock.patch("time.time", return_value=time.time() - 660):
        stale = derivative_url(derivative=draft_derivative)
    assert Client().get(stale).status_code == 404
    assert Client().get(derivative_url(derivative=draft_derivative)).status_code == 200
