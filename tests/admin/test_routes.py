"""Routes in the admin: pages open, curators see and change only their institution's."""

import pytest
from django.urls import reverse

from heritage_sites.models import InstitutionRole, PublicationState, Route, RouteStop
from heritage_sites.permissions import Role
from tests.factories import (
    HeritageSiteFactory,
    InstitutionFactory,
    RouteFactory,
    RouteStopFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(client):
    user = UserFactory(username="route-curator")
    home = InstitutionFactory(slug="route-home", curators=[user])
    client.force_login(user)
    return client, home


def test_route_pages_open_for_staff(client):
    client.force_login(UserFactory(username="keeper", is_staff=True, is_superuser=True))
    route = RouteFactory()
    RouteStopFactory(route=route, position=1)
    RouteStopFactory(route=route, position=2)
    listing = client.get(reverse("admin:heritage_sites_route_changelist"))
    assert listing.status_code == 200
    assert route.title_en in listing.content.decode()
    change = client.get(reverse("admin:heritage_sites_route_change", args=[route.pk]))
    assert change.status_code == 200
    assert "trigger zone radius" in change.content.decode().lower()
    assert client.get(reverse("admin:heritage_sites_routetheme_changelist")).status_code == 200


def test_a_curator_sees_only_their_institutions_routes(curator):
    client, home = curator
    mine = RouteFactory(slug="mine", institution=home)
    theirs = RouteFactory(slug="theirs", institution=InstitutionFactory())
    listing = client.get(reverse("admin:heritage_sites_route_changelist")).content.decode()
    assert mine.title_en in listing and theirs.title_en not in listing
    url = reverse("admin:heritage_sites_route_change", args=[theirs.pk])
    assert client.get(url).status_code in (302, 403, 404)


def test_a_curator_adds_a_route_with_a_stop(curator):
    client, home = curator
    site = HeritageSiteFactory(slug="bukhara")
    response = client.post(
        reverse("admin:heritage_sites_route_add"),
        {
            "slug": "by-admin",
            "title_en": "Added in the admin",
            "institution": home.pk,
            "stops-TOTAL_FORMS": "1",
            "stops-INITIAL_FORMS": "0",
            "stops-0-position": "1",
            "stops-0-site": site.pk,
            "stops-0-visit_note_en": "Look at the domes.",
            "stops-0-zone_radius_m": "300",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    route = Route.objects.get(slug="by-admin")
    assert route.created_by.username == "route-curator"
    assert RouteStop.objects.get(route=route).zone_radius_m == 300


def _reviewer_of(client, institution, username="route-reviewer"):
    user = UserFactory(username=username)
    InstitutionRole.objects.create(institution=institution, user=user, role=Role.REVIEWER)
    client.force_login(user)
    return user


def test_a_reviewer_publishes_a_route_from_the_review_queue(client):
    home = InstitutionFactory(slug="route-home")
    route = RouteFactory(slug="queued", institution=home, state=PublicationState.IN_REVIEW)
    RouteStopFactory(route=route, position=1)
    RouteStopFactory(route=route, position=2)
    reviewer = _reviewer_of(client, home)
    url = reverse("admin:heritage_sites_route_changelist")
    queue = client.get(url, {"queue": "mine"}).content.decode()
    assert route.title_en in queue
    response = client.post(url, {"action": "publish", "_selected_action": [route.pk]}, follow=True)
    assert "1 record(s) done." in response.content.decode()
    route.refresh_from_db()
    assert (route.state, route.published_by) == (PublicationState.PUBLISHED, reviewer)


def test_a_route_with_too_few_stops_is_refused_in_the_admin(client):
    home = InstitutionFactory(slug="route-home")
    route = RouteFactory(slug="short", institution=home, state=PublicationState.IN_REVIEW)
    _reviewer_of(client, home)
    url = reverse("admin:heritage_sites_route_changelist")
    response = client.post(url, {"action": "publish", "_selected_action": [route.pk]}, follow=True)
    assert "at least two stops at published sites" in response.content.decode()
    route.refresh_from_db()
    assert route.state == PublicationState.IN_REVIEW


def test_the_state_of_a_route_is_read_only_in_the_admin(curator):
    client, home = curator
    route = RouteFactory(slug="draft-route", institution=home, state=PublicationState.DRAFT)
    url = reverse("admin:heritage_sites_route_change", args=[route.pk])
    response = client.post(
        url,
        {
            "slug": "draft-route",
            "title_en": "Still a draft",
            "institution": home.pk,
            "state": "published",
            "stops-TOTAL_FORMS": "0",
            "stops-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    route.refresh_from_db()
    assert (route.title_en, route.state) == ("Still a draft", PublicationState.DRAFT)
