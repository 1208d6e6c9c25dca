"""Posters and turntables drawn on the CPU by ray casting with Embree (the embreex wheel).

No display, GPU or system GL library: Embree finds the triangle under each pixel, numpy
interpolates the scan's own vertex colours or samples its texture, and the light of
<model-viewer>'s neutral environment (measured, see DIFFUSE_SH) shades it in linear light,
tone-mapped (Khronos PBR Neutral) and encoded as sRGB as the viewer does, so that the poster
and the viewer agree. The background stays transparent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from embreex import rtcore_scene
from embreex.mesh_construction import TriangleMesh
from PIL import Image

from ..colour import SRGB_BYTE_TO_LINEAR, linear_to_srgb, neutral_tone_map, srgb_to_linear
from .glb import MeshArrays, vertex_normals

# Colour for scans that have none, as a screen shows it (sRGB); shading works on its linear value.
CLAY = np.array([0.74, 0.71, 0.66], dtype=np.float32)
CLAY_LINEAR = srgb_to_linear(CLAY)
FOV_DEG = 30.0
# <model-viewer>'s neutral environment (its default lighting), measured by
# bench/calibrate_poster_light.py as 9 spherical-harmonic coefficients of the world normal:
# the diffuse light (times the surface's albedo), and the specular light of our material
# (metallic 0, roughness 0.9) of the view's mirror direction, its last term a Fresnel rim
# (1 - n.v)^5.
DIFFUSE_SH = np.array(
    [1.0743, 0.1066, 0.6281, 0.0596, 0.0921, 0.0516, -0.449, 0.2009, 0.0811], np.float32
)
SPECULAR_SH = np.array(
    [0.0304, -0.008, 0.0088, -0.0096, 0.0001, -0.0036, -0.0009, 0.0092, 0.0035, 0.0659],
    np.float32,
)


class BlankRender(ValueError):
    """The rendered picture shows (almost) nothing of the scan."""


@dataclass
class Stage:
    """A mesh prepared once for any number of views."""

    arrays: MeshArrays
    scene: rtcore_scene.EmbreeScene
    faces: np.ndarray  # (m, 3) int64
    attributes: np.ndarray  # (n, k) float32: normal xyz, then RGB(A) colour or UV
    texture: np.ndarray | None  # (h, w, 3 or 4) uint8
    centre: np.ndarray
    radius: float
    low: np.ndarray  # the bounding box's corners, (3,) each
    high: np.ndarray


def make_stage(arrays: MeshArrays) -> Stage:
    positions = np.ascontiguousarray(arrays.positions, dtype=np.float32)
    faces = np.ascontiguousarray(arrays.faces, dtype=np.int32)
    scene = rtcore_scene.EmbreeScene()
    TriangleMesh(scene, positions, faces)
    normals = arrays.normals if arrays.normals is not None else vertex_normals(positions, faces)
    columns = [np.asarray(normals, dtype=np.float32)]
    texture = None
    image = arrays.texture_image() if arrays.uvs is not None else None
    if image is not None:
        texture = np.asarray(image.convert("RGBA" if "A" in image.getbands() else "RGB"))
        columns.append(np.asarray(arrays.uvs, dtype=np.float32))
    elif arrays.colors is not None:
        columns.append(arrays.colors.astype(np.float32) / 255.0)
    # One interleaved table: each hit gathers its three corners once for every attribute.
    attributes = np.ascontiguousarray(np.concatenate(columns, axis=1))
    low, high = positions.min(axis=0), positions.max(axis=0)
    centre = (high + low) / 2
    with np.errstate(over="ignore", invalid="ignore"):
        radius = float(np.sqrt(((positions - centre) ** 2).sum(axis=1).max())) or 1.0
    if not (math.isfinite(radius) and np.isfinite(centre).all()):
        # The report refuses such models first (report.MAX_EXTENT_MM); never aim a NaN camera.
        raise BlankRender(
            "The poster could not be drawn: the model's coordinates are too large to compute "
            "with. Export the model again, in millimetres or metres."
        )
    faces = faces.astype(np.int64)
    return Stage(arrays, scene, faces, attributes, texture, centre, radius, low, high)


@lru_cache(maxsize=4)
def pixel_rays(size: int) -> np.ndarray:
    """Unit ray directions in camera space (x right, y up, z forward), row-major pixels."""
    half = math.tan(math.radians(FOV_DEG) / 2)
    steps = (np.arange(size, dtype=np.float32) + 0.5) / size * 2 - 1
    sx, sy = np.meshgrid(steps * half, -steps * half)
    rays = np.stack([sx, sy, np.ones_like(sx)], axis=-1).reshape(-1, 3)
    return rays / np.linalg.norm(rays, axis=1, keepdims=True)


def _camera(stage: Stage, azimuth_deg: float, elevation_deg: float):
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    back = np.array([math.cos(el) * math.sin(az), math.sin(el), math.cos(el) * math.cos(az)])
    distance = stage.radius / math.sin(math.radians(FOV_DEG) / 2) * 1.04
    eye = stage.centre + back * distance
    forward = -back
    right = np.cross(forward, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    up = np.cross(right, forward)
    return eye, forward, right, up


BAND_PIXELS = 1 << 17  # rays cast at a time: bounds the scratch memory of a 1024 px poster
# render_smooth casts EDGE_SAMPLES x EDGE_SAMPLES rays in each pixel that differs from a
# neighbour by more than EDGE_STEP (of 255) in a channel.
EDGE_SAMPLES = 3
EDGE_STEP = 32


def render(stage: Stage, size: int, *, azimuth_deg: float = 35.0, elevation_deg: float = 22.0):
    """Return an RGBA picture of ``size`` x ``size`` pixels and the share of pixels covered."""
    eye, forward, right, up = _camera(stage, azimuth_deg, elevation_deg)
    basis = np.stack([right, up, forward]).astype(np.float32)
    picture, hits = _render_pixels(stage, size, eye, basis)
    return Image.fromarray(picture, "RGBA"), hits / (size * size)


def render_smooth(
    stage: Stage,
    size: int,
    *,
    azimuth_deg: float = 35.0,
    elevation_deg: float = 22.0,
    samples: int = EDGE_SAMPLES,
):
    """``render`` with antialiased edges, at the cost of the edges only.

    One ray per pixel, then every pixel that differs from a neighbour (the silhouette, a
    crease, a sharp detail of the texture) is cast again at ``samples`` x ``samples`` points
    inside it and their average kept (alpha-weighted, as a resampling filter would). Smooth
    regions look the same at any sampling rate, so they are not sampled again.
    """
    eye, forward, right, up = _camera(stage, azimuth_deg, elevation_deg)
    basis = np.stack([right, up, forward]).astype(np.float32)
    picture, hits = _render_pixels(stage, size, eye, basis)
    # Outside the screen box every pixel is background: edges can only be inside it.
    box = _screen_box(stage, size, eye, basis)
    rows, cols = np.nonzero(_edges(picture[box]))
    rows += box[0].start
    cols += box[1].start
    steps = ((np.arange(samples, dtype=np.float32) + 0.5) / samples).astype(np.float32)
    offset_y, offset_x = (a.ravel() for a in np.meshgrid(steps, steps, indexing="ij"))
    half = np.float32(math.tan(math.radians(FOV_DEG) / 2))
    per_band = max(1, BAND_PIXELS // (samples * samples))
    for start in range(0, len(rows), per_band):
        r = rows[start : start + per_band, None]
        c = cols[start : start + per_band, None]
        # Camera-space directions through each sub-pixel point, as pixel_rays spaces pixels.
        sx = ((c + offset_x) / size * 2 - 1) * half
        sy = -((r + offset_y) / size * 2 - 1) * half
        local = np.stack([sx, sy, np.ones_like(sx)], axis=-1).reshape(-1, 3).astype(np.float32)
        local /= np.linalg.norm(local, axis=1, keepdims=True)
        rgba, _ = _shade(stage, _times(local, basis), eye)
        rgba = rgba.reshape(len(r), samples * samples, 4).astype(np.float32)
        alpha = rgba[:, :, 3:]
        weight = alpha.sum(axis=1)
        colour = (rgba[:, :, :3] * alpha).sum(axis=1) / np.maximum(weight, 1.0)
        out = np.empty((len(r), 4), dtype=np.uint8)
        out[:, :3] = np.rint(colour).clip(0, 255)
        out[:, 3] = np.rint(weight[:, 0] / (samples * samples)).clip(0, 255)
        out[out[:, 3] == 0] = 0
        picture[r[:, 0], c[:, 0]] = out
    return Image.fromarray(picture, "RGBA"), hits / (size * size)


def _edges(picture: np.ndarray) -> np.ndarray:
    """Pixels whose colour or coverage differs from one of their 8 neighbours'."""
    height, width = picture.shape[:2]
    edges = np.zeros((height, width), dtype=bool)
    for dy, dx in ((0, 1), (1, 0), (1, 1), (1, -1)):
        # Each pixel (y, x) of ``here`` against its neighbour (y + dy, x + dx) in ``there``.
        here = (slice(0, height - dy), slice(max(0, -dx), width - max(0, dx)))
        there = (slice(dy, height), slice(max(0, dx), width - max(0, -dx)))
        a, b = picture[here], picture[there]
        differs = (np.maximum(a, b) - np.minimum(a, b)) > EDGE_STEP
        # The four channels' answers read as one 32-bit word: non-zero if any channel differs.
        step = differs.view(np.uint32)[..., 0] != 0
        edges[here] |= step
        edges[there] |= step
    return edges


