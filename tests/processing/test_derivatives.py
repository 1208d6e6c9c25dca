"""The derivative stage: web GLB, LODs, posters and turntable from meshes built here."""

from __future__ import annotations

import io
from dataclasses import replace

import numpy as np
import pytest
import trimesh
from PIL import Image

from heritage_sites.processing.colour import SRGB_BYTE_TO_LINEAR_BYTE, linear_to_srgb
from heritage_sites.processing.derivatives import DerivativeError, build_derivatives
from heritage_sites.processing.derivatives.glb import read_glb, read_glb_json, write_glb
from heritage_sites.processing.derivatives.gltfpack import run_gltfpack
from heritage_sites.processing.derivatives.lods import lod_problem
from heritage_sites.processing.derivatives.prepare import mesh_arrays

from .scan_meshes import checker_bowl, plain_sphere, red_vase, two_tone_vase

pytestmark = pytest.mark.timeout(600)


def decoded(path, tmp_path):
    """Undo gltfpack's compression (it reads meshopt GLBs) and read the plain GLB back."""
    plain = tmp_path / f"decoded-{path.name}"
    run_gltfpack(path, plain, "-noq")
    return read_glb(plain)


def by_kind(files, kind):
    return [f for f in files if f.kind == kind]


def opaque_pixels(path):
    image = Image.open(path).convert("RGBA")
    pixels = np.asarray(image).reshape(-1, 4)
    return pixels[pixels[:, 3] > 200, :3].astype(int), image


@pytest.fixture(scope="module")
def vase_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("vase")
    mesh = red_vase(unit_scale=1000.0)  # millimetres, as many scanners write
    before = mesh.vertices.copy()
    files = build_derivatives(mesh, scale_to_metres=0.001, workdir=out)
    return mesh, before, files


@pytest.fixture(scope="module")
def bowl_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bowl")
    mesh = checker_bowl()
    return mesh, build_derivatives(mesh, scale_to_metres=1.0, workdir=out, make_turntable=False)


def test_web_glb_is_meshopt_compressed_centred_and_in_metres(vase_run, tmp_path):
    _, _, files = vase_run
    (web,) = by_kind(files, "web")
    doc, _ = read_glb_json(web.path)
    assert "EXT_meshopt_compression" in doc["extensionsRequired"]
    assert "KHR_mesh_quantization" in doc["extensionsRequired"]
    model = decoded(web.path, tmp_path)
    low, high = model.positions.min(axis=0), model.positions.max(axis=0)
    assert np.allclose((low + high) / 2, 0.0, atol=1e-3)
    assert high[1] - low[1] == pytest.approx(0.3, rel=0.01)  # 300 mm tall vase, in metres
    assert web.faces == model.face_count == 51_040  # below the web budget: every face kept
    assert web.path.stat().st_size < 0.3 * model.face_count * 12  # well under raw indices


def test_web_glb_keeps_vertex_colours(vase_run, tmp_path):
    _, _, files = vase_run
    model = decoded(by_kind(files, "web")[0].path, tmp_path)
    assert model.colors is not None
    shown = np.rint(linear_to_srgb(model.colors / 255.0) * 255).astype(int)  # COLOR_0 is linear
    red = shown[:, 0] - shown[:, 1]
    assert (red > 60).mean() > 0.95


def test_lods_below_the_input_count_keep_colours_and_shape(vase_run, tmp_path):
    mesh, _, files = vase_run
    lods = by_kind(files, "lod")
    assert [f.path.name for f in lods] == ["lod_20k.glb"]  # 51k faces: only the 20k LOD
    lod = decoded(lods[0].path, tmp_path)
    assert 14_000 <= lod.face_count <= 24_000
    assert lods[0].faces == lod.face_count
    assert lod.colors is not None
    extent = np.ptp(lod.positions, axis=0)
    assert np.allclose(extent, np.ptp(mesh.vertices, axis=0) / 1000.0, rtol=0.03)


def test_the_input_mesh_is_not_changed(vase_run):
    mesh, before, _ = vase_run
    assert np.array_equal(mesh.vertices, before)


