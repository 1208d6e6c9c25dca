"""Hostile and broken files end failed with a reason a curator can act on, quickly.

The files are built in each test; none of them reaches trimesh unless it has to.
"""

from __future__ import annotations

import base64
import json
import struct

import pytest

from heritage_sites.processing import preflight_gltf
from heritage_sites.processing.pipeline import PipelineOptions, run_pipeline
from tests.plain_words import assert_plain

from .builders import (
    CUBE_OBJ,
    binary_stl,
    glb,
    make_zip,
    png_header,
    tetrahedron,
    triangle_gltf,
    write,
)


def run(path, tmp_path, fmt=None):
    return run_pipeline(path, fmt=fmt, workdir=tmp_path / "out", options=PipelineOptions())


def assert_failed(result, code: str, *words: str):
    assert result.state == "failed", result
    codes = [error["code"] for error in result.report["errors"]]
    assert code in codes, (codes, result.reason)
    for word in words:
        assert word in result.reason, result.reason
    assert_plain(result.reason)
    assert not result.derivatives


def gltf_zip(tmp_path, doc: dict, extra: dict | None = None):
    return make_zip(tmp_path / "model.zip", {"model.gltf": json.dumps(doc), **(extra or {})})


# References that leave the upload ------------------------------------------------------------


@pytest.mark.parametrize(
    "uri",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://attacker.example/x.bin",
    ],
)
def test_a_gltf_buffer_at_a_web_or_file_address_is_refused(tmp_path, uri):
    doc = triangle_gltf()
    doc["buffers"][0]["uri"] = uri
    result = run(gltf_zip(tmp_path, doc), tmp_path)
    assert_failed(result, "reference_outside", uri, "inside the upload")


@pytest.mark.parametrize("uri", ["../../../../etc/hostname", "/etc/passwd", "sub/../../x.bin"])
def test_a_gltf_buffer_outside_the_upload_is_refused(tmp_path, uri):
    doc = triangle_gltf()
    doc["buffers"][0]["uri"] = uri
    result = run(gltf_zip(tmp_path, doc), tmp_path)
    assert_failed(result, "reference_outside", f"names buffer {uri}, outside the upload")


def test_a_gltf_image_outside_the_upload_is_refused(tmp_path):
    doc = triangle_gltf(images=[{"uri": "../../etc/passwd"}])
    result = run(gltf_zip(tmp_path, doc), tmp_path)
    assert_failed(result, "reference_outside", "texture ../../etc/passwd")


def test_an_obj_texture_outside_the_upload_is_refused_with_the_curators_sentence(tmp_path):
    mtl = "newmtl skin\nKd 1 1 1\nmap_Kd ../../etc/passwd\n"
    upload = make_zip(
        tmp_path / "scan.zip",
        {"scan.obj": "mtllib scan.mtl\nusemtl skin\n" + CUBE_OBJ, "scan.mtl": mtl},
    )
    result = run(upload, tmp_path)
    assert_failed(result, "reference_outside")
    assert result.reason == (
        "The OBJ names texture ../../etc/passwd, outside the upload. Put the texture inside "
        "the zip."
    )


@pytest.mark.parametrize("ref", ["/etc/passwd", "/proc/self/environ", "file:///etc/passwd"])
def test_an_obj_material_library_outside_the_upload_is_refused(tmp_path, ref):
    upload = make_zip(tmp_path / "scan.zip", {"scan.obj": f"mtllib {ref}\n" + CUBE_OBJ})
    assert_failed(run(upload, tmp_path), "reference_outside", ref)


def test_a_texture_option_does_not_hide_the_path(tmp_path):
    mtl = "newmtl skin\nmap_Kd -s 1 1 1 -o 0 0 0 ../secret.png\n"
    upload = make_zip(
        tmp_path / "scan.zip", {"scan.obj": "mtllib scan.mtl\n" + CUBE_OBJ, "scan.mtl": mtl}
    )
    assert_failed(run(upload, tmp_path), "reference_outside", "../secret.png")


