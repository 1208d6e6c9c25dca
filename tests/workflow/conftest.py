"""People with each role in two institutions, calling the API with tokens."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from heritage_sites.models import InstitutionRole
from tests.factories import InstitutionFactory, UserFactory


@pytest.fixture
def home(db):
    return InstitutionFactory(slug="home-museum", name_en="Home Museum")


@pytest.fixture
def other(db):
    return InstitutionFactory(slug="other-museum")


def member(institution, role: str, username: str):
    user = UserFactory(username=username, email=f"{username}@example.org")
    InstitutionRole.objects.create(institution=institution, user=user, role=role)
    return user


def api_as(user) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def people(home, other):
    """visitor (no role), curator, reviewer and administrator of ``home``; a reviewer of
    ``other``; staff."""
    return {
        "visitor": UserFactory(username="visitor"),
        "curator": member(home, "curator", "curator"),
        "reviewer": member(home, "reviewer", "reviewer"),
        "administrator": member(home, "administrator", "administrator"),
        "other_reviewer": member(other, "reviewer", "other_reviewer"),
        "staff": UserFactory(username="staff", is_staff=True),
    }