def test_posters_come_in_two_sizes_and_two_formats(vase_run):
    _, _, files = vase_run
    posters = {(f.width, f.content_type): f for f in by_kind(files, "poster")}
    assert set(posters) == {
        (512, "image/png"),
        (512, "image/webp"),
        (1024, "image/png"),
        (1024, "image/webp"),
    }
    for (size, content_type), poster in posters.items():
        image = Image.open(poster.path)
        assert image.size == (size, size)
        assert image.format == content_type.split("/")[1].upper()


def test_vase_poster_shows_the_red_of_the_scan(vase_run):
    _, _, files = vase_run
    png = next(f for f in by_kind(files, "poster") if f.width == 512 and f.path.suffix == ".png")
    rgb, image = opaque_pixels(png.path)
    assert len(rgb) > 0.15 * image.width * image.height  # the vase fills the picture
    reddish = (rgb[:, 0] > rgb[:, 1] + 40) & (rgb[:, 0] > rgb[:, 2] + 40)
    assert reddish.mean() > 0.9
    assert np.asarray(image)[0, 0, 3] == 0  # transparent background
    shades = rgb[:, 0]
    assert shades.max() - shades.min() > 60  # lit and shaded, not a flat silhouette


def test_turntable_is_an_animated_webp_of_24_frames(vase_run):
    _, _, files = vase_run
    (turntable,) = by_kind(files, "turntable")
    image = Image.open(turntable.path)
    assert image.format == "WEBP"
    assert image.n_frames == 24
    image.seek(6)  # a quarter turn later the vase still fills the frame
    frame = np.asarray(image.convert("RGBA"))
    assert (frame[..., 3] > 200).mean() > 0.15


def glb_image(doc, binary, index):
    view = doc["bufferViews"][doc["images"][index]["bufferView"]]
    start = view.get("byteOffset", 0)
    return Image.open(io.BytesIO(bytes(binary[start : start + view["byteLength"]])))


def test_texture_is_kept_shrunk_to_2048_as_webp_with_a_small_jpeg_fallback(bowl_run, tmp_path):
    _, files = bowl_run
    web = by_kind(files, "web")[0]
    doc, binary = read_glb_json(web.path)
    (texture_ref,) = doc["textures"]
    webp_index = texture_ref["extensions"]["EXT_texture_webp"]["source"]
    assert "EXT_texture_webp" in doc["extensionsUsed"]
    assert "EXT_texture_webp" not in doc.get("extensionsRequired", [])  # the fallback serves
    assert doc["images"][webp_index]["mimeType"] == "image/webp"
    texture = glb_image(doc, binary, webp_index)
    assert texture.format == "WEBP"
    assert texture.size == (2048, 1024)
    fallback = glb_image(doc, binary, texture_ref["source"])
    assert doc["images"][texture_ref["source"]]["mimeType"] == "image/jpeg"
    assert fallback.format == "JPEG" and max(fallback.size) == 256
    model = decoded(web.path, tmp_path)
    assert model.uvs is not None
    assert model.uvs.min() >= -0.01 and model.uvs.max() <= 1.01


def test_textured_lod_keeps_uvs_and_texture(bowl_run, tmp_path):
    _, files = bowl_run
    (lod_file,) = by_kind(files, "lod")
    lod = decoded(lod_file.path, tmp_path)
    assert lod.uvs is not None
    assert lod.texture is not None
    assert 14_000 <= lod.face_count <= 24_000
    # The lightest LOD is for phones: its texture is halved to 1024 px.
    assert Image.open(io.BytesIO(lod.texture)).size == (1024, 512)


def test_textured_poster_shows_the_checker(bowl_run):
    _, files = bowl_run
    png = next(f for f in by_kind(files, "poster") if f.width == 1024 and f.path.suffix == ".png")
    rgb, _ = opaque_pixels(png.path)
    blue = (rgb[:, 2] > rgb[:, 0] + 50).mean()
    light = (rgb.min(axis=1) > 120).mean()
    assert blue > 0.2 and light > 0.2  # both checker colours are seen
    assert not by_kind(files, "turntable")  # make_turntable=False


