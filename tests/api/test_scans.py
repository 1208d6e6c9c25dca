"""Uploading a scan, polling it, and asking for it to be processed again."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage_sites.models import Scan
from tests.factories import TETRAHEDRON_OFF, ArtefactFactory, HeritageSiteFactory, ScanFactory

pytestmark = pytest.mark.django_db


def upload(client, subject="bowl", content=TETRAHEDRON_OFF, name="tetra.off", **fields):
    data = {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
        "artefact": subject,
        "capture_method": "photogrammetry",
        **fields,
    }
    return client.post("/api/v1/scans/", data, format="multipart")


@pytest.fixture
def bowl(home):
    return ArtefactFactory(institution=home, slug="bowl")


def test_a_curator_uploads_a_scan_and_gets_201_then_polls_it(owner, bowl):
    response = upload(owner, title="First capture")
    assert response.status_code == 201, response.content
    body = response.json()
    scan = Scan.objects.get()
    assert body["id"] == str(scan.public_id)
    assert body["state"] == "queued"
    assert body["subject"] == {"type": "artefact", "id": str(bowl.public_id), "slug": "bowl"}
    assert response["Location"] == body["url"]
    assert scan.uploaded_by == owner.user
    polled = owner.get(body["url"]).json()
    assert polled["state"] == "queued"
    assert polled["format"] == "off"


def test_the_same_bytes_again_answer_200_with_the_same_scan(owner, bowl):
    first = upload(owner).json()
    again = upload(owner)
    assert again.status_code == 200
    assert again.json()["id"] == first["id"]
    assert Scan.objects.count() == 1


def test_a_scan_of_a_stewarded_site(owner, home):
    site = HeritageSiteFactory(slug="merv")
    site.stewards.add(home)
    response = owner.post(
        "/api/v1/scans/",
        {
            "file": SimpleUploadedFile("t.off", TETRAHEDRON_OFF),
            "site": "merv",
            "capture_method": "laser",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert response.json()["subject"]["type"] == "site"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.off", "empty"),
        (b"<html><script>alert(1)</script></html>", "model.glb", ""),
    ],
)
def test_rejected_files_are_400_with_the_services_message(owner, bowl, content, name, message):
    response = upload(owner, content=content, name=name)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["errors"]["file"]
    assert message in body["detail"]
    assert not Scan.objects.exists()


def test_a_declared_body_above_the_limit_is_413_before_reading(owner, bowl, settings):
    settings.SCAN_UPLOAD_MAX_BYTES = 10
    response = owner.post(
        "/api/v1/scans/",
        b"x" * 100,
        content_type="multipart/form-data; boundary=zzz",
        CONTENT_LENGTH=str(3 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "application/problem+json"
    assert "limit" in response.json()["detail"]


def test_a_file_above_the_limit_is_413(owner, bowl, settings):
    settings.SCAN_UPLOAD_MAX_BYTES = 20
    response = upload(owner)
    assert response.status_code == 413
    assert not Scan.objects.exists()


def test_large_uploads_go_to_a_temporary_file_not_memory(owner, bowl, settings, monkeypatch):
    from django.core.files.uploadedfile import TemporaryUploadedFile

    from heritage_sites.api.views import scans as scan_views

    seen = {}
    real = scan_views.scan_upload

    def spy(**kwargs):
        seen["file"] = kwargs["file"]
        return real(**kwargs)

    monkeypatch.setattr(scan_views, "scan_upload", spy)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64
    padding = b"\n" * 200  # trailing blank lines keep the OFF file valid
    assert upload(owner, content=TETRAHEDRON_OFF + padding).status_code == 201
    assert isinstance(seen["file"], TemporaryUploadedFile)


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"capture_method": "guesswork"}, "capture_method"),
        ({"artefact": "no-such-bowl"}, "artefact"),
        ({"site": "merv"}, "artefact"),  # both artefact and site
        ({"kind": "virtual_restoration"}, "derived_from"),
        ({"derived_from": "not-a-uuid"}, "derived_from"),
        ({"unit": "furlong"}, "unit"),
    ],
)
def test_bad_upload_fields_are_400(owner, bowl, fields, name):
    HeritageSiteFactory(slug="merv").stewards.add(bowl.institution)
    response = upload(owner, **fields)
    assert response.status_code == 400, response.content
    assert name in response.json()["errors"]
    assert not Scan.objects.exists()


def test_a_missing_file_is_a_400(owner, bowl):
    response = owner.post(
        "/api/v1/scans/", {"artefact": "bowl", "capture_method": "laser"}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["errors"]


def test_uploading_to_another_institutions_artefact_is_refused(outsider, bowl):
    response = upload(outsider)
    assert response.status_code == 400
    assert "artefact" in response.json()["errors"]
    assert not Scan.objects.exists()


def test_anonymous_and_key_uploads_are_refused(anon, key_client, bowl):
    assert upload(anon).status_code == 401
    assert upload(key_client).status_code == 403
    assert not Scan.objects.exists()


def test_a_json_upload_is_a_415(owner, bowl):
    response = owner.post("/api/v1/scans/", {"artefact": "bowl"}, format="json")
    assert response.status_code == 415


def test_reprocess_answers_202_and_queues_the_scan(owner, bowl, django_capture_on_commit_callbacks):
    scan = ScanFactory(artefact=bowl, state=Scan.State.FAILED, failure_reason="Timed out.")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner.post(f"/api/v1/scans/{scan.public_id}/reprocess/")
    assert response.status_code == 202
    assert response.json()["state"] == "queued"
    assert response["Location"].endswith(f"/scans/{scan.public_id}/")
    scan.refresh_from_db()
    assert scan.state == Scan.State.QUEUED
    assert len(callbacks) == 1


def test_reprocess_of_a_scan_already_queued_changes_nothing(owner, bowl):
    scan = ScanFactory(artefact=bowl, state=Scan.State.PROCESSING)
    response = owner.post(f"/api/v1/scans/{scan.public_id}/reprocess/")
    assert response.status_code == 202
    assert response.json()["state"] == "processing"


def test_reprocess_by_others_is_404_or_refused_and_changes_nothing(
    anon, key_client, outsider, bowl
):
    scan = ScanFactory(artefact=bowl, state=Scan.State.READY)
    url = f"/api/v1/scans/{scan.public_id}/reprocess/"
    assert outsider.post(url).status_code == 404
    assert anon.post(url).status_code == 401
    assert key_client.post(url).status_code == 403
    scan.refresh_from_db()
    assert scan.state == Scan.State.READY


def test_scans_cannot_be_edited_through_the_api(owner, bowl):
    scan = ScanFactory(artefact=bowl, state=Scan.State.FAILED, failure_reason="Bad.")
    response = owner.patch(f"/api/v1/scans/{scan.public_id}/", {"state": "ready"}, format="json")
    assert response.status_code == 405
    scan.refresh_from_db()
    assert scan.state == Scan.State.FAILED


def test_a_malformed_scan_id_is_a_404(anon):
    assert anon.get("/api/v1/scans/not-a-uuid/").status_code == 404
