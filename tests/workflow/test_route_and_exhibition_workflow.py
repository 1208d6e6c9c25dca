"""Routes and exhibitions through the workflow: transitions with who and when, their gates,
other institutions refused, withdrawn ones answering 410, the review queue."""

import pytest

from heritage_sites.models import (
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    PublicationState,
    Route,
)
from heritage_sites.services import workflow
from tests.factories import ArtefactFactory, HeritageSiteFactory, RouteFactory, RouteStopFactory
from tests.workflow.conftest import api_as, member

pytestmark = pytest.mark.django_db

DRAFT, IN_REVIEW = PublicationState.DRAFT, PublicationState.IN_REVIEW
PUBLISHED, WITHDRAWN = PublicationState.PUBLISHED, PublicationState.WITHDRAWN


def post(client, url, **data):
    return client.post(url, data, format="json")


def _route(home, *, state=DRAFT, slug="caravan", stops=2):
    route = RouteFactory(slug=slug, institution=home, state=state, title_en="Caravan cities")
    for position in range(1, stops + 1):
        RouteStopFactory(route=route, position=position)
    return route


def _exhibition(*institutions, state=DRAFT, slug="bowls", items=1):
    exhibition = Exhibition.objects.create(slug=slug, title_en="Bowls of Samarkand", state=state)
    exhibition.institutions.add(*institutions)
    section = ExhibitionSection.objects.create(exhibition=exhibition, position=1, title_en="Clay")
    for position in range(1, items + 1):
        artefact = ArtefactFactory(institution=institutions[0])
        ExhibitionItem.objects.create(section=section, position=position, artefact=artefact)
    return exhibition


def test_a_route_goes_from_draft_to_published_with_who_and_when(people, home):
    route = _route(home)
    curator, reviewer = api_as(people["curator"]), api_as(people["reviewer"])

    response = post(curator, "/api/v1/routes/caravan/submit/")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == IN_REVIEW
    assert response.json()["review"]["submitted_by"] == "curator"
    assert post(curator, "/api/v1/routes/caravan/publish/").status_code == 403

    response = post(reviewer, "/api/v1/routes/caravan/publish/")
    assert response.status_code == 200, response.content
    route.refresh_from_db()
    assert (route.state, route.published_by, route.submitted_by) == (
        PUBLISHED,
        people["reviewer"],
        people["curator"],
    )
    assert route.published_at is not None and route.submitted_at is not None
    public = api_as(None).get("/api/v1/routes/caravan/")
    assert public.status_code == 200
    assert public.json()["review"] is None

    history = curator.get("/api/v1/routes/caravan/history/").json()["results"]
    assert [(entry["by"], entry["reason"]) for entry in history[:2]] == [
        ("reviewer", "publish"),
        ("curator", "submit"),
    ]


def test_an_exhibition_goes_through_every_step(people, home, other):
    exhibition = _exhibition(home, other)
    # A curator of either institution that made it may submit it.
    other_curator = member(other, "curator", "other_curator")
    reviewer = api_as(people["reviewer"])
    assert post(api_as(other_curator), "/api/v1/exhibitions/bowls/submit/").status_code == 200
    rejected = post(reviewer, "/api/v1/exhibitions/bowls/reject/", note="Caption the bowls.")
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["review"]["review_comment"] == "Caption the bowls."
    assert post(api_as(people["curator"]), "/api/v1/exhibitions/bowls/submit/").status_code == 200
    # The other institution's reviewer counts too.
    published = post(api_as(people["other_reviewer"]), "/api/v1/exhibitions/bowls/publish/")
    assert published.status_code == 200, published.content
    withdrawn = post(reviewer, "/api/v1/exhibitions/bowls/withdraw/", note="Loan ended.")
    assert withdrawn.status_code == 200
    exhibition.refresh_from_db()
    assert exhibition.state == WITHDRAWN
    assert (exhibition.withdrawn_by, exhibition.withdrawal_reason) == (
        people["reviewer"],
        "Loan ended.",
    )
    assert exhibition.published_by == people["other_reviewer"]
    assert exhibition.reviewed_by == people["reviewer"]

    gone = api_as(None).get("/api/v1/exhibitions/bowls/")
    assert gone.status_code == 410
    assert gone.json()["tombstone"]["kind"] == "exhibition"
    assert "Home Museum" in gone.json()["tombstone"]["citation"]

    assert post(reviewer, "/api/v1/exhibitions/bowls/reinstate/").status_code == 200
    exhibition.refresh_from_db()
    assert (exhibition.state, exhibition.withdrawal_reason) == (DRAFT, "")
    assert api_as(None).get("/api/v1/exhibitions/bowls/").status_code == 404


def test_a_route_needs_two_stops_at_published_sites(people, home):
    route = _route(home, state=IN_REVIEW, stops=1)
    RouteStopFactory(route=route, position=2, site=HeritageSiteFactory(state=DRAFT))
    response = post(api_as(people["reviewer"]), "/api/v1/routes/caravan/publish/")
    assert response.status_code == 409
    assert (
        "A route needs at least two stops at published sites; this one has 1."
        in response.json()["detail"]
    )
    route.refresh_from_db()
    assert route.state == IN_REVIEW


