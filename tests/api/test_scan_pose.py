"""A curator sets a scan's pose through the API: derivatives rebuilt, the original untouched."""

import hashlib

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage_sites.models import Scan
from heritage_sites.processing.derivatives.glb import read_glb
from heritage_sites.processing.derivatives.gltfpack import run_gltfpack
from heritage_sites.services.scan_processing import scan_process
from tests.factories import ArtefactFactory, ScanFactory
from tests.processing.scan_meshes import red_vase, write_binary_ply

pytestmark = [pytest.mark.django_db, pytest.mark.timeout(600)]


@pytest.fixture
def bowl(home):
    return ArtefactFactory(institution=home, slug="bowl")


def web_extent(scan: Scan, tmp_path) -> np.ndarray:
    web = scan.derivatives.get(kind="web")
    packed, plain = tmp_path / f"web-{web.pk}.glb", tmp_path / f"plain-{web.pk}.glb"
    with web.file.open("rb") as handle:
        packed.write_bytes(handle.read())
    run_gltfpack(packed, plain, "-noq")
    return np.ptp(read_glb(plain).positions, axis=0)


def original_sha256(scan: Scan) -> str:
    with scan.original.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_a_curator_turns_a_scan_and_only_its_derivatives_are_rebuilt(
    owner, bowl, tmp_path, django_capture_on_commit_callbacks
):
    vase = red_vase(40, 20)  # 0.3 m tall along Y, about 0.16 m across
    ply = write_binary_ply(
        tmp_path / "vase.ply", vase.vertices, vase.faces, vase.visual.vertex_colors[:, :3]
    )
    with django_capture_on_commit_callbacks(execute=False):
        response = owner.post(
            "/api/v1/scans/",
            {
                "file": SimpleUploadedFile("vase.ply", ply.read_bytes()),
                "artefact": "bowl",
                "capture_method": "laser",
                "unit": "m",
            },
            format="multipart",
        )
    assert response.status_code == 201, response.content
    scan = Scan.objects.get()
    assert scan_process(scan_id=scan.pk) == Scan.State.READY
    scan.refresh_from_db()
    before = {
        "sha256": original_sha256(scan),
        "name": scan.original.name,
        "derivatives": set(scan.derivatives.values_list("file", flat=True)),
    }
    assert before["sha256"] == scan.sha256
    body = owner.get(f"/api/v1/scans/{scan.public_id}/").json()
    assert body["pose"]["up_axis"] == "+y" and body["pose"]["source"] == "file"
    assert body["pose"]["reason"]
    assert web_extent(scan, tmp_path)[1] == pytest.approx(0.3, rel=0.02)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = owner.put(
            f"/api/v1/scans/{scan.public_id}/pose/",
            {"up_axis": "+z", "quarter_turns": 1},
            format="json",
        )
    assert response.status_code == 202, response.content
    assert response.json()["state"] == "queued"
    assert response.json()["up_axis"] == "+z" and response.json()["quarter_turns"] == 1
    assert len(callbacks) == 1
    assert scan_process(scan_id=scan.pk) == Scan.State.READY

    scan.refresh_from_db()
    body = owner.get(f"/api/v1/scans/{scan.public_id}/").json()
    assert body["pose"] == {
        "up_axis": "+z",
        "quarter_turns": 1,
        "source": "curator",
        "reason": "+Z up: set by a curator. Turned 90 degrees about the up axis.",
    }
    # Rebuilt: new files, and the file's Z (the vase's 0.16 m depth) is now the height.
    assert set(scan.derivatives.values_list("file", flat=True)).isdisjoint(before["derivatives"])
    assert web_extent(scan, tmp_path)[1] == pytest.approx(np.ptp(vase.vertices[:, 2]), rel=0.02)
    # The original never changes.
    assert scan.original.name == before["name"]
    assert original_sha256(scan) == before["sha256"] == scan.sha256


def test_setting_the_same_pose_again_queues_nothing(owner, bowl):
    scan = ScanFactory(artefact=bowl, state=Scan.State.READY, up_axis="+z", quarter_turns=2)
    response = owner.put(
        f"/api/v1/scans/{scan.public_id}/pose/",
        {"up_axis": "+z", "quarter_turns": 2},
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["state"] == "ready"


def test_pose_of_a_scan_being_processed_is_a_409_and_changes_nothing(owner, bowl):
    scan = ScanFactory(artefact=bowl, state=Scan.State.PROCESSING)
    response = owner.put(f"/api/v1/scans/{scan.public_id}/pose/", {"up_axis": "+z"}, format="json")
    assert response.status_code == 409
    assert "being processed" in response.json()["detail"]
    scan.refresh_from_db()
    assert scan.up_axis == ""


@pytest.mark.parametrize(
    "payload",
    [{"up_axis": "up"}, {"up_axis": "+z", "quarter_turns": 4}, {"quarter_turns": -1}, {}],
)
def test_bad_pose_is_a_400_naming_the_field(owner, bowl, payload):
    scan = ScanFactory(artefact=bowl, state=Scan.State.READY)
    response = owner.put(f"/api/v1/scans/{scan.public_id}/pose/", payload, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) <= {"up_axis", "quarter_turns"}
    scan.refresh_from_db()
    assert (scan.up_axis, scan.quarter_turns, scan.state) == ("", 0, Scan.State.READY)


def test_pose_by_others_is_refused_and_changes_nothing(anon, key_client, outsider, bowl):
    scan = ScanFactory(artefact=bowl, state=Scan.State.READY)
    url = f"/api/v1/scans/{scan.public_id}/pose/"
    payload = {"up_axis": "+z", "quarter_turns": 1}
    assert outsider.put(url, payload, format="json").status_code == 404
    assert anon.put(url, payload, format="json").status_code == 401
    assert key_client.put(url, payload, format="json").status_code == 403
    scan.refresh_from_db()
    assert (scan.up_axis, scan.state) == ("", Scan.State.READY)
