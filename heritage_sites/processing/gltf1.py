"""Read legacy glTF 1.0 (2015-2017) by rewriting it as a self-contained glTF 2.0 GLB.

trimesh reads only glTF 2.0, yet real scans (Khronos' own samples among them) still circulate
as 1.0 binaries (KHR_binary_glTF). The geometry model is the same; what changed is the JSON
shape: objects keyed by id became arrays, byteStride moved from accessors to buffer views,
and materials became PBR. This module does that rewrite and nothing more; textures keep
their bytes. Every external file it reads goes through the same reference checks as 2.0.
"""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path

from heritage_sites.processing.errors import Rejected
from heritage_sites.processing.preflight_gltf import COMPONENT_SIZES, TYPE_COMPONENTS, load_json
from heritage_sites.processing.references import resolve_reference

BINARY_BUFFER = "binary_glTF"


def read_glb1(path: Path) -> tuple[dict, bytes]:
    """The JSON and binary body of a glTF 1.0 GLB (version 1 container)."""
    data = path.read_bytes()
    if len(data) < 20:
        raise Rejected("The glTF 1.0 file is shorter than its header.", code="invalid_glb")
    _magic, _version, length, content_length, content_format = struct.unpack_from("<4sIIII", data)
    if length != len(data) or 20 + content_length > len(data) or content_format != 0:
        raise Rejected(
            "The glTF 1.0 file's header does not match its size. It is damaged: export it again.",
            code="invalid_glb",
        )
    doc = load_json(data[20 : 20 + content_length], what="glTF 1.0")
    return doc, data[20 + content_length :]


class _Ids:
    """Maps 1.0 string ids to 2.0 array indices, one table per collection."""

    def __init__(self, doc: dict, key: str) -> None:
        value = doc.get(key) or {}
        if not isinstance(value, dict):
            raise Rejected(f"The glTF 1.0 '{key}' is not an object.", code="invalid_gltf")
        self.items = value
        self.index = {name: number for number, name in enumerate(value)}

    def __call__(self, name) -> int:
        if not isinstance(name, str) or name not in self.index:
            shown = f"'{name[:80]}'" if isinstance(name, str) else "something that is not a name"
            raise Rejected(
                f"The glTF 1.0 file refers to {shown}, which does not exist.",
                code="invalid_gltf",
            )
        return self.index[name]


