"""Route and exhibition pages in Chromium, in English and Arabic: the route's map draws its
numbered stops and line and "where am I" answers from the browser's position; the exhibition's
viewer draws the model with its hotspots and the guided tour moves the camera from the keyboard.
Screenshots go to test-artifacts/pages/."""

from __future__ import annotations

import pytest

from tests.pages.browser import test_visitor_pages as visitor
from tests.pages.browser.conftest import BROWSER_MARKS
from tests.pages.browser.test_visitor_pages import _model_drawn

pytestmark = [*BROWSER_MARKS, pytest.mark.slow]


def _check(visit_, name: str, code: str = "en"):
    """The visitor pages' check, except that database texts shown in English (a site with no
    Arabic name yet, marked lang="en"; an artefact's credit line) are not counted as interface
    English. Scripts (the map's JSON) are left out of the text as a browser does."""
    page = visit_.page
    original = page.inner_text

    def interface_text(selector):
        if selector != "body":
            return original(selector)
        return page.evaluate(
            """() => { const body = document.body.cloneNode(true);
              body.querySelectorAll('[lang^="en"], .credit, script, style')
                .forEach(e => e.remove());
              return body.innerText; }"""
        )

    page.inner_text = interface_text
    try:
        visitor._check(visit_, name, code)
    finally:
        page.inner_text = original


ROUTE = "samarkand-bukhara-khiva-merv"
EXHIBITION = "writing-along-the-silk-roads"
# About 300 m from the Samarkand site's point, inside its stop's trigger zone (2.5 km).
REGISTAN = {"latitude": 39.6660, "longitude": 66.9990}


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "ar"])
def test_the_route_page_draws_its_stops_and_finds_the_next_one(museum, visit, viewport, code):
    v = visit(viewport)
    v.page.set_default_timeout(90_000)  # a shared machine draws WebGL slowly
    v.context.grant_permissions(["geolocation"], origin=museum)
    v.context.set_geolocation(REGISTAN)
    url = f"{museum}/{code}/routes/{ROUTE}/"
    v.page.goto(url, wait_until="networkidle")
    v.page.wait_for_selector(".stop-marker", timeout=20_000)
    # The line, the zones and the offline basemap's countries are SVG paths.
    v.page.wait_for_function(
        "() => document.querySelectorAll('.leaflet-overlay-pane path').length > 20",
        timeout=20_000,
    )
    assert v.page.locator(".stop-marker").count() == 4
    assert [t.strip() for t in v.page.locator(".stop-marker").all_inner_texts()] == list("1234")
    v.page.click("#whereami")
    v.page.wait_for_function(
        "() => document.getElementById('whereami-answer').textContent.includes('2')",
        timeout=20_000,
    )
    answer = v.page.inner_text("#whereami-answer")
    if code == "en":
        assert answer.startswith("You are at stop 1: Samarkand")
        assert "Next stop: 2. Historic Centre of Bukhara" in answer and "to the west" in answer
    else:
        assert "أنت في المحطة 1" in answer and "المحطة التالية: 2." in answer
    assert v.page.evaluate("() => document.documentElement.dir") == (
        "rtl" if code == "ar" else "ltr"
    )
    _check(v, f"route-{code}-{viewport}", code)


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("code", ["en", "ar"])
def test_the_exhibition_page_shows_the_model_with_hotspots_and_a_keyboard_tour(
    museum, visit, viewport, code
):
    v = visit(viewport)
    v.page.set_default_timeout(90_000)  # a shared machine draws WebGL slowly
    url = f"{museum}/{code}/exhibitions/{EXHIBITION}/"
    v.page.goto(url, wait_until="networkidle")
    share = _model_drawn(v.page, "#exhibit-1-1")
    assert share > 0.02, f"the canvas is blank ({share:.1%} of pixels differ)"
    hotspots = v.page.locator("#exhibit-1-1 button[slot^='hotspot']")
    assert hotspots.count() == 3
    assert hotspots.first.is_visible()
    # From the keyboard: focus the tour's Next button and press Enter twice.
    v.page.focus("[data-tour='exhibit-1-1'] .tour__next")
    v.page.keyboard.press("Enter")
    v.page.keyboard.press("Enter")
    status = v.page.inner_text("[data-tour='exhibit-1-1'] .tour__status")
    assert status == ("Step 2 of 3" if code == "en" else "الخطوة 2 من 3")
    # The camera glides to the second hotspot's view: its target ends where the hotspot says.
    v.page.wait_for_function(
        """() => {
          const viewer = document.querySelector('#exhibit-1-1');
          const spot = viewer.querySelector("button[slot='hotspot-2']");
          const want = spot.dataset.target.split(' ').map(parseFloat);
          const t = viewer.getCameraTarget();
          return Math.abs(t.x - want[0]) + Math.abs(t.y - want[1]) + Math.abs(t.z - want[2]) < 1e-3;
        }""",
        timeout=20_000,
    )
    # The viewer itself, as the visitor sees it (a full-page screenshot resizes the canvas).
    v.page.locator("#exhibit-1-1").scroll_into_view_if_needed()
    v.page.wait_for_timeout(1000)
    v.page.locator("#exhibit-1-1").screenshot(
        path=str(
            v.screenshot(f"exhibition-{code}-{viewport}-page").with_name(
                f"exhibition-{code}-{viewport}-viewer.png"
            )
        )
    )
    current = v.page.locator("#exhibit-1-1 .hotspot--current")
    assert current.count() == 1 and current.get_attribute("slot") == "hotspot-2"
    _check(v, f"exhibition-{code}-{viewport}", code)