def test_uncoloured_mesh_gets_a_clay_poster_and_colourless_web_model(tmp_path):
    files = build_derivatives(
        plain_sphere(), scale_to_metres=1.0, workdir=tmp_path / "out", make_turntable=False
    )
    model = decoded(by_kind(files, "web")[0].path, tmp_path)
    assert model.colors is None and model.uvs is None
    png = next(f for f in by_kind(files, "poster") if f.width == 512 and f.path.suffix == ".png")
    rgb, _ = opaque_pixels(png.path)
    assert len(rgb) > 0.1 * 512 * 512
    assert np.ptp(rgb.mean(axis=0)) < 40  # greyish: no invented colour


def test_tiny_mesh_below_every_lod_target_still_gets_web_model_and_posters(tmp_path):
    box = trimesh.creation.box(extents=(0.2, 0.1, 0.05))
    files = build_derivatives(box, scale_to_metres=1.0, workdir=tmp_path / "out")
    assert not by_kind(files, "lod")
    (web,) = by_kind(files, "web")
    assert web.faces == 12
    assert decoded(web.path, tmp_path).face_count == 12
    assert len(by_kind(files, "poster")) == 4
    assert len(by_kind(files, "turntable")) == 1


def test_z_up_scan_is_turned_to_y_up(tmp_path):
    vase = red_vase(60, 40)
    vase.apply_transform(trimesh.transformations.rotation_matrix(np.pi / 2, [1, 0, 0]))
    assert np.ptp(vase.vertices[:, 2]) == pytest.approx(0.3, rel=0.01)  # built lying on Z
    files = build_derivatives(
        vase, scale_to_metres=1.0, workdir=tmp_path / "out", make_turntable=False, up_axis="z"
    )
    model = decoded(by_kind(files, "web")[0].path, tmp_path)
    assert np.ptp(model.positions[:, 1]) == pytest.approx(0.3, rel=0.01)


def test_mesh_without_faces_is_refused_with_a_reason(tmp_path):
    points = trimesh.Trimesh(vertices=np.zeros((3, 3)), faces=np.zeros((0, 3), int))
    with pytest.raises(DerivativeError, match="no faces"):
        build_derivatives(points, scale_to_metres=1.0, workdir=tmp_path / "out")


def test_texture_is_not_upside_down(tmp_path):
    files = build_derivatives(
        two_tone_vase(), scale_to_metres=1.0, workdir=tmp_path / "out", make_turntable=False
    )
    png = next(f for f in by_kind(files, "poster") if f.width == 512 and f.path.suffix == ".png")
    pixels = np.asarray(Image.open(png.path).convert("RGBA")).astype(int)
    rows = np.nonzero((pixels[..., 3] > 200).any(axis=1))[0]
    top = pixels[rows[0] : rows[0] + 40].reshape(-1, 4)
    bottom = pixels[rows[-1] - 40 : rows[-1]].reshape(-1, 4)
    top, bottom = top[top[:, 3] > 200], bottom[bottom[:, 3] > 200]
    assert (top[:, 0] > top[:, 2]).mean() > 0.9  # red at the top of the vase
    assert (bottom[:, 2] > bottom[:, 0]).mean() > 0.9  # blue at its base


def test_larger_scan_gets_chained_lods_that_keep_colours(tmp_path):
    files = build_derivatives(
        red_vase(260, 260), scale_to_metres=1.0, workdir=tmp_path / "out", make_turntable=False
    )
    lods = {f.path.name: f for f in by_kind(files, "lod")}
    assert set(lods) == {"lod_100k.glb", "lod_20k.glb"}  # 134,940 faces: no 500k LOD
    for name, target in (("lod_100k.glb", 100_000), ("lod_20k.glb", 20_000)):
        lod = decoded(lods[name].path, tmp_path)
        assert target * 0.7 <= lod.face_count <= target * 1.2
        assert lod.colors is not None
        assert np.ptp(lod.positions[:, 1]) == pytest.approx(0.3, rel=0.03)


