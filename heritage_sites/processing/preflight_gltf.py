"""Pre-flight checks for glTF 2.0 (.gltf JSON with its files, or a .glb container).

Everything is checked on the JSON and the container framing, before trimesh reads a byte of
geometry: where buffers and images live, whether accessors fit in their buffers, whether the
node graph loops, and how many triangles the scene would have once instances are expanded.
"""

from __future__ import annotations

import base64
import io
import json
import struct
from pathlib import Path

from heritage_sites.processing.errors import Rejected, technical_detail
from heritage_sites.processing.references import resolve_reference, texture_size
from heritage_sites.processing.types import MAX_FACES, Preflight, Upload

MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_DATA_URI_BYTES = 32 * 1024 * 1024
MAX_NODES = 200_000
# Exporters nest nodes a few dozen levels deep; trimesh walks a chain of parents for every
# node, so a 100,000-deep chain (row 40 of HOSTILE-INPUTS) would take it hours.
MAX_NODE_DEPTH = 1_000
COMPONENT_SIZES = {5120: 1, 5121: 1, 5122: 2, 5123: 2, 5125: 4, 5126: 4}
TYPE_COMPONENTS = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT2": 4, "MAT3": 9, "MAT4": 16}
# Draco is decoded (DracoPy), so it is not listed here.
UNDECODED_EXTENSIONS = {
    "EXT_meshopt_compression": "compressed with meshoptimizer, which this server does not decode",
    "KHR_mesh_quantization": "quantized, which this server does not read reliably",
}
DRACO = "KHR_draco_mesh_compression"
GLB_JSON = 0x4E4F534A
GLB_BIN = 0x004E4942


def _invalid(message: str, code: str = "invalid_gltf") -> Rejected:
    return Rejected(message, code=code)


def load_json(raw: bytes, *, what: str) -> dict:
    """Parse glTF JSON with size and nesting limits."""
    if len(raw) > MAX_JSON_BYTES:
        raise _invalid(
            f"The {what} JSON is {len(raw):,} bytes, above the {MAX_JSON_BYTES:,} allowed. Keep "
            "geometry in binary buffers (.bin or .glb), not inside the JSON.",
            code="too_complex",
        )
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except RecursionError as exc:
        raise _invalid(f"The {what} JSON is nested too deeply to be a real model.") from exc
    except UnicodeDecodeError as exc:
        raise Rejected(
            f"The {what} text is not UTF-8, as glTF requires. Export it again.",
            code="invalid_gltf",
            detail=technical_detail(exc),
        ) from exc
    except json.JSONDecodeError as exc:
        raise Rejected(
            f"The {what} is not valid JSON: it breaks off or has a stray character at line "
            f"{exc.lineno:,}, column {exc.colno:,}. Export it again.",
            code="invalid_gltf",
            detail=technical_detail(exc),
        ) from exc
    except ValueError as exc:
        raise Rejected(
            f"The {what} is not valid JSON. Export it again.",
            code="invalid_gltf",
            detail=technical_detail(exc),
        ) from exc
    if not isinstance(doc, dict):
        raise _invalid(f"The {what} JSON is not an object.")
    return doc


def check_glb(upload: Upload, result: Preflight) -> None:
    path = upload.main
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(12)
        if len(header) < 12:
            raise _invalid("The GLB file is shorter than its 12-byte header.", "invalid_glb")
        magic, version, length = struct.unpack("<4sII", header)
        if magic != b"glTF":
            raise _invalid("The file does not start with the GLB signature.", "invalid_glb")
        # glTF 1.0 never gets here: the pipeline converts it to 2.0 first (gltf1.py).
        if version != 2:
            raise _invalid(f"The GLB declares container version {version}; expected 2.")
        if length != size:
            raise _invalid(
                f"The GLB header says the file is {length:,} bytes, but it is {size:,} bytes. "
                "It is truncated or damaged: export it again.",
                "invalid_glb",
            )
        chunk = handle.read(8)
        if len(chunk) < 8:
            raise _invalid("The GLB has no JSON chunk.", "invalid_glb")
        json_length, json_type = struct.unpack("<II", chunk)
        if json_type != GLB_JSON or 20 + json_length > size:
            raise _invalid(
                "The GLB's first chunk is not JSON or runs past the end of the file. It is "
                "damaged: export it again.",
                "invalid_glb",
            )
        doc = load_json(handle.read(json_length).rstrip(b" \x00"), what="GLB")
        bin_offset = bin_length = None
        rest = size - 20 - json_length
        if rest:
            chunk = handle.read(8)
            if len(chunk) < 8:
                raise _invalid("The GLB ends inside a chunk header.", "invalid_glb")
            chunk_length, chunk_type = struct.unpack("<II", chunk)
            if chunk_type != GLB_BIN:
                raise _invalid("The GLB's second chunk is not binary data.", "invalid_glb")
            if chunk_length > rest - 8:
                raise _invalid(
                    f"The GLB's binary chunk declares {chunk_length:,} bytes but only "
                    f"{rest - 8:,} follow. The file is truncated: export it again.",
                    "invalid_glb",
                )
            bin_offset, bin_length = 28 + json_length, chunk_length
    check_document(doc, upload, result, bin_length=bin_length, bin_offset=bin_offset)


