"""Direct uploads: parts go from the client to S3; the server verifies, then ingests."""

import hashlib
import struct

import pytest
import requests
from rest_framework.test import APIClient

from heritage_sites.models import PublicationState, Scan
from tests.factories import ArtefactFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db
START = "/api/v1/scan-uploads/"
COMPLETE = "/api/v1/scan-uploads/complete/"
ABORT = "/api/v1/scan-uploads/abort/"


def binary_stl(triangles: int) -> bytes:
    facet = struct.pack("<12fH", *([0.0] * 3), 0, 0, 0, 1, 0, 0, 0, 1, 0, 0)
    return b"\0" * 80 + struct.pack("<I", triangles) + facet * triangles


# Two parts: just over the 8 MiB part size.
BIG = binary_stl(170_000)


@pytest.fixture
def curator():
    return UserFactory()


@pytest.fixture
def artefact(curator):
    return ArtefactFactory(institution=InstitutionFactory(curators=[curator]))


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def start(user, artefact, content: bytes, **overrides):
    body = {
        "artefact": str(artefact.public_id),
        "filename": "Merv ossuary.stl",
        "size": len(content),
        "sha256": hashlib.sha256(content).hexdigest(),
        "capture_method": "structured_light",
        "unit": "mm",
        **overrides,
    }
    return api(user).post(START, body, format="json")


def send_parts(started: dict, content: bytes, skip: set[int] = frozenset()) -> None:
    size = started["part_size"]
    for part in started["parts"]:
        if part["part_number"] in skip:
            continue
        offset = (part["part_number"] - 1) * size
        sent = requests.put(part["url"], data=content[offset : offset + size], timeout=30)
        assert sent.status_code == 200, sent.text


def staged_keys(client, bucket) -> list[str]:
    listed = client.list_objects_v2(Bucket=bucket, Prefix="staging/")
    return [item["Key"] for item in listed.get("Contents", [])]


def test_a_large_file_goes_to_s3_in_parts_and_becomes_a_queued_scan(
    s3, curator, artefact, django_capture_on_commit_callbacks
):
    client, bucket = s3
    started = start(curator, artefact, BIG)
    assert started.status_code == 201, started.data
    assert len(started.data["parts"]) == 2
    send_parts(started.data, BIG)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        done = api(curator).post(
            COMPLETE, {"upload_token": started.data["upload_token"]}, format="json"
        )
    assert done.status_code == 201, done.data
    scan = Scan.objects.get(public_id=done.data["scan"])
    assert scan.state == Scan.State.QUEUED and len(callbacks) == 1
    assert scan.format == Scan.Format.STL and scan.byte_size == len(BIG)
    assert scan.sha256 == hashlib.sha256(BIG).hexdigest() and scan.uploaded_by == curator
    stored = client.get_object(Bucket=bucket, Key=f"private/{scan.original.name}")["Body"]
    assert hashlib.sha256(stored.read()).hexdigest() == scan.sha256
    assert staged_keys(client, bucket) == [], "the staged copy is removed"


def test_a_file_that_differs_from_its_announced_checksum_is_refused_and_discarded(
    s3, curator, artefact
):
    client, bucket = s3
    tampered = BIG[:-1] + b"\x01"
    started = start(curator, artefact, BIG).data
    send_parts(started, tampered)
    done = api(curator).post(COMPLETE, {"upload_token": started["upload_token"]}, format="json")
    assert done.status_code == 400
    assert "SHA-256 differs" in done.data["detail"]
    assert not Scan.objects.exists()
    assert staged_keys(client, bucket) == []


def test_missing_parts_are_named_and_the_upload_stays_open(s3, curator, artefact):
    started = start(curator, artefact, BIG).data
    send_parts(started, BIG, skip={2})
    early = api(curator).post(COMPLETE, {"upload_token": started["upload_token"]}, format="json")
    assert early.status_code == 400 and "Parts 2 have not arrived" in early.data["detail"]
    send_parts(started, BIG, skip={1})
    done = api(curator).post(COMPLETE, {"upload_token": started["upload_token"]}, format="json")
    assert done.status_code == 201


