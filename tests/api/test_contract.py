"""What a third-party developer relies on: parameters that are read or refused, honest
authentication answers, rate-limit headers, conditional writes, and problem details for every
error under /api/."""

import pytest
from rest_framework.test import APIClient

from tests.factories import ArtefactFactory, HeritageSiteFactory

pytestmark = pytest.mark.django_db


def test_search_filters_like_q_and_ranks_the_name_match_first(anon):
    HeritageSiteFactory(slug="a", name_en="Caravanserai near Merv", description_en="")
    HeritageSiteFactory(slug="b", name_en="Ancient Merv", description_en="")
    HeritageSiteFactory(slug="c", name_en="Bukhara", description_en="On the road to Merv.")
    HeritageSiteFactory(slug="d", name_en="Merv", description_en="")
    HeritageSiteFactory(slug="e", name_en="Samarkand", description_en="")
    for parameter in ("search", "q"):
        body = anon.get(f"/api/v1/sites/?{parameter}=merv").json()
        # Exact name, then name containing it, then a description match; never Samarkand.
        slugs = [row["slug"] for row in body["results"]]
        assert slugs[0] == "d" and slugs[-1] == "c"
        assert set(slugs) == {"a", "b", "c", "d"}


def test_search_ranks_artefact_titles_first_across_cursor_pages(anon):
    for index in range(5):
        ArtefactFactory(title_en=f"Plate {index}", description_en="A bowl-shaped plate.")
    ArtefactFactory(slug="the-bowl", title_en="Bowl", description_en="")
    first = anon.get("/api/v1/artefacts/?search=bowl&page_size=2").json()
    assert first["results"][0]["slug"] == "the-bowl"
    seen = [row["id"] for row in first["results"]]
    url = first["next"]
    while url:
        page = anon.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 6


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/sites/?licence=CC0-1.0",
        "/api/v1/artefacts/?updated_after=2020-01-01",
        "/api/v1/scans/?fields=id",
        "/api/v1/sites/merv/?format=glb",
        "/api/v1/artefacts/?format=json",
        "/api/v1/?cursor=x",
    ],
)
def test_an_unknown_parameter_is_a_400_naming_the_known_ones(anon, url):
    HeritageSiteFactory(slug="merv")
    response = anon.get(url)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    name = url.split("?")[1].split("=")[0]
    assert name in body["errors"]
    assert "lang" in body["errors"][name][0]  # the known parameters are listed


def test_page_size_out_of_range_is_a_400_not_silently_capped(anon):
    for value in ("0", "201", "ten"):
        response = anon.get(f"/api/v1/sites/?page_size={value}")
        assert response.status_code == 400
        assert "page_size" in response.json()["errors"]
    assert anon.get("/api/v1/sites/?page_size=200").status_code == 200