def _render_pixels(stage: Stage, size: int, eye: np.ndarray, basis: np.ndarray):
    """The (size, size, 4) RGBA picture, one ray per pixel centre, and how many rays hit."""
    # Cast rays only inside the screen rectangle of the bounding box: the rest is background.
    rows, cols = _screen_box(stage, size, eye, basis)
    picture = np.zeros((size, size, 4), dtype=np.uint8)
    # Bands of rows, so that the per-ray arrays stay a few megabytes whatever the size.
    band = max(1, BAND_PIXELS // max(cols.stop - cols.start, 1))
    hits = 0
    for top in range(rows.start, rows.stop, band):
        strip = slice(top, min(top + band, rows.stop))
        local = pixel_rays(size).reshape(size, size, 3)[strip, cols].reshape(-1, 3)
        rgba, count = _shade(stage, _times(local, basis), eye)
        picture[strip, cols] = rgba.reshape(strip.stop - strip.start, cols.stop - cols.start, 4)
        hits += count
    return picture, hits


def _shade(stage: Stage, dirs: np.ndarray, eye: np.ndarray) -> tuple[np.ndarray, int]:
    """The RGBA bytes seen along each ray ``dirs`` from ``eye`` (0 where it misses), and how
    many rays hit the scan.

    Vectors are handled as separate x, y, z columns and rows gathered with np.take: numpy's
    reductions along a 3-wide axis and its fancy indexing cost several times more per ray.
    """
    origins = np.broadcast_to(eye.astype(np.float32), dirs.shape)
    hit = stage.scene.run(np.ascontiguousarray(origins), dirs, output=1)
    rgba = np.zeros((len(dirs), 4), dtype=np.uint8)
    where = np.flatnonzero(hit["primID"] >= 0)
    count = len(where)
    if not count:
        return rgba, 0
    tri = np.take(stage.faces, np.take(hit["primID"], where), axis=0)
    u = np.take(hit["u"], where)[:, None]
    v = np.take(hit["v"], where)[:, None]
    del hit
    # Barycentric interpolation of every attribute: c0 + u (c1 - c0) + v (c2 - c0).
    table = stage.attributes
    values = np.take(table, tri[:, 0], axis=0)
    second = np.take(table, tri[:, 1], axis=0)
    second -= values
    second *= u
    third = np.take(table, tri[:, 2], axis=0)
    third -= values
    third *= v
    values += second
    values += third
    del second, third, tri, u, v
    rx, ry, rz = (np.take(dirs[:, i], where) for i in range(3))
    nx, ny, nz = (np.ascontiguousarray(values[:, i]) for i in range(3))
    length = np.sqrt(nx * nx + ny * ny + nz * nz)
    np.maximum(length, np.float32(1e-12), out=length)
    toward = (nx * rx + ny * ry + nz * rz) / length
    # Unit normals, turned toward the camera where seen from behind: light the side we see.
    scale = np.where(toward > 0, np.float32(-1.0), np.float32(1.0)) / length
    nx *= scale
    ny *= scale
    nz *= scale

    base = _surface_colour(stage, values[:, 3:], count)
    facing = np.abs(toward)
    diffuse = _sh9_dot(nx, ny, nz, DIFFUSE_SH)
    twice = 2 * facing
    rim = 1 - facing
    rim *= rim
    specular = _sh9_dot(rx + twice * nx, ry + twice * ny, rz + twice * nz, SPECULAR_SH[:9])
    specular += SPECULAR_SH[9] * (rim * rim * (1 - facing))
    # Light is added in linear light, tone-mapped, then encoded for the screen, as a viewer does.
    lit = base[:, :3] * diffuse[:, None]
    lit += specular[:, None]
    shown = np.empty((count, 4), dtype=np.uint8)
    shown[:, :3] = _to_srgb_bytes(neutral_tone_map(lit))
    shown[:, 3] = np.clip(base[:, 3] * 255.0, 0, 255).astype(np.uint8)
    rgba[where] = shown
    return rgba, count


def _sh9_dot(x: np.ndarray, y: np.ndarray, z: np.ndarray, c: np.ndarray) -> np.ndarray:
    """The real spherical harmonics up to degree 2 (unnormalised, as the calibration fits them)
    of the unit vectors (``x``, ``y``, ``z``), weighted by the 9 coefficients ``c``: one
    polynomial, evaluated without an (n, 9) table or a BLAS call."""
    c = [np.float32(v) for v in c]
    # c0 + c1 x + c2 y + c3 z + c4 xy + c5 yz + c6 xz + c7 (x^2 - y^2) + c8 (3 z^2 - 1)
    out = c[4] * y + c[6] * z + c[7] * x + c[1]
    out *= x
    out += y * (c[5] * z - c[7] * y + c[2])
    out += z * (np.float32(3) * c[8] * z + c[3])
    out += c[0] - c[8]
    return out


def _srgb_byte_table(steps: int = 1 << 16) -> np.ndarray:
    return np.rint(linear_to_srgb(np.arange(steps) / (steps - 1)) * 255.0).astype(np.uint8)


# Linear 0..1 to sRGB bytes by table: within 0.03 of a byte step of the exact curve, and
# several times cheaper than the power function for every pixel.
_SRGB_BYTES = _srgb_byte_table()


def _to_srgb_bytes(linear: np.ndarray) -> np.ndarray:
    """Linear display values (clipped to 0..1) to sRGB bytes."""
    index = np.clip(linear, 0.0, 1.0)
    index *= np.float32(len(_SRGB_BYTES) - 1)
    index += np.float32(0.5)
    return np.take(_SRGB_BYTES, index.astype(np.intp))


def _times(rows: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """``rows @ matrix`` for a 3-row matrix, without BLAS: its threads wake up for every
    small product and cost more than the product itself on a busy machine."""
    return rows[:, 0:1] * matrix[0] + rows[:, 1:2] * matrix[1] + rows[:, 2:3] * matrix[2]


def _screen_box(stage: Stage, size: int, eye: np.ndarray, basis: np.ndarray):
    """Pixel rows and columns covering the projected bounding box (whole frame if unsure)."""
    low, high = stage.low, stage.high
    corners = np.array(np.meshgrid(*zip(low, high, strict=True))).reshape(3, -1).T - eye
    cam = _times(corners, basis.T.astype(np.float64))  # x right, y up, z forward
    full = slice(0, size)
    if (cam[:, 2] <= 1e-9).any():
        return full, full
    half = math.tan(math.radians(FOV_DEG) / 2)
    x = cam[:, 0] / cam[:, 2] / half
    y = cam[:, 1] / cam[:, 2] / half
    c0 = max(0, math.floor((x.min() + 1) / 2 * size) - 1)
    c1 = min(size, math.ceil((x.max() + 1) / 2 * size) + 1)
    r0 = max(0, math.floor((1 - y.max()) / 2 * size) - 1)
    r1 = min(size, math.ceil((1 - y.min()) / 2 * size) + 1)
    if c1 <= c0 or r1 <= r0:
        return full, full
    return slice(r0, r1), slice(c0, c1)


def _surface_colour(stage: Stage, extra: np.ndarray, count: int) -> np.ndarray:
    """RGBA in 0..1 per hit from the texture, the vertex colours or the clay default."""
    factor = np.asarray(stage.arrays.base_color, dtype=np.float32)
    if stage.texture is not None:
        h, w = stage.texture.shape[:2]
        # Repeat wrapping, as glTF's default sampler does; UV origin is the top left.
        px = (np.mod(extra[:, 0], 1.0) * w).astype(np.int64).clip(0, w - 1)
        py = (np.mod(extra[:, 1], 1.0) * h).astype(np.int64).clip(0, h - 1)
        texel = np.take(stage.texture.reshape(h * w, -1), py * w + px, axis=0)
        colour = np.take(SRGB_BYTE_TO_LINEAR, texel)  # glTF base-colour textures are sRGB
        if colour.shape[1] == 4:
            colour[:, 3] = texel[:, 3] / 255.0  # alpha is coverage, not light
    elif extra.shape[1]:
        colour = extra
    else:
        return np.broadcast_to(np.append(CLAY_LINEAR, 1.0) * factor, (count, 4))
    if colour.shape[1] == 3:
        colour = np.concatenate([colour, np.ones((count, 1), np.float32)], axis=1)
    return colour * factor
