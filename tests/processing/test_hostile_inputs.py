"""Every file row of ../shared/HOSTILE-INPUTS.md ends in a final state with a plain reason.

Each test builds its file in memory with caps (no bomb is ever inflated on disk), runs the
pipeline and asserts the final state: ``failed`` with the reason and its code, or ``ready``
when the file is valid after all. Every reason goes through ``tests.plain_words.assert_plain``
(no exception names, no library messages, no server paths). Refusals at upload (the 400) are
in tests/test_scan_upload.py; the five bad files of issue 8 also end ``failed`` through the
real service in tests/test_hostile_scans.py.

Row -> test (H = test_hostile_files.py, S = test_sandbox.py, Z = test_hostile_archives.py,
U = tests/test_scan_upload.py, here otherwise; A = test_archives.py checks the rules alone):

  1 oversize body         U test_it_refuses_a_file_over_the_limit_and_leaves_nothing_behind
                          (the proxy's 413 is the web layer's)
  2-5, 9-15               HTTP requests, not files: the web layer's tests (tests/api)
  6 hostile filename      U test_a_hostile_filename_is_only_a_display_name
  7 polyglot              U test_it_refuses_what_it_cannot_read_and_says_what_it_accepts,
                          U test_a_polyglot_or_renamed_file_is_refused_for_what_it_is,
                          test_a_file_that_is_not_a_model_is_named_for_what_it_is (here),
                          test_a_valid_glb_with_html_inside_is_processed_as_a_model
  8 empty file            U test_it_refuses_an_empty_file; test_an_empty_file_fails
 16 ratio bomb            H test_a_zip_bomb_upload_fails_and_leaves_nothing_extracted
 17 overlapping entries   Z test_an_overlapping_entry_zip_fails_as_damaged
 18 nested archive        Z test_archive_rules_end_the_scan_failed[nested]
 19 zip slip              Z test_a_zip_slip_entry_fails_and_writes_nothing_outside
 20 symlink entry         Z test_archive_rules_end_the_scan_failed[symlink]
 21 entry flood           Z test_an_entry_flood_fails_quickly_without_reading_entries
 22 duplicate names       Z test_archive_rules_end_the_scan_failed[duplicate]
 23 encrypted or exotic   Z test_archive_rules_end_the_scan_failed[encrypted, lzma]
 24 corrupt or truncated  Z test_a_corrupt_zip_fails_in_plain_words[crc, truncated]
 25 lying declared sizes  Z test_a_corrupt_zip_fails_in_plain_words[size_lie]
 26 STL count lie         H test_an_stl_whose_triangle_count_lies_is_refused
 27 random ".stl"         test_random_bytes_under_any_model_name_are_not_called_an_stl
 28 huge ascii STL        test_an_ascii_stl_too_large_to_process_fails_on_its_pre_count
 29 PLY count lie         H test_a_ply_that_declares_four_billion_vertices_in_a_tiny_body_...
 30 PLY header abuse      H test_a_ply_header_that_never_ends_is_refused;
                          test_a_ply_whose_contents_do_not_fit_its_header_fails_in_plain_words
 31 OBJ bad indices       test_obj_face_indices_out_of_range_fail; H test_out_of_range_...;
                          test_an_obj_face_of_index_zero_is_read_as_a_degenerate_face
 32 non-finite / huge     H test_nan_coordinates_are_an_error; test_coordinates_too_large_...,
                          test_obj_coordinates_of_1e308_..., test_the_poster_camera_is_never_...
 33 OBJ/MTL local file    H test_an_obj_material_library_outside_the_upload_is_refused, ...
 34 OBJ group explosion   test_an_obj_group_explosion_fails_as_too_complex
 35 glTF buffer LFI       H test_a_gltf_buffer_outside_the_upload_is_refused
 36 glTF SSRF / file://   H test_a_gltf_buffer_at_a_web_or_file_address_is_refused
 37 giant data URI        H test_a_giant_data_uri_is_refused_without_decoding_it
 38 GLB framing lies      H test_a_glb_whose_framing_lies_is_refused, ...binary_chunk...;
                          test_a_glb_whose_chunks_are_not_what_they_say_fails
 39 accessor out of range H test_a_gltf_accessor_running_past_its_buffer_is_refused;
                          test_a_negative_accessor_offset_fails
 40 node cycle / deep     H test_a_gltf_node_cycle_is_refused;
                          test_a_very_deep_node_chain_fails_quickly, ..._moderately_nested_...
 41 instancing bomb       H test_an_instancing_bomb_is_refused_before_flattening
 42 deep JSON             H test_deeply_nested_json_is_refused
 43 missing POSITION      H test_a_primitive_without_positions_is_refused;
                          test_gltf_values_of_the_wrong_kind_fail_in_plain_words
 44 texture pixel flood   H test_a_texture_pixel_flood_is_refused;
                          test_a_texture_inside_an_external_gltf_buffer_is_sized_...;
                          test_a_texture_pillow_only_warns_about_is_refused[_in_the_sandbox]
 45 texture parser tricks H test_a_texture_that_is_not_an_image_is_refused;
                          test_a_texture_with_a_huge_text_chunk_fails_in_plain_words
 46 XML bomb              test_a_file_that_is_not_a_model_is_named_for_what_it_is[collada]
 47 3MF as zip bomb       test_a_3mf_is_refused_before_anything_is_extracted
 48 degenerate geometry   H test_a_file_with_no_faces_is_refused, ...every_face_is_degenerate;
                          test_a_single_vertex_fails_as_empty
 49 XSS in metadata       test_script_in_gltf_names_does_not_stop_a_valid_model
 50 pipeline poison       S test_a_crashing_child_fails_with_a_reason_and_the_caller_survives
"""

