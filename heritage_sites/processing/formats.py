"""Tell what kind of 3D file a path holds from its bytes, not from its name."""

from __future__ import annotations

import math
import struct
import zipfile
from pathlib import Path

from heritage_sites.processing import sniff
from heritage_sites.processing.archives import ArchiveLimits, declared_entry_count, is_resource_fork

ACCEPTED = (
    "OBJ with its MTL and textures in a .zip, STL (ascii or binary), PLY (ascii or binary), "
    "glTF 2.0 as .glb or as a .zip with the .gltf and its buffers and textures, and OFF"
)

OBJ_ZIP = "obj_zip"
GLTF_ZIP = "gltf_zip"
STL = "stl"
PLY = "ply"
GLB = "glb"
OFF = "off"
# Not accepted as uploads, but inspect_scan reads them from a local folder: the files beside
# them count as the upload, as if they were zipped together.
GLTF = "gltf"
OBJ = "obj"

LABELS = {
    OBJ_ZIP: "OBJ",
    OBJ: "OBJ",
    GLTF_ZIP: "glTF",
    GLTF: "glTF",
    GLB: "GLB",
    STL: "STL",
    PLY: "PLY",
    OFF: "OFF",
}

OBJ_WORDS = {"v", "f", "mtllib", "usemtl", "vt", "vn", "o", "g"}
NOT_A_MODEL = "This file is not a 3D model this museum can read"
UNKNOWN = f"{NOT_A_MODEL} (it is not STL, PLY, OBJ, OFF, glTF or GLB)."
# Triangles of a binary STL looked at to tell a damaged STL from other binary data.
STL_SAMPLE_TRIANGLES = 64


class UnsupportedFormat(ValueError):
    """The bytes are not a 3D format the museum accepts. The message says what is accepted.

    ``detail`` is a technical cause for staff (a library's message), never shown to curators.
    """

    def __init__(self, message: str, *, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


def _refuse(what: str, *, detail: str = "") -> UnsupportedFormat:
    return UnsupportedFormat(f"{what} The museum accepts {ACCEPTED}.", detail=detail)


def _looks_like(what: str) -> UnsupportedFormat:
    return _refuse(f"{NOT_A_MODEL}: it looks like {what}.")


def detect_format(path: Path, filename: str = "", *, allow_loose: bool = False) -> str:
    """Return the format code of the upload at ``path``; raise UnsupportedFormat otherwise.

    ``filename`` (the client's name) only breaks ties the content leaves open. With
    ``allow_loose`` a bare .gltf or .obj is accepted (its folder then counts as the upload);
    uploads through the web never allow that, since their companion files would be missing.
    """
    size = path.stat().st_size
    if size == 0:
        raise _refuse("The file is empty.")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_format(path)
    if head.startswith(b"glTF"):
        return GLB
    if head[:3].lower() == b"ply":
        return PLY
    if _looks_like_binary_stl(head, size):
        return STL
    what = sniff.describe(head, size)
    if what is not None:
        raise _looks_like(what)
    text = _text_prefix(head)
    if text is None:
        if size >= 84 and _plausible_stl_triangles(head):
            # A binary STL whose size does not match its header (truncated or padded): let
            # the STL pre-flight say precisely what does not add up.
            return STL
        raise _refuse(UNKNOWN)
    stripped = text.lstrip()
    first_word = stripped.split(maxsplit=1)[0] if stripped else ""
    if first_word.upper() in {"OFF", "COFF", "NOFF", "CNOFF", "STOFF", "STCOFF"} or (
        first_word[:1].isdigit() and filename.lower().endswith(".off")
    ):
        return OFF
    if first_word.lower() == "solid":
        return STL
    if stripped.startswith("{") and ('"asset"' in text or filename.lower().endswith(".gltf")):
        if allow_loose:
            return GLTF
        raise _refuse(
            "This is a .gltf file on its own; its buffers and textures are missing. "
            "Upload the .gltf together with its files in one .zip, or export a .glb."
        )
    lines = [line.split(maxsplit=1)[0] for line in stripped.splitlines() if line.strip()]
    if any(word in OBJ_WORDS for word in lines):
        if allow_loose:
            return OBJ
        raise _refuse(
            "This is an OBJ file on its own. Put the .obj with its .mtl and textures in one .zip."
        )
    raise _refuse(UNKNOWN)


def _looks_like_binary_stl(head: bytes, size: int) -> bool:
    if size < 84 or len(head) < 84:
        return False
    (count,) = struct.unpack_from("<I", head, 80)
    if size == 84 + 50 * count:
        # An ascii STL could in theory match by accident; the word "facet" settles it.
        return not (head[:5].lower() == b"solid" and b"facet" in head[:1024])
    return False


def _plausible_stl_triangles(head: bytes) -> bool:
    """Whether the bytes after an 84-byte header read as STL triangles.

    Each triangle is 12 little-endian floats (a normal, three corners) and 2 spare bytes.
    Exporters write finite numbers, with a unit (or zero) normal or modest coordinates; in
    random bytes about one float in 256 is NaN or infinite and the magnitudes are spread over
    the whole float range, so a triangle passes by chance about one time in eight. Three
    quarters of up to 64 triangles passing is then out of reach of chance, while a truncated
    or padded STL still reaches the STL pre-flight and hears what is wrong with it.
    """
    body = head[84:]
    count = min(len(body) // 50, STL_SAMPLE_TRIANGLES)
    if count == 0:
        return False
    good = 0
    for number in range(count):
        values = struct.unpack_from("<12f", body, number * 50)
        if not all(math.isfinite(value) for value in values):
            continue
        normal, corners = values[:3], values[3:]
        if all(abs(v) <= 1.001 for v in normal) or all(abs(v) < 1e9 for v in corners):
            good += 1
    return good >= max(1, count * 3 // 4)


def _text_prefix(head: bytes) -> str | None:
    # UTF-16 text (with a byte-order mark) is text too; decode it to look at the words.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="ignore")
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"\x00" in head:
        return None
    return head.decode("latin-1")


def _zip_format(path: Path) -> str:
    # Only the central directory is read here (names); archives.py checks everything else
    # before a single byte is extracted. An entry flood is refused before it is even parsed.
    count = declared_entry_count(path)
    if count is not None and count > ArchiveLimits().max_entries:
        raise _refuse(
            f"The zip holds {count:,} entries, far more than a model and its textures need."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename.lower() for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refuse(
            "The zip archive is damaged and cannot be opened. Create the zip again.",
            detail=f"{type(exc).__name__}: {exc}",
        ) from exc
    names = [name for name in names if not is_resource_fork(name)]
    if any(name.endswith(".gltf") or name.endswith(".glb") for name in names):
        return GLTF_ZIP
    if any(name.endswith(".obj") for name in names):
        return OBJ_ZIP
    what = sniff.describe_zip(names)
    if what is not None:
        raise _looks_like(what)
    single = [name for name in names if name.endswith((".stl", ".ply", ".off"))]
    if single:
        raise _refuse(
            f"The zip holds {single[0].rsplit('/', 1)[-1]} but no .obj, .gltf or .glb file. "
            "Upload an STL, PLY or OFF file on its own, not zipped."
        )
    raise _refuse("The zip holds no .obj, .gltf or .glb file.")