@pytest.mark.parametrize("method", ["get", "post", "patch"])
def test_a_missing_trailing_slash_is_a_problem_saying_where_to_send_it(owner, method):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(owner.user)
    body = None if method == "get" else {"slug": "x"}
    response = getattr(client, method)("/api/v1/sites?lang=fr", body, format="json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "missing_trailing_slash"
    assert body["location"] == "http://testserver/api/v1/sites/?lang=fr"
    assert "http://testserver/api/v1/sites/" in body["detail"]


def test_an_unknown_api_path_is_still_a_plain_404_problem(anon):
    body = anon.post("/api/v1/nowhere").json()
    assert body["code"] == "not_found"


def test_too_many_query_parameters_is_a_problem(anon):
    query = "&".join(f"p{n}=1" for n in range(1200))
    response = anon.get(f"/api/v1/sites/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "too many parameters" in response.json()["detail"]


@pytest.mark.parametrize(
    "header",
    ["Bearer abc.def", "Basic dXNlcjpwYXNz", "abcdef0123", "Token", "Token a b", "Api-Key"],
)
def test_an_unrecognised_or_malformed_authorization_is_a_401_naming_the_schemes(anon, header):
    HeritageSiteFactory(slug="merv")
    response = anon.get("/api/v1/sites/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401, response.content
    assert response["Content-Type"] == "application/problem+json"
    detail = response.json()["detail"]
    assert "Token" in detail and "Api-Key" in detail
    assert response["WWW-Authenticate"].startswith(("Token", "Api-Key"))


@pytest.mark.parametrize(("scheme", "challenge"), [("Api-Key", "Api-Key"), ("Token", "Token")])
def test_a_bad_key_is_challenged_in_its_own_scheme(anon, scheme, challenge):
    response = anon.get("/api/v1/sites/", HTTP_AUTHORIZATION=f"{scheme} not-a-real-key")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].split()[0] == challenge


def test_every_response_carries_rate_limit_headers(anon, key_client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": None, "api_key": "100/min"},
    }
    answers = [anon.get("/api/v1/sites/") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a["RateLimit-Remaining"] for a in answers] == ["2", "1", "0", "0"]
    assert {a["RateLimit-Limit"] for a in answers} == {"3"}
    assert 0 < int(answers[-1]["RateLimit-Reset"]) <= 60
    assert answers[-1]["Content-Type"] == "application/problem+json"
    # An API key counts apart, against its own limit.
    keyed = key_client.get("/api/v1/sites/nothing/")
    assert keyed.status_code == 404
    assert keyed["RateLimit-Limit"] == "100" and keyed["RateLimit-Remaining"] == "99"


def test_a_stale_if_match_is_a_412_and_changes_nothing(owner, home):
    site = HeritageSiteFactory(slug="merv", name_en="Merv")
    site.stewards.add(home)
    etag = owner.get("/api/v1/sites/merv/")["ETag"]
    changed = owner.patch(
        "/api/v1/sites/merv/", {"name": {"en": "Merv oasis"}}, format="json", HTTP_IF_MATCH=etag
    )
    assert changed.status_code == 200, changed.content
    # The same (now stale) ETag again: refused, nothing written.
    stale = owner.patch(
        "/api/v1/sites/merv/", {"name": {"en": "Lost update"}}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    site.refresh_from_db()
    assert site.name_en == "Merv oasis"
    # The ETag a write answers with is the one a GET gives.
    assert changed["ETag"] == owner.get("/api/v1/sites/merv/")["ETag"]
    fresh = owner.patch(
        "/api/v1/sites/merv/",
        {"name": {"en": "Merv"}},
        format="json",
        HTTP_IF_MATCH=changed["ETag"],
    )
    assert fresh.status_code == 200


def test_writes_take_json_only(owner, home):
    response = owner.post("/api/v1/sites/", {"slug": "x"}, format="multipart")
    assert response.status_code == 415
    assert response["Content-Type"] == "application/problem+json"


def test_list_items_carry_posters_and_has_3d(anon):
    from tests.factories import DerivativeFactory

    site = HeritageSiteFactory(slug="merv")
    bowl = ArtefactFactory(slug="bowl", site=site)
    ArtefactFactory(slug="plain")
    DerivativeFactory(scan__artefact=bowl, width=512, height=384)
    DerivativeFactory(scan__artefact=None, scan__site=site, scan__content=b"OFF s", width=256)
    rows = {row["slug"]: row for row in anon.get("/api/v1/artefacts/").json()["results"]}
    assert rows["bowl"]["has_3d"] and not rows["plain"]["has_3d"]
    (poster,) = rows["bowl"]["posters"]
    assert poster["width"] == 512 and poster["height"] == 384
    assert poster["url"].startswith("http://testserver/media/derivatives/")
    assert rows["plain"]["posters"] == []
    (site_row,) = anon.get("/api/v1/sites/").json()["results"]
    assert site_row["has_3d"] and site_row["posters"][0]["width"] == 256
    assert anon.get("/api/v1/artefacts/bowl/").json()["posters"] == rows["bowl"]["posters"]


def test_list_posters_come_from_the_newest_ready_scan_that_has_them(anon):
    from heritage_sites.models import Derivative, Scan
    from tests.factories import DerivativeFactory, ScanFactory

    bowl = ArtefactFactory(slug="bowl")
    older = ScanFactory(artefact=bowl, state=Scan.State.READY)
    for width in (256, 1024, 512):
        DerivativeFactory(scan=older, width=width)
    DerivativeFactory(scan=older, kind=Derivative.Kind.WEB, width=None, height=None)
    # Newer, but one still processing (its posters are not shown) and one ready without any.
    processing = ScanFactory(artefact=bowl, state=Scan.State.PROCESSING, content=b"OFF 2")
    DerivativeFactory(scan=processing, width=2048)
    ScanFactory(artefact=bowl, state=Scan.State.READY, content=b"OFF 3")
    lamp = ArtefactFactory(slug="lamp")
    ScanFactory(artefact=lamp, state=Scan.State.READY)
    rows = {row["slug"]: row for row in anon.get("/api/v1/artefacts/").json()["results"]}
    assert [poster["width"] for poster in rows["bowl"]["posters"]] == [1024, 512, 256]
    assert rows["lamp"]["has_3d"] and rows["lamp"]["posters"] == []
    assert anon.get("/api/v1/artefacts/bowl/").json()["posters"] == rows["bowl"]["posters"]


def test_an_old_slug_answers_301_to_the_current_one(owner, home, anon):
    site = HeritageSiteFactory(slug="merv")
    site.stewards.add(home)
    renamed = owner.patch("/api/v1/sites/merv/", {"slug": "merv-oasis"}, format="json")
    assert renamed.status_code == 200, renamed.content
    moved = anon.get("/api/v1/sites/merv/?lang=fr")
    assert moved.status_code == 301
    assert moved["Location"] == "http://testserver/api/v1/sites/merv-oasis/?lang=fr"
    assert anon.get(moved["Location"]).json()["id"] == str(site.public_id)
    # Renamed again: the first slug still leads to the record.
    owner.patch("/api/v1/sites/merv-oasis/", {"slug": "marw"}, format="json")
    assert anon.get("/api/v1/sites/merv/")["Location"].endswith("/sites/marw/")
    assert owner.patch("/api/v1/sites/merv/", {}, format="json").status_code == 308
    # A new record may take a retired slug: it is then that record's.
    HeritageSiteFactory(slug="merv")
    assert anon.get("/api/v1/sites/merv/").status_code == 200


def test_an_old_slug_of_a_draft_stays_hidden(owner, home, anon):
    from heritage_sites.models import PublicationState

    site = HeritageSiteFactory(slug="secret", state=PublicationState.DRAFT)
    site.stewards.add(home)
    owner.patch("/api/v1/sites/secret/", {"slug": "hidden"}, format="json")
    assert anon.get("/api/v1/sites/secret/").status_code == 404
    assert owner.get("/api/v1/sites/secret/").status_code == 301


def test_json_answers_are_gzipped_when_asked_with_vary(anon):
    import gzip
    import json

    for index in range(30):
        HeritageSiteFactory(name_en=f"Caravanserai {index}")
    plain = anon.get("/api/v1/sites/")
    packed = anon.get("/api/v1/sites/", HTTP_ACCEPT_ENCODING="gzip, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) * 4 < len(plain.content)
    assert json.loads(gzip.decompress(packed.content)) == plain.json()
    assert "Content-Encoding" not in plain
    # The weakened ETag still revalidates.
    again = anon.get("/api/v1/sites/", HTTP_IF_NONE_MATCH=packed["ETag"])
    assert again.status_code == 304