def convert(doc: dict, body: bytes | None, *, root: Path, base: Path) -> bytes:
    """Return GLB 2.0 bytes holding the same scene as the glTF 1.0 ``doc``."""
    blob = bytearray()

    def append(data: bytes) -> int:
        while len(blob) % 4:
            blob.append(0)
        offset = len(blob)
        blob.extend(data)
        return offset

    buffers = _Ids(doc, "buffers")
    buffer_offsets: dict[str, tuple[int, int]] = {}
    for name, buffer in buffers.items.items():
        if name == BINARY_BUFFER and body is not None:
            data = body
        else:
            data = _external(buffer.get("uri", ""), root=root, base=base, what="buffer")
        buffer_offsets[name] = (append(data), len(data))

    views = _Ids(doc, "bufferViews")

    def view_range(name: str) -> tuple[int, int]:
        view = views.items[name]
        views(name)
        start, size = buffer_offsets[view["buffer"]]
        offset, length = view.get("byteOffset", 0), view.get("byteLength", 0)
        if offset < 0 or length < 0 or offset + length > size:
            raise Rejected(
                f"The glTF 1.0 buffer view {name!r} runs past its buffer.", code="invalid_gltf"
            )
        return start + offset, length

    out_views: list[dict] = []
    accessors = _Ids(doc, "accessors")
    out_accessors = []
    for name, accessor in accessors.items.items():
        element = COMPONENT_SIZES.get(accessor.get("componentType"), 0) * TYPE_COMPONENTS.get(
            accessor.get("type"), 0
        )
        count = accessor.get("count", 0)
        if not element or not isinstance(count, int) or count < 0:
            raise Rejected(f"The glTF 1.0 accessor {name!r} is invalid.", code="invalid_gltf")
        start, length = view_range(accessor["bufferView"])
        stride = accessor.get("byteStride") or element
        offset = accessor.get("byteOffset", 0)
        needed = stride * (count - 1) + element if count else 0
        if offset < 0 or offset + needed > length:
            raise Rejected(
                f"The glTF 1.0 accessor {name!r} runs past its buffer view.",
                code="invalid_gltf",
            )
        view = {"buffer": 0, "byteOffset": start + offset, "byteLength": max(needed, 1)}
        if stride != element:
            view["byteStride"] = stride
        out_views.append(view)
        converted = {
            "bufferView": len(out_views) - 1,
            "componentType": accessor["componentType"],
            "count": count,
            "type": accessor["type"],
        }
        for key in ("min", "max"):
            if key in accessor:
                converted[key] = accessor[key]
        out_accessors.append(converted)

    images = _Ids(doc, "images")
    out_images = []
    for image in images.items.values():
        binary = (image.get("extensions") or {}).get("KHR_binary_glTF")
        if binary:
            start, length = view_range(binary["bufferView"])
            out_views.append({"buffer": 0, "byteOffset": start, "byteLength": length})
            out_images.append(
                {"bufferView": len(out_views) - 1, "mimeType": binary.get("mimeType", "")}
            )
        else:
            data = _external(image.get("uri", ""), root=root, base=base, what="texture")
            out_views.append({"buffer": 0, "byteOffset": append(data), "byteLength": len(data)})
            out_images.append({"bufferView": len(out_views) - 1, "mimeType": "image/png"})

    textures = _Ids(doc, "textures")
    out_textures = [{"source": images(t["source"])} for t in textures.items.values()]
    materials = _Ids(doc, "materials")
    out_materials = [_material(m, textures) for m in materials.items.values()]

    meshes = _Ids(doc, "meshes")
    out_meshes = []
    for mesh in meshes.items.values():
        primitives = []
        for primitive in mesh.get("primitives", []):
            attributes = {}
            for semantic, accessor in (primitive.get("attributes") or {}).items():
                key = {"COLOR": "COLOR_0", "TEXCOORD": "TEXCOORD_0"}.get(semantic, semantic)
                if key in ("POSITION", "NORMAL") or key.startswith(("TEXCOORD_", "COLOR_")):
                    attributes[key] = accessors(accessor)
            converted = {"attributes": attributes, "mode": primitive.get("mode", 4)}
            if "indices" in primitive:
                converted["indices"] = accessors(primitive["indices"])
            if "material" in primitive:
                converted["material"] = materials(primitive["material"])
            primitives.append(converted)
        out_meshes.append({"primitives": primitives})

    nodes = _Ids(doc, "nodes")
    out_nodes: list[dict] = [{} for _ in nodes.items]
    for number, node in enumerate(nodes.items.values()):
        converted = {"children": [nodes(child) for child in node.get("children", [])]}
        for key in ("matrix", "translation", "rotation", "scale"):
            if key in node:
                converted[key] = node[key]
        mesh_ids = node.get("meshes") or []
        if len(mesh_ids) == 1:
            converted["mesh"] = meshes(mesh_ids[0])
        else:  # 2.0 allows one mesh per node: give each its own child
            for mesh_id in mesh_ids:
                out_nodes.append({"mesh": meshes(mesh_id)})
                converted["children"].append(len(out_nodes) - 1)
        if not converted["children"]:
            del converted["children"]
        out_nodes[number] = converted

    scenes = _Ids(doc, "scenes")
    out_scenes = [{"nodes": [nodes(n) for n in s.get("nodes", [])]} for s in scenes.items.values()]
    result = {
        "asset": {"version": "2.0", "generator": "silk-road-museum glTF 1.0 reader"},
        "buffers": [{"byteLength": len(blob)}],
        "bufferViews": out_views,
        "accessors": out_accessors,
        "images": out_images,
        "textures": out_textures,
        "materials": out_materials,
        "meshes": out_meshes,
        "nodes": out_nodes,
        "scenes": out_scenes,
    }
    if "scene" in doc and out_scenes:
        result["scene"] = scenes(doc["scene"])
    return _glb(result, bytes(blob))


def _material(material: dict, textures: _Ids) -> dict:
    values = dict(material.get("values") or {})
    common = (material.get("extensions") or {}).get("KHR_materials_common") or {}
    values.update(common.get("values") or {})
    diffuse = values.get("diffuse")
    pbr: dict = {"metallicFactor": 0.0, "roughnessFactor": 1.0}
    if isinstance(diffuse, str):
        pbr["baseColorTexture"] = {"index": textures(diffuse)}
    elif isinstance(diffuse, list) and len(diffuse) in (3, 4):
        pbr["baseColorFactor"] = [*diffuse[:3], diffuse[3] if len(diffuse) == 4 else 1.0]
    return {"name": str(material.get("name", ""))[:200], "pbrMetallicRoughness": pbr}


def _external(uri: str, *, root: Path, base: Path, what: str) -> bytes:
    if uri.startswith("data:"):
        head, _, payload = uri.partition(",")
        return base64.b64decode(payload) if head.endswith(";base64") else payload.encode()
    found = resolve_reference(uri, root=root, base=base, owner="glTF", what=what, uri=True)
    if found is None:
        raise Rejected(
            f"The glTF names {what} {uri}, which is not in the upload. Put it in the zip.",
            code="missing_buffer",
        )
    return found.read_bytes()


def _glb(doc: dict, blob: bytes) -> bytes:
    text = json.dumps(doc).encode()
    text += b" " * (-len(text) % 4)
    blob += b"\0" * (-len(blob) % 4)
    chunks = struct.pack("<II", len(text), 0x4E4F534A) + text
    chunks += struct.pack("<II", len(blob), 0x004E4942) + blob
    return b"glTF" + struct.pack("<II", 2, 12 + len(chunks)) + chunks
