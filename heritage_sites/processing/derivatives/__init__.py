"""Web model, levels of detail, posters and turntable for one loaded scan (no Django).

Face budget: the web GLB is the 500k-face level of detail when the scan has more faces than
that, else the whole scan. LODs are made at about 500k, 100k and 20k faces, only below the
scan's own count, each from the previous one. meshoptimizer simplifies in-process (vertex
colours, UVs and seams kept; see lods.py) and gltfpack compresses every GLB in a parallel
process (EXT_meshopt_compression + KHR_mesh_quantization, exactly `gltfpack -cc`); textures
are then stored as WebP with a small fallback (webp.py), scaled to each LOD and encoded in
a thread of their own from the start. Posters
and the turntable are ray cast on the CPU from the full scan when it has at most 150k faces,
else from the 100k LOD.
"""

from __future__ import annotations

import shutil
from functools import partial
from pathlib import Path

import trimesh

from ..errors import Rejected, technical_detail
from ..types import DerivativeFile
from .glb import MAX_TEXTURE_PX, MeshArrays, write_glb
from .gltfpack import Compressor, GltfpackFailed, GltfpackUnavailable
from .lods import LodFailed, make_lod
from .posters import write_posters
from .render import BlankRender
from .webp import WebpTextures

__all__ = ["LOD_TARGETS", "WEB_MAX_FACES", "DerivativeError", "build_derivatives"]

LOD_TARGETS = (500_000, 100_000, 20_000)
WEB_MAX_FACES = 500_000
POSTER_MAX_FACES = 150_000
# Textures scaled to their LOD (about 2048 px per 500k faces, the lightest for phones at 1024).
LOD_TEXTURE_PX = {100_000: 1448, 20_000: 1024}
GLB = "model/gltf-binary"


class DerivativeError(Rejected):
    """A derivative could not be made; the reason is written for a curator.

    A Rejected, so that run_pipeline fails the scan with this reason rather than as an
    internal error.
    """

    def __init__(self, reason: str, *, code: str = "derivatives", detail: str = "") -> None:
        super().__init__(reason, code=code, detail=detail)


def build_derivatives(
    mesh: trimesh.Trimesh,
    *,
    scale_to_metres: float,
    workdir: Path,
    make_turntable: bool = True,
    up_axis: str = "+y",
    quarter_turns: int = 0,
    colours_are_srgb: bool = True,
) -> list[DerivativeFile]:
    """Write the web GLB, LODs, posters and turntable of ``mesh`` into ``workdir``.

    ``mesh`` is in the file's own units (``scale_to_metres`` turns them into metres);
    ``up_axis`` (one of pose.UP_AXES) and ``quarter_turns`` are the scan's pose: the mesh is
    turned through pose.pose_matrix so that its up axis becomes glTF's +Y.
    ``colours_are_srgb``: the mesh's vertex colours are sRGB bytes (PLY, OFF, STL, OBJ) and
    become linear COLOR_0; False for glTF inputs, whose colours are linear already.
    """
    from .prepare import mesh_arrays

    if len(mesh.faces) == 0:
        raise DerivativeError("The scan has no faces, so no web model can be made from it.")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    scratch = workdir / ".work"
    scratch.mkdir(exist_ok=True)
    try:
        master = mesh_arrays(
            mesh,
            scale_to_metres=scale_to_metres,
            up_axis=up_axis,
            quarter_turns=quarter_turns,
            colours_are_srgb=colours_are_srgb,
        )
        return _build(master, workdir, scratch, make_turntable)
    except GltfpackUnavailable as exc:
        raise DerivativeError(
            "The server could not start its model compressor (gltfpack), so no web model was "
            "made. This is not a fault in the file: an administrator should check the "
            "installation (the scan's report has the details), then reprocess.",
            detail=technical_detail(exc),
        ) from exc
    except GltfpackFailed as exc:
        raise DerivativeError(
            "The web model could not be compressed or simplified; the model may be damaged in "
            "a way the checks did not catch. Export it again; the scan's report has the "
            "details for an administrator.",
            detail=technical_detail(exc),
        ) from exc
    except LodFailed as exc:
        raise DerivativeError(str(exc), code="lod") from exc
    except BlankRender as exc:
        raise DerivativeError(str(exc), code="blank_poster") from exc
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _build(
    master: MeshArrays, workdir: Path, scratch: Path, make_turntable: bool
) -> list[DerivativeFile]:
    faces = master.face_count
    targets = [t for t in LOD_TARGETS if t < faces]
    bounds = (master.positions.min(axis=0), master.positions.max(axis=0))
    web_path = workdir / "web.glb"
    compressor = Compressor()
    textures = None
    out: list[DerivativeFile] = []
    try:
        if master.uvs is not None and master.texture is not None:
            sizes = [LOD_TEXTURE_PX.get(t, MAX_TEXTURE_PX) for t in targets] + [MAX_TEXTURE_PX]
            textures = WebpTextures(master.texture_image(), sizes)
        if faces <= WEB_MAX_FACES:
            out.append(
                _compress(master, web_path, "web", scratch / "master.glb", compressor, textures)
            )
        # Each LOD is compressed by gltfpack (another process, the other core) while
        # Python simplifies the next one and then draws the posters.
        lods: dict[int, MeshArrays] = {}
        source = master
        for target in targets:
            lod = make_lod(source, target, bounds, scratch)
            lods[target] = lod
            raw = scratch / f"lod_{target}.glb"
            lod_path = workdir / f"lod_{target // 1000}k.glb"
            texture_px = LOD_TEXTURE_PX.get(target, MAX_TEXTURE_PX)
            out.append(_compress(lod, lod_path, "lod", raw, compressor, textures, texture_px))
            if target == WEB_MAX_FACES and faces > WEB_MAX_FACES:
                out.insert(0, DerivativeFile("web", web_path, GLB, faces=lod.face_count))
            source = lod
        if faces <= POSTER_MAX_FACES:
            stage_source = master
        else:
            stage_source = next(lods[t] for t in targets if t <= POSTER_MAX_FACES)
        out.extend(write_posters(stage_source, workdir, make_turntable=make_turntable))
        compressor.finish()
    except BaseException:
        compressor.abort()
        raise
    finally:
        if textures is not None:
            textures.close()
    if faces > WEB_MAX_FACES:
        # The web model is the 500k LOD: same bytes, one compression.
        shutil.copyfile(workdir / f"lod_{WEB_MAX_FACES // 1000}k.glb", web_path)
    return out


def _compress(
    arrays: MeshArrays,
    dst: Path,
    kind: str,
    raw: Path,
    compressor: Compressor,
    textures: WebpTextures | None,
    texture_px: int = MAX_TEXTURE_PX,
) -> DerivativeFile:
    # gltfpack -cc carries the texture through untouched, and the WebP step replaces it: the
    # GLB it reads keeps the scan's own texture bytes, never re-encoded at the LOD's size.
    write_glb(arrays, raw)
    # The texture becomes WebP in the packed GLB, in the compressor's thread once it is packed.
    then = None
    if textures is not None and arrays.uvs is not None:
        then = partial(textures.add_to, dst, texture_px)
    compressor.submit(raw, dst, "-cc", then=then)
    return DerivativeFile(kind, dst, GLB, faces=arrays.face_count)