# Header counts that lie and truncated binaries ----------------------------------------------------


def test_an_stl_whose_triangle_count_lies_is_refused(tmp_path):
    data = binary_stl(tetrahedron()[:1], declared=0xFFFFFFFF)
    result = run(write(tmp_path / "liar.stl", data), tmp_path)
    assert_failed(result, "header_mismatch", "4,294,967,295 triangles")


def test_a_truncated_binary_stl_is_refused(tmp_path):
    data = binary_stl(tetrahedron())[:-70]
    result = run(write(tmp_path / "cut.stl", data), tmp_path)
    assert_failed(result, "header_mismatch", "truncated")


def test_a_ply_that_declares_four_billion_vertices_in_a_tiny_body_is_refused(tmp_path):
    header = (
        "ply\nformat binary_little_endian 1.0\nelement vertex 4000000000\n"
        "property float x\nproperty float y\nproperty float z\n"
        "element face 1\nproperty list uchar int vertex_indices\nend_header\n"
    )
    result = run(write(tmp_path / "liar.ply", header.encode() + b"\0" * 64), tmp_path)
    assert_failed(result, "header_mismatch", "4,000,000,000 vertices")


def test_a_ply_header_that_never_ends_is_refused(tmp_path):
    data = b"ply\nformat ascii 1.0\n" + b"comment padding\n" * 10_000
    assert_failed(run(write(tmp_path / "long.ply", data), tmp_path), "invalid_ply", "end_header")


def test_an_off_whose_counts_lie_is_refused(tmp_path):
    data = "OFF\n353535235358 6 0\n0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n"
    result = run(write(tmp_path / "liar.off", data), tmp_path)
    assert_failed(result, "header_mismatch", "353,535,235,358 vertices")


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda d: d[:-10], "truncated"),
        (lambda d: d[:8] + struct.pack("<I", 10**9) + d[12:], "1,000,000,000 bytes"),
        (lambda d: d[:12] + struct.pack("<I", 0xFFFFFFFF) + d[16:], "JSON"),
    ],
)
def test_a_glb_whose_framing_lies_is_refused(tmp_path, mutate, words):
    doc = triangle_gltf()
    data = mutate(glb(doc))
    result = run(write(tmp_path / "bad.glb", data), tmp_path)
    assert_failed(result, "invalid_glb", words)


def test_a_glb_binary_chunk_longer_than_the_file_is_refused(tmp_path):
    data = bytearray(glb(triangle_gltf(), b"\0" * 64))
    bin_header = data.rfind(struct.pack("<I", 0x004E4942)) - 4
    struct.pack_into("<I", data, bin_header, 0xFFFFFF)
    result = run(write(tmp_path / "bad.glb", bytes(data)), tmp_path)
    assert_failed(result, "invalid_glb", "binary chunk")


def test_a_gltf_accessor_running_past_its_buffer_is_refused(tmp_path):
    doc = triangle_gltf()
    doc["accessors"][0]["count"] = 1_000_000_000
    assert_failed(run(gltf_zip(tmp_path, doc), tmp_path), "invalid_gltf", "run past the end")


def test_a_gltf_node_cycle_is_refused(tmp_path):
    doc = triangle_gltf(nodes=[{"mesh": 0, "children": [1]}, {"children": [0]}])
    assert_failed(run(gltf_zip(tmp_path, doc), tmp_path), "node_cycle", "loops back")


def test_an_instancing_bomb_is_refused_before_flattening(tmp_path):
    doc = triangle_gltf()
    # One mesh of 3 million triangles (declared), placed by 10,000 nodes.
    doc["accessors"][1]["count"] = 9_000_000
    doc["bufferViews"][1]["byteLength"] = 18_000_000
    doc["buffers"][0] = {"byteLength": 18_000_036, "uri": "big.bin"}
    doc["nodes"] = [{"children": list(range(1, 10_001))}] + [{"mesh": 0}] * 10_000
    # A loose .gltf (its folder is the upload, as with inspect_scan); the buffer is sparse.
    folder = tmp_path / "scene"
    write(folder / "model.gltf", json.dumps(doc))
    with (folder / "big.bin").open("wb") as buffer:
        buffer.truncate(18_000_036)
    result = run(folder / "model.gltf", tmp_path)
    assert_failed(result, "too_complex", "once every instance is placed")


