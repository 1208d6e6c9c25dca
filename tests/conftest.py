"""Shared test settings: media in a temporary folder; tasks go to an in-memory broker.

Tests that want processing to happen call the service themselves or use ``eager_tasks``.
"""

import importlib
import os
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.utils.functional import empty

from heritage_sites import storage
from museum.celery import app as celery_app
from tests.s3server import create_museum_bucket, s3_client, s3_environment, start_s3_server
from tests.viewer import CHROMIUM, CHROMIUM_ARGS

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CORPUS = SHARED / "corpus"
DATA = SHARED / "data"

needs_shared_corpus = pytest.mark.skipif(
    not (CORPUS / "MANIFEST.csv").exists(),
    reason="../shared/corpus is absent (it sits beside the repository in CI, never inside it)",
)
needs_shared_data = pytest.mark.skipif(
    not (DATA / "whc-sites-2019.csv").exists(),
    reason="../shared/data is absent (it sits beside the repository in CI, never inside it)",
)


def pytest_collection_modifyitems(items):
    """Browser tests (tests/browser, tests/pages/browser) skip, saying why, without Chromium."""
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is absent (apt-get install chromium)")
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


# Module scope: Playwright's sync API runs an event loop in this thread while a browser is
# open, and another module's sync_playwright() cannot start then.
@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium, headless, WebGL drawn by SwiftShader."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True, scope="session")
def _frontend_built():
    """The pages' static libraries and compiled catalogs, built once (npm ci on first run)."""
    from heritage_sites.pages import build

    build.build()


@pytest.fixture(autouse=True, scope="session")
def _in_memory_broker():
    # kombu's in-memory transport: .delay() really publishes, nobody consumes.
    celery_app.conf.update(broker_url="memory://", task_always_eager=False)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "upload-tmp"
    settings.FILE_UPLOAD_TEMP_DIR.mkdir()


@pytest.fixture
def eager_tasks():
    """Run tasks in the calling process as soon as they are sent."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


# A real S3 server (moto) for the tests that ask for ``s3``: the museum's storages point at
# a fresh bucket for each such test.
@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    server = start_s3_server(tmp_path_factory.mktemp("moto") / "moto.log")
    yield server
    server.stop()


@pytest.fixture
def s3(s3_server, settings):
    """Settings as production computes them from S3_* variables, on a new bucket."""
    bucket = f"museum-{uuid.uuid4().hex[:12]}"
    create_museum_bucket(s3_server.endpoint, bucket)
    names = (
        "STORAGE_BACKEND",
        "STORAGES",
        "S3_PUBLIC_ENDPOINT_URL",
        "S3_PRESIGNED_EXPIRY_SECONDS",
        "S3_UPLOAD_EXPIRY_SECONDS",
    )
    import museum.settings

    with mock.patch.dict(os.environ, s3_environment(s3_server.endpoint, bucket)):
        computed = {name: getattr(importlib.reload(museum.settings), name) for name in names}
    importlib.reload(museum.settings)  # back to the environment the session started with
    for name, value in computed.items():
        setattr(settings, name, value)
    storage._public._wrapped = empty
    yield s3_client(s3_server.endpoint), bucket
    storage._public._wrapped = empty
