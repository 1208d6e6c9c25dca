"""ETag and Last-Modified on details and lists; 304 for conditional GETs."""

import pytest

from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/api/v1/sites/samarkand/", "/api/v1/sites/", "/api/v1/sites.geojson"]
)
def test_if_none_match_answers_304_until_the_record_changes(anon, url):
    site = HeritageSiteFactory(slug="samarkand")
    first = anon.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert "Last-Modified" in first
    again = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    site.name_en = "Samarkand, renamed"
    site.save()
    changed = anon.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_if_modified_since_answers_304(anon):
    HeritageSiteFactory(slug="samarkand")
    first = anon.get("/api/v1/sites/samarkand/")
    again = anon.get("/api/v1/sites/samarkand/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304


def test_each_language_has_its_own_etag_and_responses_vary(anon):
    HeritageSiteFactory(slug="samarkand", name_fa="سمرقند")
    english = anon.get("/api/v1/sites/samarkand/")
    persian = anon.get("/api/v1/sites/samarkand/", HTTP_ACCEPT_LANGUAGE="fa")
    assert english["ETag"] != persian["ETag"]
    assert "Accept-Language" in english["Vary"]
    assert "Authorization" in english["Vary"]
    stale = anon.get(
        "/api/v1/sites/samarkand/", HTTP_ACCEPT_LANGUAGE="fa", HTTP_IF_NONE_MATCH=english["ETag"]
    )
    assert stale.status_code == 200


def test_public_responses_are_cacheable_and_curator_responses_private(anon, owner):
    HeritageSiteFactory(slug="samarkand")
    assert "public" in anon.get("/api/v1/sites/")["Cache-Control"]
    assert "private" in owner.get("/api/v1/sites/")["Cache-Control"]