def test_a_giant_data_uri_is_refused_without_decoding_it(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight_gltf, "MAX_DATA_URI_BYTES", 1024)
    doc = triangle_gltf()
    payload = base64.b64encode(b"\0" * 4096).decode()
    doc["buffers"][0] = {"byteLength": 4096, "uri": "data:;base64," + payload}
    assert_failed(run(gltf_zip(tmp_path, doc), tmp_path), "too_complex", "embeds buffer 0")


def test_deeply_nested_json_is_refused(tmp_path):
    text = json.dumps(triangle_gltf())[:-1] + ', "extras": ' + "[" * 200_000 + "]" * 200_000
    upload = make_zip(tmp_path / "deep.zip", {"model.gltf": text + "}"})
    assert_failed(run(upload, tmp_path), "invalid_gltf", "nested too deeply")


def test_a_primitive_without_positions_is_refused(tmp_path):
    doc = triangle_gltf()
    doc["meshes"][0]["primitives"][0]["attributes"] = {"NORMAL": 0}
    assert_failed(run(gltf_zip(tmp_path, doc), tmp_path), "invalid_mesh", "positions")


def test_a_draco_compressed_gltf_is_decoded_and_accepted(tmp_path):
    import DracoPy
    import numpy as np

    points = np.array([[0, 0, 0], [40, 0, 0], [0, 30, 0], [0, 0, 20]], dtype=np.float32)
    faces = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], dtype=np.uint32)
    data = DracoPy.encode(points, faces)
    padded = data + b"\0" * (-len(data) % 4)
    doc = {
        "asset": {"version": "2.0"},
        "extensionsUsed": ["KHR_draco_mesh_compression"],
        "extensionsRequired": ["KHR_draco_mesh_compression"],
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [
            {
                "primitives": [
                    {
                        "attributes": {"POSITION": 0},
                        "indices": 1,
                        "extensions": {
                            "KHR_draco_mesh_compression": {
                                "bufferView": 0,
                                "attributes": {"POSITION": 0},
                            }
                        },
                    }
                ]
            }
        ],
        "buffers": [
            {
                "byteLength": len(padded),
                "uri": "data:application/octet-stream;base64," + base64.b64encode(padded).decode(),
            }
        ],
        "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": len(data)}],
        "accessors": [
            {
                "componentType": 5126,
                "count": 4,
                "type": "VEC3",
                "min": [0, 0, 0],
                "max": [40, 30, 20],
            },
            {"componentType": 5125, "count": 12, "type": "SCALAR"},
        ],
    }
    result = run(gltf_zip(tmp_path, doc), tmp_path)
    assert result.state == "ready", result.reason
    assert result.report["faces"] == 4


def test_a_texture_pixel_flood_is_refused(tmp_path):
    mtl = "newmtl skin\nmap_Kd flood.png\n"
    upload = make_zip(
        tmp_path / "scan.zip",
        {
            "scan.obj": "mtllib scan.mtl\n" + CUBE_OBJ,
            "scan.mtl": mtl,
            "flood.png": png_header(60_000, 60_000),
        },
    )
    assert_failed(run(upload, tmp_path), "texture_too_large", "flood.png is larger than 16,384 px")


def test_a_texture_that_is_not_an_image_is_refused(tmp_path):
    mtl = "newmtl skin\nmap_Kd fake.png\n"
    upload = make_zip(
        tmp_path / "scan.zip",
        {"scan.obj": "mtllib scan.mtl\n" + CUBE_OBJ, "scan.mtl": mtl, "fake.png": "SIMPLE  = T"},
    )
    assert_failed(run(upload, tmp_path), "texture_unreadable", "fake.png")


