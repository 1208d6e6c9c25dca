"""Exhibitions in the admin: a hotspot is placed by clicking on the model's viewer; what the
viewer sends (web coordinates) is stored in the original's coordinates."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from heritage_sites.models import (
    Derivative,
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    Hotspot,
    InstitutionRole,
    PublicationState,
    Scan,
)
from heritage_sites.permissions import Role
from tests.factories import (
    ArtefactFactory,
    DerivativeFactory,
    InstitutionFactory,
    ScanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

REPORT = {"web_transform": {"centre": [0.0, 0.0, 50.0], "scale_to_metres": 0.001}}


@pytest.fixture
def item(client):
    user = UserFactory(username="exhibition-curator")
    home = InstitutionFactory(slug="exhibition-home", curators=[user])
    client.force_login(user)
    exhibition = Exhibition.objects.create(slug="e", title_en="E")
    exhibition.institutions.add(home)
    section = ExhibitionSection.objects.create(exhibition=exhibition, position=1, title_en="S")
    bowl = ArtefactFactory(institution=home)
    scan = ScanFactory(artefact=bowl, state=Scan.State.READY, report=REPORT)
    DerivativeFactory(
        scan=scan, kind=Derivative.Kind.WEB, file=ContentFile(b"glTF", name="web.glb")
    )
    item = ExhibitionItem.objects.create(section=section, position=1, artefact=bowl)
    item.scan_for_test = scan
    return item


def _form(item, **hotspot):
    data = {
        "section": item.section_id,
        "position": "1",
        "artefact": item.artefact_id,
        "hotspots-TOTAL_FORMS": "1",
        "hotspots-INITIAL_FORMS": "0",
        "hotspots-0-position": "1",
        "hotspots-0-label_en": "The rim",
        "hotspots-0-scan": item.scan_for_test.pk,
    }
    data.update({f"hotspots-0-{k}": v for k, v in hotspot.items()})
    return data


def test_the_item_page_shows_the_model_to_click_on(client, item):
    page = client.get(reverse("admin:heritage_sites_exhibitionitem_change", args=[item.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="hotspot-placer"' in html and "web.glb" in html
    assert "hotspot-placer.js" in html


def test_a_click_on_the_viewer_is_stored_in_the_originals_coordinates(client, item):
    url = reverse("admin:heritage_sites_exhibitionitem_change", args=[item.pk])
    response = client.post(
        url,
        _form(
            item,
            web_position="0.01 0 0",
            web_normal="1 0 0",
            web_camera_target="0.01 0 0",
            web_camera_orbit="0 90 0.5",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    hotspot = Hotspot.objects.get(item=item)
    assert hotspot.point == pytest.approx([10.0, 0.0, 50.0])
    assert hotspot.normal == pytest.approx([1.0, 0.0, 0.0])
    assert hotspot.camera_position == pytest.approx([10.0, 0.0, 550.0])


def test_a_hotspot_without_a_click_is_refused_in_words(client, item):
    url = reverse("admin:heritage_sites_exhibitionitem_change", args=[item.pk])
    response = client.post(url, _form(item))
    assert response.status_code == 200
    assert "Click on the model to place this hotspot" in response.content.decode()
    assert not Hotspot.objects.exists()


def test_another_institutions_curator_cannot_open_the_item(client, item):
    client.force_login(UserFactory(username="stranger"))
    InstitutionFactory(slug="elsewhere").curators.add(UserFactory(username="stranger"))
    url = reverse("admin:heritage_sites_exhibitionitem_change", args=[item.pk])
    assert client.get(url).status_code in (302, 403, 404)


def test_a_reviewer_publishes_an_exhibition_with_the_admin_action(client, item):
    exhibition = item.section.exhibition
    home = exhibition.institutions.get()
    Exhibition.objects.filter(pk=exhibition.pk).update(state=PublicationState.IN_REVIEW)
    reviewer = UserFactory(username="exhibition-reviewer")
    InstitutionRole.objects.create(institution=home, user=reviewer, role=Role.REVIEWER)
    client.force_login(reviewer)
    url = reverse("admin:heritage_sites_exhibition_changelist")
    assert exhibition.title_en in client.get(url, {"queue": "mine"}).content.decode()
    response = client.post(
        url, {"action": "publish", "_selected_action": [exhibition.pk]}, follow=True
    )
    assert "1 record(s) done." in response.content.decode()
    exhibition.refresh_from_db()
    assert (exhibition.state, exhibition.published_by) == (PublicationState.PUBLISHED, reviewer)


def test_an_empty_exhibition_is_refused_in_the_admin(client):
    home = InstitutionFactory(slug="empty-home")
    exhibition = Exhibition.objects.create(
        slug="empty", title_en="Empty", state=PublicationState.IN_REVIEW
    )
    exhibition.institutions.add(home)
    ExhibitionSection.objects.create(exhibition=exhibition, position=1, title_en="Nothing yet")
    reviewer = UserFactory(username="exhibition-reviewer")
    InstitutionRole.objects.create(institution=home, user=reviewer, role=Role.REVIEWER)
    client.force_login(reviewer)
    url = reverse("admin:heritage_sites_exhibition_changelist")
    response = client.post(
        url, {"action": "publish", "_selected_action": [exhibition.pk]}, follow=True
    )
    assert "at least one section with at least one item" in response.content.decode()
    exhibition.refresh_from_db()
    assert exhibition.state == PublicationState.IN_REVIEW
