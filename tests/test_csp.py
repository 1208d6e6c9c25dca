"""Every response carries the Content-Security-Policy; inline code needs the request's nonce."""

import json
import re

import pytest

from museum.csp import public_media_origins
from tests.test_deployment import PRODUCTION, manage

pytestmark = pytest.mark.django_db

PRINT_POLICY = [
    *("shell", "--no-imports", "-c"),
    "import json; from django.conf import settings; print(json.dumps(settings.SECURE_CSP))",
]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    ("path", "accept", "status"),
    [
        ("/en/", "text/html", 200),
        ("/", "text/html", 302),
        ("/api/v1/sites/", "application/json", 200),
        ("/api/v1/sites/no-such-site/", "application/json", 404),
        ("/api/v1/no-such-resource/", "application/json", 404),
        ("/no-such-page/", "text/html", 404),
        ("/admin/login/", "text/html", 200),
        ("/api/docs/", "text/html", 200),
    ],
)
def test_the_policy_is_on_pages_api_responses_and_errors(client, path, accept, status):
    response = client.get(path, HTTP_ACCEPT=accept)
    assert response.status_code == status
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Nothing inline runs on its own: no 'unsafe-inline', no 'unsafe-eval'.
    for name in ("script-src", "style-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(policy[name]), name


def test_the_nonce_in_the_header_is_the_one_on_the_pages_inline_style(client):
    # The visitor pages have no inline code at all; the API docs page has one inline style.
    first = client.get("/api/docs/")
    second = client.get("/api/docs/")
    nonces = []
    for response in (first, second):
        # One nonce per response, in script-src and style-src alike.
        (header_nonce,) = set(re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"]))
        assert f'<style nonce="{header_nonce}">' in response.content.decode()
        nonces.append(header_nonce)
    assert nonces[0] != nonces[1], "a nonce is used once"


def test_swagger_ui_starts_from_a_script_of_its_own_not_an_inline_one(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_embedded_default_allows_media_from_the_site_only(settings):
    assert settings.SECURE_CSP["img-src"] == ["'self'", "data:", "blob:"]
    assert settings.SECURE_CSP["connect-src"] == ["'self'", "data:", "blob:"]


def test_with_s3_the_public_endpoint_and_cdn_are_allowed_for_images_and_fetches(tmp_path):
    env = {
        **PRODUCTION,
        "MUSEUM_DATA_DIR": str(tmp_path),
        "S3_PUBLIC_ENDPOINT_URL": "https://files.example.org:9000",
        "S3_PUBLIC_DOMAIN": "cdn.example.org",
    }
    done = manage(*PRINT_POLICY, env=env)
    assert done.returncode == 0, done.stderr
    policy = json.loads(done.stdout)
    expected = ["'self'", "data:", "blob:", "https://cdn.example.org"]
    assert policy["img-src"] == [*expected, "https://files.example.org:9000"]
    assert policy["connect-src"] == policy["img-src"]
    assert policy["script-src"] == ["'self'", "<CSP_NONCE_SENTINEL>", "'wasm-unsafe-eval'"]


def test_media_origins_follow_the_storage_settings():
    common = {"bucket": "museum", "region": "eu-central-1", "addressing_style": "path"}
    # docker-compose: derivative URLs point at the public endpoint, path-style.
    assert public_media_origins(
        public_domain="localhost:9000/museum",
        public_protocol="http:",
        public_endpoint_url="http://localhost:9000",
        **common,
    ) == ["http://localhost:9000"]
    # AWS with no endpoint: the regional S3 host.
    assert public_media_origins(
        public_domain=None, public_protocol="https:", public_endpoint_url=None, **common
    ) == ["https://s3.amazonaws.com", "https://s3.eu-central-1.amazonaws.com"]
    assert public_media_origins(
        public_domain=None,
        public_protocol="https:",
        public_endpoint_url=None,
        **{**common, "addressing_style": "virtual"},
    ) == ["https://museum.s3.amazonaws.com", "https://museum.s3.eu-central-1.amazonaws.com"]
