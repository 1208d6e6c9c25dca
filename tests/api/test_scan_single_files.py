"""Uploads accept what the pipeline reads: a bare OBJ and a glTF with embedded buffers reach
`ready` through the API; a missing material is a warning in the report, not a refusal."""

import base64
import json
import struct

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage_sites.models import Scan
from heritage_sites.services.scan_processing import scan_process
from tests.factories import ArtefactFactory
from tests.processing.builders import CUBE_OBJ

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(600)]


@pytest.fixture
def bowl(home):
    return ArtefactFactory(institution=home, slug="bowl")


def upload_and_process(client, name: str, content: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/api/v1/scans/",
            {
                "file": SimpleUploadedFile(name, content),
                "artefact": "bowl",
                "capture_method": "modelled",
                "unit": "mm",
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    scan = Scan.objects.get(public_id=response.json()["id"])
    scan_process(scan_id=scan.pk)
    return client.get(f"/api/v1/scans/{scan.public_id}/").json()


def embedded_gltf() -> bytes:
    positions = struct.pack("<9f", 0, 0, 0, 10, 0, 0, 0, 10, 0)
    data = "data:application/octet-stream;base64," + base64.b64encode(positions).decode()
    return json.dumps(
        {
            "asset": {"version": "2.0"},
            "scene": 0,
            "scenes": [{"nodes": [0]}],
            "nodes": [{"mesh": 0}],
            "meshes": [{"primitives": [{"attributes": {"POSITION": 0}}]}],
            "buffers": [{"uri": data, "byteLength": len(positions)}],
            "bufferViews": [{"buffer": 0, "byteLength": len(positions)}],
            "accessors": [
                {
                    "bufferView": 0,
                    "componentType": 5126,
                    "count": 3,
                    "type": "VEC3",
                    "min": [0, 0, 0],
                    "max": [10, 10, 0],
                }
            ],
        }
    ).encode()


def test_a_bare_obj_uploaded_through_the_api_reaches_ready(
    owner, bowl, django_capture_on_commit_callbacks
):
    body = upload_and_process(
        owner, "cube.obj", CUBE_OBJ.encode(), django_capture_on_commit_callbacks
    )
    assert body["state"] == "ready", body["failure_reason"]
    assert body["format"] == "obj"
    assert body["report"]["faces"] == 12
    assert {"web", "poster"} <= {d["kind"] for d in body["derivatives"]}


def test_an_obj_whose_material_is_missing_is_ready_with_a_warning(
    owner, bowl, django_capture_on_commit_callbacks
):
    content = ("mtllib cube.mtl\nusemtl clay\n" + CUBE_OBJ).encode()
    body = upload_and_process(owner, "cube.obj", content, django_capture_on_commit_callbacks)
    assert body["state"] == "ready", body["failure_reason"]
    warnings = {w["code"]: w["message"] for w in body["report"]["warnings"]}
    assert "missing_material" in warnings
    assert "cube.mtl" in warnings["missing_material"]


def test_a_gltf_with_embedded_buffers_uploaded_through_the_api_reaches_ready(
    owner, bowl, django_capture_on_commit_callbacks
):
    body = upload_and_process(
        owner, "tri.gltf", embedded_gltf(), django_capture_on_commit_callbacks
    )
    assert body["state"] == "ready", body["failure_reason"]
    assert body["format"] == "gltf"
    assert body["report"]["faces"] == 1
    assert body["pose"]["up_axis"] == "+y"


def test_a_gltf_naming_a_bin_that_was_not_uploaded_is_a_400_saying_what_to_do(owner, bowl):
    doc = json.loads(embedded_gltf())
    doc["buffers"][0]["uri"] = "tri.bin"
    response = owner.post(
        "/api/v1/scans/",
        {
            "file": SimpleUploadedFile("tri.gltf", json.dumps(doc).encode()),
            "artefact": "bowl",
            "capture_method": "modelled",
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "tri.bin" in response.json()["errors"]["file"][0]
    assert not Scan.objects.exists()
