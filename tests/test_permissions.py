"""One rule set for scans: every role gets the same answer from the admin, the API and links.

Roles: anonymous, a third-party API key, a curator of another institution, a steward of the
site, a curator of the artefact's institution, staff. Actions: upload by form, direct upload
(against a real S3 server), reprocess, original download. Each action is tried on every surface
that offers it, for a scan of an artefact and a scan of a site, and each surface's answer is
reduced to allowed / refused; the answers must agree with each other and with the table.
"""

from __future__ import annotations

import hashlib
import struct

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from heritage_sites.models import Scan
from heritage_sites.services.originals import scan_original_url
from tests.factories import (
    ArtefactFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    ScanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "api_key", "other_curator", "site_steward", "curator", "staff"]
# Who may act on a scan of each kind of subject: the subject's curators and staff.
ALLOWED = {
    "artefact": {"curator", "staff"},
    "site": {"site_steward", "staff"},
}


def stl(seed: int) -> bytes:
    facet = struct.pack("<12fH", 0, 0, 1, 0, 0, 0, seed, 0, 0, 0, 1, 0, 0)
    return b"\0" * 80 + struct.pack("<I", 1) + facet


@pytest.fixture
def world():
    holder = InstitutionFactory(slug="holder")
    steward = InstitutionFactory(slug="steward")
    outsider = InstitutionFactory(slug="outsider")
    users = {
        "curator": UserFactory(username="curator"),
        "site_steward": UserFactory(username="steward"),
        "other_curator": UserFactory(username="outsider"),
        "staff": UserFactory(username="staff", is_staff=True, is_superuser=True),
    }
    holder.curators.add(users["curator"])
    steward.curators.add(users["site_steward"])
    outsider.curators.add(users["other_curator"])
    # Published, so that being able to see a record is never what decides.
    site = HeritageSiteFactory(state="published")
    site.stewards.add(steward)
    artefact = ArtefactFactory(institution=holder, state="published")
    subjects = {"artefact": artefact, "site": site}
    scans = {
        "artefact": ScanFactory(artefact=artefact, site=None, state=Scan.State.READY),
        "site": ScanFactory(artefact=None, site=site, state=Scan.State.READY),
    }
    return users, subjects, scans


def api_client(role: str, users: dict) -> APIClient:
    client = APIClient()
    if role == "api_key":
        _key, secret = APIKey.objects.create_key(name="Phone guide")
        client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    elif role != "anonymous":
        token, _ = Token.objects.get_or_create(user=users[role])
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def admin_client(role: str, users: dict) -> Client:
    # An API key is not an account: in the admin it is nobody, like an anonymous visitor.
    client = Client()
    if role in users:
        client.force_login(users[role])
    return client


def user_of(role: str, users: dict):
    from django.contrib.auth.models import AnonymousUser

    return users.get(role, AnonymousUser())


def subject_field(kind: str, subject) -> dict:
    return {kind: str(subject.public_id)}


# --- the surfaces of each action, each answering allowed (True) or refused (False) ----------


def upload_by_api(role, users, kind, subject, seed) -> bool:
    response = api_client(role, users).post(
        "/api/v1/scans/",
        {
            **subject_field(kind, subject),
            "capture_method": "laser",
            "file": SimpleUploadedFile("matrix.stl", stl(seed)),
        },
        format="multipart",
    )
    assert response.status_code in {201, 400, 401, 403, 404}, response.content
    return response.status_code == 201


def upload_by_admin(role, users, kind, subject, seed) -> bool:
    before = Scan.objects.count()
    response = admin_client(role, users).post(
        reverse("admin:heritage_sites_scan_add"),
        {
            kind: subject.pk,
            "capture_method": "laser",
            "kind": Scan.Kind.AS_FOUND,
            "file": SimpleUploadedFile("matrix.stl", stl(seed)),
        },
    )
    assert response.status_code in {200, 302, 403}
    return Scan.objects.count() == before + 1