from __future__ import annotations

import json
import os
import struct
import time
import warnings
import zipfile
import zlib

import pytest
from PIL import Image

from heritage_sites.processing import preflight
from heritage_sites.processing.pipeline import PipelineOptions, run_pipeline
from heritage_sites.processing.references import MAX_TEXTURE_PIXELS
from heritage_sites.processing.sandbox import run_pipeline_sandboxed
from tests.plain_words import assert_plain

from .builders import (
    CUBE_OBJ,
    binary_stl,
    glb,
    make_zip,
    png_header,
    small_png,
    tetrahedron,
    triangle_gltf,
    write,
)
from .hostile import assert_failed, assert_ready, run

# Issue 8, finding 5: the bad files that failed as "internal error" or as a fake STL ---------


@pytest.mark.parametrize("name", ["scan.glb", "scan.ply", "scan.stl", "scan"])
def test_a_png_under_a_model_name_is_named_as_an_image(tmp_path, name):
    result = run(write(tmp_path / name, small_png() + os.urandom(2000)), tmp_path)
    assert_failed(
        result,
        "unsupported_format",
        "This file is not a 3D model this museum can read: it looks like a PNG image.",
    )
    assert "triangles" not in result.reason


@pytest.mark.parametrize("name", ["noise.glb", "noise.ply", "noise.stl"])
def test_random_bytes_under_any_model_name_are_not_called_an_stl(tmp_path, name):
    # 50 MB, as tried by hand: only the first bytes are read to tell what the file is.
    path = tmp_path / name
    with path.open("wb") as handle:
        for _ in range(50):
            handle.write(os.urandom(1024 * 1024))
    started = time.monotonic()
    result = run(path, tmp_path)
    assert time.monotonic() - started < 5
    assert_failed(
        result,
        "unsupported_format",
        "This file is not a 3D model this museum can read (it is not STL, PLY, OBJ, OFF, "
        "glTF or GLB).",
    )
    assert "STL header" not in result.reason


def test_a_truncated_stl_is_still_told_what_is_wrong_with_it(tmp_path):
    # Not random bytes: real triangles, so the STL pre-flight names the mismatch.
    data = binary_stl(tetrahedron() * 20)[:-70]
    result = run(write(tmp_path / "cut.bin", data), tmp_path)
    assert_failed(result, "header_mismatch", "80 triangles", "truncated")


def _huge_stl() -> bytes:
    big = 3e38  # finite as a 32-bit float, but its products overflow
    a, b, c, d = [0, 0, 0], [big, 0, 0], [0, big, 0], [0, 0, big]
    return binary_stl([[a, c, b], [a, b, d], [a, d, c], [b, c, d]])


def test_coordinates_too_large_to_compute_with_fail_in_plain_words(tmp_path):
    result = run(write(tmp_path / "huge.stl", _huge_stl()), tmp_path)
    assert_failed(result, "coordinates_too_large", "coordinates reach 3e+38", "export")
    assert "internal" not in result.reason
    assert "internal_error" not in result.report


