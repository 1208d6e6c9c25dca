"""Formats are told apart by their bytes, and legacy-but-valid variants are read correctly."""

from __future__ import annotations

import pytest

from heritage_sites.processing.formats import UnsupportedFormat, detect_format
from heritage_sites.processing.pipeline import PipelineOptions, run_pipeline

from .builders import CUBE_OBJ, binary_stl, glb, make_zip, tetrahedron, triangle_gltf, write

PLY_ASCII = (
    "ply\nformat ascii 1.0\nelement vertex 4\nproperty float x\nproperty float y\n"
    "property float z\nelement face 4\nproperty list uchar int vertex_indices\nend_header\n"
    "0 0 0\n10 0 0\n0 10 0\n0 0 10\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n"
)


def run(path, tmp_path):
    options = PipelineOptions(make_turntable=False)
    return run_pipeline(path, fmt=None, workdir=tmp_path / "out", options=options)


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("scan", PLY_ASCII.encode(), "ply"),
        ("scan.bin", binary_stl(tetrahedron()), "stl"),
        ("model", glb(triangle_gltf()), "glb"),
        ("shape.txt", b"OFF\n3 1 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n", "off"),
        ("solid", b"solid x\nfacet normal 0 0 1\nouter loop\n", "stl"),
    ],
)
def test_the_format_comes_from_the_content_not_the_name(tmp_path, name, data, expected):
    assert detect_format(write(tmp_path / name, data)) == expected


def test_a_zip_is_told_apart_by_what_it_holds(tmp_path):
    assert detect_format(make_zip(tmp_path / "a.zip", {"m/scan.obj": CUBE_OBJ})) == "obj_zip"
    gltf = make_zip(tmp_path / "b.zip", {"scan.gltf": "{}", "scan.bin": ""})
    assert detect_format(gltf) == "gltf_zip"
    with pytest.raises(UnsupportedFormat, match=r"no \.obj, \.gltf or \.glb"):
        detect_format(make_zip(tmp_path / "c.zip", {"readme.txt": "hello"}))


def test_a_bare_obj_upload_is_refused_but_a_local_one_is_read(tmp_path):
    path = write(tmp_path / "scan.obj", CUBE_OBJ)
    with pytest.raises(UnsupportedFormat, match=r"in one \.zip"):
        detect_format(path)
    assert detect_format(path, allow_loose=True) == "obj"


def test_a_utf16_obj_is_read(tmp_path):
    path = write(tmp_path / "scan.obj", ("# UTF-16 export\n" + CUBE_OBJ).encode("utf-16"))
    result = run(path, tmp_path)
    assert result.state == "ready", result.reason
    assert result.report["faces"] == 12
    assert result.report["source"]["encoding"] == "utf-16"


def test_a_latin1_obj_is_read(tmp_path):
    text = "# Bodhisattva, musée de Kaboul\no statue_é\n" + CUBE_OBJ
    upload = make_zip(tmp_path / "scan.zip", {"scan.obj": text.encode("latin-1")})
    result = run(upload, tmp_path)
    assert result.state == "ready", result.reason
    assert result.report["watertight"] is True


def test_crlf_obj_lines_still_have_their_references_checked(tmp_path):
    obj = ("mtllib ../../outside.mtl\n" + CUBE_OBJ).replace("\n", "\r\n")
    result = run(make_zip(tmp_path / "scan.zip", {"scan.obj": obj}), tmp_path)
    assert result.state == "failed"
    assert "material library ../../outside.mtl, outside the upload" in result.reason


def test_a_binary_stl_with_a_stray_trailing_byte_is_read_with_a_warning(tmp_path):
    path = write(tmp_path / "scan.stl", binary_stl(tetrahedron()) + b"\n")
    result = run(path, tmp_path)
    assert result.state == "ready", result.reason
    assert result.report["faces"] == 4
    assert "trailing_bytes" in {w["code"] for w in result.report["warnings"]}


def test_a_ply_with_crlf_header_lines_is_read(tmp_path):
    head, body = PLY_ASCII.split("end_header\n")
    path = write(tmp_path / "scan.ply", head.replace("\n", "\r\n") + "end_header\r\n" + body)
    result = run(path, tmp_path)
    assert result.state == "ready", result.reason
    assert result.report["faces"] == 4


def test_trimesh_can_only_read_files_inside_the_upload(tmp_path):
    from heritage_sites.processing.errors import Rejected
    from heritage_sites.processing.load import UploadResolver
    from heritage_sites.processing.types import Upload

    write(tmp_path / "secret.txt", "canary")
    folder = tmp_path / "upload"
    write(folder / "textures" / "skin.png", b"png bytes")
    model = write(folder / "model.obj", CUBE_OBJ)
    resolver = UploadResolver(Upload(fmt="obj", main=model, root=folder))
    assert resolver.get("textures/skin.png") == b"png bytes"
    assert resolver.get("textures/skin%2Epng") == b"png bytes"
    for name in ["../secret.txt", "/etc/passwd", "file:///etc/passwd"]:
        with pytest.raises(Rejected):
            resolver.get(name)
    with pytest.raises(FileNotFoundError):
        resolver.get("missing.png")
