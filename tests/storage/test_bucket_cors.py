"""On S3, derivatives reach browser apps on other origins through the bucket's CORS rules
(set by ``manage.py s3_cors``); byte ranges are S3's own. Tried against moto_server."""

import urllib.request

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def _get(url: str, headers: dict) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, dict(response.headers), response.read()


def test_s3_cors_lets_another_origin_read_derivatives_by_range(s3, s3_server, capsys):
    client, bucket = s3
    body = bytes(range(256)) * 8
    client.put_object(
        Bucket=bucket,
        Key="public/derivatives/x/web.glb",
        Body=body,
        ContentType="model/gltf-binary",
    )
    call_command("s3_cors")
    assert "1 rule(s)" in capsys.readouterr().out
    (rule,) = client.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert rule["AllowedOrigins"] == ["*"] and "Range" in rule["AllowedHeaders"]
    assert "Content-Range" in rule["ExposeHeaders"]
    url = f"{s3_server.endpoint}/{bucket}/public/derivatives/x/web.glb"
    status, headers, content = _get(url, {"Origin": "https://app.example", "Range": "bytes=0-9"})
    assert status == 206 and content == body[:10]
    headers = {name.lower(): value for name, value in headers.items()}
    assert headers["content-type"] == "model/gltf-binary"
    assert headers.get("access-control-allow-origin") in ("*", "https://app.example")


def test_s3_cors_refuses_without_s3(settings):
    settings.STORAGE_BACKEND = "local"
    with pytest.raises(CommandError, match="not s3"):
        call_command("s3_cors")
