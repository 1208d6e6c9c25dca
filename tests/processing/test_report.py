"""The validation report measures what curators need, keeping errors apart from warnings."""

from __future__ import annotations

import numpy as np
import pytest
import trimesh

from heritage_sites.processing.report import build_report


def report_of(mesh, **options):
    options.setdefault("fmt", "stl")
    options.setdefault("declared_unit", "mm")
    options.setdefault("catalogue_dimensions_mm", None)
    return build_report(mesh, **options)


def codes(items):
    return {item["code"] for item in items}


def box(extents=(10, 20, 30)):
    return trimesh.creation.box(extents=extents)


def test_a_closed_box_is_watertight_with_area_and_volume():
    report = report_of(box())
    assert report["faces"] == 12
    assert report["bodies"] == 1
    assert report["watertight"] is True
    assert report["winding_consistent"] is True
    assert report["boundary_edges"] == report["non_manifold_edges"] == 0
    assert report["extents_mm"] == pytest.approx([10, 20, 30])
    assert report["surface_area_mm2"] == pytest.approx(2 * (200 + 300 + 600))
    assert report["volume_mm3"] == pytest.approx(6000)
    assert report["errors"] == [] and report["warnings"] == []


def test_a_missing_face_makes_an_open_mesh_warning_and_no_volume():
    mesh = box()
    mesh = trimesh.Trimesh(mesh.vertices, mesh.faces[1:], process=False)
    report = report_of(mesh)
    assert report["watertight"] is False
    assert report["boundary_edges"] == 3
    assert report["volume"] is None
    assert codes(report["warnings"]) == {"open_mesh"}


def test_texture_seams_do_not_count_as_holes():
    mesh = box()
    # Split every face's corners apart, as a UV-mapped export does at its seams.
    corners = mesh.vertices[mesh.faces].reshape(-1, 3)
    split = trimesh.Trimesh(corners, np.arange(len(corners)).reshape(-1, 3), process=False)
    report = report_of(split)
    assert report["vertices"] == 36
    assert report["watertight"] is True


def test_two_separate_boxes_are_two_bodies():
    mesh = trimesh.util.concatenate([box(), box().apply_translation([100, 0, 0])])
    report = report_of(mesh)
    assert report["bodies"] == 2
    assert "several_bodies" in codes(report["warnings"])


def test_a_flipped_face_breaks_winding_consistency():
    mesh = box()
    faces = mesh.faces.copy()
    faces[0] = faces[0][::-1]
    report = report_of(trimesh.Trimesh(mesh.vertices, faces, process=False))
    assert report["winding_consistent"] is False
    assert report["inconsistent_winding_edges"] == 3
    assert "inconsistent_winding" in codes(report["warnings"])


def test_an_inside_out_mesh_warns_of_flipped_normals():
    mesh = box()
    report = report_of(trimesh.Trimesh(mesh.vertices, mesh.faces[:, ::-1], process=False))
    assert report["volume_mm3"] == pytest.approx(6000)
    assert "flipped_normals" in codes(report["warnings"])


def test_duplicate_and_degenerate_faces_are_counted():
    mesh = box()
    faces = np.vstack([mesh.faces, mesh.faces[:1], [[0, 0, 1]]])
    report = report_of(trimesh.Trimesh(mesh.vertices, faces, process=False))
    assert report["duplicate_faces"] == 1
    assert report["degenerate_faces"] == 1
    assert {"duplicate_faces", "degenerate_faces"} <= codes(report["warnings"])
    assert report["errors"] == []


def test_non_finite_coordinates_are_an_error_not_a_warning():
    mesh = box()
    vertices = mesh.vertices.copy()
    vertices[0] = [np.nan, 0, np.inf]
    report = report_of(trimesh.Trimesh(vertices, mesh.faces, process=False))
    assert codes(report["errors"]) == {"non_finite"}
    assert report["non_finite_vertices"] == 1


def test_no_faces_is_an_error():
    report = report_of(trimesh.Trimesh(vertices=np.zeros((3, 3)), faces=np.zeros((0, 3))))
    assert codes(report["errors"]) == {"no_faces"}


def test_a_catalogue_disagreement_over_twenty_percent_warns_of_a_unit_mistake():
    # Exported in centimetres but declared as millimetres: ten times too small.
    report = report_of(box((1.0, 2.0, 3.0)), catalogue_dimensions_mm=(30, 20, 10))
    assert report["catalogue_match"] is False
    warning = next(w for w in report["warnings"] if w["code"] == "catalogue_mismatch")
    assert "usually a unit mistake" in warning["message"]


def test_the_catalogue_comparison_ignores_axis_order():
    report = report_of(box((10, 20, 30)), catalogue_dimensions_mm=(31, 10, 19))
    assert report["catalogue_match"] is True
    assert "catalogue_mismatch" not in codes(report["warnings"])


def test_an_undeclared_unit_is_detected_with_its_reason():
    metres = report_of(box((0.2, 0.3, 0.4)), declared_unit=None)
    assert metres["unit"] == "m" and metres["unit_source"] == "detected"
    assert "metres were assumed" in metres["unit_reason"]
    assert metres["extents_mm"] == pytest.approx([200, 300, 400])
    millimetres = report_of(box((200, 300, 400)), declared_unit=None)
    assert millimetres["unit"] == "mm"
    assert "millimetres" in millimetres["unit_reason"]


def test_the_catalogue_decides_an_undeclared_unit():
    report = report_of(
        box((20, 30, 40)), declared_unit=None, catalogue_dimensions_mm=(400, 300, 200)
    )
    assert report["unit"] == "cm"
    assert "catalogued dimensions" in report["unit_reason"]
    assert report["catalogue_match"] is True


def test_gltf_is_read_in_metres():
    report = report_of(box((0.5, 0.5, 0.5)), declared_unit=None, fmt="glb")
    assert report["unit"] == "m"
    assert "metres by definition" in report["unit_reason"]


def test_vertex_colours_are_reported():
    mesh = box()
    mesh.visual.vertex_colors = np.tile([200, 10, 10, 255], (len(mesh.vertices), 1))
    report = report_of(mesh)
    assert report["has_vertex_colors"] is True
    assert report["has_texture"] is False
