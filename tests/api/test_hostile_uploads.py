"""A file that is not a 3D model is a 400 from the upload API in plain words (issue 8)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage_sites.models import Scan
from tests.factories import ArtefactFactory
from tests.plain_words import assert_plain
from tests.processing.builders import small_png

pytestmark = pytest.mark.django_db


def test_the_api_refuses_a_png_renamed_glb_with_the_same_words(owner, home):
    ArtefactFactory(institution=home, slug="bowl")
    data = {
        "file": SimpleUploadedFile("scan.glb", small_png(), content_type="model/gltf-binary"),
        "artefact": "bowl",
        "capture_method": "laser",
    }
    response = owner.post("/api/v1/scans/", data, format="multipart")
    assert response.status_code == 400
    message = response.content.decode()
    assert "This file is not a 3D model this museum can read: it looks like a PNG image." in (
        message
    )
    assert "triangles" not in message
    assert_plain(message)
    assert not Scan.objects.exists()
