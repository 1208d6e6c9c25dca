"""Visitor pages: every language in the URL, published content only, the API's filters."""

import json
import re

import pytest
from django.conf import settings

from heritage_sites.models import PublicationState, Scan
from tests.factories import (
    ArtefactFactory,
    CorridorFactory,
    CountryFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    MaterialFactory,
    ScanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DRAFT = PublicationState.DRAFT


def _page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _map_data(page, element_id):
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    assert found, f"no {element_id} in the page"
    return json.loads(found.group(1))


def _with_poster(artefact):
    scan = ScanFactory(artefact=artefact, state=Scan.State.READY)
    DerivativeFactory(scan=scan)
    return scan


def test_the_root_redirects_to_the_language_of_the_browser(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ar").url == "/ar/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").url == "/zh-hans/"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="de").url == "/en/"


@pytest.mark.parametrize("code", [code for code, _ in settings.LANGUAGES])
def test_every_language_has_its_pages_with_lang_dir_and_alternates(client, code):
    site = HeritageSiteFactory()
    for url in (f"/{code}/", f"/{code}/sites/", f"/{code}/sites/{site.slug}/", f"/{code}/search/"):
        page = _page(client, url)
        direction = "rtl" if code in ("ar", "fa") else "ltr"
        assert f'<html lang="{code}" dir="{direction}">' in page
        for other, _ in settings.LANGUAGES:
            other_tag = "zh-Hans" if other == "zh-hans" else other
            assert f'hreflang="{other_tag}" href="http://testserver/{other}/' in page
        assert '<link rel="canonical" href="http://testserver/' + code + "/" in page


def test_database_texts_carry_their_own_language_and_direction(client):
    site = HeritageSiteFactory(name_en="Ancient Merv", name_ar="")
    page = _page(client, f"/ar/sites/{site.slug}/")
    # The English fallback inside an Arabic page is marked as English, left to right.
    assert '<bdi lang="en" dir="ltr">Ancient Merv</bdi>' in page


def test_country_names_come_from_pycountry_where_the_museum_has_none(client):
    uzbekistan = CountryFactory(iso2="UZ", name_en="Uzbekistan")
    HeritageSiteFactory(countries=[uzbekistan])
    assert "Ouzbékistan" in _page(client, "/fr/")
    assert "أوزبكستان" in _page(client, "/ar/")


@pytest.fixture
def drafts():
    owner_institution = InstitutionFactory()
    owner = UserFactory()
    owner_institution.curators.add(owner)
    other = UserFactory()
    InstitutionFactory().curators.add(other)
    site = HeritageSiteFactory(name_en="Hidden Fortress", slug="hidden-fortress", state=DRAFT)
    site.stewards.add(owner_institution)
    artefact = ArtefactFactory(
        title_en="Secret Bowl", slug="secret-bowl", institution=owner_institution, state=DRAFT
    )
    _with_poster(artefact)
    return {"owner": owner, "other": other, "site": site, "artefact": artefact}


@pytest.mark.parametrize("who", ["anonymous", "other", "owner"])
def test_drafts_answer_404_on_their_pages_to_everyone(client, drafts, who):
    if who != "anonymous":
        client.force_login(drafts[who])
    assert client.get("/en/sites/hidden-fortress/").status_code == 404
    assert client.get("/en/artefacts/secret-bowl/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "other", "owner"])
def test_drafts_stay_out_of_lists_search_map_featured_and_sitemap(client, drafts, who):
    if who != "anonymous":
        client.force_login(drafts[who])
    published = ArtefactFactory(title_en="Open Bowl")
    _with_poster(published)
    home = _page(client, "/en/")
    assert "Open Bowl" in home
    assert "Secret Bowl" not in home and "Hidden Fortress" not in home
    assert all(s["name"] != "Hidden Fortress" for s in _map_data(home, "home-map-data")["sites"])
    for url in ("/en/sites/", "/en/artefacts/", "/en/search/?q=Secret", "/en/search/?q=Hidden"):
        page = _page(client, url)
        assert "Secret Bowl" not in page and "Hidden Fortress" not in page, url
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/en/artefacts/" in sitemap
    assert "secret-bowl" not in sitemap and "hidden-fortress" not in sitemap


def test_a_published_artefact_of_a_draft_site_does_not_show_the_site(client, drafts):
    artefact = ArtefactFactory(site=drafts["site"], title_en="Found Coin")
    page = _page(client, f"/en/artefacts/{artefact.slug}/")
    assert "Hidden Fortress" not in page and "hidden-fortress" not in page


def test_the_sitemap_lists_every_page_in_every_language(client):
    site = HeritageSiteFactory()
    sitemap = client.get("/sitemap.xml").content.decode()
    for code, _ in settings.LANGUAGES:
        assert f"http://testserver/{code}/sites/{site.slug}/" in sitemap
    assert 'hreflang="x-default"' in sitemap


def test_the_browse_pages_use_the_api_filters(client):
    silk = MaterialFactory(slug="silk", name_en="Silk")
    ArtefactFactory(title_en="Silk banner", materials=[silk])
    ArtefactFactory(title_en="Bronze mirror")
    page = _page(client, "/en/artefacts/?material=silk")
    assert "Silk banner" in page and "Bronze mirror" not in page
    corridor = CorridorFactory(slug="tianshan")
    HeritageSiteFactory(name_en="Tianshan stop", corridors=[corridor])
    HeritageSiteFactory(name_en="Elsewhere")
    page = _page(client, "/en/sites/?corridor=tianshan")
    assert "Tianshan stop" in page and "Elsewhere" not in page


def test_bad_filter_values_are_explained_not_a_500(client):
    page = _page(client, "/en/sites/?period_from=500&period_to=100")
    assert "swap them" in page
    page = _page(client, "/en/artefacts/?material=no-such-material&date_from=abc")
    assert 'role="alert"' in page
    assert client.get("/en/sites/?page=99999").status_code == 200


def test_search_finds_sites_and_artefacts_in_any_language(client):
    HeritageSiteFactory(name_en="Mogao Caves", name_zh_hans="莫高窟")
    ArtefactFactory(title_en="Lacquer box", title_zh_hans="漆盒")
    page = _page(client, "/zh-hans/search/?q=莫高窟")
    assert "莫高窟" in page
    page = _page(client, "/en/search/?q=Lacquer")
    assert "Lacquer box" in page


def test_the_artefact_page_shows_the_viewer_record_and_origin(client):
    site = HeritageSiteFactory(name_en="Afrasiab")
    artefact = ArtefactFactory(
        site=site, title_en="Ossuary", height_mm=300, width_mm=200, depth_mm=150
    )
    scan = ScanFactory(
        artefact=artefact, state=Scan.State.READY, report={"extents_mm": [200, 300, 150]}
    )
    DerivativeFactory(scan=scan)
    DerivativeFactory(scan=scan, kind="web", content=b"glTF", content_type="model/gltf-binary")
    DerivativeFactory(scan=scan, kind="lod", face_count=20000, content=b"glTF2")
    restoration = ScanFactory(
        artefact=artefact,
        state=Scan.State.READY,
        kind=Scan.Kind.VIRTUAL_RESTORATION,
        derived_from=scan,
        content=b"OFF\n0 0 0\n",
    )
    DerivativeFactory(scan=restoration, kind="web", content=b"glTF3")
    page = _page(client, f"/en/artefacts/{artefact.slug}/")
    assert page.count("<model-viewer") == 2
    assert 'dir="ltr"' in page.split("<model-viewer", 1)[1].split(">", 1)[0]
    assert "Virtual restoration" in page
    assert "Afrasiab" in page and f"/en/sites/{site.slug}/" in page
    assert "CC BY 4.0" in page and "creativecommons.org/licenses/by/4.0" in page
    assert '"@type":"3DModel"' in page
    assert f'"license":"{artefact.licence}"' in page, "the JSON-LD names the licence's URI"
    assert 'property="og:image"' in page
    assert "a11y=" in page
    assert "Measured outline of the scan" in page, "the scale bar reads the scan's report"


def test_pages_use_no_inline_styles_or_handlers_and_nonce_every_inline_script(client):
    artefact = ArtefactFactory(site=HeritageSiteFactory())
    _with_poster(artefact)
    for url in ("/en/", "/ar/sites/", f"/en/artefacts/{artefact.slug}/", "/en/search/?q=x"):
        page = _page(client, url)
        assert " style=" not in page, url
        assert not re.search(r"\son[a-z]+=", page), url
        for script in re.findall(r"<script([^>]*)>", page):
            executable = "src=" in script or "application/" not in script
            if executable and "src=" not in script:
                assert "nonce=" in script, (url, script)
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_only_viewer_pages_let_style_elements_inline_and_scripts_stay_strict(client):
    artefact = ArtefactFactory(site=HeritageSiteFactory())
    _with_poster(artefact)
    viewer = client.get(f"/en/artefacts/{artefact.slug}/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in viewer.split(";"))
    # model-viewer's shadow DOM brings a <style> element that cannot carry the nonce.
    assert directives["style-src-elem"] == "'self' 'unsafe-inline'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-inline" not in directives["style-src"]  # style attributes stay refused
    assert "style-src-elem" not in client.get("/en/")["Content-Security-Policy"]


def test_html_is_compressed(client):
    HeritageSiteFactory()
    response = client.get("/en/", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


def test_unknown_pages_answer_the_museum_404(client):
    response = client.get("/en/sites/no-such-site/")
    assert response.status_code == 404
    assert "Silk Road Virtual Museum" in response.content.decode()


def test_the_map_draws_corridors_through_their_sites(client):
    corridor = CorridorFactory(name_en="Fergana corridor")
    HeritageSiteFactory(corridors=[corridor], longitude=70)
    HeritageSiteFactory(corridors=[corridor], longitude=60)
    data = _map_data(_page(client, "/en/"), "home-map-data")
    [line] = [c for c in data["corridors"] if c["name"] == "Fergana corridor"]
    assert [point[1] for point in line["points"]] == [60.0, 70.0]


def test_html_left_in_imported_texts_becomes_plain_paragraphs(client):
    site = HeritageSiteFactory(description_en="<p>First part.</p><p>Second <b>part</b>.</p>")
    page = _page(client, f"/en/sites/{site.slug}/")
    assert "&lt;p&gt;" not in page and "<b>" not in page
    assert "First part." in page


def test_lists_are_joined_with_each_languages_own_separator(client):
    from tests.factories import MaterialFactory

    silver = MaterialFactory(name_en="Silver", slug="silver")
    gold = MaterialFactory(name_en="Gold", slug="gold")
    artefact = ArtefactFactory(materials=[gold, silver])
    expected = {"en": ", ", "ar": "، ", "fa": "، ", "zh-hans": "、"}
    for code, separator in expected.items():
        page = _page(client, f"/{code}/artefacts/{artefact.slug}/")
        materials = page.split(">Gold<", 1)[1].split(">Silver<", 1)[0]
        assert separator in materials, (code, materials)
