"""Read an upload into ONE trimesh.Trimesh, transforms applied and colours or textures kept.

trimesh does the parsing; this module chooses the reader from the detected format (never
from the file name), feeds it text it can decode, confines every file it resolves to the
upload folder, reads binary STL itself (trimesh falls back to its ascii parser when an STL
has a few stray bytes), and turns trimesh's internal errors into reasons for curators.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import trimesh
from PIL import Image
from trimesh.resolvers import Resolver

from heritage_sites.processing import formats
from heritage_sites.processing.errors import Rejected, technical_detail
from heritage_sites.processing.obj_fast import read_obj
from heritage_sites.processing.references import resolve_reference, texture_too_large_reason
from heritage_sites.processing.text import decode_text
from heritage_sites.processing.types import Preflight, Upload

logger = logging.getLogger(__name__)

STL_DTYPE = np.dtype([("normal", "<f4", (3,)), ("corners", "<f4", (3, 3)), ("attr", "<u2")])


@dataclass
class Loaded:
    mesh: trimesh.Trimesh
    has_normals: bool = False
    warnings: list[dict] = field(default_factory=list)


def load_mesh(upload: Upload, preflight: Preflight) -> Loaded:
    """Read the upload's main file; raise Rejected when it cannot be read."""
    try:
        if upload.fmt == formats.STL:
            return _load_stl(upload, preflight)
        if upload.fmt in (formats.OBJ, formats.OBJ_ZIP) and "encoding" not in preflight.info:
            # The common OBJ is read by numpy; anything unusual returns None for trimesh.
            fast = read_obj(upload.main.read_bytes(), UploadResolver(upload))
            if fast is not None:
                return _flatten(fast, upload.label)
        if upload.fmt in (formats.OBJ, formats.OBJ_ZIP) and "encoding" in preflight.info:
            text, _ = decode_text(upload.main.read_bytes())
            loaded = trimesh.load(
                file_obj=io.BytesIO(text.encode("utf-8")),
                file_type="obj",
                resolver=UploadResolver(upload),
                process=False,
            )
        else:
            file_type = {
                formats.OBJ: "obj",
                formats.OBJ_ZIP: "obj",
                formats.PLY: "ply",
                formats.OFF: "off",
                formats.GLB: "glb",
                formats.GLTF: "gltf",
                formats.GLTF_ZIP: "gltf",
            }[upload.fmt]
            with upload.main.open("rb") as handle:
                loaded = trimesh.load(
                    file_obj=handle,
                    file_type=file_type,
                    resolver=UploadResolver(upload),
                    process=False,
                )
        return _flatten(loaded, upload.label)
    except (Rejected, MemoryError):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # A texture the pre-flight could not size, refused by Pillow as trimesh opened it.
        raise Rejected(
            texture_too_large_reason(None, None),
            code="texture_too_large",
            detail=technical_detail(exc),
        ) from exc
    except IndexError as exc:
        raise Rejected(
            f"The {upload.label} faces refer to vertices that do not exist (an index out of "
            "range). The file is damaged: export it again.",
            code="invalid_indices",
        ) from exc
    except Exception as exc:  # trimesh raises whatever its parsers hit; all mean "unreadable"
        logger.info("trimesh could not read %s: %r", upload.main.name, exc)
        # The parser's own words ("PLY is unexpected length!", "does not fit into a C int")
        # mean nothing to a curator: they go to the report's technical detail for staff.
        raise Rejected(
            f"The {upload.label} file could not be read: its contents do not match its own "
            "description of them, or it uses a feature this server does not read. It is "
            "damaged or was written by an unusual exporter: export it again.",
            code="unreadable",
            detail=technical_detail(exc),
        ) from exc


