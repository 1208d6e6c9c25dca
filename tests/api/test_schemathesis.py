"""Property-based run of every operation of the live OpenAPI schema (schemathesis).

The schema is fetched from /api/schema/ through the WSGI app, cases are generated from it
(bounded: 25 examples per operation) and sent as a curator of the institution that owns the
demo data, so writes, uploads and drafts are exercised too. Every response must be a non-5xx
that matches the schema: documented status code, content type and body.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

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
def curator_headers(db):
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
    return {"Authorization": f"Token {token.key}"}


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


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_schema(case, curator_headers):
    case.call_and_validate(
        headers=curator_headers,
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )
