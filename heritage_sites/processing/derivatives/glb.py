"""Plain numpy mesh arrays and a small GLB writer/reader for them.

trimesh's own GLB export re-encodes textures slowly and cannot read what gltfpack writes with
compression, so the derivative stage keeps its meshes as arrays and writes uncompressed GLB
masters itself; gltfpack then simplifies and compresses those masters.
"""

from __future__ import annotations

import io
import json
import struct
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PIL import Image

MAX_TEXTURE_PX = 2048
JPEG_QUALITY = 88

_FLOAT, _UBYTE, _USHORT, _UINT, _BYTE, _SHORT = 5126, 5121, 5123, 5125, 5120, 5122
_DTYPES = {
    _FLOAT: np.float32,
    _UBYTE: np.uint8,
    _USHORT: np.uint16,
    _UINT: np.uint32,
    _BYTE: np.int8,
    _SHORT: np.int16,
}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4}


class GlbError(ValueError):
    """A GLB the derivative stage wrote or received cannot be read back."""


@dataclass(frozen=True)
class MeshArrays:
    """One triangle mesh in glTF conventions: metres, Y up, UV origin at the top left."""

    positions: np.ndarray  # (n, 3) float32
    faces: np.ndarray  # (m, 3) uint32
    normals: np.ndarray | None = None  # (n, 3) float32, unit length
    colors: np.ndarray | None = None  # (n, 3 or 4) uint8
    uvs: np.ndarray | None = None  # (n, 2) float32
    texture: bytes | None = None  # encoded JPEG or PNG, at most MAX_TEXTURE_PX a side
    texture_mime: str | None = None
    base_color: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)

    @property
    def face_count(self) -> int:
        return int(self.faces.shape[0])

    def texture_image(self) -> Image.Image | None:
        if self.texture is None:
            return None
        return Image.open(io.BytesIO(self.texture))

    def with_texture_at_most(self, max_px: int) -> MeshArrays:
        """The same mesh with its texture shrunk to ``max_px`` a side (if larger)."""
        image = self.texture_image()
        if image is None or max(image.size) <= max_px:
            return self
        texture, mime = encode_texture(image, max_px)
        return replace(self, texture=texture, texture_mime=mime)


def vertex_normals(positions: np.ndarray, faces: np.ndarray) -> np.ndarray:
    """Area-weighted smooth normals, with bincount instead of trimesh's slower properties."""
    tri = positions[faces]
    face_n = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    del tri
    flat = faces.ravel()
    n = len(positions)
    out = np.empty((n, 3), dtype=np.float32)
    for axis in range(3):
        out[:, axis] = np.bincount(flat, weights=np.repeat(face_n[:, axis], 3), minlength=n)
    length = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, length, out=out, where=length > 0)
    out[length[:, 0] == 0] = (0.0, 1.0, 0.0)
    return out


def encode_texture(image: Image.Image, max_px: int = MAX_TEXTURE_PX) -> tuple[bytes, str]:
    """Shrink to at most ``max_px`` a side; JPEG when opaque, PNG when alpha matters."""
    if image.format == "JPEG" and max(image.size) > max_px:
        # Let the JPEG decoder scale down by a power of two while it decodes (much faster).
        scale = max_px / max(image.size)
        image.draft("RGB", (round(image.width * scale), round(image.height * scale)))
    image.load()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        image = image.convert("RGBA")
        if image.getchannel("A").getextrema()[0] == 255:
            has_alpha = False
    if not has_alpha:
        image = image.convert("RGB")
    if max(image.size) > max_px:
        scale = max_px / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    out = io.BytesIO()
    if has_alpha:
        image.save(out, format="PNG", optimize=False, compress_level=6)
        return out.getvalue(), "image/png"
    # No optimize=True (a second pass for smaller Huffman tables): this JPEG is the master's
    # working copy, which every published GLB replaces with WebP and a fallback (webp.py).
    image.save(out, format="JPEG", quality=JPEG_QUALITY)
    return out.getvalue(), "image/jpeg"


def _pad4(data: bytes | memoryview, fill: bytes = b"\x00") -> bytes:
    return fill * ((4 - len(data) % 4) % 4)


def write_glb(arrays: MeshArrays, path: Path) -> int:
    """Write ``arrays`` as an uncompressed single-mesh GLB; return its size in bytes."""
    blobs: list[memoryview] = []
    views: list[dict] = []
    accessors: list[dict] = []
    offset = 0

    def add_view(data: np.ndarray | bytes, target: int | None) -> int:
        nonlocal offset
        raw = (
            memoryview(np.ascontiguousarray(data)).cast("B")
            if isinstance(data, np.ndarray)
            else memoryview(data)
        )
        view = {"buffer": 0, "byteOffset": offset, "byteLength": raw.nbytes}
        if target is not None:
            view["target"] = target
        views.append(view)
        blobs.append(raw)
        pad = (4 - raw.nbytes % 4) % 4
        if pad:
            blobs.append(memoryview(b"\x00" * pad))
        offset += raw.nbytes + pad
        return len(views) - 1

    def add_accessor(data: np.ndarray, ctype: int, kind: str, target: int, **extra) -> int:
        view = add_view(data, target)
        acc = {"bufferView": view, "componentType": ctype, "count": len(data), "type": kind}
        acc.update(extra)
        accessors.append(acc)
        return len(accessors) - 1

    pos = np.ascontiguousarray(arrays.positions, dtype=np.float32)
    attributes = {
        "POSITION": add_accessor(
            pos, _FLOAT, "VEC3", 34962, min=pos.min(axis=0).tolist(), max=pos.max(axis=0).tolist()
        )
    }
    if arrays.normals is not None:
        attributes["NORMAL"] = add_accessor(
            np.asarray(arrays.normals, dtype=np.float32), _FLOAT, "VEC3", 34962
        )
    if arrays.uvs is not None:
        attributes["TEXCOORD_0"] = add_accessor(
            np.asarray(arrays.uvs, dtype=np.float32), _FLOAT, "VEC2", 34962
        )
    if arrays.colors is not None:
        colors = np.asarray(arrays.colors, dtype=np.uint8)
        if colors.shape[1] == 3:
            # glTF wants each vertex's attribute 4-byte aligned: RGB bytes become opaque RGBA.
            colors = np.concatenate([colors, np.full((len(colors), 1), 255, np.uint8)], axis=1)
        attributes["COLOR_0"] = add_accessor(colors, _UBYTE, "VEC4", 34962, normalized=True)
    index_acc = add_accessor(
        np.asarray(arrays.faces, dtype=np.uint32).reshape(-1), _UINT, "SCALAR", 34963
    )

    pbr: dict = {"baseColorFactor": list(arrays.base_color), "metallicFactor": 0.0}
    pbr["roughnessFactor"] = 0.9
    gltf: dict = {
        "asset": {"version": "2.0", "generator": "silk-road-museum derivatives"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0}],
        "meshes": [
            {"primitives": [{"attributes": attributes, "indices": index_acc, "material": 0}]}
        ],
        "materials": [{"pbrMetallicRoughness": pbr, "doubleSided": True}],
        "accessors": accessors,
        "bufferViews": views,
    }
    if arrays.texture is not None and arrays.uvs is not None:
        image_view = add_view(arrays.texture, None)
        gltf["images"] = [{"bufferView": image_view, "mimeType": arrays.texture_mime}]
        gltf["samplers"] = [{"magFilter": 9729, "minFilter": 9987}]
        gltf["textures"] = [{"source": 0, "sampler": 0}]
        pbr["baseColorTexture"] = {"index": 0}
        if arrays.texture_mime == "image/png":
            gltf["materials"][0]["alphaMode"] = "BLEND"
    gltf["buffers"] = [{"byteLength": offset}]

    header = json.dumps(gltf, separators=(",", ":")).encode()
    header += _pad4(header, b" ")
    total = 12 + 8 + len(header) + 8 + offset
    with path.open("wb") as handle:
        handle.write(struct.pack("<4sII", b"glTF", 2, total))
        handle.write(struct.pack("<I4s", len(header), b"JSON"))
        handle.write(header)
        handle.write(struct.pack("<I4s", offset, b"BIN\x00"))
        for blob in blobs:
            handle.write(blob)
    return total


def read_glb_json(path: Path) -> tuple[dict, memoryview]:
    """Return the JSON document and the BIN chunk of a GLB (no decompression)."""
    data = path.read_bytes()
    if len(data) < 20 or data[:4] != b"glTF":
        raise GlbError(f"{path.name} is not a GLB file.")
    json_len, json_type = struct.unpack_from("<I4s", data, 12)
    if json_type != b"JSON":
        raise GlbError(f"{path.name} has no JSON chunk.")
    doc = json.loads(data[20 : 20 + json_len])
    rest = 20 + json_len
    binary = memoryview(b"")
    if rest + 8 <= len(data):
        bin_len, bin_type = struct.unpack_from("<I4s", data, rest)
        if bin_type == b"BIN\x00":
            binary = memoryview(data)[rest + 8 : rest + 8 + bin_len]
    return doc, binary