def check_gltf(upload: Upload, result: Preflight) -> None:
    doc = load_json(upload.main.read_bytes(), what="glTF")
    check_document(doc, upload, result, bin_length=None, bin_offset=None)


def _list(doc: dict, key: str) -> list:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise _invalid(f"The glTF '{key}' is not a list.")
    return value


def _index(value, size: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < size:
        if isinstance(value, int) and not isinstance(value, bool):
            raise _invalid(f"The glTF refers to {what} {value}, which does not exist.")
        # Anything but a number would print in Python's own notation: not worth quoting.
        raise _invalid(f"The glTF names a {what} with something that is not a number.")
    return value


def check_document(
    doc: dict, upload: Upload, result: Preflight, *, bin_length: int | None, bin_offset
) -> None:
    """Check the glTF JSON against its buffers; raise Rejected with a curator's reason."""
    try:
        _check_document(doc, upload, result, bin_length=bin_length, bin_offset=bin_offset)
    except (AttributeError, TypeError, KeyError) as exc:
        # A list where an object belongs, a string where a number does...: a crafted or
        # broken file, not a bug of ours.
        raise Rejected(
            "The glTF JSON has values of the wrong kind (for example a number where a list or "
            "an object belongs), so it does not describe a model. Export it again.",
            code="invalid_gltf",
            detail=technical_detail(exc),
        ) from exc


def _check_document(
    doc: dict, upload: Upload, result: Preflight, *, bin_length: int | None, bin_offset
) -> None:
    asset = doc.get("asset") if isinstance(doc.get("asset"), dict) else {}
    version = str(asset.get("version", ""))
    result.info["gltf_version"] = version
    # glTF 1.0 never gets here: the pipeline converts it to 2.0 first (gltf1.py).
    if not version.startswith("2"):
        shown = f"version {version[:20]}" if version else "no version"
        raise _invalid(f"The glTF declares {shown}; expected 2.0.")
    for extension in doc.get("extensionsRequired") or []:
        why = UNDECODED_EXTENSIONS.get(extension)
        if why:
            raise Rejected(
                f"The glTF geometry is {why}. Export it without that compression (plain glTF "
                "2.0 or GLB); the museum compresses the web copy itself.",
                code="unsupported_extension",
            )
    base = upload.main.parent
    buffer_sizes = _check_buffers(doc, upload, base, bin_length)
    views = _list(doc, "bufferViews")
    for number, view in enumerate(views):
        buffer = _index(view.get("buffer"), len(buffer_sizes), "buffer")
        offset, length = view.get("byteOffset", 0), view.get("byteLength", 0)
        if not (isinstance(offset, int) and isinstance(length, int)) or offset < 0 or length < 0:
            raise _invalid(f"The glTF buffer view {number} has a negative or odd size.")
        if offset + length > buffer_sizes[buffer]:
            raise _invalid(
                f"The glTF buffer view {number} reaches byte {offset + length:,} of a buffer "
                f"that has {buffer_sizes[buffer]:,} bytes. The file is damaged."
            )
    accessors = _list(doc, "accessors")
    for number, accessor in enumerate(accessors):
        _check_accessor(number, accessor, views)
    triangles = _check_meshes(doc, accessors, views)
    _check_images(doc, upload, result, base, views, bin_offset)
    total = _instanced_triangles(doc, triangles)
    if total == 0:
        raise Rejected(
            "The glTF scene holds no triangles (no meshes, or only points and lines).",
            code="empty_geometry",
        )
    if total > MAX_FACES:
        raise Rejected(
            f"The glTF scene expands to {total:,} triangles once every instance is placed, "
            f"more than the {MAX_FACES:,} this server processes. Decimate it or use fewer "
            "copies.",
            code="too_complex",
        )
    result.info["gltf_triangles"] = total


def _check_buffers(doc: dict, upload: Upload, base: Path, bin_length: int | None) -> list[int]:
    sizes = []
    for number, buffer in enumerate(_list(doc, "buffers")):
        declared = buffer.get("byteLength")
        if not isinstance(declared, int) or declared < 0:
            raise _invalid(f"The glTF buffer {number} has no valid byteLength.")
        uri = buffer.get("uri")
        if uri is None:
            if number != 0 or bin_length is None:
                raise _invalid(f"The glTF buffer {number} has no data (no uri, no GLB chunk).")
            available = bin_length
        elif not isinstance(uri, str):
            raise _invalid(f"The glTF buffer {number} has an odd uri.")
        elif uri.startswith("data:"):
            if len(uri) > MAX_DATA_URI_BYTES * 4 // 3 + 100:
                raise Rejected(
                    f"The glTF embeds buffer {number} as text of {len(uri):,} characters, above "
                    "this server's limit. Export a .glb or keep buffers in .bin files.",
                    code="too_complex",
                )
            available = _data_uri_length(uri)
        else:
            found = resolve_reference(
                uri, root=upload.root, base=base, owner="glTF", what="buffer", uri=True
            )
            if found is None:
                raise Rejected(
                    f"The glTF names buffer {uri}, which is not in the upload. Put it in the "
                    "zip beside the .gltf.",
                    code="missing_buffer",
                )
            available = found.stat().st_size
        if available < declared:
            raise _invalid(
                f"The glTF buffer {number} should hold {declared:,} bytes but has "
                f"{available:,}. It is truncated: export the model again."
            )
        sizes.append(declared)
    return sizes


def _data_uri_length(uri: str) -> int:
    head, _, payload = uri.partition(",")
    if head.endswith(";base64"):
        payload = payload.strip()
        return len(payload) * 3 // 4 - payload[-2:].count("=")
    return len(payload)


def _check_accessor(number: int, accessor: dict, views: list) -> None:
    count = accessor.get("count")
    size = COMPONENT_SIZES.get(accessor.get("componentType"))
    components = TYPE_COMPONENTS.get(accessor.get("type"))
    if not isinstance(count, int) or count < 0 or size is None or components is None:
        raise _invalid(f"The glTF accessor {number} has an invalid count, type or component.")
    if "bufferView" not in accessor:
        return  # zero-filled by definition; the loader decides whether it can use it
    view = views[_index(accessor["bufferView"], len(views), "buffer view")]
    offset = accessor.get("byteOffset", 0)
    if not isinstance(offset, int) or offset < 0:
        raise _invalid(f"The glTF accessor {number} has a negative byte offset.")
    element = size * components
    stride = view.get("byteStride") or element
    if count and offset + stride * (count - 1) + element > view.get("byteLength", 0):
        raise _invalid(
            f"The glTF accessor {number} declares {count:,} items, which run past the end of "
            "its buffer view. The file is damaged or crafted."
        )


def _check_meshes(doc: dict, accessors: list, views: list) -> list[int]:
    triangles = []
    for number, mesh in enumerate(_list(doc, "meshes")):
        total = 0
        for primitive in mesh.get("primitives", []):
            attributes = primitive.get("attributes", {})
            if "POSITION" not in attributes:
                raise _invalid(
                    f"The glTF mesh {number} has a part without vertex positions. Export it again.",
                    code="invalid_mesh",
                )
            for value in [*attributes.values(), primitive.get("indices")]:
                if value is not None:
                    _index(value, len(accessors), "accessor")
            position = accessors[attributes["POSITION"]]
            draco = (primitive.get("extensions") or {}).get(DRACO)
            if draco is not None:
                _index(draco.get("bufferView"), len(views), "buffer view")
            elif "bufferView" not in position and "sparse" not in position:
                raise _invalid(
                    f"The glTF mesh {number} has vertex positions with no data behind them "
                    "(an accessor without a buffer view, which glTF reads as all zeros), so "
                    "there is no surface to show. Export the model again.",
                    code="invalid_mesh",
                )
            indices = primitive.get("indices")
            count = accessors[indices]["count"] if indices is not None else position["count"]
            mode = primitive.get("mode", 4)
            if mode == 4:
                total += count // 3
            elif mode in (5, 6):
                total += max(count - 2, 0)
        triangles.append(total)
    return triangles


def _check_images(
    doc: dict, upload: Upload, result: Preflight, base: Path, views: list, bin_offset
) -> None:
    for number, image in enumerate(_list(doc, "images")):
        uri = image.get("uri")
        given = image.get("name")
        name = given[:100] if isinstance(given, str) and given.strip() else f"image {number}"
        if isinstance(uri, str) and uri.startswith("data:"):
            if len(uri) > MAX_DATA_URI_BYTES * 4 // 3 + 100:
                raise Rejected(
                    f"The glTF embeds texture {name} as text above this server's limit. "
                    "Export a .glb instead.",
                    code="too_complex",
                )
            payload = uri.partition(",")[2]
            try:
                data = base64.b64decode(payload)
            except ValueError:
                result.warn("unreadable_texture", f"The embedded texture {name} is damaged.")
                continue
            size = texture_size(io.BytesIO(data), name=name)
        elif isinstance(uri, str):
            found = resolve_reference(
                uri, root=upload.root, base=base, owner="glTF", what="texture", uri=True
            )
            if found is None:
                result.warn(
                    "missing_texture",
                    f"The glTF names texture {uri}, which is not in the upload; the model is "
                    "shown without it.",
                )
                continue
            size = texture_size(found, name=uri)
            name = uri
        elif "bufferView" in image:
            view = views[_index(image["bufferView"], len(views), "buffer view")]
            data = _view_bytes(doc, upload, base, view, bin_offset)
            if data is None:
                continue
            size = texture_size(io.BytesIO(data), name=name)
        else:
            continue
        result.textures.append({"name": name, "width": size[0], "height": size[1]})


MAX_TEXTURE_VIEW_BYTES = 64 * 1024 * 1024


def _view_bytes(doc: dict, upload: Upload, base: Path, view: dict, bin_offset) -> bytes | None:
    """The bytes of a buffer view holding an image (its header is all that is needed)."""
    buffer = _list(doc, "buffers")[view["buffer"]]  # the index was checked with the views
    offset = view.get("byteOffset", 0)
    length = min(view.get("byteLength", 0), MAX_TEXTURE_VIEW_BYTES)
    uri = buffer.get("uri")
    if uri is None:
        if bin_offset is None:
            return None
        path, start = upload.main, bin_offset + offset
    elif uri.startswith("data:"):  # already capped at MAX_DATA_URI_BYTES by _check_buffers
        head, _, payload = uri.partition(",")
        try:
            raw = base64.b64decode(payload) if head.endswith(";base64") else payload.encode()
        except ValueError:
            return None
        return raw[offset : offset + length]
    else:
        found = resolve_reference(
            uri, root=upload.root, base=base, owner="glTF", what="buffer", uri=True
        )
        if found is None:
            return None
        path, start = found, offset
    with path.open("rb") as handle:
        handle.seek(start)
        return handle.read(length)


def _instanced_triangles(doc: dict, triangles: list[int]) -> int:
    """Triangles in the default scene once instances are expanded; refuses cycles."""
    nodes = _list(doc, "nodes")
    if len(nodes) > MAX_NODES:
        raise _invalid(f"The glTF has {len(nodes):,} nodes, more than {MAX_NODES:,}.")
    children: list[list[int]] = []
    parents = [0] * len(nodes)
    for node in nodes:
        kids = [_index(kid, len(nodes), "node") for kid in node.get("children", [])]
        if "mesh" in node:
            _index(node["mesh"], len(triangles), "mesh")
        children.append(kids)
        for kid in kids:
            parents[kid] += 1
    # Kahn's algorithm: a node never reached by peeling off parentless nodes sits in a cycle.
    order, pending = [], [n for n in range(len(nodes)) if parents[n] == 0]
    remaining = parents[:]
    while pending:
        node = pending.pop()
        order.append(node)
        for kid in children[node]:
            remaining[kid] -= 1
            if remaining[kid] == 0:
                pending.append(kid)
    if len(order) != len(nodes):
        raise _invalid(
            "The glTF node hierarchy loops back on itself (a node is its own ancestor). Export "
            "the model again.",
            code="node_cycle",
        )
    depth = [0] * len(nodes)
    for node in order:  # parents come before their children in this order
        for kid in children[node]:
            depth[kid] = max(depth[kid], depth[node] + 1)
    deepest = max(depth, default=0)
    if deepest > MAX_NODE_DEPTH:
        raise _invalid(
            f"The glTF node hierarchy is {deepest:,} levels deep, more than the "
            f"{MAX_NODE_DEPTH:,} this server handles (real models nest a few dozen). Flatten "
            "the hierarchy (apply the transforms) and export again.",
            code="too_complex",
        )
    scenes = _list(doc, "scenes")
    if scenes:
        chosen = doc.get("scene", 0)
        scene = scenes[_index(chosen, len(scenes), "scene")]
        roots = [_index(n, len(nodes), "node") for n in scene.get("nodes", [])]
    else:
        roots = [n for n in range(len(nodes)) if parents[n] == 0]
    copies = [0] * len(nodes)
    for root in roots:
        copies[root] += 1
    total = 0
    for node in order:
        if copies[node] == 0:
            continue
        if "mesh" in nodes[node]:
            total += copies[node] * triangles[nodes[node]["mesh"]]
            if total > MAX_FACES * 10:
                break
        for kid in children[node]:
            # Capped: a fan-out chain can otherwise grow the count exponentially.
            copies[kid] = min(copies[kid] + copies[node], MAX_FACES * 10)
    if not nodes and triangles:
        total = sum(triangles)
    return total