def test_an_exhibition_needs_a_section_with_an_item(people, home):
    exhibition = _exhibition(home, state=IN_REVIEW, items=0)
    response = post(api_as(people["reviewer"]), "/api/v1/exhibitions/bowls/publish/")
    assert response.status_code == 409
    assert "at least one section with at least one item" in response.json()["detail"]
    exhibition.refresh_from_db()
    assert exhibition.state == IN_REVIEW


def test_another_institutions_people_are_refused(people, home, other):
    _route(home, state=IN_REVIEW)
    _exhibition(home, state=IN_REVIEW)
    outsider = api_as(people["other_reviewer"])
    for url in ("/api/v1/routes/caravan/publish/", "/api/v1/exhibitions/bowls/publish/"):
        assert post(outsider, url).status_code in (403, 404), url
    assert Route.objects.get(slug="caravan").state == IN_REVIEW
    assert Exhibition.objects.get(slug="bowls").state == IN_REVIEW
    assert post(api_as(None), "/api/v1/routes/caravan/publish/").status_code in (401, 403)


def test_state_cannot_be_patched_on_routes_and_exhibitions(people, home):
    _route(home)
    _exhibition(home)
    curator = api_as(people["curator"])
    for url in ("/api/v1/routes/caravan/", "/api/v1/exhibitions/bowls/"):
        response = curator.patch(url, {"state": "published"}, format="json")
        assert response.status_code == 400, url
        assert "submit/" in response.json()["errors"]["state"][0]
    assert Route.objects.get(slug="caravan").state == DRAFT
    assert Exhibition.objects.get(slug="bowls").state == DRAFT


def test_a_withdrawn_route_is_a_410_on_the_api_and_its_page(people, home, client):
    route = _route(home, state=PUBLISHED)
    workflow.route_withdraw(route=route, by=people["reviewer"], note="The road is closed.")

    gone = api_as(None).get(f"/api/v1/routes/{route.public_id}/")
    assert gone.status_code == 410
    body = gone.json()
    assert body["tombstone"]["kind"] == "route"
    assert body["tombstone"]["reason"] == "The road is closed."
    assert "Home Museum" in body["tombstone"]["citation"]
    assert api_as(None).get("/api/v1/routes/").json()["results"] == []
    # Its institution still sees it as it is.
    mine = api_as(people["curator"]).get("/api/v1/routes/caravan/")
    assert mine.status_code == 200 and mine.json()["state"] == WITHDRAWN

    page = client.get("/en/routes/caravan/")
    assert page.status_code == 410
    assert "The road is closed." in page.content.decode()
    assert client.get(body["tombstone"]["page"]).status_code == 410


def test_a_withdrawn_exhibitions_page_is_its_tombstone(people, home, client):
    exhibition = _exhibition(home, state=PUBLISHED)
    workflow.exhibition_withdraw(
        exhibition=exhibition, by=people["reviewer"], note="The loan has ended."
    )
    page = client.get("/en/exhibitions/bowls/")
    assert page.status_code == 410
    assert "The loan has ended." in page.content.decode()
    assert client.get("/en/exhibitions/no-such-thing/").status_code == 404


def test_the_review_queue_lists_routes_and_exhibitions(people, home, other):
    route = _route(home, state=IN_REVIEW)
    exhibition = _exhibition(home, state=IN_REVIEW)
    _route(other, state=IN_REVIEW, slug="theirs")
    _route(home, state=DRAFT, slug="not-yet")
    body = api_as(people["reviewer"]).get("/api/v1/review-queue/").json()
    assert [entry["id"] for entry in body["routes"]] == [str(route.public_id)]
    assert [entry["id"] for entry in body["exhibitions"]] == [str(exhibition.public_id)]
    assert body["routes"][0]["kind"] == "route" and body["routes"][0]["problems"] == []
    other_queue = api_as(people["other_reviewer"]).get("/api/v1/review-queue/").json()
    assert [entry["title"] for entry in other_queue["routes"]] == ["Caravan cities"]
    assert other_queue["exhibitions"] == []
    staff = api_as(people["staff"]).get("/api/v1/review-queue/?institution=home-museum").json()
    assert len(staff["routes"]) == 1 and len(staff["exhibitions"]) == 1


def test_the_named_transitions_are_services(people, home):
    route = _route(home)
    route = workflow.route_submit(route=route, by=people["curator"])
    route = workflow.route_reject(route=route, by=people["reviewer"], note="Add a third stop.")
    assert (route.state, route.review_comment) == (DRAFT, "Add a third stop.")
    with pytest.raises(workflow.TransitionForbidden):
        workflow.route_submit(route=route, by=people["other_reviewer"])
    exhibition = workflow.exhibition_submit(exhibition=_exhibition(home), by=people["curator"])
    exhibition = workflow.exhibition_publish(exhibition=exhibition, by=people["reviewer"])
    assert exhibition.state == PUBLISHED
