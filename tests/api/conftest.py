"""Callers of the API: anonymous, a third-party app's key, and curators of two institutions."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework_api_key.models import APIKey

from heritage_sites.models import InstitutionRole
from heritage_sites.permissions import Role
from tests.factories import InstitutionFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    # Rate-limit counters live in the cache; each test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def key_client(db):
    _key, secret = APIKey.objects.create_key(name="Phone guide")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client


@pytest.fixture
def home(db):
    """The institution whose records the tests are about."""
    return InstitutionFactory(slug="home-museum")


@pytest.fixture
def other(db):
    return InstitutionFactory(slug="other-museum")


def _token_client(user):
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.user = user
    return client


@pytest.fixture
def owner(home):
    """A reviewer of the owning institution (who may also change its published records),
    calling with a token. What a plain curator may not do is tested in tests/workflow."""
    user = UserFactory(username="owner")
    home.curators.add(user)
    InstitutionRole.objects.filter(institution=home, user=user).update(role=Role.REVIEWER)
    return _token_client(user)


@pytest.fixture
def outsider(other):
    """A curator of another institution, calling with a token."""
    user = UserFactory(username="outsider")
    other.curators.add(user)
    return _token_client(user)


@pytest.fixture
def callers(anon, key_client, outsider, owner):
    """Every kind of caller, by name; ``owner`` alone may see the home institution's drafts."""
    return {"anonymous": anon, "api_key": key_client, "outsider": outsider, "owner": owner}
