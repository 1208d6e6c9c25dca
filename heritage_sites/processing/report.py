"""The validation report: what a curator needs to know about a mesh, computed with numpy.

trimesh's cached properties cost seconds and gigabytes at a million faces (FIELD-NOTES), so
topology is computed here from integer edge keys on position-welded vertices: a texture or
normal seam does not count as an open edge, a real hole does.
"""

from __future__ import annotations

import numpy as np
import trimesh
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from heritage_sites.processing.load import weld

MM_PER_UNIT = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
UNIT_NAMES = {"mm": "millimetres", "cm": "centimetres", "m": "metres", "in": "inches"}
CATALOGUE_TOLERANCE = 0.20
# Two bounds keep every later computation finite, checked before it runs.
# MAX_COORDINATE, in the file's own units, guards the report's float64 arithmetic: twice a
# face's area is a product of coordinate differences and its length a sum of their fourth
# powers ((2e15)^4 ~ 1e61, far below float64's 1.8e308), volumes are cubes, and welding
# rounds at 1e-8 (it scales by 1e8). Real scans are nowhere near: a site geo-referenced in
# millimetres (Earth-centred coordinates) stays below 1e10. Crafted STLs reach 3e38.
MAX_COORDINATE = 1e15
# MAX_EXTENT_MM guards the derivatives, which are centred, in metres and 32-bit floats
# (glTF's only float type, at most 3.4e38): the poster camera's radius is a sum of squared
# extents, and a vertex normal's length a sum of squares of cross products summed over the
# faces round the vertex, i.e. fourth powers of edge lengths times the valence squared. At
# 1e7 m (10,000 km, the size of the Earth) that is ~1e29 times valence^2: finite for any real
# mesh. Above it the products overflow and the poster's camera turns into NaN.
MAX_EXTENT_MM = 1e10


def _issue(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def build_report(
    mesh: trimesh.Trimesh,
    *,
    fmt: str,
    declared_unit: str | None,
    catalogue_dimensions_mm: tuple[float, float, float] | None,
    has_normals: bool = False,
    textures: list[dict] | None = None,
) -> dict:
    """Measure the mesh. Errors (reasons to refuse) and warnings are separate lists."""
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces, dtype=np.int64).reshape(-1, 3)
    errors: list[dict] = []
    warnings: list[dict] = []
    report: dict = {
        "vertices": len(vertices),
        "faces": len(faces),
        "errors": errors,
        "warnings": warnings,
    }
    report.update(_appearance(mesh, has_normals, textures or []))
    if len(faces) == 0:
        errors.append(_issue("no_faces", "The model has no faces: there is no surface to show."))
        return report
    if faces.min() < 0 or faces.max() >= len(vertices):
        errors.append(
            _issue(
                "invalid_indices",
                "Some faces refer to vertices that do not exist (an index out of range).",
            )
        )
        return report
    finite = np.isfinite(vertices).all(axis=1)
    report["non_finite_vertices"] = int((~finite).sum())
    if not finite.all():
        errors.append(
            _issue(
                "non_finite",
                f"{report['non_finite_vertices']:,} vertices have coordinates that are not "
                "numbers (NaN or infinity). Export the model again.",
            )
        )
        return report
    largest = float(np.abs(vertices).max()) if len(vertices) else 0.0
    if largest > MAX_COORDINATE:
        report["largest_coordinate"] = largest
        errors.append(
            _issue(
                "coordinates_too_large",
                f"The model's coordinates reach {largest:.3g}, far beyond the "
                f"{MAX_COORDINATE:.0e} this museum can compute with (even a whole site in "
                "millimetres stays below 1e+10). The file's numbers are damaged or were "
                "written in the wrong unit: export the model again.",
            )
        )
        return report
    report.update(_topology(vertices, faces, warnings))
    doubled_area = report.pop("_doubled_area")
    if report["degenerate_faces"] == len(faces):
        report.pop("_signed_volume")
        errors.append(
            _issue(
                "all_degenerate",
                "Every face has zero area: the model has no visible surface.",
            )
        )
        return report
    report.update(_measures(vertices, faces, doubled_area, report, warnings))
    report.update(_dimensions(vertices, fmt, declared_unit, catalogue_dimensions_mm, warnings))
    widest = max(report["extents_mm"])
    if widest > MAX_EXTENT_MM:
        unit = UNIT_NAMES[report["unit"]]
        errors.append(
            _issue(
                "too_large",
                f"Read in {unit}, the model is {widest / 1e6:,.0f} km across, larger than the "
                f"Earth ({MAX_EXTENT_MM / 1e6:,.0f} km is the most this museum computes with). "
                "The file's numbers are damaged, or its unit is wrong: declare the right unit "
                "or export the model again.",
            )
        )
        return report
    for key in ("surface_area", "volume"):
        if report.get(key) is not None:
            factor = report["mm_per_unit"] ** (2 if key == "surface_area" else 3)
            report[f"{key}_mm{2 if key == 'surface_area' else 3}"] = report[key] * factor
    return report


