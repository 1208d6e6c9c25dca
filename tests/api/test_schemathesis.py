"""Property-based run of every operation of the live OpenAPI schema (schemathesis).

The schema is fetched from /api/schema/ through the WSGI app and cases are generated from it,
three times: as an anonymous caller, with a third-party API key, and as a curator of the
institution that owns the demo data (so writes, uploads and drafts are exercised too). Every
built-in check runs: no 5xx, documented status codes, content types, headers and bodies,
invalid data refused, authentication not ignored, allowed methods. One is left out:
``positive_data_acceptance`` expects every schema-valid request to succeed, but references
to records (a slug, a country code) and cross-field rules (``period_from`` after
``period_to``) are schema-valid strings the server must still refuse with a 400 naming the
parameter. Examples are bounded (a modest number per operation: the machine is shared).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework_api_key.models import APIKey
from schemathesis.specs.openapi.checks import positive_data_acceptance

from heritage_sites.models import PublicationState, Scan
from museum.wsgi import application
from tests.factories import (
    ArtefactFactory,
    CorridorFactory,
    CountryFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    MaterialFactory,
    UserFactory,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def museum(db):
    user = UserFactory(username="fuzz-curator")
    home = InstitutionFactory(slug="fuzz-museum", curators=[user])
    country = CountryFactory(iso2="UZ")
    corridor = CorridorFactory(slug="fuzz-corridor")
    material = MaterialFactory(slug="bronze")
    parent = HeritageSiteFactory(slug="fuzz-property", unesco_id=603, countries=[country])
    for index in range(3):
        site = HeritageSiteFactory(parent=parent, countries=[country], corridors=[corridor])
        site.stewards.add(home)
        artefact = ArtefactFactory(institution=home, site=site, materials=[material])
        DerivativeFactory(scan__artefact=artefact, scan__content=f"OFF fuzz {index}".encode())
    draft = ArtefactFactory(institution=home, state=PublicationState.DRAFT)
    DerivativeFactory(
        scan__artefact=draft, scan__state=Scan.State.FAILED, scan__failure_reason="No faces."
    )
    token, _ = Token.objects.get_or_create(user=user)
    _key, secret = APIKey.objects.create_key(name="Fuzzing app")
    return {
        "anonymous": {},
        "api_key": {"Authorization": f"Api-Key {secret}"},
        "curator": {"Authorization": f"Token {token.key}"},
    }


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "api_key": None},
    }


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # The WSGI app closes "old" database connections around each request; Django's own test
    # client switches that off, and so must we, or PostgreSQL loses the test's transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# Loaded at collection through the WSGI app: building the schema reads no database row.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


def _run(case, headers):
    # Schemathesis's WSGI transport asks for gzip but does not inflate: ask for plain bodies
    # (compression has its own test in test_contract.py).
    headers = {**headers, "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])


BOUNDS = {"deadline": None, "derandomize": True, "suppress_health_check": list(HealthCheck)}


@schema.parametrize()
@settings(max_examples=8, **BOUNDS)
def test_every_operation_conforms_as_anonymous(case, museum):
    _run(case, museum["anonymous"])


@schema.parametrize()
@settings(max_examples=8, **BOUNDS)
def test_every_operation_conforms_with_an_api_key(case, museum):
    _run(case, museum["api_key"])


@schema.parametrize()
@settings(max_examples=15, **BOUNDS)
def test_every_operation_conforms_as_a_curator(case, museum):
    _run(case, museum["curator"])
