"""True colours: sRGB vertex colours become linear COLOR_0; linear inputs and textures stay."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from scipy.spatial import cKDTree

from heritage_sites.processing.colour import (
    SRGB_BYTE_TO_LINEAR_BYTE,
    linear_to_srgb,
    srgb_to_linear,
)
from heritage_sites.processing.derivatives.glb import MeshArrays, read_glb, read_glb_json, write_glb
from heritage_sites.processing.derivatives.gltfpack import run_gltfpack
from heritage_sites.processing.pipeline import PipelineOptions, run_pipeline

from .scan_meshes import revolved, write_binary_ply

pytestmark = pytest.mark.timeout(600)


def decoded(path, tmp_path):
    plain = tmp_path / f"decoded-{path.name}"
    run_gltfpack(path, plain, "-noq")
    return read_glb(plain)


def rainbow(vertices: np.ndarray) -> np.ndarray:
    """sRGB bytes that sweep the whole 0..255 range along the height, width and depth."""
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    t = (vertices - low) / (high - low)
    return np.rint(t * 255).astype(np.uint8)


def web_model(result, tmp_path):
    assert result.state == "ready", result.reason
    (web,) = [f for f in result.derivatives if f.kind == "web"]
    return decoded(web.path, tmp_path)


def source_colour_at(model, vertices, colours):
    """The source colour of the vertex nearest each web-model vertex (same frame: centred)."""
    centred = vertices - (vertices.min(axis=0) + vertices.max(axis=0)) / 2
    _, nearest = cKDTree(centred).query(model.positions)
    return colours[nearest]


def test_srgb_curve_round_trips_and_matches_the_standard_points():
    values = np.linspace(0, 1, 101)
    assert np.allclose(linear_to_srgb(srgb_to_linear(values)), values, atol=1e-5)
    assert srgb_to_linear(np.array([0.5]))[0] == pytest.approx(0.2140, abs=1e-4)
    assert srgb_to_linear(np.array([0.04]))[0] == pytest.approx(0.04 / 12.92)


def test_vertex_coloured_ply_web_model_colour_is_the_linearised_source(tmp_path):
    vertices, faces, _ = revolved(90, 60)
    colours = rainbow(vertices)
    ply = write_binary_ply(tmp_path / "rainbow.ply", vertices, faces, colours)
    result = run_pipeline(
        ply, fmt=None, workdir=tmp_path / "out", options=PipelineOptions(make_turntable=False)
    )
    model = web_model(result, tmp_path)
    source = source_colour_at(model, vertices, colours)
    expected = SRGB_BYTE_TO_LINEAR_BYTE[source].astype(int)
    # Within the 8-bit quantisation of COLOR_0: one step at most.
    assert np.abs(model.colors[:, :3].astype(int) - expected).max() <= 1
    # ...and not the sRGB bytes written as they were (what made scans look washed out).
    mid = (source > 40) & (source < 215)
    assert (model.colors[:, :3][mid].astype(int) < source[mid].astype(int) - 5).mean() > 0.9


def test_glb_vertex_colours_are_linear_already_and_pass_through(tmp_path):
    vertices, faces, _ = revolved(60, 40)
    colours = rainbow(vertices)
    glb = tmp_path / "linear.glb"
    write_glb(
        MeshArrays(
            positions=vertices.astype(np.float32),
            faces=faces.astype(np.uint32),
            colors=colours,
        ),
        glb,
    )
    result = run_pipeline(
        glb, fmt=None, workdir=tmp_path / "out", options=PipelineOptions(make_turntable=False)
    )
    model = web_model(result, tmp_path)
    source = source_colour_at(model, vertices, colours)
    assert np.abs(model.colors[:, :3].astype(int) - source.astype(int)).max() <= 1


def test_textures_keep_their_srgb_colours(tmp_path):
    import trimesh

    vertices, faces, uv = revolved(60, 40)
    pixels = np.zeros((64, 64, 3), np.uint8)
    pixels[:] = (180, 90, 40)
    material = trimesh.visual.material.SimpleMaterial(image=Image.fromarray(pixels, "RGB"))
    mesh = trimesh.Trimesh(
        vertices, faces, visual=trimesh.visual.TextureVisuals(uv=uv, material=material)
    )
    from heritage_sites.processing.derivatives import build_derivatives

    files = build_derivatives(
        mesh, scale_to_metres=1.0, workdir=tmp_path / "out", make_turntable=False
    )
    (web,) = [f for f in files if f.kind == "web"]
    doc, binary = read_glb_json(web.path)
    images = doc["images"]
    for image in images:
        view = doc["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        data = bytes(binary[start : start + view["byteLength"]])
        texture = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).reshape(-1, 3)
        assert np.abs(texture.mean(axis=0) - (180, 90, 40)).max() < 3
