"""Hotspots are stored in the original's coordinates and land on the same spot of the web
model after a reprocess that changes the model's scale, and through a pose."""

import json
import math
import struct

import numpy as np
import pytest

from heritage_sites.models import Derivative, Scan
from heritage_sites.processing import hotspots as geometry
from heritage_sites.services import exhibitions as service
from heritage_sites.services.scan_processing import scan_process
from heritage_sites.services.scans import scan_reprocess
from tests.factories import ScanFactory

pytestmark = pytest.mark.django_db

# An off-centre, lopsided tetrahedron in millimetres: its web model is moved and scaled.
OFF = b"OFF\n4 4 0\n10 20 30\n50 20 30\n10 80 30\n10 20 130\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n"
TIP = [50.0, 20.0, 30.0]


def _web_corners(scan: Scan) -> np.ndarray:
    """The web model's eight bounding-box corners, in its scene's coordinates (metres).

    Read from the GLB's JSON: the web model is meshopt-compressed and quantized (gltfpack),
    so the POSITION accessor's min/max go through the node's translation and scale.
    """
    derivative = scan.derivatives.filter(kind=Derivative.Kind.WEB).get()
    with derivative.file.open("rb") as handle:
        data = handle.read()
    length = struct.unpack_from("<I", data, 12)[0]
    gltf = json.loads(data[20 : 20 + length])
    node = next(n for n in gltf["nodes"] if "mesh" in n)
    accessor = gltf["accessors"][
        gltf["meshes"][node["mesh"]]["primitives"][0]["attributes"]["POSITION"]
    ]
    low, high = np.asarray(accessor["min"], float), np.asarray(accessor["max"], float)
    if accessor.get("normalized"):
        divisor = {5120: 127, 5121: 255, 5122: 32767, 5123: 65535}[accessor["componentType"]]
        low, high = low / divisor, high / divisor
    scale = np.asarray(node.get("scale", [1, 1, 1]), float)
    shift = np.asarray(node.get("translation", [0, 0, 0]), float)
    assert "rotation" not in node and "matrix" not in node
    corners = np.array([[x, y, z] for x in (0, 1) for y in (0, 1) for z in (0, 1)], float)
    return shift + scale * (low + corners * (high - low))


class _Hotspot:
    point, normal = TIP, [1.0, 0.0, 0.0]
    camera_target, camera_position = [10.0, 20.0, 30.0], [10.0, 20.0, 530.0]


def test_a_hotspot_stays_on_its_vertex_through_a_reprocess_that_rescales_the_model():
    # Declared +Y up: the tetrahedron's tallest side is Z, which the pose guess would turn up.
    scan = ScanFactory(
        state=Scan.State.QUEUED, content=OFF, unit=Scan.Unit.MM, up_axis=Scan.UpAxis.PLUS_Y
    )
    assert scan_process(scan_id=scan.pk) == Scan.State.READY
    scan.refresh_from_db()
    # The pipeline's pose matrix takes the bounding box's centre to the web model's origin.
    placed = np.asarray(scan.report["pose"]["web_from_original"], float)
    assert placed @ [30.0, 50.0, 80.0, 1.0] == pytest.approx([0, 0, 0, 1])
    first = service.hotspot_in_web(_Hotspot, scan)
    assert first["position"] == pytest.approx([0.02, -0.03, -0.05])
    # The tip is the model's corner at largest x, smallest y and z: it is where it was.
    distances = np.linalg.norm(_web_corners(scan) - first["position"], axis=1)
    assert distances.min() < 1e-3 * 0.1

    # Declared in centimetres now: the web model is ten times larger after the reprocess.
    Scan.objects.filter(pk=scan.pk).update(unit=Scan.Unit.CM)
    scan.refresh_from_db()
    assert scan_reprocess(scan=scan)
    assert scan_process(scan_id=scan.pk) == Scan.State.READY
    scan.refresh_from_db()
    second = service.hotspot_in_web(_Hotspot, scan)
    assert second["position"] == pytest.approx([0.2, -0.3, -0.5])
    distances = np.linalg.norm(_web_corners(scan) - second["position"], axis=1)
    assert distances.min() < 1e-3
    # The camera looks along +Z at the corner, from five times the model's height away.
    orbit = second["camera_orbit"]
    assert orbit["theta"] == pytest.approx(0) and orbit["phi"] == pytest.approx(90)
    assert orbit["radius"] == pytest.approx(5.0)


def test_reports_before_web_transform_give_the_same_place():
    report = {"bounding_box_mm": {"min": [10, 20, 30], "max": [50, 80, 130]}, "mm_per_unit": 1}
    recorded = {
        "web_transform": geometry.web_transform_record(centre=[30, 50, 80], scale_to_metres=0.001)
    }
    assert np.allclose(geometry.web_matrix(report), geometry.web_matrix(recorded))


def test_a_pose_turns_the_hotspot_with_the_model_and_clicks_map_back():
    quarter = [[0, 0, 1, 0], [0, 1, 0, 0], [-1, 0, 0, 0], [0, 0, 0, 1]]  # 90° about Y
    record = geometry.web_transform_record(centre=[30, 50, 80], scale_to_metres=0.001)
    matrix = geometry.web_matrix({"web_transform": {**record, "pose": quarter}})
    assert geometry.to_web(matrix, TIP) == pytest.approx([-0.05, -0.03, -0.02])
    assert geometry.normal_to_web(matrix, [1, 0, 0]) == pytest.approx([0, 0, -1])
    assert geometry.to_original(matrix, geometry.to_web(matrix, TIP)) == pytest.approx(TIP)
    assert geometry.normal_to_original(matrix, [0, 0, -1]) == pytest.approx([1, 0, 0])


def test_camera_orbit_and_position_are_inverse():
    orbit = {"theta": 30.0, "phi": 60.0, "radius": 2.5}
    position = geometry.camera_position([0.1, 0.2, 0.3], orbit)
    back = geometry.camera_orbit([0.1, 0.2, 0.3], position)
    assert back["theta"] == pytest.approx(30) and back["phi"] == pytest.approx(60)
    assert back["radius"] == pytest.approx(2.5)
    assert math.dist(position, [0.1, 0.2, 0.3]) == pytest.approx(2.5)


def test_an_unprocessed_scan_has_no_place_for_hotspots():
    scan = ScanFactory(state=Scan.State.UPLOADED)
    assert service.hotspot_in_web(_Hotspot, scan) is None
