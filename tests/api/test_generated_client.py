"""A third-party developer's view: a client generated from /api/schema/ by
openapi-python-client walks every list by cursor, reads every detail, uploads a scan and
polls it, as anonymous, with an API key and as a curator. The generated models parse every
answer against the schema (an enum value the schema does not list raises), and undocumented
status codes raise, so a schema that lies about the data fails here.
"""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.authtoken.models import Token
from rest_framework_api_key.models import APIKey

from heritage_sites.models import PublicationState, Scan
from museum.wsgi import application
from tests.factories import (
    TETRAHEDRON_OFF,
    ArtefactFactory,
    CorridorFactory,
    CountryFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    MaterialFactory,
    UserFactory,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
PACKAGE = "museum_client"


@pytest.fixture(scope="module")
def client_package(tmp_path_factory, django_db_blocker):
    """Generate the client from the live schema once, into a temporary folder."""
    if not GENERATOR.exists():
        pytest.skip("openapi-python-client is not installed (it is a dev dependency)")
    folder = tmp_path_factory.mktemp("generated")
    # The schema reads no rows, but a request's start checks any connection an earlier test
    # left open: let it.
    with django_db_blocker.unblock():
        schema = httpx.Client(transport=httpx.WSGITransport(app=application)).get(
            "http://testserver/api/schema/?format=json"
        )
    assert schema.status_code == 200
    (folder / "schema.json").write_bytes(schema.content)
    # No formatter run after generating: it is not needed to import the client. The generator
    # reads binary bodies only as application/octet-stream: a route pack (application/zip) is
    # one, as the README's client section says.
    config = {
        "post_hooks": [],
        "content_type_overrides": {"application/zip": "application/octet-stream"},
    }
    (folder / "config.json").write_text(json.dumps(config))
    result = subprocess.run(
        [
            str(GENERATOR),
            "generate",
            "--path",
            str(folder / "schema.json"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(folder / "config.json"),
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # --fail-on-warning: an operation or model the generator had to drop is a failure.
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def museum(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "api_key": None},
    }
    curator = UserFactory(username="client-curator")
    home = InstitutionFactory(slug="client-museum", curators=[curator])
    country = CountryFactory(iso2="UZ")
    corridor = CorridorFactory(slug="client-corridor")
    material = MaterialFactory(slug="bronze")
    parent = HeritageSiteFactory(slug="client-property", unesco_id=603, countries=[country])
    artefacts = []
    for index in range(3):
        site = HeritageSiteFactory(parent=parent, countries=[country], corridors=[corridor])
        site.stewards.add(home)
        artefact = ArtefactFactory(institution=home, site=site, materials=[material])
        # A scan whose unit nobody declared: served as "", which the schema must allow.
        DerivativeFactory(
            scan__artefact=artefact, scan__unit="", scan__content=f"OFF c {index}".encode()
        )
        artefacts.append(artefact)
    DerivativeFactory(scan__artefact=None, scan__site=parent, scan__content=b"OFF site")
    draft = ArtefactFactory(institution=home, state=PublicationState.DRAFT)
    DerivativeFactory(
        scan__artefact=draft, scan__state=Scan.State.FAILED, scan__failure_reason="No faces."
    )
    token, _ = Token.objects.get_or_create(user=curator)
    _key, secret = APIKey.objects.create_key(name="Generated client")
    return {
        "artefact": artefacts[0],
        "credentials": {"anonymous": None, "api_key": ("Api-Key", secret)},
        "curator": ("Token", token.key),
    }


def _client(package, credentials):
    transport = httpx.WSGITransport(app=application)
    if credentials is None:
        return package.Client(
            base_url="http://testserver",
            raise_on_unexpected_status=True,
            httpx_args={"transport": transport},
        )
    prefix, secret = credentials
    return package.AuthenticatedClient(
        base_url="http://testserver",
        token=secret,
        prefix=prefix,
        raise_on_unexpected_status=True,
        httpx_args={"transport": transport},
    )


# list operation -> (detail operation, attribute of a list item that names it)
COLLECTIONS = {
    "countries": ("iso2",),
    "institutions": ("id",),
    "corridors": ("slug",),
    "materials": ("slug",),
    "sites": ("id",),
    "artefacts": ("id",),
    "scans": ("id",),
}


def _walk(package, client, collection: str) -> list:
    """Every item of a collection, following the `next` cursors two at a time."""
    listing = importlib.import_module(f"{PACKAGE}.api.{collection}.{collection}_list")
    items, cursor, pages = [], None, 0
    while True:
        kwargs = {"page_size": 2}
        if cursor is not None:
            kwargs["cursor"] = cursor
        response = listing.sync_detailed(client=client, **kwargs)
        assert response.status_code == 200, (collection, response.content[:300])
        page = response.parsed
        assert page is not None and hasattr(page, "results"), (collection, type(page))
        items += page.results
        pages += 1
        if not page.next_:
            return items
        cursor = parse_qs(urlsplit(page.next_).query)["cursor"][0]
        assert pages < 100, "the cursor walk does not end"


def _read_everything(package, client) -> dict[str, list]:
    seen = {}
    for collection, (attribute,) in COLLECTIONS.items():
        items = _walk(package, client, collection)
        detail = importlib.import_module(f"{PACKAGE}.api.{collection}.{collection}_retrieve")
        for item in items:
            ref = str(getattr(item, attribute))
            response = detail.sync_detailed(ref, client=client)
            assert response.status_code == 200, (collection, ref, response.content[:300])
            assert response.parsed is not None and not hasattr(response.parsed, "status")
        seen[collection] = items
    geojson = importlib.import_module(f"{PACKAGE}.api.sites_geojson.sites_geojson_retrieve")
    collection = geojson.sync_detailed(client=client, country=["UZ"])
    assert collection.status_code == 200
    assert len(collection.parsed.features) == len(seen["sites"])
    index = importlib.import_module(f"{PACKAGE}.api.default.index").sync(client=client)
    assert set(index.endpoints.additional_properties) >= set(COLLECTIONS)
    return seen


@pytest.mark.parametrize("caller", ["anonymous", "api_key"])
def test_a_generated_client_reads_everything_published(client_package, museum, caller):
    client = _client(client_package, museum["credentials"][caller])
    seen = _read_everything(client_package, client)
    assert len(seen["sites"]) == 4
    assert len(seen["artefacts"]) == 3  # the draft is not published
    assert len(seen["scans"]) == 4
    assert {scan.unit for scan in seen["scans"]} >= {""}


def test_a_generated_client_uploads_a_scan_as_a_curator_and_polls_it(
    client_package, museum, eager_tasks
):
    client = _client(client_package, museum["curator"])
    seen = _read_everything(client_package, client)
    assert len(seen["artefacts"]) == 4  # the curator sees the institution's draft too
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")
    upload = importlib.import_module(f"{PACKAGE}.api.scans.scans_create")
    body = models.ScanUploadRequest(
        file=types.File(payload=io.BytesIO(TETRAHEDRON_OFF), file_name="tetra.off"),
        artefact=museum["artefact"].slug,
        capture_method=models.CaptureMethodEnum.MODELLED,
    )
    response = upload.sync_detailed(client=client, body=body)
    assert response.status_code == 201, response.content[:500]
    scan_id = str(response.parsed.id)
    poll = importlib.import_module(f"{PACKAGE}.api.scans.scans_retrieve")
    for _attempt in range(30):
        scan = poll.sync(scan_id, client=client)
        if str(scan.state) in ("ready", "failed"):
            break
    assert str(scan.state) == "ready", json.dumps(scan.to_dict(), default=str)[:500]
    assert scan.unit == ""  # nobody declared it, and the generated model accepts that
    assert any(str(d.kind) == "web" for d in scan.derivatives)
    # The curator's walk again, now with the new scan in it.
    assert len(_walk(client_package, client, "scans")) == len(seen["scans"]) + 1
