"""Derivative files in the embedded default: CORS, byte ranges, content types, caching."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils.http import http_date

from tests.factories import DerivativeFactory

pytestmark = pytest.mark.django_db

BODY = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def glb(settings):
    # A published scan's web model, as the pipeline stores it (serve_media serves only
    # files that are a Derivative row's).
    web = DerivativeFactory(
        kind="web",
        file=ContentFile(BODY, name="web.glb"),
        content_type="model/gltf-binary",
        byte_size=len(BODY),
    )
    return web.file.url


def test_a_web_model_is_served_whole_with_cors_type_and_long_caching(glb):
    response = Client().get(glb, HTTP_ORIGIN="https://app.example")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == BODY
    assert response["Content-Type"] == "model/gltf-binary"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Content-Range" in response["Access-Control-Expose-Headers"]
    assert response["Accept-Ranges"] == "bytes"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Length"] == str(len(BODY))
    poster = Client().get(DerivativeFactory().file.url)
    assert poster["Content-Type"] == "image/webp"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-99", 0, 99),
        ("bytes=10000-", 10000, 10239),
        ("bytes=-40", 10200, 10239),
        ("bytes=10200-99999", 10200, 10239),
    ],
)
def test_a_range_is_a_206_with_those_bytes(glb, header, start, end):
    response = Client().get(glb, HTTP_RANGE=header)
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == BODY[start : end + 1]
    assert response["Content-Range"] == f"bytes {start}-{end}/{len(BODY)}"
    assert response["Content-Length"] == str(end - start + 1)


def test_an_unsatisfiable_range_is_a_416(glb):
    response = Client().get(glb, HTTP_RANGE="bytes=20000-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(BODY)}"


def test_if_range_with_a_stale_validator_sends_the_whole_file(glb):
    etag = Client().head(glb)["ETag"]
    fresh = Client().get(glb, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=etag)
    assert fresh.status_code == 206
    stale = Client().get(glb, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"other"')
    assert stale.status_code == 200
    old_date = Client().get(glb, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=http_date(0))
    assert old_date.status_code == 200


def test_head_and_conditional_get(glb):
    head = Client().head(glb)
    assert head.status_code == 200 and head.content == b""
    assert head["Content-Length"] == str(len(BODY))
    again = Client().get(glb, HTTP_IF_NONE_MATCH=head["ETag"])
    assert again.status_code == 304
    preflight = Client().options(glb, HTTP_ORIGIN="https://app.example")
    assert preflight.status_code == 204
    assert "Range" in preflight["Access-Control-Allow-Headers"]


@pytest.mark.parametrize(
    "path",
    [
        "/media/scans/original.ply",
        "/media/derivatives/../scans/original.ply",
        "/media/derivatives/abc/nothing.glb",
        "/media/derivatives/%2e%2e/scans/original.ply",
    ],
)
def test_originals_and_missing_files_are_404(glb, path):
    assert Client().get(path).status_code == 404
