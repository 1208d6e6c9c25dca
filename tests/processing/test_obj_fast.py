"""The vectorised OBJ reader gives what trimesh gives, and declines what it does not handle."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import trimesh

from heritage_sites.processing import formats
from heritage_sites.processing.load import UploadResolver, load_mesh
from heritage_sites.processing.obj_fast import read_obj
from heritage_sites.processing.pipeline import run_pipeline
from heritage_sites.processing.preflight import run_preflight
from heritage_sites.processing.types import PipelineOptions, Upload
from tests.processing.builders import make_zip, small_png, write

CORNERS = "v 0 0 0\nv 1 0 0\nv 1 1 0\nv 0 1 0\nv 0 0 1\nv 1 0 1\nv 1 1 1\nv 0 1 1\n"
UVS = "vt 0 0\nvt 1 0\nvt 1 1\nvt 0 1\n"
NORMALS = "vn 0 0 1\nvn 0 0 -1\nvn 1 0 0\nvn 0 1 0\n"
# The cube's six sides as quads, with the UV and normal index of each corner.
SIDES = [
    ((1, 2, 3, 4), (1, 2, 3, 4), 2),
    ((5, 8, 7, 6), (1, 4, 3, 2), 1),
    ((1, 5, 6, 2), (1, 2, 3, 4), 3),
    ((2, 6, 7, 3), (1, 2, 3, 4), 3),
    ((3, 7, 8, 4), (1, 2, 3, 4), 4),
    ((4, 8, 5, 1), (1, 2, 3, 4), 4),
]


def _face(corners, uvs, normal, form: str, *, negative: bool = False) -> str:
    def ref(value: int, count: int) -> int:
        return value - count - 1 if negative else value

    parts = []
    for v, t in zip(corners, uvs, strict=True):
        v, t, n = ref(v, 8), ref(t, 4), ref(normal, 4)
        parts.append(
            {"v": f"{v}", "v/vt": f"{v}/{t}", "v//vn": f"{v}//{n}", "v/vt/vn": f"{v}/{t}/{n}"}[form]
        )
    return "f " + " ".join(parts) + "\n"


def _cube(form: str, *, triangles: bool = True, negative: bool = False, header: str = "") -> str:
    lines = [header, CORNERS, UVS, NORMALS]
    for corners, uvs, normal in SIDES:
        if triangles:
            for pick in ((0, 1, 2), (0, 2, 3)):
                lines.append(
                    _face(
                        [corners[i] for i in pick],
                        [uvs[i] for i in pick],
                        normal,
                        form,
                        negative=negative,
                    )
                )
        else:
            lines.append(_face(corners, uvs, normal, form, negative=negative))
    return "".join(lines)


def _trimesh(path: Path) -> trimesh.Trimesh:
    loaded = trimesh.load(path, process=False)
    if isinstance(loaded, trimesh.Scene):
        loaded = loaded.to_mesh()
    return loaded


def _fast(path: Path) -> trimesh.Trimesh | None:
    upload = Upload(fmt=formats.OBJ, main=path, root=path.parent)
    return read_obj(path.read_bytes(), UploadResolver(upload))


def _same(ours: trimesh.Trimesh, theirs: trimesh.Trimesh) -> None:
    assert ours is not None
    np.testing.assert_array_equal(ours.vertices, theirs.vertices)
    # Same triangles (trimesh orders quad halves differently; the surface is identical).
    np.testing.assert_array_equal(
        np.unique(np.sort(ours.faces, axis=1), axis=0),
        np.unique(np.sort(theirs.faces, axis=1), axis=0),
    )
    assert len(ours.faces) == len(theirs.faces)
    if getattr(theirs.visual, "uv", None) is not None:
        np.testing.assert_allclose(ours.visual.uv, theirs.visual.uv)
    assert ("vertex_normals" in ours._cache.cache) == ("vertex_normals" in theirs._cache.cache)


@pytest.mark.parametrize("form", ["v", "v/vt", "v//vn", "v/vt/vn"])
@pytest.mark.parametrize("triangles", [True, False], ids=["triangles", "quads"])
def test_it_reads_every_face_index_form_like_trimesh(tmp_path, form, triangles):
    path = write(tmp_path / "cube.obj", _cube(form, triangles=triangles))
    _same(_fast(path), _trimesh(path))


@pytest.mark.parametrize("form", ["v", "v/vt/vn"])
def test_it_counts_negative_indices_back_from_the_face(tmp_path, form):
    positive = _fast(write(tmp_path / "a.obj", _cube(form)))
    negative = _fast(write(tmp_path / "b.obj", _cube(form, negative=True)))
    np.testing.assert_array_equal(positive.vertices, negative.vertices)
    np.testing.assert_array_equal(positive.faces, negative.faces)


def test_it_fans_polygons_into_triangles(tmp_path):
    text = CORNERS + "f 1 2 3 4 8 5\nf 5 6 7\nf 2 6 7 3\n"
    path = write(tmp_path / "ngon.obj", text)
    ours = _fast(path)
    assert ours.faces.tolist()[:4] == [[0, 1, 2], [0, 2, 3], [0, 3, 7], [0, 7, 4]]
    assert len(ours.faces) == 4 + 1 + 2
    _same(ours, _trimesh(path))


def test_it_reads_comments_groups_blank_lines_and_crlf(tmp_path):
    header = "# exported by a scanner\r\no vase\r\ng body\r\ns 1\r\n\r\n"
    text = _cube("v/vt/vn", header=header).replace("\n", "\r\n").replace("\r\r\n", "\r\n")
    path = write(tmp_path / "crlf.obj", text)
    _same(_fast(path), _trimesh(path))


def test_it_keeps_the_texture_of_the_one_material(tmp_path):
    write(tmp_path / "glaze.png", small_png())
    write(tmp_path / "vase.mtl", "newmtl glaze\nKd 1 1 1\nmap_Kd glaze.png\n")
    path = write(tmp_path / "vase.obj", "mtllib vase.mtl\nusemtl glaze\n" + _cube("v/vt"))
    ours = _fast(path)
    _same(ours, _trimesh(path))
    assert ours.visual.material.image is not None


def test_a_missing_texture_leaves_uvs_without_a_picture(tmp_path):
    write(tmp_path / "vase.mtl", "newmtl glaze\nmap_Kd nowhere.png\n")
    path = write(tmp_path / "vase.obj", "mtllib vase.mtl\nusemtl glaze\n" + _cube("v/vt"))
    ours, theirs = _fast(path), _trimesh(path)
    _same(ours, theirs)
    assert getattr(ours.visual.material, "image", None) is None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_cube("v").replace("f 1 2 3\n", "f 1 2 \\\n3\n"), id="line-continuation"),
        pytest.param("usemtl a\n" + CORNERS + "f 1 2 3\nusemtl b\nf 1 3 4\n", id="two-materials"),
        pytest.param(CORNERS.replace("v 0 0 0\n", "v 0 0 0 1 0 0\n") + "f 1 2 3\n", id="colours"),
        pytest.param(CORNERS + "f 1 2 3\nl 1 2\n", id="polyline"),
        pytest.param(CORNERS + "f 1 2 3\nf 1/1 2/1 3/1\n", id="mixed-forms"),
        pytest.param(CORNERS + "f 1 2 9\n", id="index-out-of-range"),
        pytest.param(CORNERS + "f 0 1 2\n", id="index-zero"),
        pytest.param(CORNERS + "  f 1 2 3\n", id="indented"),
        pytest.param(CORNERS + "f 1 2 x\n", id="not-a-number"),
    ],
)
def test_it_leaves_unusual_files_to_trimesh(tmp_path, text):
    assert _fast(write(tmp_path / "odd.obj", text)) is None


def test_unusual_files_still_load_through_trimesh(tmp_path):
    text = "usemtl a\n" + CORNERS + "f 1 2 3\nusemtl b\nf 1 3 4\n"
    upload = Upload(fmt=formats.OBJ, main=write(tmp_path / "two.obj", text), root=tmp_path)
    loaded = load_mesh(upload, run_preflight(upload))
    assert len(loaded.mesh.faces) == 2


def test_a_textured_obj_zip_ends_ready_with_its_texture(tmp_path):
    source = make_zip(
        tmp_path / "vase.zip",
        {
            "vase.obj": "mtllib vase.mtl\nusemtl glaze\n" + _cube("v/vt/vn"),
            "vase.mtl": "newmtl glaze\nmap_Kd glaze.png\n",
            "glaze.png": small_png(),
        },
    )
    result = run_pipeline(
        source,
        fmt=None,
        workdir=tmp_path / "out",
        options=PipelineOptions(original_name="vase.zip", make_turntable=False),
    )
    assert result.state == "ready", result.reason
    assert result.report["has_texture"] and result.report["has_uvs"]
    assert result.report["has_normals"]
    assert result.report["faces"] == 12
