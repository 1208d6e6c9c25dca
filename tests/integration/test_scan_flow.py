"""A scan's whole journey on the production stack: HTTP upload straight to S3, verification,
a real Celery worker over Redis, derivatives in the bucket, and links that work over HTTP."""

import hashlib

import pytest
import requests
from rest_framework.authtoken.models import Token

from heritage_sites.models import InstitutionRole, PublicationState, Scan
from heritage_sites.permissions import Role
from tests.factories import ArtefactFactory, InstitutionFactory, UserFactory
from tests.integration.client import Curator, corpus_or_generated_mesh, wait_final
from tests.integration.conftest import FIGURES, needs_stack

pytestmark = [
    pytest.mark.integration,
    needs_stack,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(600),
]


def test_an_uploaded_scan_is_processed_and_served_from_the_bucket(stack, on_failure_print_logs):
    owner = UserFactory()
    artefact = ArtefactFactory(
        institution=InstitutionFactory(curators=[owner]), state=PublicationState.PUBLISHED
    )
    curator = Curator(stack.web_url, Token.objects.create(user=owner).key)
    filename, content = corpus_or_generated_mesh()
    sha256 = hashlib.sha256(content).hexdigest()

    done = curator.upload(artefact_id=artefact.public_id, filename=filename, content=content)
    assert done.status_code == 201, done.text
    scan = Scan.objects.get(public_id=done.json()["scan"])
    scan = wait_final(Scan, scan.pk)
    assert scan.state == Scan.State.READY, (scan.state, scan.failure_reason, stack.logs())
    FIGURES["scans_processed"] += 1

    # Published through the workflow: the curator submits, a reviewer of the institution
    # publishes (its files move under public/ then).
    reviewer_user = UserFactory()
    InstitutionRole.objects.create(
        institution=artefact.institution, user=reviewer_user, role=Role.REVIEWER
    )
    reviewer = Curator(stack.web_url, Token.objects.create(user=reviewer_user).key)
    for client, action in ((curator, "submit"), (reviewer, "publish")):
        moved = client.session.post(
            f"{stack.web_url}/api/v1/scans/{scan.public_id}/{action}/", json={}, timeout=60
        )
        assert moved.status_code == 200, (action, moved.text)

    # The original: in the bucket under private/, intact, and not readable anonymously.
    key = f"private/{scan.original.name}"
    stored = stack.s3.get_object(Bucket=stack.bucket, Key=key)["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == sha256
    assert requests.get(f"{stack.endpoint}/{stack.bucket}/{key}", timeout=10).status_code == 403

    # The owner gets a presigned link that downloads the original.
    link = curator.original_link(scan.public_id)
    assert link.status_code == 200, link.text
    assert link.headers["Cache-Control"] == "private, no-store"
    url = link.json()["url"]
    assert "X-Amz-Signature=" in url and "X-Amz-Expires=600" in url
    downloaded = requests.get(url, timeout=30)
    assert downloaded.status_code == 200
    assert hashlib.sha256(downloaded.content).hexdigest() == sha256

    # An outsider, even for a published scan, gets no link.
    outsider = Curator(stack.web_url, Token.objects.create(user=UserFactory()).key)
    assert outsider.original_link(scan.public_id).status_code == 403
    anonymous = requests.get(f"{stack.web_url}/api/v1/scan-originals/{scan.public_id}/", timeout=10)
    assert anonymous.status_code in (401, 403)

    # Derivatives: under public/, readable by anyone, cacheable forever, right content type.
    derivatives = list(scan.derivatives.all())
    assert {d.kind for d in derivatives} >= {"web", "poster"}
    listed = stack.s3.list_objects_v2(
        Bucket=stack.bucket, Prefix=f"public/derivatives/{scan.public_id}/"
    )
    keys = {item["Key"] for item in listed.get("Contents", [])}
    for derivative in derivatives:
        key = f"public/{derivative.file.name}"
        assert key in keys
        public = requests.get(f"{stack.endpoint}/{stack.bucket}/{key}", timeout=30)
        assert public.status_code == 200, key
        assert public.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert len(public.content) == derivative.byte_size
    # The API lists the same files with their public URLs, which work for anyone.
    listed = requests.get(f"{stack.web_url}/api/v1/scans/{scan.public_id}/", timeout=30)
    assert listed.status_code == 200, listed.text
    urls = [item["url"] for item in listed.json()["derivatives"]]
    assert len(urls) == len(derivatives)
    for url in urls:
        assert url.startswith(f"{stack.endpoint}/{stack.bucket}/public/derivatives/")
        assert "X-Amz-Signature" not in url
        public = requests.get(url, timeout=30)
        assert public.status_code == 200 and "immutable" in public.headers["Cache-Control"]
    web = next(d for d in derivatives if d.kind == "web")
    assert (
        requests.get(f"{stack.endpoint}/{stack.bucket}/public/{web.file.name}", timeout=30).content[
            :4
        ]
        == b"glTF"
    )


def test_the_same_bytes_sent_twice_make_one_scan(stack, on_failure_print_logs):
    owner = UserFactory()
    artefact = ArtefactFactory(institution=InstitutionFactory(curators=[owner]))
    curator = Curator(stack.web_url, Token.objects.create(user=owner).key)
    filename, content = corpus_or_generated_mesh(seed=7)
    first = curator.upload(artefact_id=artefact.public_id, filename=filename, content=content)
    second = curator.upload(artefact_id=artefact.public_id, filename=filename, content=content)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["scan"] == second.json()["scan"]
    scan = wait_final(Scan, Scan.objects.get().pk)
    assert scan.state == Scan.State.READY
    FIGURES["scans_processed"] += 1
    staged = stack.s3.list_objects_v2(Bucket=stack.bucket, Prefix="staging/")
    assert staged.get("KeyCount", 0) == 0, "staged uploads are removed after ingest"
