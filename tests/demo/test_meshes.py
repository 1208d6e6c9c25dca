"""The procedural stand-ins are real, valid files that agree with the catalogue (no database)."""

import io
import zipfile

import numpy as np
import pytest
import trimesh

from heritage_sites.demo import meshes
from heritage_sites.demo.fixtures import load_fixtures
from heritage_sites.processing.formats import detect_format

CATALOGUE = {item["mesh"]: item["dimensions_mm"] for item in load_fixtures().artefacts}


@pytest.fixture(scope="module")
def built():
    return {
        kind: meshes.build(kind, height_mm=h, width_mm=w, depth_mm=d)
        for kind, (h, w, d) in CATALOGUE.items()
    }


def _load(mesh_file: meshes.MeshFile, folder) -> trimesh.Trimesh:
    if mesh_file.format == "obj_zip":
        with zipfile.ZipFile(io.BytesIO(mesh_file.data)) as archive:
            archive.extractall(folder)
        return trimesh.load(folder / "bowl.obj", process=False, force="mesh")
    return trimesh.load(
        io.BytesIO(mesh_file.data), file_type=mesh_file.format, process=False, force="mesh"
    )


def test_every_artefact_in_the_collection_has_a_builder():
    assert set(CATALOGUE) == set(meshes.BUILDERS)
    assert len(CATALOGUE) >= 6


def test_the_stand_ins_use_several_upload_formats(built):
    assert {f.format for f in built.values()} >= {"ply", "stl", "glb", "obj_zip", "off"}


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_the_file_is_detected_as_the_format_it_claims(kind, built, tmp_path):
    mesh_file = built[kind]
    path = tmp_path / mesh_file.filename
    path.write_bytes(mesh_file.data)
    assert detect_format(path, mesh_file.filename) == mesh_file.format


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_the_mesh_is_modest_closed_and_the_size_of_the_catalogued_object(kind, built, tmp_path):
    mesh_file = built[kind]
    mesh = _load(mesh_file, tmp_path)
    assert 5_000 <= len(mesh.faces) <= 60_000
    height, width, depth = CATALOGUE[kind]
    assert mesh_file.dimensions_mm == (height, width, depth)
    # Y-up in every file: x is the width, y the height, z the depth; standing on y = 0.
    assert mesh.extents == pytest.approx((width, height, depth), abs=0.01)
    assert mesh.bounds[0][1] == pytest.approx(0, abs=0.01)
    # Texture seams split vertices; the shape itself is closed once they are merged.
    merged = mesh.copy()
    merged.merge_vertices(merge_tex=True, merge_norm=True)
    assert merged.is_watertight
    assert merged.is_winding_consistent
    assert merged.volume > 0


@pytest.mark.parametrize("kind", ["vase", "stele"])
def test_vertex_coloured_stand_ins_carry_several_colours(kind, built, tmp_path):
    mesh = _load(built[kind], tmp_path)
    assert mesh.visual.kind == "vertex"
    colours = np.unique(mesh.visual.vertex_colors[:, :3], axis=0)
    assert len(colours) > 50


@pytest.mark.parametrize("kind", ["bowl", "tile"])
def test_textured_stand_ins_carry_uvs_and_a_painted_texture(kind, built, tmp_path):
    mesh = _load(built[kind], tmp_path)
    assert mesh.visual.kind == "texture"
    uv = mesh.visual.uv
    assert uv.shape == (len(mesh.vertices), 2)
    assert uv.min() >= 0 and uv.max() <= 1
    material = mesh.visual.material
    image = getattr(material, "baseColorTexture", None) or getattr(material, "image", None)
    assert image.width >= 1024
    # Painted: several colours, not a flat fill.
    assert len(image.convert("RGB").getcolors(maxcolors=image.width * image.height)) >= 4


def test_the_bowl_archive_holds_the_obj_its_material_and_its_texture(built):
    with zipfile.ZipFile(io.BytesIO(built["bowl"].data)) as archive:
        names = archive.namelist()
        material = archive.read("bowl.mtl").decode()
    assert sorted(names) == ["bowl.mtl", "bowl.obj", "slip_painted.png"]
    assert "map_Kd slip_painted.png" in material


@pytest.mark.parametrize("kind", sorted(CATALOGUE))
def test_the_same_call_gives_the_same_bytes(kind, built):
    height, width, depth = CATALOGUE[kind]
    again = meshes.build(kind, height_mm=height, width_mm=width, depth_mm=depth)
    assert again.data == built[kind].data


def test_the_size_follows_the_catalogue():
    small = meshes.build("vase", height_mm=120, width_mm=60, depth_mm=60)
    mesh = trimesh.load(io.BytesIO(small.data), file_type="ply", process=False)
    assert mesh.extents == pytest.approx((60, 120, 60), abs=0.01)


def test_an_unknown_kind_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="choose from"):
        meshes.build("chariot", height_mm=1, width_mm=1, depth_mm=1)