def _appearance(mesh: trimesh.Trimesh, has_normals: bool, textures: list[dict]) -> dict:
    visual = mesh.visual
    kind = getattr(visual, "kind", None)
    uv = getattr(visual, "uv", None) if kind == "texture" else None
    image = None
    if kind == "texture":
        material = getattr(visual, "material", None)
        image = getattr(material, "image", None) or getattr(material, "baseColorTexture", None)
    return {
        "has_normals": bool(has_normals),
        "has_uvs": uv is not None and len(uv) > 0,
        "has_texture": image is not None,
        "has_vertex_colors": kind == "vertex",
        "textures": textures,
    }


CHUNK_FACES = 1 << 18  # faces measured at a time: a few MB of float64 scratch, not gigabytes


def _topology(vertices: np.ndarray, faces: np.ndarray, warnings: list[dict]) -> dict:
    # Weld at trimesh's merge tolerance (1e-8): exporters round coordinates differently on
    # the two sides of an edge, which exact equality would count as holes.
    _, welded = weld(np.round(vertices, 8))
    n = int(welded.max()) + 1
    # 32-bit vertex numbers halve the memory of every index array below.
    index_type = np.int32 if n < 2**31 else np.int64
    tri = welded.astype(index_type)[faces]
    del welded
    corners_repeat = (tri[:, 0] == tri[:, 1]) | (tri[:, 1] == tri[:, 2]) | (tri[:, 0] == tri[:, 2])
    doubled_area, signed_volume = _areas_and_volume(vertices, faces)
    scale = float(np.ptp(vertices, axis=0).max()) or 1.0
    degenerate = corners_repeat | (doubled_area <= (scale * 1e-12) ** 2)

    duplicate = _duplicate_faces(np.sort(tri, axis=1).astype(np.int64), n)

    # Edges of faces that have an area; a zero-area sliver has no sides worth counting.
    # One sort of the undirected edge keys answers every edge question (np.unique and
    # np.isin each cost more than the whole sort at a million faces).
    kept = np.flatnonzero(~corners_repeat)
    good = tri[kept] if len(kept) < len(tri) else tri
    del tri
    heads = good.reshape(-1)
    tails = np.roll(good, -1, axis=1).reshape(-1)
    del good
    undirected = np.minimum(heads, tails).astype(np.int64)
    undirected *= n
    undirected += np.maximum(heads, tails)
    del tails
    order = np.argsort(undirected)
    keys = undirected[order]
    del undirected
    change = np.empty(len(keys), dtype=bool)
    change[:1] = True
    np.not_equal(keys[1:], keys[:-1], out=change[1:])
    del keys
    starts = np.flatnonzero(change)
    del change
    counts = np.diff(starts, append=len(order))
    boundary = int((counts == 1).sum())
    non_manifold = int((counts > 2).sum())
    # A manifold edge sits at two neighbouring places of the sorted order; consistent
    # winding walks it once in each direction, so its two half-edges start at different ends.
    first = starts[counts == 2]
    del starts, counts
    left, right = order[first], order[first + 1]
    del order, first
    inconsistent = int((heads[left] == heads[right]).sum())
    del heads
    bodies = _count_bodies(kept[left // 3], kept[right // 3], len(faces), kept)
    del left, right

    watertight = boundary == 0 and non_manifold == 0
    if boundary:
        warnings.append(
            _issue(
                "open_mesh",
                f"The surface is open: {boundary:,} edges border a hole. It displays fine; "
                "it cannot be 3D-printed as is and has no volume.",
            )
        )
    if non_manifold:
        warnings.append(
            _issue(
                "non_manifold",
                f"{non_manifold:,} edges are shared by more than two faces (non-manifold).",
            )
        )
    if bodies > 1:
        warnings.append(
            _issue("several_bodies", f"The model is made of {bodies:,} separate pieces.")
        )
    if inconsistent:
        warnings.append(
            _issue(
                "inconsistent_winding",
                f"Neighbouring faces disagree about which side is outside along "
                f"{inconsistent:,} edges (flipped faces); some may look dark or see-through.",
            )
        )
    if degenerate.any():
        warnings.append(
            _issue("degenerate_faces", f"{int(degenerate.sum()):,} faces have zero area.")
        )
    if duplicate:
        warnings.append(_issue("duplicate_faces", f"{duplicate:,} faces are duplicated."))
    return {
        "welded_vertices": n,
        "bodies": bodies,
        "watertight": watertight,
        "winding_consistent": inconsistent == 0,
        "inconsistent_winding_edges": inconsistent,
        "boundary_edges": boundary,
        "non_manifold_edges": non_manifold,
        "degenerate_faces": int(degenerate.sum()),
        "duplicate_faces": duplicate,
        "_doubled_area": doubled_area,
        "_signed_volume": signed_volume,
    }


def _areas_and_volume(vertices: np.ndarray, faces: np.ndarray) -> tuple[np.ndarray, float]:
    """Twice each face's area, and the signed volume enclosed, a chunk of faces at a time."""
    origin = vertices.mean(axis=0)
    doubled_area = np.empty(len(faces), dtype=np.float64)
    six_volumes = 0.0
    for begin in range(0, len(faces), CHUNK_FACES):
        part = faces[begin : begin + CHUNK_FACES]
        # Written out per component: np.cross and a (F, 3, 3) gather cost three times as much.
        v0 = vertices[part[:, 0]] - origin
        e1 = vertices[part[:, 1]] - origin - v0
        e2 = vertices[part[:, 2]] - origin - v0
        cross = np.empty_like(v0)
        cross[:, 0] = e1[:, 1] * e2[:, 2] - e1[:, 2] * e2[:, 1]
        cross[:, 1] = e1[:, 2] * e2[:, 0] - e1[:, 0] * e2[:, 2]
        cross[:, 2] = e1[:, 0] * e2[:, 1] - e1[:, 1] * e2[:, 0]
        doubled_area[begin : begin + len(part)] = np.sqrt(np.einsum("ij,ij->i", cross, cross))
        # v0 . (e1 x e2) is six times the signed volume of the tetrahedron (origin, face).
        six_volumes += float(np.einsum("ij,ij->i", v0, cross).sum())
    return doubled_area, six_volumes / 6.0


def _duplicate_faces(ordered: np.ndarray, n: int) -> int:
    """Faces that use the same three vertices as another face, in any order."""
    if len(ordered) < 2:
        return 0
    if n < 2**21:
        keys = np.sort((ordered[:, 0] << 42) | (ordered[:, 1] << 21) | ordered[:, 2])
        return int((keys[1:] == keys[:-1]).sum())
    order = np.lexsort((ordered[:, 2], ordered[:, 1], ordered[:, 0]))
    rows = ordered[order]
    return int((rows[1:] == rows[:-1]).all(axis=1).sum())


def _count_bodies(left: np.ndarray, right: np.ndarray, face_count: int, kept) -> int:
    """Pieces of surface: faces joined across edges that exactly two faces share.

    A corner or a non-manifold edge where two pieces touch does not make them one body.
    """
    if not len(kept):
        return 0
    graph = coo_matrix(
        (np.ones(len(left), dtype=np.int8), (left, right)), shape=(face_count, face_count)
    )
    _, labels = connected_components(graph, directed=False)
    return len(np.unique(labels[kept]))


def _measures(vertices, faces, doubled_area, report: dict, warnings: list[dict]) -> dict:
    area = float(doubled_area.sum() / 2.0)
    volume = None
    if report["watertight"] and report["winding_consistent"]:
        signed = report["_signed_volume"]
        if signed < 0:
            warnings.append(
                _issue(
                    "flipped_normals",
                    "Every face points inwards (the surface is inside out); the web copy may "
                    "look dark.",
                )
            )
        volume = abs(signed)
    report.pop("_signed_volume")
    return {"surface_area": area, "volume": volume}


def detect_unit(extents: np.ndarray, fmt: str, catalogue) -> tuple[str, str]:
    """Guess the unit of a model whose file does not say; return (unit, reason)."""
    if fmt in ("glb", "gltf", "gltf_zip"):
        return "m", "glTF stores lengths in metres by definition."
    largest = float(extents.max())
    if catalogue:
        wanted = np.sort(np.asarray(catalogue, dtype=float))
        got = np.sort(extents)
        best = min(
            ("mm", "cm", "m"),
            key=lambda unit: abs(np.log((got * MM_PER_UNIT[unit] + 1e-9) / (wanted + 1e-9))).max(),
        )
        return best, (
            f"The file does not say its unit; read in {UNIT_NAMES[best]} its size is closest "
            "to the catalogued dimensions."
        )
    if largest < 10:
        return "m", (
            f"The file does not say its unit and its largest side is {largest:.3g} units: read "
            "as millimetres it would be smaller than a centimetre, so metres were assumed."
        )
    return "mm", (
        f"The file does not say its unit and its largest side is {largest:.3g} units, a "
        "plausible size in millimetres (scanners usually export millimetres)."
    )


def _dimensions(vertices, fmt, declared_unit, catalogue, warnings: list[dict]) -> dict:
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    extents = high - low
    if declared_unit in MM_PER_UNIT:
        unit, reason, source = declared_unit, "Declared by the curator.", "declared"
    else:
        unit, reason = detect_unit(extents, fmt, catalogue)
        source = "detected"
    factor = MM_PER_UNIT[unit]
    result = {
        "unit": unit,
        "unit_source": source,
        "unit_reason": reason,
        "mm_per_unit": factor,
        "bounding_box_mm": {"min": (low * factor).tolist(), "max": (high * factor).tolist()},
        "extents_mm": (extents * factor).tolist(),
        "catalogue_dimensions_mm": list(catalogue) if catalogue else None,
        "catalogue_match": None,
    }
    if catalogue:
        got = np.sort(extents * factor)
        wanted = np.sort(np.asarray(catalogue, dtype=float))
        ratios = got / np.where(wanted > 0, wanted, np.nan)
        match = bool(np.all(np.abs(ratios - 1) <= CATALOGUE_TOLERANCE))
        result["catalogue_match"] = match
        result["catalogue_ratios"] = [None if np.isnan(r) else float(r) for r in ratios]
        if not match:
            shown = " x ".join(f"{v:,.0f}" for v in got[::-1])
            listed = " x ".join(f"{v:,.0f}" for v in wanted[::-1])
            warnings.append(
                _issue(
                    "catalogue_mismatch",
                    f"The scan measures {shown} mm ({unit}) but the catalogue says {listed} mm: "
                    "they differ by more than 20%, usually a unit mistake. Check the declared "
                    "unit.",
                )
            )
    return result