def test_obj_coordinates_of_1e308_fail_as_too_large(tmp_path):
    obj = CUBE_OBJ.replace("v 10 10 10", "v 1e308 1e308 1e308")
    result = run(make_zip(tmp_path / "big.zip", {"big.obj": obj}), tmp_path)
    assert_failed(result, "coordinates_too_large", "1e+308")


def test_a_model_wider_than_the_earth_fails_before_the_poster(tmp_path):
    # 1e12 m across: finite in every float64 step, but not in the 32-bit web model.
    tris = [[[c * 1e11 for c in corner] for corner in tri] for tri in tetrahedron()]
    options = PipelineOptions(make_turntable=False, declared_unit="m")
    path = write(tmp_path / "wide.stl", binary_stl(tris))
    result = run_pipeline(path, fmt=None, workdir=tmp_path / "out", options=options)
    assert_failed(result, "too_large", "larger than the Earth", "unit")


def test_the_poster_camera_is_never_aimed_with_nan():
    # The report refuses such models first; the renderer still checks its own camera.
    import numpy as np

    from heritage_sites.processing.derivatives.glb import MeshArrays
    from heritage_sites.processing.derivatives.render import BlankRender, make_stage

    positions = np.array([[-3e38, 0, 0], [3e38, 0, 0], [0, 3e38, 0]], dtype=np.float32)
    arrays = MeshArrays(positions=positions, faces=np.array([[0, 1, 2]], dtype=np.uint32))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the normals overflow, as expected
        with pytest.raises(BlankRender, match="too large to compute with") as caught:
            make_stage(arrays)
    assert_plain(str(caught.value))


def test_a_model_far_from_the_origin_but_of_a_real_size_is_ready(tmp_path):
    # Geo-referenced coordinates (1e14 units off the origin) are fine: only sizes matter.
    lines = [
        f"v {float(x) + 1e14} {y} {z}" if kind == "v" else f"{kind} {x} {y} {z}"
        for kind, x, y, z in (line.split() for line in CUBE_OBJ.splitlines())
    ]
    result = run(make_zip(tmp_path / "far.zip", {"far.obj": "\n".join(lines)}), tmp_path)
    assert_ready(result)
    assert result.report["extents_mm"] == [10.0, 10.0, 10.0]


def _textured_obj_zip(tmp_path, texture: bytes):
    mtl = "newmtl skin\nmap_Kd big.png\n"
    obj = "mtllib scan.mtl\nusemtl skin\n" + CUBE_OBJ
    return make_zip(tmp_path / "scan.zip", {"scan.obj": obj, "scan.mtl": mtl, "big.png": texture})


def test_a_texture_pillow_only_warns_about_is_refused(tmp_path, monkeypatch):
    # The sandbox's Pillow settings (harden_pillow): its limit is this museum's, and
    # 20000 x 20000 lies between that and twice that, where Pillow only warns.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", MAX_TEXTURE_PIXELS)
    upload = _textured_obj_zip(tmp_path, png_header(20_000, 20_000))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        result = run(upload, tmp_path)
    assert_failed(
        result,
        "texture_too_large",
        "The texture big.png",
        "20,000 x 20,000 pixels",
        "the largest this museum accepts is 16,384 x 16,384",
        "Reduce it",
    )
    assert "DecompressionBomb" in result.report["technical_detail"]


def test_a_texture_pillow_only_warns_about_is_refused_in_the_sandbox(tmp_path):
    upload = _textured_obj_zip(tmp_path, png_header(20_000, 20_000))
    options = PipelineOptions(make_turntable=False, time_limit_s=120)
    result = run_pipeline_sandboxed(upload, fmt=None, workdir=tmp_path / "out", options=options)
    assert_failed(result, "texture_too_large", "big.png", "20,000 x 20,000 pixels")


def test_the_poster_of_the_huge_stl_never_sees_a_nan_camera_in_the_sandbox(tmp_path):
    path = write(tmp_path / "huge.stl", _huge_stl())
    options = PipelineOptions(make_turntable=False, time_limit_s=120)
    result = run_pipeline_sandboxed(path, fmt=None, workdir=tmp_path / "out", options=options)
    assert_failed(result, "coordinates_too_large", "coordinates reach")


