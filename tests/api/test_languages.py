"""Language negotiation: ?lang= and Accept-Language, fallback to English, direction."""

import pytest

from tests.factories import ArtefactFactory, HeritageSiteFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    return HeritageSiteFactory(
        slug="samarkand",
        name_en="Samarkand",
        name_zh_hans="撒马尔罕",
        name_fa="سمرقند",
        description_en="A city on the Zarafshan.",
        description_fa="",
    )


def test_accept_language_picks_the_translation(anon, site):
    response = anon.get("/api/v1/sites/samarkand/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert response.json()["name"] == {"value": "撒马尔罕", "lang": "zh-Hans", "dir": "ltr"}
    assert response["Content-Language"] == "zh-Hans"


def test_persian_is_right_to_left_and_missing_texts_fall_back_to_english(anon, site):
    body = anon.get("/api/v1/sites/samarkand/", HTTP_ACCEPT_LANGUAGE="fa").json()
    assert body["name"] == {"value": "سمرقند", "lang": "fa", "dir": "rtl"}
    assert body["description"] == {"value": "A city on the Zarafshan.", "lang": "en", "dir": "ltr"}


def test_lang_parameter_wins_over_the_header(anon, site):
    response = anon.get("/api/v1/sites/samarkand/?lang=fa", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["name"]["lang"] == "fa"
    assert response["Content-Language"] == "fa"


def test_unknown_header_language_falls_back_to_english(anon, site):
    response = anon.get("/api/v1/sites/samarkand/", HTTP_ACCEPT_LANGUAGE="xx-YY, *;q=0.1")
    assert response.json()["name"]["value"] == "Samarkand"
    assert response["Content-Language"] == "en"


def test_unknown_lang_parameter_is_a_400_listing_the_languages(anon, site):
    response = anon.get("/api/v1/sites/?lang=klingon")
    assert response.status_code == 400
    assert "zh-hans" in response.json()["errors"]["lang"][0]


def test_lists_and_nested_records_use_the_language(anon, site, home):
    home.name_ar = "متحف"
    home.save()
    ArtefactFactory(institution=home, site=site, title_en="Bowl", title_ar="وعاء")
    row = anon.get("/api/v1/artefacts/?lang=ar").json()["results"][0]
    assert row["title"] == {"value": "وعاء", "lang": "ar", "dir": "rtl"}
    assert row["institution"]["name"]["value"] == "متحف"
    assert row["site"]["name"] == {"value": "Samarkand", "lang": "en", "dir": "ltr"}


def test_error_messages_carry_content_language(anon):
    response = anon.get("/api/v1/sites/not-there/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert response["Content-Language"] == "ru"


def test_script_and_markup_in_names_come_back_unchanged_as_json(anon):
    # Hostile input 49: the JSON API returns strings as they are; pages escape them.
    name = '"><script>alert(1)</script>'
    HeritageSiteFactory(slug="xss", name_en=name)
    response = anon.get("/api/v1/sites/xss/")
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"]["value"] == name
