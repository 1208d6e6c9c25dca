"""Shared test settings: media in a temporary folder, tasks run eagerly unless a test says so."""

from pathlib import Path

import pytest

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


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
