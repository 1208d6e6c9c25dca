"""The bad files of issue 8 end as a curator would want, through the real upload service
and the real sandboxed processing: refused at upload with a 400 that names what the file is,
or ``failed`` with a plain ``failure_reason`` and the technical detail kept in the report.

The HOSTILE-INPUTS table (row by row) is in tests/processing/test_hostile_inputs.py.
"""

import io
import os
import struct
import zipfile

import pytest

from heritage_sites.models import Scan
from heritage_sites.services.scan_processing import scan_process
from heritage_sites.services.scans import ScanRejected, scan_upload
from tests.factories import ArtefactFactory
from tests.plain_words import assert_plain
from tests.processing.builders import CUBE_OBJ, binary_stl, png_header, small_png

pytestmark = pytest.mark.django_db


def _upload(content: bytes, filename: str):
    return scan_upload(
        file=io.BytesIO(content),
        filename=filename,
        artefact=ArtefactFactory(),
        capture_method="laser",
    )


def _refusal(content: bytes, filename: str) -> str:
    with pytest.raises(ScanRejected) as caught:
        _upload(content, filename)
    assert not Scan.objects.exists()
    message = " ".join(caught.value.messages)
    assert_plain(message)
    return message


def _processed(content: bytes, filename: str, settings) -> Scan:
    settings.SCAN_SOFT_TIME_LIMIT = 150
    scan = _upload(content, filename).scan
    scan_process(scan_id=scan.pk)
    scan.refresh_from_db()
    return scan


@pytest.mark.parametrize("filename", ["texture.glb", "texture.ply", "texture.stl"])
def test_a_png_renamed_as_a_model_is_refused_at_upload_as_an_image(filename):
    message = _refusal(small_png() + os.urandom(4000), filename)
    assert "This file is not a 3D model this museum can read: it looks like a PNG image." in (
        message
    )
    assert "triangles" not in message


@pytest.mark.parametrize("filename", ["noise.glb", "noise.ply"])
def test_random_bytes_renamed_as_a_model_are_refused_at_upload(filename):
    message = _refusal(os.urandom(5 * 1024 * 1024), filename)
    assert "(it is not STL, PLY, OBJ, OFF, glTF or GLB)" in message
    assert "STL header" not in message


def test_an_stl_with_coordinates_near_the_float_limit_fails_in_plain_words(settings):
    big = 3e38
    a, b, c, d = [0, 0, 0], [big, 0, 0], [0, big, 0], [0, 0, big]
    stl = binary_stl([[a, c, b], [a, b, d], [a, d, c], [b, c, d]])
    scan = _processed(stl, "huge.stl", settings)
    assert scan.state == Scan.State.FAILED
    assert "coordinates reach 3e+38" in scan.failure_reason
    assert "internal error" not in scan.failure_reason
    assert_plain(scan.failure_reason)


def test_a_texture_of_20000_pixels_a_side_fails_with_its_size(settings):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("scan.obj", "mtllib scan.mtl\nusemtl skin\n" + CUBE_OBJ)
        archive.writestr("scan.mtl", "newmtl skin\nmap_Kd skin.png\n")
        archive.writestr("skin.png", png_header(20_000, 20_000))
    scan = _processed(buffer.getvalue(), "scan.zip", settings)
    assert scan.state == Scan.State.FAILED
    assert "The texture skin.png" in scan.failure_reason
    assert "20,000 x 20,000 pixels" in scan.failure_reason
    assert "16,384 x 16,384" in scan.failure_reason
    assert "internal error" not in scan.failure_reason
    assert_plain(scan.failure_reason)


def test_a_library_message_stays_in_the_report_not_in_the_reason(settings):
    header = (
        "ply\nformat binary_little_endian 1.0\nelement vertex 3\n"
        "property float x\nproperty float y\nproperty float z\n"
        "element face 1\nproperty list uint int vertex_indices\nend_header\n"
    )
    body = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0) + struct.pack("<I3i", 2**32 - 1, 0, 1, 2)
    scan = _processed(header.encode() + body, "list.ply", settings)
    assert scan.state == Scan.State.FAILED
    assert "The PLY file could not be read" in scan.failure_reason
    assert_plain(scan.failure_reason)
    assert "C int" in scan.report["technical_detail"]
