"""Web model, levels of detail, posters and turntable for one loaded scan (no Django).

Face budget: the web GLB is the 500k-face level of detail when the scan has more faces than
that, else the whole scan. LODs are made at about 500k, 100k and 20k faces, only below the
scan's own count. gltfpack simplifies (keeping vertex colours and UV seams) and compresses
(EXT_meshopt_compression + KHR_mesh_quantization, as `gltfpack -cc`); every LOD is checked
(face count near its target, bounding box close to the scan's) before it is kept. Posters
and the turntable are ray cast on the CPU from the largest LOD of at most 150k faces.
"""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import numpy as np
import trimesh

from ..errors import Rejected
from ..types import DerivativeFile
from .glb import MeshArrays, read_glb, write_glb
from .gltfpack import (
    GltfpackFailed,
    GltfpackUnavailable,
    finish_gltfpack,
    run_gltfpack,
    start_gltfpack,
)
from .posters import write_posters
from .render import BlankRender

__all__ = ["LOD_TARGETS", "WEB_MAX_FACES", "DerivativeError", "build_derivatives"]

LOD_TARGETS = (500_000, 100_000, 20_000)
WEB_MAX_FACES = 500_000
POSTER_MAX_FACES = 150_000
FACE_TOLERANCE = 1.2  # a LOD may keep up to 20% more faces than its target
BBOX_TOLERANCE = 0.05  # of the scan's largest extent
GLB = "model/gltf-binary"


class DerivativeError(Rejected):
    """A derivative could not be made; the reason is written for a curator.

    A Rejected, so that run_pipeline fails the scan with this reason rather than as an
    internal error.
    """

    def __init__(self, reason: str, *, code: str = "derivatives") -> None:
        super().__init__(reason, code=code)


def build_derivatives(
    mesh: trimesh.Trimesh,
    *,
    scale_to_metres: float,
    workdir: Path,
    make_turntable: bool = True,
    up_axis: str = "y",
) -> list[DerivativeFile]:
    """Write the web GLB, LODs, posters and turntable of ``mesh`` into ``workdir``.

    ``mesh`` is in the file's own units (``scale_to_metres`` turns them into metres);
    ``up_axis`` is "y" (glTF, OBJ and most scanners) or "z" (turned to Y up).
    """
    from .prepare import mesh_arrays

    if len(mesh.faces) == 0:
        raise DerivativeError("The scan has no faces, so no web model can be made from it.")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = workdir / ".work"
    scratch.mkdir(exist_ok=True)
    try:
        master = mesh_arrays(mesh, scale_to_metres=scale_to_metres, up_axis=up_axis)
        return _build(master, workdir, scratch, make_turntable)
    except GltfpackUnavailable as exc:
        raise DerivativeError(
            "The server could not start its model compressor (gltfpack), so no web model was "
            f"made. An administrator should check the installation, then reprocess. ({exc})"
        ) from exc
    except GltfpackFailed as exc:
        raise DerivativeError(
            f"The web model could not be compressed or simplified. Details: {exc}"
        ) from exc
    except BlankRender as exc:
        raise DerivativeError(str(exc), code="blank_poster") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _build(
    master: MeshArrays, workdir: Path, scratch: Path, make_turntable: bool
) -> list[DerivativeFile]:
    master_path = scratch / "master.glb"
    write_glb(master, master_path)
    faces = master.face_count
    targets = [t for t in LOD_TARGETS if t < faces]
    raw = _make_lods(master, master_path, targets, scratch)  # target -> (path, arrays)

    # Compress the web model and each LOD in the background while Python draws posters.
    web_source = raw.get(WEB_MAX_FACES) if faces > WEB_MAX_FACES else None
    web_path, web_faces = workdir / "web.glb", master.face_count
    jobs = []
    if web_source is None:
        jobs.append((start_gltfpack(master_path, web_path, "-cc"), web_path))
    else:
        web_faces = web_source[1].face_count
        jobs.append((start_gltfpack(web_source[0], web_path, "-cc"), web_path))
    out = [DerivativeFile("web", web_path, GLB, faces=web_faces)]
    for target in targets:
        path, arrays = raw[target]
        lod_path = workdir / f"lod_{target // 1000}k.glb"
        if web_source is not None and path == web_source[0]:
            jobs.append((None, lod_path))  # same bytes as the web model: copied below
        else:
            jobs.append((start_gltfpack(path, lod_path, "-cc"), lod_path))
        out.append(DerivativeFile("lod", lod_path, GLB, faces=arrays.face_count))

    try:
        if faces <= POSTER_MAX_FACES:
            stage_source = master
        else:
            stage_source = next(raw[t][1] for t in targets if t <= POSTER_MAX_FACES)
        out.extend(write_posters(stage_source, workdir, make_turntable=make_turntable))
        for proc, path in jobs:
            if proc is not None:
                finish_gltfpack(proc, path)
    except BaseException:
        for proc, _ in jobs:
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.communicate()
        raise
    for proc, path in jobs:
        if proc is None:
            shutil.copyfile(web_path, path)
    return out