def test_a_texture_inside_an_external_gltf_buffer_is_sized_before_loading(tmp_path):
    import base64

    doc = triangle_gltf()
    geometry = base64.b64decode(doc["buffers"][0]["uri"].partition(",")[2])
    picture = png_header(20_000, 20_000)
    doc["buffers"][0] = {"uri": "data.bin", "byteLength": len(geometry) + len(picture)}
    doc["bufferViews"].append(
        {"buffer": 0, "byteOffset": len(geometry), "byteLength": len(picture)}
    )
    doc["images"] = [{"bufferView": 2, "mimeType": "image/png", "name": "skin"}]
    doc["textures"] = [{"source": 0}]
    doc["materials"] = [{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0}}}]
    doc["meshes"][0]["primitives"][0]["material"] = 0
    upload = make_zip(
        tmp_path / "m.zip", {"model.gltf": json.dumps(doc), "data.bin": geometry + picture}
    )
    assert_failed(run(upload, tmp_path), "texture_too_large", "skin", "20,000 x 20,000")


@pytest.mark.parametrize(
    "key, value", [("bufferViews", [1]), ("accessors", ["x"]), ("meshes", [{"primitives": 3}])]
)
def test_gltf_values_of_the_wrong_kind_fail_in_plain_words(tmp_path, key, value):
    doc = triangle_gltf(**{key: value})
    result = run(make_zip(tmp_path / "m.zip", {"model.gltf": json.dumps(doc)}), tmp_path)
    assert_failed(result, "invalid_gltf", "wrong kind")
    assert "internal_error" not in result.report


PLY_HEAD = (
    "ply\nformat binary_little_endian 1.0\nelement vertex 3\n"
    "property float x\nproperty float y\nproperty float z\n"
    "element face 1\nproperty list {count} int vertex_indices\nend_header\n"
)
PLY_VERTICES = struct.pack("<9f", 0, 0, 0, 1, 0, 0, 0, 1, 0)


@pytest.mark.parametrize(
    "count, face, library_words",
    [
        # A list size of 2**32 - 1: numpy says "does not fit into a C int".
        ("uint", struct.pack("<I3i", 0xFFFFFFFF, 0, 1, 2), "C int"),
        # A face that says 9 corners and has 3: trimesh says "PLY is unexpected length!".
        ("uchar", struct.pack("<B3i", 9, 0, 1, 2), "unexpected length"),
        ("int", struct.pack("<i3i", -5, 0, 1, 2), "not recognized"),
    ],
)
def test_a_ply_whose_contents_do_not_fit_its_header_fails_in_plain_words(
    tmp_path, count, face, library_words
):
    data = PLY_HEAD.format(count=count).encode() + PLY_VERTICES + face
    result = run(write(tmp_path / "bad.ply", data), tmp_path)
    assert_failed(result, "unreadable", "The PLY file could not be read", "export it again")
    # The library's words are kept for staff, out of the curator's sight.
    assert library_words in result.report["technical_detail"]


# Other files that are not models --------------------------------------------------------


NOT_MODELS = {
    "jpeg": (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(500), "a JPEG image"),
    "gif": (b"GIF89a" + os.urandom(500), "a GIF image"),
    "webp": (b"RIFF\x00\x10\x00\x00WEBPVP8 " + os.urandom(500), "a WebP image"),
    "pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + os.urandom(500), "a PDF document"),
    "html": (b"<!DOCTYPE html><html><body><script>x()</script>", "an HTML web page"),
    "xml": (b'<?xml version="1.0"?><catalogue><item/></catalogue>', "an XML document"),
    "svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "an SVG drawing"),
    "collada": (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 '
        b'"&lol;&lol;&lol;&lol;">]><COLLADA><asset>&lol2;</asset></COLLADA>',
        "a COLLADA (.dae) model, a format this museum does not read",
    ),
    "elf": (b"\x7fELF\x02\x01\x01" + b"\0" * 200, "a program (a Linux executable)"),
    "pe": (
        b"MZ" + b"\0" * 58 + struct.pack("<I", 128) + b"\0" * 64 + b"PE\0\0" + b"\0" * 200,
        "a program (a Windows executable)",
    ),
    "gzip": (b"\x1f\x8b\x08\x00" + os.urandom(300), "a gzip-compressed file"),
    "mp4": (b"\x00\x00\x00\x20ftypisom" + os.urandom(500), "an MP4 or QuickTime video"),
    "fbx": (b"Kaydara FBX Binary  \x00\x1a\x00" + os.urandom(500), "an FBX model"),
}