def _accessor(doc: dict, binary: memoryview, index: int) -> np.ndarray:
    acc = doc["accessors"][index]
    view = doc["bufferViews"][acc["bufferView"]]
    dtype = np.dtype(_DTYPES[acc["componentType"]])
    width = _WIDTH[acc["type"]]
    count = acc["count"]
    start = view.get("byteOffset", 0) + acc.get("byteOffset", 0)
    stride = view.get("byteStride") or dtype.itemsize * width
    # ndarray over the BIN chunk with the view's stride (unaligned is fine), then one copy.
    out = np.array(
        np.ndarray(
            shape=(count, width),
            dtype=dtype,
            buffer=binary,
            offset=start,
            strides=(stride, dtype.itemsize),
        )
    )
    if acc.get("normalized") and dtype != np.float32:
        info = np.iinfo(dtype)
        out = np.maximum(out.astype(np.float32) / info.max, -1.0)
    return out if width > 1 else out[:, 0]


def _node_matrix(node: dict) -> np.ndarray:
    if "matrix" in node:
        return np.array(node["matrix"], dtype=np.float64).reshape(4, 4).T
    m = np.eye(4)
    x, y, z, w = node.get("rotation", (0.0, 0.0, 0.0, 1.0))
    rot = np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
    m[:3, :3] = rot * np.asarray(node.get("scale", (1.0, 1.0, 1.0)))
    m[:3, 3] = node.get("translation", (0.0, 0.0, 0.0))
    return m


def read_glb(path: Path) -> MeshArrays:
    """Read an uncompressed single-mesh GLB as written by write_glb or by gltfpack -noq."""
    doc, binary = read_glb_json(path)
    if "EXT_meshopt_compression" in doc.get("extensionsUsed", []):
        raise GlbError(f"{path.name} is meshopt-compressed; read its uncompressed master.")
    node = next((n for n in doc.get("nodes", []) if "mesh" in n), None)
    if node is None:
        raise GlbError(f"{path.name} holds no mesh.")
    transform = _node_matrix(node)
    prims = doc["meshes"][node["mesh"]]["primitives"]
    parts: dict[str, list[np.ndarray]] = {"pos": [], "nrm": [], "col": [], "uv": [], "idx": []}
    base = 0
    for prim in prims:
        attrs = prim["attributes"]
        pos = _accessor(doc, binary, attrs["POSITION"]).astype(np.float32)
        parts["pos"].append(pos)
        if "NORMAL" in attrs:
            parts["nrm"].append(_accessor(doc, binary, attrs["NORMAL"]).astype(np.float32))
        if "COLOR_0" in attrs:
            col = _accessor(doc, binary, attrs["COLOR_0"])
            if col.dtype != np.uint8:
                col = np.clip(np.rint(col * 255.0), 0, 255).astype(np.uint8)
            parts["col"].append(col)
        if "TEXCOORD_0" in attrs:
            parts["uv"].append(_accessor(doc, binary, attrs["TEXCOORD_0"]).astype(np.float32))
        if "indices" in prim:
            idx = _accessor(doc, binary, prim["indices"]).astype(np.uint32)
        else:
            idx = np.arange(len(pos), dtype=np.uint32)
        parts["idx"].append(idx.reshape(-1, 3) + base)
        base += len(pos)
    positions = np.concatenate(parts["pos"])
    if not np.allclose(transform, np.eye(4)):
        positions = (positions @ transform[:3, :3].T + transform[:3, 3]).astype(np.float32)

    def joined(key: str) -> np.ndarray | None:
        return np.concatenate(parts[key]) if len(parts[key]) == len(prims) else None

    texture = mime = None
    if doc.get("images"):
        # The texture's own image: the WebP of EXT_texture_webp when there is one, else the
        # plain source (the WebP's fallback is a small stand-in).
        texture_doc = (doc.get("textures") or [{}])[0]
        webp = texture_doc.get("extensions", {}).get("EXT_texture_webp", {})
        image = doc["images"][webp.get("source", texture_doc.get("source", 0))]
        view = doc["bufferViews"][image["bufferView"]]
        start = view.get("byteOffset", 0)
        texture = bytes(binary[start : start + view["byteLength"]])
        mime = image.get("mimeType")
    factor = doc.get("materials", [{}])[0].get("pbrMetallicRoughness", {}).get("baseColorFactor")
    return MeshArrays(
        positions=positions,
        faces=np.concatenate(parts["idx"]),
        normals=joined("nrm"),
        colors=joined("col"),
        uvs=joined("uv"),
        texture=texture,
        texture_mime=mime,
        base_color=tuple(factor) if factor else (1.0, 1.0, 1.0, 1.0),
    )
