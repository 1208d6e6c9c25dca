"""A glTF scene of one placed mesh is read without merging copies of it."""

from __future__ import annotations

import numpy as np
import pytest

from heritage_sites.processing import formats
from heritage_sites.processing.load import load_mesh
from heritage_sites.processing.preflight import run_preflight
from heritage_sites.processing.types import Upload
from tests.processing.builders import glb, triangle_gltf, write


@pytest.mark.parametrize(
    "nodes, expected_max",
    [
        ([{"mesh": 0}], [1, 1, 0]),
        ([{"mesh": 0, "translation": [5, 0, 0], "scale": [2, 2, 2]}], [7, 2, 0]),
        ([{"children": [1], "translation": [0, 0, 3]}, {"mesh": 0}], [1, 1, 3]),
    ],
    ids=["in-place", "moved-and-scaled", "moved-by-parent"],
)
def test_a_single_placed_gltf_mesh_is_moved_into_place(tmp_path, nodes, expected_max):
    doc = triangle_gltf(nodes=nodes, scenes=[{"nodes": [0]}])
    path = write(tmp_path / "one.glb", glb(doc))
    upload = Upload(fmt=formats.GLB, main=path, root=tmp_path)
    loaded = load_mesh(upload, run_preflight(upload))
    np.testing.assert_allclose(loaded.mesh.vertices.max(axis=0), expected_max)
    assert len(loaded.mesh.faces) == 1
