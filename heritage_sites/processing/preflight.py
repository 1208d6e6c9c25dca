"""Cheap checks before any mesh parser runs: do the declared sizes fit the bytes?

A header that declares four billion vertices in a 1 KB file, or a texture path that climbs
out of the upload, is refused here in milliseconds, before trimesh allocates anything.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from heritage_sites.processing import formats, preflight_gltf
from heritage_sites.processing.errors import Rejected
from heritage_sites.processing.references import resolve_reference, texture_size
from heritage_sites.processing.text import decode_text
from heritage_sites.processing.types import MAX_FACES, Preflight, Upload

MAX_HEADER_BYTES = 64 * 1024
MAX_OBJ_GROUPS = 50_000
# Ascii STL spends at least this many bytes on one facet ("facet normal ... endfacet").
ASCII_STL_MIN_FACET_BYTES = 60


def _too_complex(faces: int, label: str) -> Rejected:
    return Rejected(
        f"The {label} declares {faces:,} faces, more than the {MAX_FACES:,} this server "
        "processes. Decimate the scan before uploading.",
        code="too_complex",
    )


def run_preflight(upload: Upload) -> Preflight:
    """Check the upload's main file; raise Rejected with a curator's reason when it fails."""
    result = Preflight()
    checks = {
        formats.STL: check_stl,
        formats.PLY: check_ply,
        formats.OFF: check_off,
        formats.OBJ: check_obj,
        formats.OBJ_ZIP: check_obj,
        formats.GLB: preflight_gltf.check_glb,
        formats.GLTF: preflight_gltf.check_gltf,
        formats.GLTF_ZIP: preflight_gltf.check_gltf,
    }
    checks[upload.fmt](upload, result)
    return result


# STL ---------------------------------------------------------------------------------------


def check_stl(upload: Upload, result: Preflight) -> None:
    path = upload.main
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(4096)
    ascii_like = head.lstrip()[:5].lower() == b"solid" and (b"facet" in head or b"endsolid" in head)
    if size >= 84:
        (count,) = struct.unpack_from("<I", head, 80)
        expected = 84 + 50 * count
        if size == expected and not ascii_like:
            _binary_stl(result, count, 0)
            return
        if not ascii_like and expected < size < expected + 50:
            # Some exporters pad the file; the triangles themselves are all there.
            _binary_stl(result, count, size - expected)
            return
        if not ascii_like:
            raise Rejected(
                f"The STL header declares {count:,} triangles, which take {expected:,} bytes, "
                f"but the file has {size:,} bytes. The file is truncated or damaged: export "
                "it again.",
                code="header_mismatch",
            )
    if not ascii_like:
        raise Rejected(
            "The file is too short to be an STL and does not start with 'solid'. Export it again.",
            code="header_mismatch",
        )
    estimate = size // ASCII_STL_MIN_FACET_BYTES
    if estimate > MAX_FACES * 4:
        raise _too_complex(estimate, "ascii STL")
    result.info["stl"] = "ascii"


def _binary_stl(result: Preflight, count: int, trailing: int) -> None:
    if count == 0:
        raise Rejected(
            "The STL holds no triangles (its header declares 0). Export the model again.",
            code="empty_geometry",
        )
    if count > MAX_FACES:
        raise _too_complex(count, "STL")
    result.info["stl"] = "binary"
    result.info["stl_triangles"] = count
    if trailing:
        result.warn(
            "trailing_bytes",
            f"The STL has {trailing} extra byte(s) after its last triangle; they were ignored.",
        )


# PLY ---------------------------------------------------------------------------------------

PLY_TYPES = {
    "char": 1, "uchar": 1, "int8": 1, "uint8": 1,
    "short": 2, "ushort": 2, "int16": 2, "uint16": 2,
    "int": 4, "uint": 4, "int32": 4, "uint32": 4, "float": 4, "float32": 4,
    "double": 8, "float64": 8,
}  # fmt: skip
PLY_INTEGERS = {name for name in PLY_TYPES if "float" not in name and name != "double"}


@dataclass
class PlyElement:
    name: str
    count: int
    properties: list[tuple[str, str, str | None]]  # (name, type, list item type or None)


def parse_ply_header(path: Path) -> tuple[str, list[PlyElement], int, list[str]]:
    """Return (format, elements, body offset, comments) or raise Rejected."""
    with path.open("rb") as handle:
        head = handle.read(MAX_HEADER_BYTES)
    end = head.find(b"end_header")
    if end < 0:
        raise Rejected(
            "The PLY header never ends (no 'end_header' in its first 64 KB). The file is "
            "damaged or not a PLY.",
            code="invalid_ply",
        )
    body = end + len(b"end_header")
    if head[body : body + 2] == b"\r\n":
        body += 2
    elif head[body : body + 1] in (b"\n", b"\r"):
        body += 1
    try:
        text = head[:end].decode("ascii")
    except UnicodeDecodeError as exc:
        raise Rejected(
            "The PLY header contains bytes that are not text; the file is damaged.",
            code="invalid_ply",
        ) from exc
    fmt = ""
    elements: list[PlyElement] = []
    comments: list[str] = []
    for number, raw in enumerate(text.splitlines()):
        words = raw.strip().split()
        if not words:
            continue
        keyword = words[0]
        if number == 0:
            if keyword.lower() != "ply":
                raise Rejected("The file does not start with 'ply'.", code="invalid_ply")
            continue
        if keyword in ("comment", "obj_info"):
            comments.append(raw.strip()[len(keyword) :].strip())
        elif keyword == "format" and len(words) >= 2:
            fmt = words[1]
        elif keyword == "element" and len(words) == 3:
            if not words[2].isdigit():
                raise _bad_ply_line(raw)
            if any(element.name == words[1] for element in elements):
                raise Rejected(
                    f"The PLY header declares the element '{words[1]}' twice; the file is "
                    "damaged or crafted.",
                    code="invalid_ply",
                )
            elements.append(PlyElement(words[1], int(words[2]), []))
        elif keyword == "property" and elements:
            if len(words) == 5 and words[1] == "list":
                if words[2] not in PLY_INTEGERS or words[3] not in PLY_TYPES:
                    raise _bad_ply_line(raw)
                elements[-1].properties.append((words[4], words[2], words[3]))
            elif len(words) == 3 and words[1] in PLY_TYPES:
                elements[-1].properties.append((words[2], words[1], None))
            else:
                raise _bad_ply_line(raw)
        else:
            raise _bad_ply_line(raw)
    if fmt not in ("ascii", "binary_little_endian", "binary_big_endian"):
        raise Rejected(
            f"The PLY format line says {fmt or 'nothing'!r}; expected ascii or binary.",
            code="invalid_ply",
        )
    return fmt, elements, body, comments


def _bad_ply_line(line: str) -> Rejected:
    shown = line.strip()[:60]
    return Rejected(
        f"The PLY header has a line this server cannot understand ({shown!r}); the file is "
        "damaged or not a PLY.",
        code="invalid_ply",
    )


def check_ply(upload: Upload, result: Preflight) -> None:
    fmt, elements, body, comments = parse_ply_header(upload.main)
    by_name = {element.name: element for element in elements}
    vertex = by_name.get("vertex")
    face = by_name.get("face")
    if vertex is None or vertex.count == 0:
        raise Rejected("The PLY holds no vertices.", code="empty_geometry")
    names = {prop[0] for prop in vertex.properties}
    if not {"x", "y", "z"} <= names:
        raise Rejected("The PLY vertices have no x, y and z coordinates.", code="invalid_ply")
    if face is None or face.count == 0:
        raise Rejected(
            f"The PLY holds {vertex.count:,} points but no faces: it is a point cloud, not a "
            "surface. Build a mesh from it (for example by surface reconstruction) and upload "
            "that.",
            code="empty_geometry",
        )
    if face.count > MAX_FACES:
        raise _too_complex(face.count, "PLY")
    available = upload.main.stat().st_size - body
    needed = 0
    for element in elements:
        per_row = 0
        for _name, kind, item in element.properties:
            if item is None:
                per_row += PLY_TYPES[kind] if fmt != "ascii" else 2
            else:
                # A face needs at least three indices; other lists may be empty.
                least = 3 if element is face else 0
                if fmt != "ascii":
                    per_row += PLY_TYPES[kind] + least * PLY_TYPES[item]
                else:
                    per_row += 2 + 2 * least
        needed += element.count * per_row
    if needed > available:
        raise Rejected(
            f"The PLY header declares {vertex.count:,} vertices and {face.count:,} faces, "
            f"which need at least {needed:,} bytes, but the file holds only {available:,} "
            "bytes after its header. It is truncated or its header is wrong.",
            code="header_mismatch",
        )
    result.info["ply"] = {"format": fmt, "vertices": vertex.count, "faces": face.count}
    for comment in comments:
        words = comment.split(maxsplit=1)
        if len(words) == 2 and words[0].lower() == "texturefile":
            _texture(upload, result, words[1], owner="PLY", base=upload.main.parent)


def _texture(upload: Upload, result: Preflight, ref: str, *, owner: str, base: Path) -> None:
    found = resolve_reference(ref, root=upload.root, base=base, owner=owner, what="texture")
    if found is None:
        result.warn(
            "missing_texture",
            f"The {owner} names texture {ref}, which is not in the upload; the model is "
            "shown without it.",
        )
        return
    width, height = texture_size(found, name=ref)
    result.textures.append({"name": ref, "width": width, "height": height})


# OFF ---------------------------------------------------------------------------------------


def check_off(upload: Upload, result: Preflight) -> None:
    path = upload.main
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(MAX_HEADER_BYTES).decode("latin-1")
    tokens: list[str] = []
    for line in head.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            tokens.extend(line.split())
        if len(tokens) >= 4:
            break
    if not tokens or not tokens[0].upper().endswith("OFF"):
        raise Rejected("The file does not start with 'OFF'.", code="invalid_off")
    if len(tokens) > 1 and tokens[1].upper() == "BINARY":
        raise Rejected(
            "This is a binary OFF file, which this server does not read. Export an ascii OFF, "
            "PLY or STL.",
            code="invalid_off",
        )
    keyword = tokens[0].upper()
    if keyword.startswith(("4", "N")) and keyword not in ("NOFF",):
        raise Rejected(
            f"'{tokens[0]}' OFF files are not supported; export a plain OFF, PLY or STL.",
            code="invalid_off",
        )
    try:
        vertices, faces = int(tokens[1]), int(tokens[2])
    except (IndexError, ValueError) as exc:
        raise Rejected(
            "The OFF header does not give the vertex and face counts.", code="invalid_off"
        ) from exc
    if vertices < 0 or faces < 0:
        raise Rejected("The OFF header has negative counts.", code="invalid_off")
    if faces == 0:
        raise Rejected("The OFF file declares no faces.", code="empty_geometry")
    if faces > MAX_FACES:
        raise _too_complex(faces, "OFF")
    # "0 0 0\n" and "3 0 1 2\n" are the shortest possible vertex and face lines.
    needed = vertices * 6 + faces * 8
    if needed > size:
        raise Rejected(
            f"The OFF header declares {vertices:,} vertices and {faces:,} faces, which need at "
            f"least {needed:,} bytes, but the file has {size:,} bytes. The header is wrong or "
            "the file is truncated.",
            code="header_mismatch",
        )
    result.info["off"] = {"vertices": vertices, "faces": faces}


# OBJ ---------------------------------------------------------------------------------------

MTL_MAP_KEYS = {"bump", "disp", "decal", "refl", "norm"}
MTL_OPTION_ARGS = {
    "-blendu": 1, "-blendv": 1, "-bm": 1, "-boost": 1, "-cc": 1, "-clamp": 1,
    "-imfchan": 1, "-mm": 2, "-o": 3, "-s": 3, "-t": 3, "-texres": 1, "-type": 1,
}  # fmt: skip


def check_obj(upload: Upload, result: Preflight) -> None:
    raw = upload.main.read_bytes()
    # Plain ASCII or UTF-8 (nearly every OBJ) is scanned as bytes and handed to trimesh as is;
    # only other encodings (UTF-16, Latin-1...) are decoded, and re-encoded for trimesh.
    text: str | bytes = raw
    encoding = "ascii" if raw.isascii() else ""
    if not encoding:
        text, encoding = decode_text(raw)
        if encoding == "utf-8":
            text = raw
        else:
            result.info["encoding"] = encoding
    del raw
    faces = _count_lines(text, "f")
    if faces > MAX_FACES:
        raise _too_complex(faces, "OBJ")
    if faces == 0:
        raise Rejected(
            "The OBJ holds no faces (only points or lines). Export the surface as a mesh.",
            code="empty_geometry",
        )
    groups = sum(_count_lines(text, word) for word in ("usemtl", "o", "g"))
    if groups > MAX_OBJ_GROUPS:
        raise Rejected(
            f"The OBJ switches object, group or material {groups:,} times, more than the "
            f"{MAX_OBJ_GROUPS:,} this server handles. Merge its parts before uploading.",
            code="too_complex",
        )
    base = upload.main.parent
    for value in _mtllib_values(text):
        for ref in _mtllib_names(value, base):
            found = resolve_reference(
                ref, root=upload.root, base=base, owner="OBJ", what="material library"
            )
            if found is None:
                result.warn(
                    "missing_material",
                    f"The OBJ names material library {ref}, which is not in the upload; the "
                    "model is shown without its materials.",
                )
                continue
            _check_mtl(upload, result, found)


def _mtllib_values(text: str | bytes) -> list[str]:
    """The values of every mtllib statement (found with find(), not a regex over the file)."""
    key, newline = ("mtllib", "\n") if isinstance(text, str) else (b"mtllib", b"\n")
    values = []
    at = text.find(key)
    while at >= 0:
        line_start = text.rfind(newline, 0, at) + 1
        line_end = text.find(newline, at)
        line_end = len(text) if line_end < 0 else line_end
        if not text[line_start:at].strip():
            value = text[at + len(key) : line_end]
            if value[:1] in (" ", "\t", b" ", b"\t") and value.strip():
                values.append(
                    value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                )
        at = text.find(key, line_end)
    return [value.strip() for value in values]


def _count_lines(text: str | bytes, word: str) -> int:
    # Counting substrings is far faster than a regex over a file of several hundred megabytes.
    if isinstance(text, bytes):
        key = word.encode()
        lead = text.startswith((key + b" ", key + b"\t"))
        if not lead and text.find(b"\n" + key) < 0:
            return 0  # one scan instead of two for a word the file never starts a line with
        return int(lead) + text.count(b"\n" + key + b" ") + text.count(b"\n" + key + b"\t")
    lead = text.startswith((word + " ", word + "\t"))
    return int(lead) + text.count(f"\n{word} ") + text.count(f"\n{word}\t")


def _mtllib_names(value: str, base: Path) -> list[str]:
    # Names may contain spaces ("my model.mtl"); several names may share one line.
    if (base / value).is_file() or " " not in value:
        return [value]
    return value.split()


def _check_mtl(upload: Upload, result: Preflight, mtl: Path) -> None:
    text, _ = decode_text(mtl.read_bytes())
    for line in text.splitlines():
        words = line.strip().split(maxsplit=1)
        if len(words) < 2:
            continue
        key = words[0].lower()
        if not (key.startswith("map_") or key in MTL_MAP_KEYS):
            continue
        ref = _map_filename(words[1], mtl.parent)
        if ref:
            _texture(upload, result, ref, owner="OBJ", base=mtl.parent)


def _map_filename(value: str, base: Path) -> str:
    """The file name at the end of a map_* statement, after its options."""
    if (base / value.strip()).is_file():
        return value.strip()
    tokens = value.split()
    index = 0
    while index < len(tokens) and tokens[index].lower() in MTL_OPTION_ARGS:
        index += 1
        for _ in range(MTL_OPTION_ARGS[tokens[index - 1].lower()]):
            if index < len(tokens) - 1 and _is_number_or_flag(tokens[index]):
                index += 1
    return " ".join(tokens[index:])


def _is_number_or_flag(token: str) -> bool:
    if token.lower() in ("on", "off"):
        return True
    try:
        float(token)
    except ValueError:
        return len(token) == 1 and token.isalpha()  # -imfchan r|g|b|m|l|z
    return True
