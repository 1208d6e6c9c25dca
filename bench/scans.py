"""Synthetic "scanned" vases for the benchmark: vertex-coloured PLY, textured OBJ zip, textured GLB.

Each is a surface of revolution with a little noise (like a real capture), a pole at its base
(high-valence vertex), a UV seam, per-vertex colours and a 4096 px texture.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from tests.processing.scan_meshes import revolved_surface, write_binary_ply

TEXTURE_PX = 4096


def vase(faces: int, seed: int = 7):
    """Vertices (mm), faces, UVs (OBJ convention) and RGBA colours of a ~``faces`` vase."""
    n_theta = int(np.sqrt(faces) * 1.4)
    n_rings = max(3, faces // (2 * n_theta) + 1)
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, 2 * np.pi, n_theta + 1)
    y = np.linspace(0.0, 300.0, n_rings)
    r = 80 + 40 * np.sin(y / 300 * np.pi * 1.5) + 6 * np.cos(y / 5)
    rr = r[:, None] * (1 + 0.003 * rng.standard_normal((n_rings, n_theta + 1)))
    rr[:, -1] = rr[:, 0]  # the seam column sits exactly on the first one
    vertices, tri, uv = revolved_surface(t, y, rr)
    h = vertices[:, 1] / 300.0
    colours = np.empty((len(vertices), 4), np.uint8)
    colours[:, 0] = np.clip(170 + 60 * np.sin(h * 19), 0, 255)
    colours[:, 1] = np.clip(
        70 + 40 * np.cos(np.arctan2(vertices[:, 2], vertices[:, 0]) * 5), 0, 255
    )
    colours[:, 2] = 45
    colours[:, 3] = 255
    return vertices.astype(np.float32), tri.astype(np.int32), uv.astype(np.float32), colours


def texture_jpeg() -> bytes:
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:TEXTURE_PX, 0:TEXTURE_PX].astype(np.float32) / TEXTURE_PX
    base = np.stack(
        [170 + 50 * np.sin(yy * 40), 110 + 40 * np.cos(xx * 31), 60 + 30 * np.sin((xx + yy) * 17)],
        -1,
    )
    base += rng.normal(0, 8, base.shape)
    out = io.BytesIO()
    Image.fromarray(np.clip(base, 0, 255).astype(np.uint8)).save(out, "JPEG", quality=90)
    return out.getvalue()


def _lines(prefix: str, values: np.ndarray, fmt: str) -> bytes:
    text = np.char.mod(fmt, values)
    joined = np.char.add(np.char.add(np.char.add(prefix, text[:, 0]), " "), text[:, 1])
    for k in range(2, values.shape[1]):
        joined = np.char.add(np.char.add(joined, " "), text[:, k])
    return ("\n".join(joined.tolist()) + "\n").encode()


def write_obj_zip(path: Path, vertices, faces, uv, texture: bytes) -> None:
    s = (faces + 1).astype(str)
    pairs = [np.char.add(np.char.add(s[:, k], "/"), s[:, k]) for k in range(3)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("vase.mtl", "newmtl glaze\nKd 1 1 1\nmap_Kd glaze.jpg\n")
        archive.writestr("glaze.jpg", texture, compress_type=zipfile.ZIP_STORED)
        body = io.BytesIO()
        body.write(b"mtllib vase.mtl\nusemtl glaze\n")
        body.write(_lines("v ", vertices, "%.4f"))
        body.write(_lines("vt ", uv, "%.5f"))
        body.write(_lines("f ", np.stack(pairs, 1), "%s"))
        archive.writestr("vase.obj", body.getvalue())


def write_glb(path: Path, vertices, faces, uv, colours, texture: bytes | None) -> None:
    """A plain GLB in millimetres (as a scanner might export) with colours or a texture."""
    from heritage_sites.processing.derivatives.glb import MeshArrays
    from heritage_sites.processing.derivatives.glb import write_glb as _write

    gltf_uv = uv.copy()
    gltf_uv[:, 1] = 1.0 - gltf_uv[:, 1]
    arrays = MeshArrays(
        positions=vertices,
        faces=faces.astype(np.uint32),
        colors=None if texture else colours[:, :3],
        uvs=gltf_uv if texture else None,
        texture=texture,
        texture_mime="image/jpeg" if texture else None,
    )
    _write(arrays, path)


def generate(folder: Path, faces: int) -> dict[str, Path]:
    """Write the three benchmark inputs (and a colour GLB for gltfpack) unless present."""
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{faces // 1000}k"
    paths = {
        "ply": folder / f"vase_{tag}.ply",
        "obj_zip": folder / f"vase_{tag}_obj.zip",
        "glb": folder / f"vase_{tag}_textured.glb",
        "ply_as_glb": folder / f"vase_{tag}_colours.glb",
    }
    if all(p.exists() for p in paths.values()):
        return paths
    vertices, tri, uv, colours = vase(faces)
    texture = texture_jpeg()
    write_binary_ply(paths["ply"], vertices, tri, colours)
    write_obj_zip(paths["obj_zip"], vertices, tri, uv, texture)
    write_glb(paths["glb"], vertices, tri, uv, colours, texture)
    write_glb(paths["ply_as_glb"], vertices, tri, uv, colours, None)
    return paths
