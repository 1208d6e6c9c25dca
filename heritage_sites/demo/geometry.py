"""Small numpy builders for closed meshes: surfaces of revolution, heightfield slabs, discs.

Pure: arrays in, arrays out. Every builder returns a closed, consistently wound triangle mesh
(outward normals) so the shapes it makes are watertight when their vertices are merged.
"""

from __future__ import annotations

import numpy as np
from PIL import Image


def revolve(profile: np.ndarray, segments: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn a (radius, z) profile about the Z axis.

    The profile runs from one point to the next; a point with radius 0 becomes a single pole
    vertex (only the first and last may be poles). Going up the outside of a shape gives
    outward normals. Returns vertices, faces, and per-vertex (profile index, angle) params.
    """
    profile = np.asarray(profile, dtype=float)
    angles = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    vertices, params, rows = [], [], []
    for i, (radius, z) in enumerate(profile):
        start = len(vertices)
        if radius == 0:
            vertices.append((0.0, 0.0, z))
            params.append((i, 0.0))
            rows.append(np.full(segments, start))
            continue
        for angle in angles:
            vertices.append((radius * np.cos(angle), radius * np.sin(angle), z))
            params.append((i, angle))
        rows.append(np.arange(start, start + segments))
    faces = []
    following = np.roll(np.arange(segments), -1)
    for i in range(len(rows) - 1):
        a, b = rows[i], rows[i][following]
        c, d = rows[i + 1][following], rows[i + 1]
        if profile[i, 0] != 0:
            faces.append(np.stack([a, b, c], axis=1))
        if profile[i + 1, 0] != 0:
            faces.append(np.stack([a, c, d], axis=1))
    return np.array(vertices), np.concatenate(faces), np.array(params)


def resample(points: np.ndarray, count: int) -> np.ndarray:
    """Points spaced evenly by arc length along an open polyline, ends kept."""
    points = np.asarray(points, dtype=float)
    lengths = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]
    targets = np.linspace(0.0, lengths[-1], count)
    return np.stack([np.interp(targets, lengths, points[:, k]) for k in range(2)], axis=1)


def smooth_curve(control: np.ndarray, count: int) -> np.ndarray:
    """A Catmull-Rom curve through ``control`` points, resampled to ``count`` even points."""
    control = np.asarray(control, dtype=float)
    padded = np.vstack([control[0], control, control[-1]])
    dense = []
    for k in range(len(control) - 1):
        p0, p1, p2, p3 = padded[k : k + 4]
        for t in np.linspace(0.0, 1.0, 24, endpoint=False):
            t2, t3 = t * t, t * t * t
            dense.append(
                0.5
                * (
                    2 * p1
                    + (-p0 + p2) * t
                    + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                    + (-p0 + 3 * p1 - 3 * p2 + p3) * t3
                )
            )
    dense.append(control[-1])
    return resample(np.array(dense), count)


def slab(
    heights: np.ndarray, width: float, height: float, depth: float
) -> tuple[np.ndarray, np.ndarray]:
    """A closed slab whose front (y=0 side, facing -y) is a heightfield of depths.

    ``heights[row, col]`` is how far the front is pushed back (+y) at that point; row 0 is the
    top (z = height). The back is the flat plane y = depth, closed with a fan, and the sides
    join the two outlines.
    """
    rows, cols = heights.shape
    xs = np.linspace(0.0, width, cols)
    zs = np.linspace(height, 0.0, rows)
    grid_x, grid_z = np.meshgrid(xs, zs)
    front = np.stack([grid_x, heights, grid_z], axis=-1).reshape(-1, 3)
    index = np.arange(rows * cols).reshape(rows, cols)
    a, b = index[:-1, :-1].ravel(), index[:-1, 1:].ravel()
    c, d = index[1:, 1:].ravel(), index[1:, :-1].ravel()
    # Seen from -y with z up and x to the right, (a, d, c) and (a, c, b) face the viewer.
    faces = [np.stack([a, d, c], axis=1), np.stack([a, c, b], axis=1)]
    # The outline of the front, walked clockwise as seen from the front.
    loop = np.concatenate([index[0, :], index[1:, -1], index[-1, -2::-1], index[-2:0:-1, 0]])
    back = front[loop].copy()
    back[:, 1] = depth
    back_start = len(front)
    back_index = back_start + np.arange(len(loop))
    centre = back_start + len(loop)
    vertices = np.vstack([front, back, [[width / 2, depth, height / 2]]])
    following = np.roll(np.arange(len(loop)), -1)
    # Sides: front outline to back outline.
    faces.append(np.stack([loop, loop[following], back_index[following]], axis=1))
    faces.append(np.stack([loop, back_index[following], back_index], axis=1))
    # Back: a fan from its centre (the back is a convex rectangle, so every triangle is valid).
    faces.append(np.stack([np.full(len(loop), centre), back_index, back_index[following]], axis=1))
    return vertices, np.concatenate(faces)


def star_prism(
    outline: np.ndarray, rings: int, top: float, edge_drop: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A flat-bottomed prism on a star-shaped outline (about the origin).

    The top is a fan of ``rings`` scaled copies of the outline so it can carry fine detail;
    its last ``edge_drop`` millimetres fall away at the rim like a glazed edge. Returns
    vertices, faces and a mask of the bottom vertices.
    """
    count = len(outline)
    scales = np.linspace(0.0, 1.0, rings + 1)[1:]
    vertices = [[0.0, 0.0, top]]
    for scale in scales:
        drop = edge_drop * max(0.0, (scale - 0.94) / 0.06) ** 2
        ring = np.column_stack([outline * scale, np.full(count, top - drop)])
        vertices.extend(ring.tolist())
    bottom_ring = np.column_stack([outline, np.zeros(count)])
    bottom_start = 1 + rings * count
    vertices.extend(bottom_ring.tolist())
    vertices.append([0.0, 0.0, 0.0])
    bottom_centre = bottom_start + count
    following = np.roll(np.arange(count), -1)
    faces = [np.stack([np.zeros(count, int), 1 + np.arange(count), 1 + following], axis=1)]
    for k in range(rings - 1):
        inner = 1 + k * count + np.arange(count)
        outer = 1 + (k + 1) * count + np.arange(count)
        faces.append(np.stack([inner, outer, outer[following]], axis=1))
        faces.append(np.stack([inner, outer[following], inner[following]], axis=1))
    top_edge = 1 + (rings - 1) * count + np.arange(count)
    bottom = bottom_start + np.arange(count)
    faces.append(np.stack([top_edge, bottom, bottom[following]], axis=1))
    faces.append(np.stack([top_edge, bottom[following], top_edge[following]], axis=1))
    faces.append(np.stack([np.full(count, bottom_centre), bottom[following], bottom], axis=1))
    vertices = np.array(vertices)
    is_bottom = np.zeros(len(vertices), bool)
    is_bottom[bottom_start:] = True
    return vertices, np.concatenate(faces), is_bottom


def polar_disc(
    radius: float, rings: int, segments: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A flat disc of concentric rings (centre first). Returns xy points, faces, ring sizes."""
    points = [[0.0, 0.0]]
    angles = np.linspace(0.0, 2 * np.pi, segments, endpoint=False)
    for k in range(1, rings + 1):
        r = radius * k / rings
        points.extend(np.column_stack([r * np.cos(angles), r * np.sin(angles)]).tolist())
    following = np.roll(np.arange(segments), -1)
    faces = [np.stack([np.zeros(segments, int), 1 + np.arange(segments), 1 + following], axis=1)]
    for k in range(rings - 1):
        inner = 1 + k * segments + np.arange(segments)
        outer = inner + segments
        faces.append(np.stack([inner, outer, outer[following]], axis=1))
        faces.append(np.stack([inner, outer[following], inner[following]], axis=1))
    return np.array(points), np.concatenate(faces), np.arange(rings + 1)


def sample(image: Image.Image, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Bilinear samples of a greyscale image at u, v in [0, 1] (v = 0 at the bottom), 0..1."""
    pixels = np.asarray(image.convert("L"), dtype=float) / 255.0
    height, width = pixels.shape
    x = np.clip(u, 0, 1) * (width - 1)
    y = (1 - np.clip(v, 0, 1)) * (height - 1)
    x0, y0 = np.floor(x).astype(int), np.floor(y).astype(int)
    x1, y1 = np.minimum(x0 + 1, width - 1), np.minimum(y0 + 1, height - 1)
    fx, fy = x - x0, y - y0
    top = pixels[y0, x0] * (1 - fx) + pixels[y0, x1] * fx
    bottom = pixels[y1, x0] * (1 - fx) + pixels[y1, x1] * fx
    return top * (1 - fy) + bottom * fy


def fit(vertices: np.ndarray, size: tuple[float, float, float]) -> np.ndarray:
    """Scale each axis so the bounding box is exactly ``size``; centre x and y, floor at z=0."""
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    unit = (vertices - low) / (high - low)
    out = unit * np.asarray(size, dtype=float)
    out[:, 0] -= size[0] / 2
    out[:, 1] -= size[1] / 2
    return out