def test_bytes_that_are_not_a_3d_model_are_refused_after_the_upload(s3, curator, artefact):
    client, bucket = s3
    page = b"<html><script>alert(1)</script></html>" * 10
    started = start(curator, artefact, page).data
    send_parts(started, page)
    done = api(curator).post(COMPLETE, {"upload_token": started["upload_token"]}, format="json")
    assert done.status_code == 400 and "accepts" in done.data["detail"]
    assert not Scan.objects.exists() and staged_keys(client, bucket) == []


def test_another_user_cannot_complete_or_abort_someone_elses_upload(s3, curator, artefact):
    started = start(curator, artefact, BIG).data
    intruder = api(UserFactory())
    token = {"upload_token": started["upload_token"]}
    assert intruder.post(COMPLETE, token, format="json").status_code == 403
    assert intruder.post(ABORT, token, format="json").status_code == 403


def test_a_forged_token_is_refused(s3, curator, artefact):
    started = start(curator, artefact, BIG).data
    forged = started["upload_token"][:-4] + "abcd"
    done = api(curator).post(COMPLETE, {"upload_token": forged}, format="json")
    assert done.status_code == 400 and "not valid" in done.data["detail"]


def test_abort_discards_the_parts(s3, curator, artefact):
    client, bucket = s3
    started = start(curator, artefact, BIG).data
    send_parts(started, BIG, skip={2})
    token = {"upload_token": started["upload_token"]}
    assert api(curator).post(ABORT, token, format="json").status_code == 204
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    again = api(curator).post(COMPLETE, token, format="json")
    assert again.status_code == 400 and "completed or abandoned" in again.data["detail"]


def test_only_curators_of_the_holding_institution_may_start(s3, artefact):
    # A draft of another institution is invisible: 404, not a hint that it exists.
    artefact.state = PublicationState.DRAFT
    artefact.save()
    assert start(UserFactory(), artefact, BIG).status_code == 404
    artefact.state = PublicationState.PUBLISHED
    artefact.save()
    assert start(UserFactory(), artefact, BIG).status_code == 403
    assert APIClient().post(START, {}, format="json").status_code in (401, 403)


def test_sizes_over_the_limit_and_empty_files_are_refused_before_any_byte_moves(
    s3, settings, curator, artefact
):
    client, bucket = s3
    settings.SCAN_UPLOAD_MAX_BYTES = 1000
    too_big = start(curator, artefact, BIG)
    assert too_big.status_code == 400 and "above the upload limit" in too_big.data["detail"]
    empty = start(curator, artefact, b"", size=0)
    assert empty.status_code == 400
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_the_embedded_default_says_direct_uploads_need_s3(curator, artefact):
    response = start(curator, artefact, BIG)
    assert response.status_code == 409 and "STORAGE_BACKEND=s3" in response.data["detail"]


def test_storage_down_at_completion_is_a_retryable_503_and_the_retry_succeeds(
    s3, settings, curator, artefact
):
    # F8: the file store stops answering between the parts and the completion.
    from tests.s3server import free_port

    started = start(curator, artefact, BIG).data
    send_parts(started, BIG)
    working = settings.STORAGES
    down = {**working, "default": {**working["default"]}}
    down["default"]["OPTIONS"] = {
        **working["default"]["OPTIONS"],
        "endpoint_url": f"http://127.0.0.1:{free_port()}",
    }
    settings.STORAGES = down
    token = {"upload_token": started["upload_token"]}
    failed = api(curator).post(COMPLETE, token, format="json")
    assert failed.status_code == 503 and "try again" in failed.data["detail"]
    assert not Scan.objects.exists()
    settings.STORAGES = working
    assert api(curator).post(COMPLETE, token, format="json").status_code == 201


def test_completing_or_aborting_in_the_embedded_default_is_a_clear_409(curator):
    for path in (COMPLETE, ABORT):
        response = api(curator).post(path, {"upload_token": "anything"}, format="json")
        assert response.status_code == 409 and "STORAGE_BACKEND=s3" in response.data["detail"]
