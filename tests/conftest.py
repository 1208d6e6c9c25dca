"""Shared test settings: media in a temporary folder; tasks go to an in-memory broker.

Tests that want processing to happen call the service themselves or use ``eager_tasks``.
"""

from pathlib import Path

import pytest

from museum.celery import app as celery_app

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
