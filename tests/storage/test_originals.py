"""Originals are private: short-lived links, only for the people allowed to have them."""

import io
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core.exceptions import PermissionDenied

from heritage_sites.services.originals import scan_original_url
from heritage_sites.services.scans import scan_upload
from tests.factories import (
    TETRAHEDRON_OFF,
    ArtefactFactory,
    InstitutionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def upload_scan(curator, filename="amphora.off"):
    institution = InstitutionFactory(curators=[curator])
    artefact = ArtefactFactory(institution=institution)
    return scan_upload(
        file=io.BytesIO(TETRAHEDRON_OFF),
        filename=filename,
        artefact=artefact,
        capture_method="laser",
        uploaded_by=curator,
    ).scan


def test_the_original_lands_under_the_private_prefix_and_is_not_public(s3):
    client, bucket = s3
    scan = upload_scan(UserFactory())
    key = f"private/{scan.original.name}"
    assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == TETRAHEDRON_OFF
    anonymous = requests.get(f"{client.meta.endpoint_url}/{bucket}/{key}", timeout=10)
    assert anonymous.status_code == 403


def test_a_curator_of_the_institution_gets_a_short_lived_link_that_downloads(s3, settings):
    curator = UserFactory()
    scan = upload_scan(curator, filename="Kuva bowl ☾.off")
    url = scan_original_url(scan=scan, user=curator)
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Expires"] == [str(settings.S3_PRESIGNED_EXPIRY_SECONDS)]
    assert "X-Amz-Signature" in query
    response = requests.get(url, timeout=10)
    assert response.status_code == 200 and response.content == TETRAHEDRON_OFF
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "UTF-8''Kuva%20bowl%20%E2%98%BE.off" in (
        disposition
    )


def test_an_outsider_and_an_anonymous_visitor_get_no_link(s3):
    from django.contrib.auth.models import AnonymousUser

    scan = upload_scan(UserFactory())
    for someone in (UserFactory(), AnonymousUser()):
        with pytest.raises(PermissionDenied):
            scan_original_url(scan=scan, user=someone)


def test_staff_get_a_link(s3):
    scan = upload_scan(UserFactory())
    assert "X-Amz-Signature" in scan_original_url(scan=scan, user=UserFactory(is_staff=True))


def test_links_are_signed_for_the_address_browsers_use(s3, settings):
    settings.S3_PUBLIC_ENDPOINT_URL = "https://files.museum.example"
    curator = UserFactory()
    url = scan_original_url(scan=upload_scan(curator), user=curator)
    assert url.startswith("https://files.museum.example/")


def test_the_embedded_default_hands_out_an_expiring_signed_link(client):
    curator = UserFactory()
    scan = upload_scan(curator)
    url = scan_original_url(scan=scan, user=curator)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TETRAHEDRON_OFF
    assert response["Cache-Control"] == "private, no-store"
    assert client.get(url[:-3] + "xx/").status_code == 404
