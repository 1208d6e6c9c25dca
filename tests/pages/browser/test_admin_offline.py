"""The curators' admin works with no internet: modeltranslation's language tabs load jQuery
and jQuery UI from the museum."""

from tests.pages.browser.conftest import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def test_the_institution_change_page_shows_language_tabs_offline(museum, visit, django_db_blocker):
    with django_db_blocker.unblock():
        from django.contrib.auth import get_user_model

        from heritage_sites.models import Institution

        get_user_model().objects.create_superuser("tabs-admin", "a@example.org", "tabs-pass-1")
        institution = Institution.objects.order_by("pk").first()
    v = visit("desktop")
    page = v.page
    page.goto(f"{museum}/admin/login/")
    page.fill("#id_username", "tabs-admin")
    page.fill("#id_password", "tabs-pass-1")
    page.click("input[type=submit]")
    page.goto(
        f"{museum}/admin/heritage_sites/institution/{institution.pk}/change/",
        wait_until="networkidle",
    )
    page.wait_for_selector(".ui-tabs-nav", timeout=10_000)
    tabs = page.locator(".ui-tabs-nav").first.locator("li")
    assert tabs.count() == 7
    v.screenshot("admin-institution-tabs")
    assert v.outside == []
    assert v.errors == []