@pytest.mark.parametrize("kind", sorted(NOT_MODELS))
def test_a_file_that_is_not_a_model_is_named_for_what_it_is(tmp_path, kind):
    data, what = NOT_MODELS[kind]
    result = run(write(tmp_path / "scan.glb", data), tmp_path)
    assert_failed(result, "unsupported_format", "it looks like", what, "The museum accepts")


def test_a_zip_of_office_files_is_named_for_what_it_is(tmp_path):
    upload = make_zip(
        tmp_path / "report.zip", {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}
    )
    assert_failed(run(upload, tmp_path), "unsupported_format", "it looks like a Word document")


def test_a_3mf_is_refused_before_anything_is_extracted(tmp_path):
    # Row 47: a 3MF whose model would inflate without end. It is named from its directory.
    upload = tmp_path / "print.3mf"
    with (
        zipfile.ZipFile(upload, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("3D/3dmodel.model", "w") as entry,
    ):
        for _ in range(16):
            entry.write(b"\0" * (1024 * 1024))
    result = run(upload, tmp_path)
    assert_failed(result, "unsupported_format", "3MF print file")
    assert not (tmp_path / "out" / "_upload").exists()


def test_an_empty_file_fails(tmp_path):
    assert_failed(run(write(tmp_path / "empty.stl", b""), tmp_path), "unsupported_format", "empty")


def test_a_valid_glb_with_html_inside_is_processed_as_a_model(tmp_path):
    doc = triangle_gltf(extras={"note": "<html><script>alert(1)</script></html>"})
    result = run(write(tmp_path / "poly.glb", glb(doc)), tmp_path)
    assert_ready(result)
    web = next(item for item in result.derivatives if item.kind == "web")
    assert b"<script>" not in web.path.read_bytes()  # the web copy is written anew


# Mesh formats (rows 28-49) --------------------------------------------------------------


def test_an_ascii_stl_too_large_to_process_fails_on_its_pre_count(tmp_path, monkeypatch):
    monkeypatch.setattr(preflight, "MAX_FACES", 100)  # 10 million facets, scaled down
    facet = "facet normal 0 0 1\nouter loop\nvertex 0 0 0\nvertex 1 0 0\nvertex 0 1 0\n"
    text = "solid big\n" + (facet + "endloop\nendfacet\n") * 1000 + "endsolid big\n"
    result = run(write(tmp_path / "big.stl", text), tmp_path)
    assert_failed(result, "too_complex", "Decimate")


@pytest.mark.parametrize("face", ["f -999999 1 2", "f 1 2 99"])
def test_obj_face_indices_out_of_range_fail(tmp_path, face):
    upload = make_zip(tmp_path / "bad.zip", {"bad.obj": CUBE_OBJ + face + "\n"})
    assert_failed(run(upload, tmp_path), {"invalid_indices", "unreadable"}, "export it again")


def test_an_obj_face_of_index_zero_is_read_as_a_degenerate_face(tmp_path):
    # "Repaired", as the row allows: the face collapses to one corner and is counted.
    upload = make_zip(tmp_path / "zero.zip", {"zero.obj": CUBE_OBJ + "f 0 0 0\n"})
    result = run(upload, tmp_path)
    assert_ready(result)
    assert "degenerate_faces" in {warning["code"] for warning in result.report["warnings"]}


def test_an_obj_group_explosion_fails_as_too_complex(tmp_path):
    groups = "".join(f"o part{i}\n" for i in range(preflight.MAX_OBJ_GROUPS + 1))
    upload = make_zip(tmp_path / "groups.zip", {"g.obj": groups + CUBE_OBJ})
    assert_failed(run(upload, tmp_path), "too_complex", "Merge its parts")


@pytest.mark.parametrize(
    "mutate, words",
    [
        (lambda doc: b"{not json" + b" " * 3, "not valid JSON"),
        (lambda doc: b"\xff\xfe{}\x00 ", "not UTF-8"),
    ],
)
def test_a_glb_whose_chunks_are_not_what_they_say_fails(tmp_path, mutate, words):
    text = mutate(None)
    chunk = struct.pack("<II", len(text), 0x4E4F534A) + text
    data = b"glTF" + struct.pack("<II", 2, 12 + len(chunk)) + chunk
    assert_failed(run(write(tmp_path / "bad.glb", data), tmp_path), "invalid_gltf", words)


def test_a_glb_whose_second_chunk_is_not_binary_fails(tmp_path):
    data = bytearray(glb(triangle_gltf(), b"\0" * 8))
    struct.pack_into("<I", data, data.rfind(struct.pack("<I", 0x004E4942)), 0x12345678)
    assert_failed(run(write(tmp_path / "bad.glb", bytes(data)), tmp_path), "invalid_glb", "chunk")


def test_a_negative_accessor_offset_fails(tmp_path):
    doc = triangle_gltf()
    doc["accessors"][0]["byteOffset"] = -4
    result = run(make_zip(tmp_path / "m.zip", {"model.gltf": json.dumps(doc)}), tmp_path)
    assert_failed(result, "invalid_gltf", "negative byte offset")


def test_a_gltf_index_that_is_not_a_number_is_not_quoted_as_python(tmp_path):
    doc = triangle_gltf()
    doc["meshes"][0]["primitives"][0]["indices"] = {"evil": [1, 2]}
    result = run(make_zip(tmp_path / "m.zip", {"model.gltf": json.dumps(doc)}), tmp_path)
    assert_failed(result, "invalid_gltf", "not a number")


def test_a_very_deep_node_chain_fails_quickly(tmp_path):
    depth = 100_000
    nodes = [{"children": [i + 1]} for i in range(depth - 1)] + [{"mesh": 0}]
    doc = triangle_gltf(nodes=nodes)
    upload = make_zip(tmp_path / "deep.zip", {"model.gltf": json.dumps(doc)})
    started = time.monotonic()
    result = run(upload, tmp_path)
    assert_failed(result, "too_complex", "99,999 levels deep", "Flatten")
    assert time.monotonic() - started < 10


def test_a_moderately_nested_gltf_is_ready(tmp_path):
    nodes = [{"children": [i + 1]} for i in range(49)] + [{"mesh": 0}]
    result = run(write(tmp_path / "nested.glb", glb(triangle_gltf(nodes=nodes))), tmp_path)
    assert_ready(result)


def test_a_texture_with_a_huge_text_chunk_fails_in_plain_words(tmp_path):
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    png = small_png()
    # A zTXt chunk that inflates to 64 MB, before the image data.
    text = chunk(b"zTXt", b"comment\0\0" + zlib.compress(b"A" * (64 * 1024 * 1024), 9))
    at = png.index(b"IDAT") - 4
    upload = _textured_obj_zip(tmp_path, png[:at] + text + png[at:])
    result = run(upload, tmp_path)
    if result.state == "failed":  # Pillow's text-chunk cap refuses it
        assert_failed(result, "texture_unreadable", "big.png")
    else:  # or the chunk is skipped and the picture is re-encoded without it
        assert_ready(result)


def test_a_single_vertex_fails_as_empty(tmp_path):
    upload = make_zip(tmp_path / "one.zip", {"one.obj": "v 0 0 0\n"})
    assert_failed(run(upload, tmp_path), "empty_geometry", "no faces")


def test_script_in_gltf_names_does_not_stop_a_valid_model(tmp_path):
    script = '"><script>alert(1)</script>'
    doc = triangle_gltf()
    doc["nodes"][0]["name"] = script + "x" * 1_000_000
    doc["meshes"][0]["name"] = script
    doc["materials"] = [{"name": script}]
    doc["meshes"][0]["primitives"][0]["material"] = 0
    result = run(write(tmp_path / "xss.glb", glb(doc)), tmp_path)
    assert_ready(result)
    assert "<script>" not in json.dumps(result.report)


def test_a_gltf_1_file_with_values_of_the_wrong_kind_fails_in_plain_words(tmp_path):
    doc = {"asset": {"version": "1.0"}, "scene": "s", "scenes": {"s": {"nodes": ["n"]}}}
    doc.update(nodes={"n": {"meshes": ["m"]}}, meshes={"m": 5})
    result = run(make_zip(tmp_path / "old.zip", {"model.gltf": json.dumps(doc)}), tmp_path)
    assert_failed(result, "invalid_gltf", "glTF 1.0")
    assert "internal_error" not in result.report
