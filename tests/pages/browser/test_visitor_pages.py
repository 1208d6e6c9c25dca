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
from tests.pages.browser.conftest import ARTIFACTS, BROWSER_MARKS

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
    # Texts from the database sit in <bdi> (their own language): only the page's own words.
    text = page.evaluate(
        """() => { const body = document.body.cloneNode(true);
        body.querySelectorAll('bdi, script, style, [lang]:not([lang=""])').forEach(e => e.remove());
        return body.innerText; }"""
    )
    english = []
    for entry in polib.pofile(str(path)):
        if entry.msgid_plural or "%" in entry.msgid or len(entry.msgid) < 8:
            continue
        if entry.msgstr != entry.msgid and entry.msgid in text:
            english.append(entry.msgid)
    return english


def _open(v, url: str):
    # Two shared cores and a CPU-drawn WebGL: pages can take a while to go quiet.
    response = v.page.goto(url, wait_until="networkidle", timeout=90_000)
    assert response.status == 200, url


def _check(visit_, name: str, code: str = "en"):
    """On the page as it is now: screenshot, then no English left, axe, no outside request,
    no console error."""
    page = visit_.page
    visit_.screenshot(name)
    english = _english_left(page, code) if code != "en" else []
    violations = _axe_violations(page)
    assert english == [], english
    assert violations == [], violations
    assert visit_.outside == [], visit_.outside
    assert visit_.errors == [], visit_.errors


def _wait_for_map(v):
    try:
        v.page.wait_for_selector(".leaflet-marker-icon, .marker-cluster", timeout=60_000)
        # The offline basemap (Natural Earth countries) is drawn as SVG paths.
        v.page.wait_for_selector(".leaflet-overlay-pane path", state="attached", timeout=60_000)
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
    _open(v, f"{museum}/{code}/")
    _wait_for_map(v)
    _check(v, f"home-{code}-{viewport}", code)
    direction = v.page.evaluate("() => document.documentElement.dir")
    assert direction == ("rtl" if code == "ar" else "ltr")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "ar", "zh-hans"])
def test_the_artefact_page_loads_and_draws_the_model(museum, slugs, visit, viewport, code):
    v = visit(viewport)
    url = f"{museum}/{code}/artefacts/{slugs['artefact']}/"
    _open(v, url)
    share = _model_drawn(v.page)
    # The viewer alone, at its size (a full-page shot resizes the window and the canvas).
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    v.page.locator("#viewer-main").screenshot(
        path=str(ARTIFACTS / f"artefact-{code}-{viewport}-viewer.png"), timeout=120_000
    )
    assert share > 0.02, f"the canvas is blank ({share:.1%} of pixels differ)"
    chosen = v.page.get_attribute("#viewer-main", "src")
    phone_src = v.page.get_attribute("#viewer-main", "data-src-phone")
    if viewport == "phone":
        assert chosen == phone_src
    # The box is reserved before the model loads: it is as wide as it is tall.
    box = v.page.locator(".viewer__box").first.bounding_box()
    assert abs(box["width"] - box["height"]) < 2
    _check(v, f"artefact-{code}-{viewport}", code)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "ar"])
def test_the_site_page_shows_its_map_and_relics(museum, slugs, visit, viewport, code):
    v = visit(viewport)
    url = f"{museum}/{code}/sites/{slugs['site']}/"
    _open(v, url)
    _wait_for_map(v)
    assert v.page.locator(".cards .card").count() >= 1
    _check(v, f"site-{code}-{viewport}", code)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "zh-hans", "ar"])
def test_search_finds_in_the_visitor_language(museum, visit, viewport, code):
    v = visit(viewport)
    query = {"en": "bowl", "zh-hans": "碗", "ar": "bowl"}[code]
    url = f"{museum}/{code}/search/?q={query}"
    _open(v, url)
    assert v.page.locator(".cards .card").count() >= 1
    _check(v, f"search-{code}-{viewport}", code)


def test_the_phone_page_fits_360_pixels(museum, slugs, visit):
    v = visit("phone")
    for path in ("/ar/", f"/ar/artefacts/{slugs['artefact']}/", "/en/sites/"):
        _open(v, f"{museum}{path}")
        width = v.page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= 360, (path, width)


def test_the_keyboard_reaches_the_viewer_and_the_language_switcher(museum, slugs, visit):
    v = visit("desktop")
    _open(v, f"{museum}/en/artefacts/{slugs['artefact']}/")
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