def test_lod_check_names_what_went_wrong():
    mesh = red_vase(60, 40)
    source = mesh_arrays(mesh, scale_to_metres=1.0)
    bounds = (source.positions.min(axis=0), source.positions.max(axis=0))
    assert lod_problem(source, 4_000, source, bounds) == ""
    assert "stopped at" in lod_problem(source, 1_000, source, bounds)
    assert "collapsed" in lod_problem(source, 40_000, source, bounds)
    shrunk = replace(source, positions=source.positions * 0.5)
    assert "bounding box moved" in lod_problem(shrunk, 4_000, source, bounds)
    colourless = replace(source, colors=None)
    assert "vertex colours" in lod_problem(colourless, 4_000, source, bounds)


def test_missing_compressor_fails_with_a_reason_for_the_administrator(tmp_path, monkeypatch):
    monkeypatch.setenv("MUSEUM_GLTFPACK", str(tmp_path / "no-such-gltfpack"))
    with pytest.raises(DerivativeError, match="gltfpack"):
        build_derivatives(red_vase(40, 20), scale_to_metres=1.0, workdir=tmp_path / "out")


def web_texture(web_path):
    doc, binary = read_glb_json(web_path)
    view = doc["bufferViews"][doc["images"][0]["bufferView"]]
    start = view.get("byteOffset", 0)
    data = bytes(binary[start : start + view["byteLength"]])
    return doc, Image.open(io.BytesIO(data))


def test_texture_with_transparency_is_kept_as_png_with_blending(tmp_path):
    mesh = two_tone_vase()
    pixels = np.asarray(mesh.visual.material.image.convert("RGBA")).copy()
    pixels[:8, :, 3] = 0  # a see-through band, like lace or a broken rim
    mesh.visual.material.image = Image.fromarray(pixels, "RGBA")
    files = build_derivatives(
        mesh, scale_to_metres=1.0, workdir=tmp_path / "out", make_turntable=False
    )
    doc, texture = web_texture(by_kind(files, "web")[0].path)
    assert texture.format == "PNG" and texture.mode == "RGBA"
    assert doc["images"][0]["mimeType"] == "image/png"
    assert doc["materials"][0]["alphaMode"] == "BLEND"


def test_face_colours_become_vertex_colours(tmp_path):
    box = trimesh.creation.box(extents=(0.1, 0.1, 0.1))
    box.visual.face_colors = (20, 160, 40, 255)
    files = build_derivatives(
        box, scale_to_metres=1.0, workdir=tmp_path / "out", make_turntable=False
    )
    model = decoded(by_kind(files, "web")[0].path, tmp_path)
    assert model.colors is not None
    # COLOR_0 is linear: the sRGB bytes (20, 160, 40) are (2, 90, 5) in linear bytes.
    linear = SRGB_BYTE_TO_LINEAR_BYTE[[20, 160, 40]].astype(int)
    assert np.abs(model.colors[:, :3].astype(int) - linear).max() <= 2


def test_scan_collapsed_to_a_point_fails_with_a_blank_poster_reason(tmp_path):
    point = trimesh.Trimesh(vertices=np.zeros((4, 3)), faces=[[0, 1, 2], [1, 2, 3]], process=False)
    with pytest.raises(DerivativeError, match="blank") as caught:
        build_derivatives(point, scale_to_metres=1.0, workdir=tmp_path / "out")
    assert caught.value.code == "blank_poster"


def test_master_glb_keeps_vertex_attributes_four_byte_aligned(tmp_path):
    # glTF requires it (the Khronos validator flagged RGB byte colours before they became RGBA).
    path = tmp_path / "master.glb"
    write_glb(mesh_arrays(red_vase(40, 20), scale_to_metres=1.0), path)
    doc, _ = read_glb_json(path)
    sizes = {5126: 4, 5121: 1, 5123: 2, 5125: 4}
    widths = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}
    for index in doc["meshes"][0]["primitives"][0]["attributes"].values():
        accessor = doc["accessors"][index]
        element = sizes[accessor["componentType"]] * widths[accessor["type"]]
        assert element % 4 == 0
        assert doc["bufferViews"][accessor["bufferView"]]["byteOffset"] % 4 == 0
    model = read_glb(path)
    assert model.colors.shape[1] == 4 and (model.colors[:, 3] == 255).all()
