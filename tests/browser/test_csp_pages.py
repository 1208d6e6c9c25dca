"""Every page that exists works under the Content-Security-Policy, with nothing blocked."""

import pytest

from tests.factories import ArtefactFactory, DerivativeFactory, HeritageSiteFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery-staple"


def sign_in(watched, live_server):
    user = UserFactory(is_staff=True, is_superuser=True)
    user.set_password(PASSWORD)
    user.save()
    page = watched.page
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return user


def test_the_home_page_draws_its_styles_with_nothing_blocked(watched, live_server):
    HeritageSiteFactory(name_en="Ancient Merv")
    page = watched.page
    page.goto(live_server.url + "/")
    assert page.locator("text=Ancient Merv").is_visible()
    # The inline stylesheet applied: its nonce matched the header's.
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(251, 248, 243)"
    assert watched.violations() == []


def test_the_admin_and_its_translation_tabs_work_with_nothing_blocked(watched, live_server):
    sign_in(watched, live_server)
    site = HeritageSiteFactory(name_en="Ancient Merv")
    scan = DerivativeFactory(scan__report={"faces": 4}).scan
    page = watched.page
    for path in (
        "/admin/",
        "/admin/heritage_sites/heritagesite/",
        "/admin/heritage_sites/heritagesite/add/",
        f"/admin/heritage_sites/heritagesite/{site.pk}/change/",
        "/admin/heritage_sites/institution/add/",
        "/admin/heritage_sites/scan/",
        f"/admin/heritage_sites/scan/{scan.pk}/change/",
    ):
        page.goto(live_server.url + path)
        assert watched.violations() == [], path
    # django-modeltranslation's jQuery UI tabs: one tab per language, switching works.
    page.goto(live_server.url + "/admin/heritage_sites/institution/add/")
    tabs = page.locator(".ui-tabs-nav").first
    tabs.wait_for()
    assert tabs.locator("li").count() >= 7
    page.locator("#id_name_en").press_sequentially("Hermitage Museum")
    # The slug is filled in by the admin's prepopulate script.
    assert page.input_value("#id_slug") == "hermitage-museum"
    assert watched.violations() == []


def test_the_browsable_api_works_with_nothing_blocked(watched, live_server):
    sign_in(watched, live_server)
    site = HeritageSiteFactory(slug="merv")
    artefact = ArtefactFactory(slug="bowl", site=site)
    scan = DerivativeFactory(scan__artefact=artefact).scan
    page = watched.page
    for path in (
        "/api/v1/",
        "/api/v1/sites/",
        "/api/v1/sites/merv/",
        "/api/v1/artefacts/",
        "/api/v1/artefacts/bowl/",
        "/api/v1/scans/",
        f"/api/v1/scans/{scan.public_id}/",
    ):
        page.goto(live_server.url + path, wait_until="load")
        assert watched.violations() == [], path
    # The page's own scripts run: Bootstrap opens the filters dialog.
    page.goto(live_server.url + "/api/v1/sites/")
    page.click("button[data-target='#filtersModal']")
    page.locator("#filtersModal").wait_for(state="visible")
    assert watched.violations() == []


def test_swagger_ui_renders_its_operations_with_nothing_blocked(watched, live_server):
    page = watched.page
    page.goto(live_server.url + "/api/docs/")
    operations = page.locator(".opblock")
    operations.first.wait_for()
    assert operations.count() > 10
    assert page.locator("text=/api/v1/sites/").first.is_visible()
    assert watched.violations() == []


@pytest.mark.urls("tests.browser.csp_urls")
def test_an_inline_script_runs_only_with_the_nonce(watched, live_server):
    page = watched.page
    page.goto(live_server.url + "/csp-probe/")
    page.click("#target")
    data = page.evaluate("({...document.body.dataset})")
    assert data == {"withNonce": "ran"}
    violations = watched.violations()
    assert any(v.startswith("script-src-elem blocked inline") for v in violations), violations
    assert any(v.startswith("script-src-attr blocked inline") for v in violations), violations
