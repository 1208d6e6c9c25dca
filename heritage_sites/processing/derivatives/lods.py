"""Levels of detail: meshoptimizer's simplifier in-process, gltfpack -si as the fallback.

meshopt_simplify only rewrites the index buffer: every kept vertex keeps its own colour, UV
and normal, and vertices split on a UV seam are collapsed only along the seam, so textures
stay intact. Each LOD is checked (face count near the target, bounding box close to the
scan's, attributes present) and a failed one is retried without the error bound, then with
gltfpack's aggressive mode, before the stage gives up with a reason.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import meshoptimizer
import numpy as np

from .glb import MeshArrays, read_glb, write_glb
from .gltfpack import run_gltfpack

FACE_TOLERANCE = 1.2  # a LOD may keep up to 20% more faces than its target
BBOX_TOLERANCE = 0.05  # of the scan's largest extent
FIRST_ERROR = 0.02  # meshopt's error bound, relative to the mesh extent


class LodFailed(ValueError):
    """No simplifier produced an acceptable LOD; the message says why."""


def simplify_native(arrays: MeshArrays, target: int, error: float) -> MeshArrays:
    """Simplify with the meshoptimizer wheel."""
    indices = np.ascontiguousarray(arrays.faces, dtype=np.uint32).reshape(-1)
    positions = np.ascontiguousarray(arrays.positions, dtype=np.float32)
    out = np.empty_like(indices)
    count = meshoptimizer.simplify(
        out, indices, positions, target_index_count=target * 3, target_error=error
    )
    return compact(arrays, out[:count].reshape(-1, 3))


def compact(arrays: MeshArrays, faces: np.ndarray) -> MeshArrays:
    """Keep only the vertices ``faces`` uses, renumbered in order."""
    used = np.zeros(len(arrays.positions), dtype=bool)
    used[faces.reshape(-1)] = True
    remap = np.cumsum(used, dtype=np.int64) - 1

    def keep(values):
        return None if values is None else np.ascontiguousarray(values[used])

    return replace(
        arrays,
        positions=arrays.positions[used],
        faces=remap[faces].astype(np.uint32),
        normals=keep(arrays.normals),
        colors=keep(arrays.colors),
        uvs=keep(arrays.uvs),
    )


def make_lod(
    source: MeshArrays, target: int, bounds: tuple[np.ndarray, np.ndarray], scratch: Path
) -> MeshArrays:
    """Return an accepted LOD of about ``target`` faces made from ``source``."""
    problems = []
    for error in (FIRST_ERROR, 1.0):
        lod = simplify_native(source, target, error)
        problem = lod_problem(lod, target, source, bounds)
        if not problem:
            return lod
        problems.append(problem)
    src = scratch / f"source_for_{target}.glb"
    dst = scratch / f"gltfpack_{target}.glb"
    write_glb(source, src)
    ratio = f"{min(1.0, target / max(source.face_count, 1)):.6f}"
    for extra in ((), ("-sa",)):
        run_gltfpack(src, dst, "-noq", "-si", ratio, *extra)
        lod = read_glb(dst)
        problem = lod_problem(lod, target, source, bounds)
        if not problem:
            return lod
        problems.append(problem)
    raise LodFailed(f"The {target // 1000}k-face level of detail failed: {problems[-1]}")


def lod_problem(
    lod: MeshArrays, target: int, source: MeshArrays, bounds: tuple[np.ndarray, np.ndarray]
) -> str:
    """Why ``lod`` is not acceptable, or "" when it is."""
    faces = lod.face_count
    if faces > target * FACE_TOLERANCE:
        return f"simplification stopped at {faces} faces (target {target})."
    if faces < target * 0.3:
        return f"simplification collapsed the shape to {faces} faces (target {target})."
    low, high = bounds
    extent = float((high - low).max()) or 1.0
    drift = max(
        float(np.abs(lod.positions.min(axis=0) - low).max()),
        float(np.abs(lod.positions.max(axis=0) - high).max()),
    )
    if drift > BBOX_TOLERANCE * extent:
        return f"its bounding box moved by {drift / extent:.0%} of the scan's size."
    if source.colors is not None and lod.colors is None:
        return "it lost the scan's vertex colours."
    if source.uvs is not None and lod.uvs is None:
        return "it lost the scan's UVs."
    return ""
