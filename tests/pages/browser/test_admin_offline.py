"""The curators' admin works with no internet: modeltranslation's language tabs load jQuery
and jQuery UI from the museum."""

import pytest

from tests.pages.browser.conftest import BROWSER_MARKS

pytestmark = BROWSER_MARKS
PROCESS_SCANS = False


@pytest.fixture(scope="module")
def institution(museum, django_db_blocker):
    # Committed before the test's own transaction: the server's threads must see it.
    with django_db_blocker.unblock():
        from django.contrib.auth import get_user_model

        from heritage_sites.models import Institution

        get_user_model().objects.create_superuser("tabs-admin", "a@example.org", "tabs-pass-1")
        return Institution.objects.order_by("pk").first()


def test_the_institution_change_page_shows_language_tabs_offline(museum, institution, visit):
    v = visit("desktop")
    page = v.page
    page.goto(f"{museum}/admin/login/")
    page.fill("#id_username", "tabs-admin")
    page.fill("#id_password", "tabs-pass-1")
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.goto(
        f"{museum}/admin/heritage_sites/institution/{institution.pk}/change/",
        wait_until="networkidle",
    )
    try:
        page.wait_for_selector(".ui-tabs-nav", timeout=10_000)
    except Exception as exc:
        v.screenshot("admin-institution-tabs-failed")
        raise AssertionError(f"no language tabs: {page.url} {v.errors} {v.outside}") from exc
    tabs = page.locator(".ui-tabs-nav").first.locator("li")
    assert tabs.count() == 7
    v.screenshot("admin-institution-tabs")
    assert v.outside == []
    assert v.errors == []
