"""Keys, tokens, sessions, rate limits, CORS, and the one error shape."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from tests.factories import HeritageSiteFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {
                "anon": "3/min",
                "user": "5/min",
                "api_key": "6/min",
                **rates,
            },
        }

    return set_rates


def _key_client(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


def test_an_unknown_or_revoked_key_is_a_401_saying_why(db):
    response = _key_client("abc.def").get("/api/v1/sites/")
    assert response.status_code == 401
    # Challenged in the scheme the caller used (issue 10: it said Token to an API key).
    assert response["WWW-Authenticate"] == "Api-Key"
    assert "unknown, revoked or expired" in response.json()["detail"]
    key, secret = APIKey.objects.create_key(name="Old app")
    key.revoked = True
    key.save()
    assert _key_client(secret).get("/api/v1/sites/").status_code == 401


def test_an_expired_key_is_refused(db):
    _key, secret = APIKey.objects.create_key(
        name="Expired", expiry_date=timezone.now() - timedelta(days=1)
    )
    assert _key_client(secret).get("/api/v1/sites/").status_code == 401


def test_a_bad_token_is_a_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/v1/sites/").status_code == 401


def test_a_session_user_reads_with_the_browsable_api(db):
    client = APIClient()
    client.force_login(UserFactory(username="visitor"))
    response = client.get("/api/v1/sites/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content


def test_anonymous_clients_are_limited_per_address(anon, rates):
    rates()
    statuses = [anon.get("/api/v1/countries/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = anon.get("/api/v1/countries/")
    assert limited["Content-Type"] == "application/problem+json"
    assert int(limited["Retry-After"]) > 0
    # Another address has its own allowance.
    assert anon.get("/api/v1/countries/", REMOTE_ADDR="10.0.0.9").status_code == 200


def test_a_forged_x_forwarded_for_does_not_reset_the_limit(anon, rates):
    rates()
    statuses = [
        anon.get("/api/v1/countries/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert statuses[-1] == 429


def test_each_api_key_has_its_own_higher_limit(db, anon, rates):
    rates()
    _key, secret = APIKey.objects.create_key(name="Guide")
    client = _key_client(secret)
    for _ in range(3):
        anon.get("/api/v1/countries/")
    assert anon.get("/api/v1/countries/").status_code == 429
    statuses = [client.get("/api/v1/countries/").status_code for _ in range(7)]
    assert statuses == [200] * 6 + [429]


def test_cors_lets_browser_apps_read_and_see_the_caching_headers(anon):
    HeritageSiteFactory()
    response = anon.get("/api/v1/sites/", HTTP_ORIGIN="https://guide.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = anon.options(
        "/api/v1/sites/",
        HTTP_ORIGIN="https://guide.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, if-none-match",
    )
    assert preflight.status_code == 200
    assert "if-none-match" in preflight["Access-Control-Allow-Headers"]


def test_cors_with_an_origin_list_answers_listed_origins_only(anon, settings):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = ["https://partner.example"]
    ok = anon.get("/api/v1/countries/", HTTP_ORIGIN="https://partner.example")
    assert ok["Access-Control-Allow-Origin"] == "https://partner.example"
    other = anon.get("/api/v1/countries/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [
        ("get", "/api/v1/nowhere/", 404),
        ("get", "/api/v2/", 404),
        ("get", "/api/v1/sites/no-such-site/", 404),
        ("delete", "/api/v1/sites/", 405),
        ("put", "/api/v1/countries/", 405),
    ],
)
def test_errors_share_one_problem_shape(owner, method, url, status):
    response = getattr(owner, method)(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body)
    assert body["status"] == status


def test_the_index_lists_every_resource(anon):
    body = anon.get("/api/v1/").json()
    assert set(body["endpoints"]) == {
        "countries",
        "institutions",
        "corridors",
        "materials",
        "sites",
        "sites_geojson",
        "artefacts",
        "scans",
        "routes",
        "exhibitions",
    }
    assert "fa" in body["languages"]
    for url in body["endpoints"].values():
        assert anon.get(url).status_code == 200


def test_the_schema_and_offline_docs_are_served(anon):
    schema = anon.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/sites.geojson" in paths
    assert "/api/v1/scans/{ref}/reprocess/" in paths
    site_params = {p["name"] for p in paths["/api/v1/sites/"]["get"]["parameters"]}
    assert {
        "q",
        "bbox",
        "near",
        "radius_km",
        "country",
        "ordering",
        "cursor",
        "lang",
    } <= site_params
    docs = anon.get("/api/docs/")
    assert docs.status_code == 200
    # Swagger UI from the sidecar: no request leaves the museum.
    assert b"cdn.jsdelivr" not in docs.content and b"unpkg" not in docs.content
    # ...and the files it names ship with the sidecar package (collectstatic picks them up).
    from django.contrib.staticfiles import finders

    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}"), asset


def test_the_index_lists_the_direct_upload_endpoints(anon):
    uploads = anon.get("/api/v1/").json()["uploads"]
    assert uploads == {
        "start": "http://testserver/api/v1/scan-uploads/",
        "complete": "http://testserver/api/v1/scan-uploads/complete/",
        "abort": "http://testserver/api/v1/scan-uploads/abort/",
    }