# Geometry errors --------------------------------------------------------------------------------


def test_nan_coordinates_are_an_error(tmp_path):
    obj = CUBE_OBJ.replace("v 10 10 10", "v nan inf -inf")
    result = run(make_zip(tmp_path / "nan.zip", {"nan.obj": obj}), tmp_path)
    assert_failed(result, "non_finite", "not numbers")
    assert result.report["non_finite_vertices"] == 1


def test_out_of_range_indices_are_refused(tmp_path):
    obj = CUBE_OBJ + "f 1 2 99\n"
    result = run(make_zip(tmp_path / "bad.zip", {"bad.obj": obj}), tmp_path)
    assert_failed(result, "invalid_indices", "do not exist")


def test_out_of_range_indices_in_a_binary_ply_are_refused(tmp_path):
    header = (
        "ply\nformat binary_little_endian 1.0\nelement vertex 3\n"
        "property float x\nproperty float y\nproperty float z\n"
        "element face 1\nproperty list uchar int vertex_indices\nend_header\n"
    )
    body = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0) + struct.pack("<B3i", 3, 0, 1, 250)
    result = run(write(tmp_path / "bad.ply", header.encode() + body), tmp_path)
    assert_failed(result, "invalid_indices")


def test_a_file_with_no_faces_is_refused(tmp_path):
    result = run(make_zip(tmp_path / "lines.zip", {"l.obj": "v 0 0 0\nv 1 0 0\nl 1 2\n"}), tmp_path)
    assert_failed(result, "empty_geometry", "no faces")


def test_a_mesh_whose_every_face_is_degenerate_is_refused(tmp_path):
    flat = [[[0, 0, 0], [1, 1, 1], [2, 2, 2]], [[0, 0, 0], [0, 0, 0], [5, 5, 5]]]
    result = run(write(tmp_path / "flat.stl", binary_stl(flat)), tmp_path)
    assert_failed(result, "all_degenerate", "zero area")


def test_random_bytes_are_refused_as_an_unknown_format(tmp_path):
    import random

    data = bytes(random.Random(7).getrandbits(8) for _ in range(10_000))
    result = run(write(tmp_path / "noise.bin", data), tmp_path)
    assert result.state == "failed"
    assert result.reason
    assert_failed(result, "unsupported_format", "not STL, PLY, OBJ, OFF, glTF or GLB")


def test_an_unsupported_format_lists_what_is_accepted(tmp_path):
    result = run(write(tmp_path / "notes.txt", "hello museum"), tmp_path)
    assert_failed(result, "unsupported_format", "The museum accepts", "STL", "PLY", "OFF")


def test_meshopt_compressed_gltf_is_refused_with_a_clear_reason(tmp_path):
    doc = triangle_gltf(extensionsRequired=["EXT_meshopt_compression"])
    result = run(gltf_zip(tmp_path, doc), tmp_path)
    assert_failed(result, "unsupported_extension", "meshoptimizer")


def test_a_zip_bomb_upload_fails_and_leaves_nothing_extracted(tmp_path):
    import zipfile

    upload = tmp_path / "bomb.zip"
    with (
        zipfile.ZipFile(upload, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("model.obj", "w") as entry,
    ):
        for _ in range(32):
            entry.write(b"\0" * (1024 * 1024))
    result = run(upload, tmp_path)
    assert_failed(result, "bomb", "zip bomb")
    leftovers = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert leftovers == []


def test_a_truncated_binary_ply_is_refused(tmp_path):
    header = (
        "ply\nformat binary_little_endian 1.0\nelement vertex 3\n"
        "property float x\nproperty float y\nproperty float z\n"
        "element face 1\nproperty list uchar int vertex_indices\nend_header\n"
    )
    body = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0) + struct.pack("<B3i", 3, 0, 1, 2)
    result = run(write(tmp_path / "cut.ply", header.encode() + body[:-9]), tmp_path)
    assert_failed(result, "header_mismatch", "truncated")
