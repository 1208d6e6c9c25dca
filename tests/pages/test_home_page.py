"""The home page lists published World Heritage properties, in the visitor's language."""

import pytest

from heritage_sites.models import PublicationState
from tests.factories import CountryFactory, HeritageSiteFactory

pytestmark = pytest.mark.django_db


def test_it_lists_published_properties_and_not_drafts(client):
    HeritageSiteFactory(name_en="Ancient Merv", countries=[CountryFactory(name_en="Turkmenistan")])
    HeritageSiteFactory(name_en="Secret Caravanserai", state=PublicationState.DRAFT)
    HeritageSiteFactory(name_en="Withdrawn Fort", state=PublicationState.WITHDRAWN)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ancient Merv" in page and "Turkmenistan" in page
    assert "Secret Caravanserai" not in page
    assert "Withdrawn Fort" not in page
    assert "1 published heritage property" in page


def test_it_lists_properties_not_their_component_sites(client):
    parent = HeritageSiteFactory(name_en="Silk Roads corridor")
    HeritageSiteFactory(name_en="Yumen Pass", parent=parent)
    page = client.get("/", follow=True).content.decode()
    assert "Silk Roads corridor" in page
    assert "Yumen Pass" not in page


def test_it_renders_right_to_left_in_arabic(client):
    HeritageSiteFactory(name_en="Site of Palmyra", name_ar="موقع تدمر")
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ar", follow=True)
    page = response.content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "موقع تدمر" in page


def test_it_renders_left_to_right_in_chinese_with_english_fallback(client):
    HeritageSiteFactory(name_en="Mogao Caves", name_zh_hans="莫高窟")
    HeritageSiteFactory(name_en="Ancient City of Bosra")
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN", follow=True).content.decode()
    assert '<html lang="zh-hans" dir="ltr">' in page
    assert "莫高窟" in page and "Ancient City of Bosra" in page