def direct_upload_start(role, users, kind, subject, seed) -> bool:
    content = stl(seed)
    response = api_client(role, users).post(
        "/api/v1/scan-uploads/",
        {
            **subject_field(kind, subject),
            "filename": "matrix.stl",
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "capture_method": "laser",
        },
        format="json",
    )
    assert response.status_code in {201, 401, 403, 404}, response.content
    return response.status_code == 201


def reprocess_by_api(role, users, scan) -> bool:
    Scan.objects.filter(pk=scan.pk).update(state=Scan.State.READY)
    response = api_client(role, users).post(f"/api/v1/scans/{scan.public_id}/reprocess/")
    assert response.status_code in {202, 401, 403, 404}, response.content
    return response.status_code == 202


def reprocess_by_admin(role, users, scan) -> bool:
    Scan.objects.filter(pk=scan.pk).update(state=Scan.State.READY)
    admin_client(role, users).post(
        reverse("admin:heritage_sites_scan_changelist"),
        {"action": "reprocess", "_selected_action": [scan.pk]},
    )
    return Scan.objects.get(pk=scan.pk).state == Scan.State.QUEUED


def original_by_api(role, users, scan) -> bool:
    response = api_client(role, users).get(f"/api/v1/scan-originals/{scan.public_id}/")
    assert response.status_code in {200, 401, 403, 404}, response.content
    if response.status_code != 200:
        return False
    # The link it hands out really downloads the original.
    download = Client().get(response.json()["url"])
    assert download.status_code == 200
    return True


def original_by_admin(role, users, scan) -> bool:
    response = admin_client(role, users).get(
        reverse("admin:heritage_sites_scan_original", args=[scan.pk])
    )
    if response.status_code != 302 or "/admin/login/" in response["Location"]:
        return False
    download = Client().get(response["Location"])
    assert download.status_code == 200
    return True


def original_link(role, users, scan) -> bool:
    try:
        scan_original_url(scan=scan, user=user_of(role, users))
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("kind", ["artefact", "site"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_same_answer_for_uploads_by_form(world, role, kind):
    users, subjects, _scans = world
    answers = {
        "api": upload_by_api(role, users, kind, subjects[kind], seed=1),
        "admin": upload_by_admin(role, users, kind, subjects[kind], seed=2),
    }
    expected = role in ALLOWED[kind]
    assert answers == {surface: expected for surface in answers}


@pytest.mark.parametrize("kind", ["artefact", "site"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_same_answer_for_direct_uploads(world, s3, role, kind):
    users, subjects, _scans = world
    allowed = direct_upload_start(role, users, kind, subjects[kind], seed=3)
    assert allowed == (role in ALLOWED[kind])


@pytest.mark.parametrize("kind", ["artefact", "site"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_same_answer_for_reprocessing(world, role, kind):
    users, _subjects, scans = world
    answers = {
        "api": reprocess_by_api(role, users, scans[kind]),
        "admin": reprocess_by_admin(role, users, scans[kind]),
    }
    expected = role in ALLOWED[kind]
    assert answers == {surface: expected for surface in answers}


@pytest.mark.parametrize("kind", ["artefact", "site"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_same_answer_for_original_downloads(world, role, kind):
    users, _subjects, scans = world
    answers = {
        "api": original_by_api(role, users, scans[kind]),
        "admin": original_by_admin(role, users, scans[kind]),
        "link": original_link(role, users, scans[kind]),
    }
    expected = role in ALLOWED[kind]
    assert answers == {surface: expected for surface in answers}


def test_whoever_uploaded_a_scan_may_download_its_original(world):
    users, subjects, _scans = world
    uploader = users["other_curator"]
    scan = ScanFactory(
        artefact=subjects["artefact"],
        site=None,
        uploaded_by=uploader,
        content=stl(9),
        format=Scan.Format.STL,
    )
    assert original_link("other_curator", users, scan)
    assert original_by_api("other_curator", users, scan)