def _make_lods(
    master: MeshArrays, master_path: Path, targets: list[int], scratch: Path
) -> dict[int, tuple[Path, MeshArrays]]:
    """Simplify with gltfpack: the two largest LODs from the scan in parallel, then chained."""
    raw: dict[int, tuple[Path, MeshArrays]] = {}
    low, high = master.positions.min(axis=0), master.positions.max(axis=0)
    started = []
    for target in targets[:2]:
        dst = scratch / f"raw_{target}.glb"
        proc = start_gltfpack(master_path, dst, *_simplify_args(target, master.face_count))
        started.append((target, dst, proc))
    try:
        for target, dst, proc in started:
            finish_gltfpack(proc, dst)
            raw[target] = (dst, _checked_lod(master_path, dst, target, master, low, high))
    except BaseException:
        for _, _, proc in started:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        raise
    for previous, target in itertools.pairwise(targets[1:]):
        src, src_arrays = raw[previous]
        dst = scratch / f"raw_{target}.glb"
        run_gltfpack(src, dst, *_simplify_args(target, src_arrays.face_count))
        raw[target] = (dst, _checked_lod(src, dst, target, src_arrays, low, high))
    return raw


def _simplify_args(target: int, faces: int, *extra: str) -> tuple[str, ...]:
    ratio = min(1.0, target / max(faces, 1))
    return ("-noq", "-si", f"{ratio:.6f}", *extra)


def _checked_lod(
    src: Path, dst: Path, target: int, source: MeshArrays, low: np.ndarray, high: np.ndarray
) -> MeshArrays:
    """Read a LOD back and check it; retry once with aggressive simplification if it stalled."""
    lod = read_glb(dst)
    problem = _lod_problem(lod, target, source, low, high)
    if problem and lod.face_count > target * FACE_TOLERANCE:
        run_gltfpack(src, dst, *_simplify_args(target, source.face_count, "-sa"))
        lod = read_glb(dst)
        problem = _lod_problem(lod, target, source, low, high)
    if problem:
        raise DerivativeError(f"The {target // 1000}k-face level of detail failed: {problem}")
    return lod


def _lod_problem(
    lod: MeshArrays, target: int, source: MeshArrays, low: np.ndarray, high: np.ndarray
) -> str:
    faces = lod.face_count
    if faces > target * FACE_TOLERANCE:
        return f"simplification stopped at {faces} faces (target {target})."
    if faces < target * 0.3:
        return f"simplification collapsed the shape to {faces} faces (target {target})."
    extent = float((high - low).max()) or 1.0
    drift = max(
        float(np.abs(lod.positions.min(axis=0) - low).max()),
        float(np.abs(lod.positions.max(axis=0) - high).max()),
    )
    if drift > BBOX_TOLERANCE * extent:
        return f"its bounding box moved by {drift / extent:.0%} of the scan's size."
    for name in ("colors", "uvs"):
        if getattr(source, name) is not None and getattr(lod, name) is None:
            return f"it lost the scan's {'vertex colours' if name == 'colors' else 'UVs'}."
    return ""
