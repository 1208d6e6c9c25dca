"""The visitor pages in Chromium: maps and 3D draw, nothing is fetched from outside, no
console error, no serious accessibility violation, in English, Arabic and Chinese, on a
desktop and a phone. Screenshots go to test-artifacts/pages/."""

from __future__ import annotations

import base64
import io

import polib
import pytest
from PIL import Image

from heritage_sites.pages import build
from tests.pages.browser.conftest import BROWSER_MARKS

pytestmark = [*BROWSER_MARKS, pytest.mark.slow]

AXE = "/static/vendor/axe-core/axe.min.js"


def _paths(museum_data):
    return museum_data


@pytest.fixture(scope="module")
def slugs(museum, django_db_blocker):
    with django_db_blocker.unblock():
        from heritage_sites.models import Artefact, HeritageSite, Scan

        scanned = Artefact.objects.published().filter(
            scans__in=Scan.objects.published(), site__isnull=False
        )
        artefact = scanned.order_by("slug").first()
        assert artefact is not None, "the demo has no published artefact with a ready scan"
        site = HeritageSite.objects.published().get(pk=artefact.site_id)
        return {"artefact": artefact.slug, "site": site.slug}


def _axe_violations(page) -> list[str]:
    page.add_script_tag(url=AXE)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def _english_left(page, code: str) -> list[str]:
    """Interface texts still in English on a page in another language."""
    path = build.LOCALE_DIR / code.replace("zh-hans", "zh_Hans") / "LC_MESSAGES" / "django.po"
    text = page.inner_text("body")
    english = []
    for entry in polib.pofile(str(path)):
        if entry.msgid_plural or "%" in entry.msgid or len(entry.msgid) < 8:
            continue
        if entry.msgstr != entry.msgid and entry.msgid in text:
            english.append(entry.msgid)
    return english


def _check(visit_, url: str, name: str, code: str = "en"):
    page = visit_.page
    response = page.goto(url, wait_until="networkidle")
    assert response.status == 200, url
    if code != "en":
        assert _english_left(page, code) == []
    violations = _axe_violations(page)
    visit_.screenshot(name)
    assert violations == [], violations
    assert visit_.outside == [], visit_.outside
    assert visit_.errors == [], visit_.errors


def _wait_for_map(v):
    try:
        v.page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=20_000)
        # The offline basemap (Natural Earth countries) is drawn as SVG paths.
        v.page.wait_for_selector(".leaflet-overlay-pane path", timeout=20_000)
    except Exception as exc:
        raise AssertionError(f"the map did not draw: {v.errors} {v.outside}") from exc


def _model_drawn(page, selector: str = "#viewer-main") -> float:
    """Wait for the model, then the share of canvas pixels that differ from the background."""
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('{selector}'); return v && v.loaded "
        "&& v.modelIsVisible; }",
        timeout=90_000,
    )
    page.wait_for_timeout(500)
    data_url = page.evaluate(f"() => document.querySelector('{selector}').toDataURL('image/png')")
    image = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1]))).convert("RGBA")
    background = image.getpixel((2, 2))
    pixels = list(image.getdata())
    differing = sum(1 for p in pixels if max(abs(p[i] - background[i]) for i in range(4)) > 24)
    return differing / len(pixels)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "ar", "zh-hans"])
def test_the_home_page_draws_its_map(museum, visit, viewport, code):
    v = visit(viewport)
    v.page.goto(f"{museum}/{code}/", wait_until="networkidle")
    _wait_for_map(v)
    _check(v, f"{museum}/{code}/", f"home-{code}-{viewport}", code)
    direction = v.page.evaluate("() => document.documentElement.dir")
    assert direction == ("rtl" if code == "ar" else "ltr")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "ar", "zh-hans"])
def test_the_artefact_page_loads_and_draws_the_model(museum, slugs, visit, viewport, code):
    v = visit(viewport)
    url = f"{museum}/{code}/artefacts/{slugs['artefact']}/"
    v.page.goto(url, wait_until="networkidle")
    share = _model_drawn(v.page)
    assert share > 0.02, f"the canvas is blank ({share:.1%} of pixels differ)"
    chosen = v.page.get_attribute("#viewer-main", "src")
    phone_src = v.page.get_attribute("#viewer-main", "data-src-phone")
    if viewport == "phone":
        assert chosen == phone_src
    # The box is reserved before the model loads: it is as wide as it is tall.
    box = v.page.locator(".viewer__box").first.bounding_box()
    assert abs(box["width"] - box["height"]) < 2
    _check(v, url, f"artefact-{code}-{viewport}", code)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "ar"])
def test_the_site_page_shows_its_map_and_relics(museum, slugs, visit, viewport, code):
    v = visit(viewport)
    url = f"{museum}/{code}/sites/{slugs['site']}/"
    v.page.goto(url, wait_until="networkidle")
    _wait_for_map(v)
    assert v.page.locator(".cards .card").count() >= 1
    _check(v, url, f"site-{code}-{viewport}", code)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "zh-hans", "ar"])
def test_search_finds_in_the_visitor_language(museum, visit, viewport, code):
    v = visit(viewport)
    query = {"en": "bowl", "zh-hans": "碗", "ar": "bowl"}[code]
    url = f"{museum}/{code}/search/?q={query}"
    v.page.goto(url, wait_until="networkidle")
    assert v.page.locator(".cards .card").count() >= 1
    _check(v, url, f"search-{code}-{viewport}", code)


def test_the_phone_page_fits_360_pixels(museum, slugs, visit):
    v = visit("phone")
    for path in ("/ar/", f"/ar/artefacts/{slugs['artefact']}/", "/en/sites/"):
        v.page.goto(f"{museum}{path}", wait_until="networkidle")
        width = v.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, (path, width)


def test_the_keyboard_reaches_the_viewer_and_the_language_switcher(museum, slugs, visit):
    v = visit("desktop")
    v.page.goto(f"{museum}/en/artefacts/{slugs['artefact']}/", wait_until="networkidle")
    seen = []
    for _ in range(40):
        v.page.keyboard.press("Tab")
        seen.append(
            v.page.evaluate(
                "() => document.activeElement.tagName + ':' + "
                "(document.activeElement.getAttribute('hreflang') || '')"
            )
        )
    assert "MODEL-VIEWER:" in seen
    assert "A:ar" in seen
