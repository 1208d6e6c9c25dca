"""Turn the loaded trimesh.Trimesh into MeshArrays: metres, Y up, centred, colours kept."""

from __future__ import annotations

import numpy as np
import trimesh

from ..colour import linearise_colour_bytes
from ..pose import pose_matrix
from .glb import MeshArrays, encode_texture


def _plain(array) -> np.ndarray:
    """The ndarray under a trimesh TrackedArray, without a copy or a cache hook."""
    return array.view(np.ndarray) if isinstance(array, np.ndarray) else np.asarray(array)


def mesh_arrays(
    mesh: trimesh.Trimesh,
    *,
    scale_to_metres: float,
    up_axis: str = "+y",
    quarter_turns: int = 0,
    colours_are_srgb: bool = True,
) -> MeshArrays:
    """Return the mesh in glTF conventions, centred on its bounding-box centre.

    The pose (``up_axis``, ``quarter_turns``) is applied through pose.pose_matrix, the one
    place that defines it.

    Vertex and face colours come out linear, as glTF's COLOR_0 is defined: with
    ``colours_are_srgb`` (PLY, OFF, STL, OBJ: bytes as a screen shows them) they are converted
    through the sRGB curve; glTF inputs are linear already and pass through.
    """
    if not np.isfinite(scale_to_metres) or scale_to_metres <= 0:
        raise ValueError(f"scale_to_metres must be a positive number, not {scale_to_metres!r}.")
    vertices = _plain(mesh.vertices)
    faces = _plain(mesh.faces)
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    positions = (vertices - (low + high) / 2).astype(np.float32)
    positions *= np.float32(scale_to_metres)
    rotation = pose_matrix(up_axis, quarter_turns)[:3, :3].astype(np.float32)
    turned = not np.array_equal(rotation, np.eye(3, dtype=np.float32))
    if turned:
        positions = positions @ rotation.T
    faces = np.ascontiguousarray(faces, dtype=np.uint32)

    colors = uvs = texture = mime = None
    base_color = (1.0, 1.0, 1.0, 1.0)
    visual = mesh.visual
    kind = getattr(visual, "kind", None)
    if kind == "vertex":
        colors = _colours(_plain(visual.vertex_colors))
        if colours_are_srgb:
            colors = linearise_colour_bytes(colors)
    elif kind == "face":
        face_colors = _plain(visual.face_colors)
        if colours_are_srgb:
            # Averaged around each vertex in linear light, where mixing colours is meaningful.
            face_colors = linearise_colour_bytes(face_colors)
        colors = _colours(_face_to_vertex(face_colors, faces, len(positions)))
    elif kind == "texture" and visual.uv is not None and len(visual.uv) == len(positions):
        material = visual.material
        # SimpleMaterial (OBJ) has .image, PBRMaterial (glTF) .baseColorTexture.
        image = getattr(material, "image", None) or getattr(material, "baseColorTexture", None)
        if image is not None:
            # UVs without a picture show nothing (and gltfpack drops them): keep only with one.
            uv = _plain(visual.uv).astype(np.float32)
            uv[:, 1] = 1.0 - uv[:, 1]  # trimesh keeps OBJ's bottom-left UV origin; glTF: top-left
            uvs = uv
            texture, mime = encode_texture(image)
        base_color = _material_colour(material)
    # Normals only when the file brought them: gltfpack -cc stores them at about 40% of the
    # geometry's bytes, and viewers shade a dense scan well enough without them.
    normals = None
    cache = getattr(mesh, "_cache", None)
    if cache is not None and "vertex_normals" in cache:
        normals = np.asarray(cache["vertex_normals"], dtype=np.float32)
        if normals.shape != positions.shape:
            normals = None
        elif turned:
            normals = normals @ rotation.T
    return MeshArrays(
        positions=positions,
        faces=faces,
        normals=normals,
        colors=colors,
        uvs=uvs,
        texture=texture,
        texture_mime=mime,
        base_color=base_color,
    )


def _colours(colors: np.ndarray) -> np.ndarray:
    colors = np.asarray(colors, dtype=np.uint8)
    if colors.shape[1] == 4 and colors[:, 3].min() == 255:
        return np.ascontiguousarray(colors[:, :3])
    return np.ascontiguousarray(colors)


def _face_to_vertex(face_colors: np.ndarray, faces: np.ndarray, count: int) -> np.ndarray:
    """Average the colours of the faces around each vertex (keeps vertices shared)."""
    flat = faces.ravel()
    hits = np.bincount(flat, minlength=count).astype(np.float64)
    hits[hits == 0] = 1
    out = np.empty((count, face_colors.shape[1]), dtype=np.uint8)
    for channel in range(face_colors.shape[1]):
        summed = np.bincount(flat, weights=np.repeat(face_colors[:, channel], 3), minlength=count)
        out[:, channel] = np.rint(summed / hits).astype(np.uint8)
    return out


def _material_colour(material) -> tuple[float, float, float, float]:
    factor = getattr(material, "baseColorFactor", None)
    if factor is None:
        return (1.0, 1.0, 1.0, 1.0)
    factor = np.asarray(factor, dtype=np.float64).ravel()
    if factor.max() > 1.0:
        factor = factor / 255.0
    if factor.size == 3:
        factor = np.append(factor, 1.0)
    return tuple(float(x) for x in factor[:4])