class UploadResolver(Resolver):
    """Hands trimesh the files it asks for, only from inside the upload.

    The pre-flight has already refused references that leave the upload; this makes sure
    trimesh cannot read anything else either, whatever its parsers decide to look up.
    """

    def __init__(self, upload: Upload, base: Path | None = None) -> None:
        self.upload = upload
        self.base = base or upload.main.parent

    def get(self, name: str) -> bytes:
        for candidate in dict.fromkeys((name, unquote(name))):
            found = resolve_reference(
                candidate,
                root=self.upload.root,
                base=self.base,
                owner=self.upload.label,
                what="file",
            )
            if found is not None:
                return found.read_bytes()
        raise FileNotFoundError(name)

    def write(self, name: str, data) -> None:
        raise NotImplementedError("the upload is read-only")

    def namespaced(self, namespace: str) -> UploadResolver:
        target = (self.base / namespace).resolve()
        if not target.is_relative_to(self.upload.root.resolve()):
            raise FileNotFoundError(namespace)
        return UploadResolver(self.upload, target)

    def keys(self):
        return [p.name for p in self.base.iterdir() if p.is_file()]


def weld(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge exactly equal points. Returns (unique points, index of each input point)."""
    points = np.ascontiguousarray(points) + 0.0  # -0.0 and 0.0 are the same place
    row = np.dtype((np.void, points.dtype.itemsize * points.shape[1]))
    _, first, inverse = np.unique(points.view(row).ravel(), return_index=True, return_inverse=True)
    return points[first], inverse.ravel()


def _load_stl(upload: Upload, preflight: Preflight) -> Loaded:
    if preflight.info.get("stl") == "binary":
        count = preflight.info["stl_triangles"]
        data = np.fromfile(upload.main, dtype=STL_DTYPE, count=count, offset=84)
        corners = data["corners"].reshape(-1, 3)
    else:
        with upload.main.open("rb") as handle:
            soup = trimesh.load(file_obj=handle, file_type="stl", process=False)
        if not isinstance(soup, trimesh.Trimesh):
            soup = _flatten(soup, "STL").mesh
        corners = np.asarray(soup.vertices)[np.asarray(soup.faces)].reshape(-1, 3)
    # STL stores every triangle's corners separately; weld them so edges are shared.
    vertices, inverse = weld(corners)
    mesh = trimesh.Trimesh(vertices=vertices, faces=inverse.reshape(-1, 3), process=False)
    return Loaded(mesh=mesh)


def _flatten(loaded, label: str) -> Loaded:
    """One Trimesh from whatever trimesh returned, with node transforms applied."""
    if isinstance(loaded, trimesh.Trimesh):
        _check_indices(loaded, label)
        has_normals = _has_normals(loaded)
        _plain_colours([loaded])
        return Loaded(mesh=loaded, has_normals=has_normals)
    if not isinstance(loaded, trimesh.Scene):
        raise Rejected(f"The {label} file holds no surface (no faces).", code="empty_geometry")
    meshes = [g for g in loaded.geometry.values() if isinstance(g, trimesh.Trimesh)]
    meshes = [g for g in meshes if len(g.faces)]
    if not meshes:
        raise Rejected(
            f"The {label} file holds no surface (no faces): only points, lines or an empty scene.",
            code="empty_geometry",
        )
    for mesh in meshes:
        _check_indices(mesh, label)
    has_normals = any(_has_normals(mesh) for mesh in meshes)
    _plain_colours(meshes)
    nodes = loaded.graph.nodes_geometry
    if len(meshes) == 1 and len(nodes) == 1:
        # One mesh placed once (nearly every scan): move it into place. Scene.to_mesh()
        # would copy it and decode its texture at full size (+280 MB at 1M faces).
        transform, name = loaded.graph[nodes[0]]
        if loaded.geometry.get(name) is meshes[0]:
            mesh = meshes[0]
            if not np.allclose(transform, np.eye(4)):
                mesh.apply_transform(transform)
            return Loaded(mesh=mesh, has_normals=has_normals)
    warnings: list[dict] = []
    try:
        flat = loaded.to_mesh()
    except Exception as exc:  # visuals that trimesh cannot merge: keep the geometry
        logger.info("merging visuals failed: %r", exc)
        parts = []
        for node in loaded.graph.nodes_geometry:
            transform, name = loaded.graph[node]
            geometry = loaded.geometry.get(name)
            if isinstance(geometry, trimesh.Trimesh) and len(geometry.faces):
                part = trimesh.Trimesh(
                    vertices=geometry.vertices, faces=geometry.faces, process=False
                )
                part.apply_transform(transform)
                parts.append(part)
        flat = trimesh.util.concatenate(parts)
        warnings.append(
            {
                "code": "visuals_dropped",
                "message": "The parts of this model have materials that could not be merged; "
                "the web copy shows the shape without its colours.",
            }
        )
    if not isinstance(flat, trimesh.Trimesh) or len(flat.faces) == 0:
        raise Rejected(f"The {label} file holds no surface (no faces).", code="empty_geometry")
    return Loaded(mesh=flat, has_normals=has_normals, warnings=warnings)


def _check_indices(mesh: trimesh.Trimesh, label: str) -> None:
    faces = np.asarray(mesh.faces)
    if faces.size and (faces.min() < 0 or faces.max() >= len(mesh.vertices)):
        high = int(faces.max())
        which = f"vertex {high:,}" if high >= len(mesh.vertices) else "a vertex number below zero"
        raise Rejected(
            f"The {label} faces refer to {which} but there are only "
            f"{len(mesh.vertices):,} vertices (an index out of range). The file is damaged: "
            "export it again.",
            code="invalid_indices",
        )


def _has_normals(mesh: trimesh.Trimesh) -> bool:
    # Normals read from the file sit in trimesh's cache; computed ones are only made on use.
    return "vertex_normals" in mesh._cache.cache


def _textured(mesh: trimesh.Trimesh) -> bool:
    visual = mesh.visual
    if getattr(visual, "kind", None) != "texture" or getattr(visual, "uv", None) is None:
        return False
    material = getattr(visual, "material", None)
    image = getattr(material, "image", None) or getattr(material, "baseColorTexture", None)
    return image is not None


def _plain_colours(meshes: list[trimesh.Trimesh]) -> None:
    """Turn materials that are only a colour (no image, or no UVs) into vertex colours.

    Otherwise trimesh merges such parts by painting their colours into a tiny atlas with
    invented UVs, which simplification then has to preserve for nothing.
    """
    if any(_textured(mesh) for mesh in meshes):
        return
    for mesh in meshes:
        if getattr(mesh.visual, "kind", None) == "texture" or isinstance(
            mesh.visual, trimesh.visual.TextureVisuals
        ):
            try:
                mesh.visual = _vertex_colours_of(mesh) or mesh.visual.to_color()
            except Exception:  # a material trimesh cannot summarise: keep the shape
                logger.info("could not turn a material into vertex colours", exc_info=True)
                mesh.visual = trimesh.visual.ColorVisuals(mesh=mesh)


def _vertex_colours_of(mesh: trimesh.Trimesh) -> trimesh.visual.ColorVisuals | None:
    """glTF's COLOR_0 times the material's base colour, which trimesh keeps aside as a
    vertex attribute of an untextured material (and to_color() would drop)."""
    colours = getattr(mesh.visual, "vertex_attributes", {}).get("color")
    if colours is None or len(colours) != len(mesh.vertices):
        return None
    colours = np.asarray(colours)
    if colours.ndim != 2 or colours.shape[1] not in (3, 4):
        return None
    if colours.shape[1] == 3:
        colours = np.concatenate([colours, np.full((len(colours), 1), 255, colours.dtype)], 1)
    factor = getattr(mesh.visual.material, "baseColorFactor", None)
    if factor is not None:
        factor = np.asarray(factor, dtype=np.float64).ravel()[:4]
        if factor.size == 4 and factor.max() > 1.0:
            factor = factor / 255.0
        if factor.size == 4 and not np.allclose(factor, 1.0):
            colours = np.rint(colours * factor).clip(0, 255)
    return trimesh.visual.ColorVisuals(mesh=mesh, vertex_colors=colours.astype(np.uint8))
