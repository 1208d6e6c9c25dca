"""On S3, a draft's derivatives sit under private/ (no anonymous read) until the subject is
published; publishing moves them under public/, withdrawing moves them back."""

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.utils import timezone
from rest_framework.test import APIClient

from heritage_sites.models import Derivative, InstitutionRole, PublicationState, Scan
from heritage_sites.processing.types import DerivativeFile
from heritage_sites.services import scan_processing
from heritage_sites.services.derivatives import derivatives_sync_visibility
from tests.factories import ArtefactFactory, InstitutionFactory, ScanFactory, UserFactory

pytestmark = pytest.mark.django_db

POSTER = b"RIFF----WEBPVP8 a draft's poster"


@pytest.fixture
def owner():
    user = UserFactory()
    InstitutionFactory(curators=[user], slug="home-museum")
    client = APIClient()
    client.force_authenticate(user)
    client.user = user
    return client


def processed_scan(tmp_path: Path, artefact, capture) -> Derivative:
    """A scan through the real claim and publish services, with one poster file."""
    scan = ScanFactory(artefact=artefact, state=Scan.State.QUEUED, queued_at=timezone.now())
    claim = scan_processing.scan_claim(scan_id=scan.pk)
    poster = tmp_path / "poster-512.webp"
    poster.write_bytes(POSTER)
    item = DerivativeFile(
        kind="poster", path=poster, content_type="image/webp", width=512, height=512
    )
    with capture(execute=True):
        assert scan_processing.scan_publish(claim=claim, report={}, files=[item]) == "ready"
    return Derivative.objects.get(scan=scan)


def anonymous_get(client, bucket: str, key: str) -> requests.Response:
    return requests.get(f"{client.meta.endpoint_url}/{bucket}/{key}", timeout=10)


def exists(client, bucket: str, key: str) -> bool:
    return client.list_objects_v2(Bucket=bucket, Prefix=key).get("KeyCount", 0) == 1


def test_a_drafts_derivative_is_private_and_the_owner_gets_a_presigned_url(
    s3, tmp_path, owner, django_capture_on_commit_callbacks
):
    client, bucket = s3
    institution = owner.user.institutions.get()
    artefact = ArtefactFactory(institution=institution, state=PublicationState.DRAFT)
    poster = processed_scan(tmp_path, artefact, django_capture_on_commit_callbacks)
    assert not poster.is_public
    private, public = f"private/{poster.file.name}", f"public/{poster.file.name}"
    assert exists(client, bucket, private) and not exists(client, bucket, public)
    for key in (private, public):
        refused = anonymous_get(client, bucket, key)
        assert refused.status_code in (403, 404) and POSTER not in refused.content

    scan = poster.scan
    assert APIClient().get(f"/api/v1/scans/{scan.public_id}/").status_code == 404
    outsider = APIClient()
    outsider.force_authenticate(UserFactory())
    assert outsider.get(f"/api/v1/scans/{scan.public_id}/").status_code == 404
    [listed] = owner.get(f"/api/v1/scans/{scan.public_id}/").json()["derivatives"]
    query = parse_qs(urlparse(listed["url"]).query)
    assert "X-Amz-Signature" in query and "/private/derivatives/" in listed["url"]
    fetched = requests.get(listed["url"], timeout=10)
    assert fetched.status_code == 200 and fetched.content == POSTER


def test_publishing_moves_the_files_under_public_and_withdrawing_moves_them_back(
    s3, tmp_path, owner, django_capture_on_commit_callbacks
):
    client, bucket = s3
    institution = owner.user.institutions.get()
    reviewer_user = UserFactory()
    InstitutionRole.objects.create(institution=institution, user=reviewer_user, role="reviewer")
    reviewer = APIClient()
    reviewer.force_authenticate(reviewer_user)
    artefact = ArtefactFactory(institution=institution, slug="bowl", state=PublicationState.DRAFT)
    poster = processed_scan(tmp_path, artefact, django_capture_on_commit_callbacks)
    private, public = f"private/{poster.file.name}", f"public/{poster.file.name}"
    scan_url = f"/api/v1/scans/{poster.scan.public_id}/"

    # Through the workflow: the curator submits, a reviewer publishes.
    assert owner.post("/api/v1/artefacts/bowl/submit/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post("/api/v1/artefacts/bowl/publish/")
    assert response.status_code == 200, response.content
    opened = anonymous_get(client, bucket, public)
    assert opened.status_code == 200 and opened.content == POSTER
    assert opened.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert opened.headers["Content-Type"] == "image/webp"
    assert not exists(client, bucket, private)
    [listed] = APIClient().get(scan_url).json()["derivatives"]
    assert listed["url"].endswith(f"/{bucket}/{public}") and "X-Amz" not in listed["url"]
    assert requests.get(listed["url"], timeout=10).content == POSTER

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer.post(
            "/api/v1/artefacts/bowl/withdraw/", {"note": "Lent out."}, format="json"
        )
    assert response.status_code == 200, response.content
    assert anonymous_get(client, bucket, public).status_code in (403, 404)
    assert not exists(client, bucket, public)
    assert anonymous_get(client, bucket, private).status_code == 403
    assert APIClient().get(scan_url).status_code == 404
    [listed] = owner.get(scan_url).json()["derivatives"]
    assert requests.get(listed["url"], timeout=10).content == POSTER


def test_a_published_subjects_new_files_go_straight_to_public(
    s3, tmp_path, django_capture_on_commit_callbacks
):
    client, bucket = s3
    artefact = ArtefactFactory(state=PublicationState.PUBLISHED)
    poster = processed_scan(tmp_path, artefact, django_capture_on_commit_callbacks)
    assert poster.is_public
    assert anonymous_get(client, bucket, f"public/{poster.file.name}").content == POSTER
    assert not exists(client, bucket, f"private/{poster.file.name}")


def test_the_sync_finishes_a_move_that_copied_but_did_not_record_it(
    s3, tmp_path, django_capture_on_commit_callbacks
):
    client, bucket = s3
    artefact = ArtefactFactory(state=PublicationState.DRAFT)
    poster = processed_scan(tmp_path, artefact, django_capture_on_commit_callbacks)
    # A move interrupted after the copy and the delete, before the row was updated.
    client.copy_object(
        Bucket=bucket,
        Key=f"public/{poster.file.name}",
        CopySource={"Bucket": bucket, "Key": f"private/{poster.file.name}"},
    )
    client.delete_object(Bucket=bucket, Key=f"private/{poster.file.name}")
    artefact.state = PublicationState.PUBLISHED
    artefact.save()
    assert derivatives_sync_visibility() == 1
    poster.refresh_from_db()
    assert poster.is_public
    assert anonymous_get(client, bucket, f"public/{poster.file.name}").content == POSTER


def test_the_upgrade_command_moves_a_drafts_files_written_public_by_an_older_release(s3):
    from io import StringIO

    from django.core.management import call_command

    from tests.factories import DerivativeFactory

    client, bucket = s3
    # Rows from before the migration say public, and their bytes are under public/.
    legacy = DerivativeFactory(
        scan__artefact=ArtefactFactory(state=PublicationState.DRAFT), is_public=True
    )
    public = f"public/{legacy.file.name}"
    assert anonymous_get(client, bucket, public).status_code == 200
    out = StringIO()
    call_command("derivatives_sync_visibility", stdout=out)
    assert "1 derivative file(s) moved" in out.getvalue()
    assert anonymous_get(client, bucket, public).status_code in (403, 404)
    assert exists(client, bucket, f"private/{legacy.file.name}")
    legacy.refresh_from_db()
    assert not legacy.is_public
