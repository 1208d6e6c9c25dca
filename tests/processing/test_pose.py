"""The pose: one rotation function, guesses from the file with a reason, applied before
derivatives and recorded in the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import trimesh

from heritage_sites.processing.derivatives.glb import read_glb
from heritage_sites.processing.derivatives.gltfpack import run_gltfpack
from heritage_sites.processing.pipeline import PipelineOptions, run_pipeline
from heritage_sites.processing.pose import UP_AXES, guess_pose, pose_matrix

from .scan_meshes import red_vase, write_binary_ply

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not at {CORPUS}"
)
pytestmark = pytest.mark.timeout(600)


def run(path: Path, tmp_path: Path, **options):
    options.setdefault("make_turntable", False)
    options.setdefault("original_name", path.name)
    return run_pipeline(
        path, fmt=None, workdir=tmp_path / "out", options=PipelineOptions(**options)
    )


def web_positions(result, tmp_path: Path) -> np.ndarray:
    (web,) = [f for f in result.derivatives if f.kind == "web"]
    plain = tmp_path / "decoded.glb"
    run_gltfpack(web.path, plain, "-noq")
    return read_glb(plain).positions


@pytest.mark.parametrize("up_axis", UP_AXES)
@pytest.mark.parametrize("turns", range(4))
def test_pose_matrix_is_a_rotation_that_puts_the_up_axis_on_y(up_axis, turns):
    matrix = pose_matrix(up_axis, turns)
    rotation = matrix[:3, :3]
    assert np.allclose(rotation @ rotation.T, np.eye(3))
    assert np.linalg.det(rotation) == pytest.approx(1.0)
    assert np.array_equal(matrix[3], [0, 0, 0, 1]) and not matrix[:3, 3].any()
    axis = np.zeros(3)
    axis["xyz".index(up_axis[1])] = 1.0 if up_axis[0] == "+" else -1.0
    assert np.allclose(rotation @ axis, [0, 1, 0])


def test_a_quarter_turn_takes_z_towards_x_about_the_up_axis():
    assert np.allclose(pose_matrix("+y", 1)[:3, :3] @ [0, 0, 1], [1, 0, 0])
    assert np.allclose(pose_matrix("+y", 4), pose_matrix("+y", 0))
    assert np.allclose(pose_matrix("z", 0), pose_matrix("+z", 0))  # the older spelling


def test_unknown_up_axis_is_refused():
    with pytest.raises(ValueError, match="up_axis"):
        pose_matrix("up", 0)


@needs_corpus
def test_gltf_corpus_file_is_guessed_y_up_by_definition(tmp_path):
    result = run(CORPUS / "valid" / "Duck.glb", tmp_path)
    assert result.state == "ready", result.reason
    pose = result.report["pose"]
    assert pose["up_axis"] == "+y" and pose["source"] == "file"
    assert "glTF defines +Y as up" in pose["reason"]


@needs_corpus
def test_y_up_obj_scan_of_the_corpus_stays_y_up_with_the_reason(tmp_path):
    mesh = trimesh.load(CORPUS / "scans" / "armadillo.obj", process=False)
    guess = guess_pose("obj", mesh.vertices, mesh.faces, CORPUS / "scans" / "armadillo.obj")
    assert guess.up_axis == "+y"
    assert "OBJ" in guess.reason


@needs_corpus
def test_z_up_fuze_bottle_is_guessed_z_up_from_its_flat_base_and_stands(tmp_path):
    result = run(CORPUS / "valid" / "fuze.zip", tmp_path)
    assert result.state == "ready", result.reason
    pose = result.report["pose"]
    assert pose["up_axis"] == "+z" and pose["source"] == "file"
    assert "flat base" in pose["reason"]
    extent = np.ptp(web_positions(result, tmp_path), axis=0)
    assert extent[1] > 2.5 * max(extent[0], extent[2])  # the bottle stands upright in the web model


def test_exporter_named_in_the_header_decides_the_pose(tmp_path):
    vase = red_vase(40, 20)  # built Y up, but a Blender PLY is Z up by Blender's convention
    ply = write_binary_ply(
        tmp_path / "blender.ply", vase.vertices, vase.faces, vase.visual.vertex_colors[:, :3]
    )
    data = ply.read_bytes().replace(
        b"format binary_little_endian 1.0\n",
        b"format binary_little_endian 1.0\ncomment Created in Blender version 4.2.0\n",
    )
    ply.write_bytes(data)
    guess = guess_pose("ply", vase.vertices, vase.faces, ply)
    assert guess.up_axis == "+z"
    assert "Blender" in guess.reason


def test_curator_pose_overrides_the_guess_and_maps_through_the_report_matrix(tmp_path):
    vase = red_vase(40, 20)
    vertices = vase.vertices.copy()
    ply = write_binary_ply(
        tmp_path / "vase.ply", vertices, vase.faces, np.full((len(vertices), 3), 90, np.uint8)
    )
    result = run(ply, tmp_path, up_axis="-x", quarter_turns=1, declared_unit="m")
    assert result.state == "ready", result.reason
    pose = result.report["pose"]
    assert (pose["up_axis"], pose["quarter_turns"], pose["source"]) == ("-x", 1, "curator")
    assert "set by a curator" in pose["reason"]
    matrix = np.array(pose["web_from_original"])
    mapped = vertices @ matrix[:3, :3].T + matrix[:3, 3]
    positions = web_positions(result, tmp_path)
    # Every web vertex is one of the original's vertices mapped through the report's matrix.
    from scipy.spatial import cKDTree

    distance, _ = cKDTree(mapped).query(positions)
    assert distance.max() < 1e-3 * np.ptp(mapped, axis=0).max()
