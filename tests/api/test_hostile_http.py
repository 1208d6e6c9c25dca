"""Hostile requests at the HTTP layer (HOSTILE-INPUTS rows 4, 5, 12, 14): each is a 4xx in
the problem shape, never a 500, and leaves nothing behind."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.authtoken.models import Token

from heritage_sites.models import Artefact, PublicationState, Scan
from tests.factories import TETRAHEDRON_OFF, ArtefactFactory, HeritageSiteFactory

pytestmark = pytest.mark.django_db


def test_many_file_parts_are_a_400(owner, home):
    ArtefactFactory(institution=home, slug="bowl")
    data = {"artefact": "bowl", "capture_method": "laser"}
    data["file"] = [SimpleUploadedFile(f"part{n}.off", TETRAHEDRON_OFF) for n in range(30)]
    response = owner.post("/api/v1/scans/", data, format="multipart")
    assert response.status_code == 400
    assert "too many" in response.json()["detail"]
    assert not Scan.objects.exists()


def test_many_form_fields_are_a_400(owner, home):
    ArtefactFactory(institution=home, slug="bowl")
    data = {f"field{n}": "x" for n in range(1500)}
    data.update(artefact="bowl", capture_method="laser")
    response = owner.post("/api/v1/scans/", data, format="multipart")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"


def test_a_json_body_above_the_memory_limit_is_a_413(owner, home, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = json.dumps({"title": {"en": "x" * 5000}})
    response = owner.generic("POST", "/api/v1/artefacts/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["status"] == 413
    assert not Artefact.objects.exists()


def test_a_token_in_the_query_string_is_not_accepted(owner, home, anon):
    ArtefactFactory(institution=home, slug="secret", state=PublicationState.DRAFT)
    token = Token.objects.get(user=owner.user).key
    assert anon.get(f"/api/v1/artefacts/secret/?token={token}").status_code == 404
    assert anon.get(f"/api/v1/artefacts/secret/?auth_token={token}").status_code == 404


def test_mass_assignment_on_a_site_changes_only_allowed_fields(owner, home, other):
    site = HeritageSiteFactory(slug="merv", name_en="Merv")
    site.stewards.add(home)
    original = site.public_id
    response = owner.patch(
        "/api/v1/sites/merv/",
        {
            "id": "11111111-1111-1111-1111-111111111111",
            "public_id": "11111111-1111-1111-1111-111111111111",
            "created_by": 999,
            "updated_at": "1999-01-01T00:00:00Z",
            "criteria": "(ii)(iii)",
        },
        format="json",
    )
    assert response.status_code == 200
    site.refresh_from_db()
    assert site.public_id == original
    assert site.criteria == "(ii)(iii)"
    assert site.created_by is None
