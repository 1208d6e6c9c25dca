"""Small meshes built in the tests (and the benchmark): revolved vases and bowls with colours
or a texture, and a binary PLY writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import trimesh
from PIL import Image


def revolved_surface(t: np.ndarray, y: np.ndarray, radii: np.ndarray, *, closed_base: bool = True):
    """Vertices, faces and (u, v) of a surface of revolution about Y, base at y[0].

    ``t`` are the angles of the columns (the last repeats the first at u=1: a UV seam), ``y``
    the heights of the rings and ``radii`` the radius of each (ring, column). The base is a fan
    around one pole vertex (the high-valence kind that trips simplifiers).
    """
    radii = np.broadcast_to(radii, (len(y), len(t)))
    x = radii * np.cos(t)[None, :]
    z = radii * np.sin(t)[None, :]
    vertices = np.stack([x, np.broadcast_to(y[:, None], x.shape), z], axis=-1).reshape(-1, 3)
    uv = np.stack(
        np.broadcast_arrays((t / (2 * np.pi))[None, :], (y / y[-1])[:, None]), axis=-1
    ).reshape(-1, 2)
    n_theta, cols = len(t) - 1, len(t)
    i = np.arange(len(y) - 1)[:, None] * cols
    j = np.arange(n_theta)[None, :]
    a, b = (i + j).ravel(), (i + j + 1).ravel()
    c, d = a + cols, b + cols
    faces = np.concatenate([np.stack([a, c, b], 1), np.stack([b, c, d], 1)])
    if closed_base:
        pole = len(vertices)
        vertices = np.vstack([vertices, [[0.0, 0.0, 0.0]]])
        uv = np.vstack([uv, [[0.5, 0.0]]])
        ring = np.arange(n_theta)
        faces = np.vstack([faces, np.stack([np.full(n_theta, pole), ring + 1, ring], 1)])
    return vertices, faces, uv


def revolved(n_theta: int, n_rings: int, *, height: float = 0.3, closed_base: bool = True):
    """Vertices, faces and (u, v) of a vase-like surface of revolution, Y up, base at y=0."""
    t = np.linspace(0.0, 2 * np.pi, n_theta + 1)
    y = np.linspace(0.0, height, n_rings)
    r = height * (0.27 + 0.13 * np.sin(y / height * np.pi * 1.5))
    return revolved_surface(t, y, r[:, None], closed_base=closed_base)


def write_binary_ply(path: Path, vertices, faces, colours) -> Path:
    """A binary little-endian PLY of triangles with per-vertex RGB or RGBA colours."""
    channels = ("red", "green", "blue", "alpha")[: colours.shape[1]]
    header = (
        "ply\nformat binary_little_endian 1.0\n"
        f"element vertex {len(vertices)}\n"
        "property float x\nproperty float y\nproperty float z\n"
        + "".join(f"property uchar {name}\n" for name in channels)
        + f"element face {len(faces)}\nproperty list uchar int vertex_indices\nend_header\n"
    )
    vertex_data = np.empty(len(vertices), np.dtype([("xyz", "<f4", 3), ("c", "u1", len(channels))]))
    vertex_data["xyz"], vertex_data["c"] = vertices, colours
    face_data = np.empty(len(faces), np.dtype([("n", "u1"), ("idx", "<i4", 3)]))
    face_data["n"], face_data["idx"] = 3, faces
    with path.open("wb") as handle:
        handle.write(header.encode("ascii"))
        handle.write(vertex_data.tobytes())
        handle.write(face_data.tobytes())
    return path


def red_vase(n_theta: int = 160, n_rings: int = 160, *, unit_scale: float = 1.0):
    """A vertex-coloured vase: red with a darker red band, in metres times ``unit_scale``."""
    vertices, faces, _ = revolved(n_theta, n_rings)
    colors = np.tile(np.array([[200, 30, 25, 255]], np.uint8), (len(vertices), 1))
    band = (vertices[:, 1] > 0.12) & (vertices[:, 1] < 0.16)
    colors[band] = (130, 15, 10, 255)
    return trimesh.Trimesh(vertices * unit_scale, faces, vertex_colors=colors, process=False)


def checker(size: tuple[int, int], squares: int = 8) -> Image.Image:
    w, h = size
    xs = (np.arange(w) * squares // w)[None, :]
    ys = (np.arange(h) * squares // h)[:, None]
    on = (xs + ys) % 2 == 0
    pixels = np.where(on[..., None], [240, 240, 235], [20, 30, 160]).astype(np.uint8)
    return Image.fromarray(pixels, "RGB")


def checker_bowl(n_theta: int = 120, n_rings: int = 140, texture_size=(2600, 1300)):
    """A UV-textured vase with a white and blue checker texture larger than 2048 px."""
    vertices, faces, uv = revolved(n_theta, n_rings)
    material = trimesh.visual.material.SimpleMaterial(image=checker(texture_size))
    visual = trimesh.visual.TextureVisuals(uv=uv, material=material)
    return trimesh.Trimesh(vertices, faces, visual=visual, process=False)


def plain_sphere():
    """No colours at all (20,480 faces)."""
    return trimesh.creation.icosphere(subdivisions=5, radius=0.1)


def two_tone_vase():
    """UV-textured vase whose texture is red in its top half and blue in its bottom half."""
    vertices, faces, uv = revolved(64, 48)
    pixels = np.zeros((64, 64, 3), np.uint8)
    pixels[:32] = (210, 20, 20)  # image rows 0-31: the top, where OBJ's v is near 1
    pixels[32:] = (20, 20, 210)
    material = trimesh.visual.material.SimpleMaterial(image=Image.fromarray(pixels, "RGB"))
    visual = trimesh.visual.TextureVisuals(uv=uv, material=material)
    return trimesh.Trimesh(vertices, faces, visual=visual, process=False)
