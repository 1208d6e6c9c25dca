"""Posters and turntables drawn on the CPU by ray casting with Embree (the embreex wheel).

No display, GPU or system GL library: Embree finds the triangle under each pixel, numpy
interpolates the scan's own vertex colours or samples its texture, and a lambert key light
plus ambient shades it. The background stays transparent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from embreex import rtcore_scene
from embreex.mesh_construction import TriangleMesh
from PIL import Image

from .glb import MeshArrays, vertex_normals

CLAY = np.array([0.74, 0.71, 0.66], dtype=np.float32)  # colour for scans that have none
FOV_DEG = 30.0
AMBIENT = 0.32
KEY = 0.78


class BlankRender(ValueError):
    """The rendered picture shows (almost) nothing of the scan."""


@dataclass
class Stage:
    """A mesh prepared once for any number of views."""

    arrays: MeshArrays
    scene: rtcore_scene.EmbreeScene
    normals: np.ndarray
    texture: np.ndarray | None  # (h, w, 3 or 4) uint8
    radius: float


def make_stage(arrays: MeshArrays) -> Stage:
    positions = np.ascontiguousarray(arrays.positions, dtype=np.float32)
    faces = np.ascontiguousarray(arrays.faces, dtype=np.int32)
    scene = rtcore_scene.EmbreeScene()
    TriangleMesh(scene, positions, faces)
    normals = arrays.normals if arrays.normals is not None else vertex_normals(positions, faces)
    texture = None
    image = arrays.texture_image() if arrays.uvs is not None else None
    if image is not None:
        texture = np.asarray(image.convert("RGBA" if "A" in image.getbands() else "RGB"))
    centre = (positions.max(axis=0) + positions.min(axis=0)) / 2
    radius = float(np.sqrt(((positions - centre) ** 2).sum(axis=1).max())) or 1.0
    return Stage(arrays, scene, normals.astype(np.float32), texture, radius)


def _camera(stage: Stage, azimuth_deg: float, elevation_deg: float):
    positions = stage.arrays.positions
    centre = (positions.max(axis=0) + positions.min(axis=0)) / 2
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    back = np.array([math.cos(el) * math.sin(az), math.sin(el), math.cos(el) * math.cos(az)])
    distance = stage.radius / math.sin(math.radians(FOV_DEG) / 2) * 1.04
    eye = centre + back * distance
    forward = -back
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    return eye, forward, right, up


def render(stage: Stage, size: int, *, azimuth_deg: float = 35.0, elevation_deg: float = 22.0):
    """Return an RGBA picture of ``size`` x ``size`` pixels and the share of pixels covered."""
    eye, forward, right, up = _camera(stage, azimuth_deg, elevation_deg)
    half = math.tan(math.radians(FOV_DEG) / 2)
    steps = (np.arange(size, dtype=np.float32) + 0.5) / size * 2 - 1
    sx, sy = np.meshgrid(steps * half, -steps * half)
    dirs = forward + sx[..., None] * right + sy[..., None] * up
    dirs = (dirs / np.linalg.norm(dirs, axis=-1, keepdims=True)).reshape(-1, 3)
    dirs = dirs.astype(np.float32)
    origins = np.broadcast_to(eye.astype(np.float32), dirs.shape).copy()
    hit = stage.scene.run(origins, dirs, output=1)
    prim = hit["primID"]
    mask = prim >= 0
    rgba = np.zeros((size * size, 4), dtype=np.uint8)
    coverage = float(mask.mean())
    if not mask.any():
        return Image.fromarray(rgba.reshape(size, size, 4), "RGBA"), coverage

    tri = stage.arrays.faces[prim[mask]]
    u = hit["u"][mask][:, None]
    v = hit["v"][mask][:, None]
    w0 = 1.0 - u - v
    ray = dirs[mask]

    def interp(values: np.ndarray) -> np.ndarray:
        return values[tri[:, 0]] * w0 + values[tri[:, 1]] * u + values[tri[:, 2]] * v

    normal = interp(stage.normals)
    normal /= np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-12)
    facing = (normal * ray).sum(axis=1) > 0
    normal[facing] *= -1  # seen from behind: light the side we look at

    base = _surface_colour(stage, interp, tri.shape[0])
    light = -forward * 0.55 + up * 0.65 - right * 0.5
    light /= np.linalg.norm(light)
    lambert = np.clip(normal @ light.astype(np.float32), 0.0, 1.0)
    head = np.clip(-(normal * ray).sum(axis=1), 0.0, 1.0)
    shade = AMBIENT + KEY * lambert * 0.75 + KEY * 0.25 * head
    rgb = np.clip(base[:, :3] * shade[:, None] * 255.0, 0, 255)
    rgba[mask, :3] = rgb.astype(np.uint8)
    alpha = base[:, 3] if base.shape[1] == 4 else 1.0
    rgba[mask, 3] = np.clip(np.asarray(alpha) * 255.0, 0, 255).astype(np.uint8)
    return Image.fromarray(rgba.reshape(size, size, 4), "RGBA"), coverage


def _surface_colour(stage: Stage, interp, count: int) -> np.ndarray:
    arrays = stage.arrays
    factor = np.asarray(arrays.base_color, dtype=np.float32)
    if stage.texture is not None:
        uv = interp(arrays.uvs)
        h, w = stage.texture.shape[:2]
        # Repeat wrapping, as glTF's default sampler does; UV origin is the top left.
        px = (np.mod(uv[:, 0], 1.0) * w).astype(np.int64).clip(0, w - 1)
        py = (np.mod(uv[:, 1], 1.0) * h).astype(np.int64).clip(0, h - 1)
        texel = stage.texture[py, px].astype(np.float32) / 255.0
        if texel.shape[1] == 3:
            texel = np.concatenate([texel, np.ones((count, 1), np.float32)], axis=1)
        return texel * factor
    if arrays.colors is not None:
        colours = interp(arrays.colors.astype(np.float32) / 255.0)
        if colours.shape[1] == 3:
            colours = np.concatenate([colours, np.ones((count, 1), np.float32)], axis=1)
        return colours * factor
    return np.broadcast_to(np.append(CLAY, 1.0) * factor, (count, 4))
