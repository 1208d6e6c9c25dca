"""Tell what kind of 3D file a path holds from its bytes, not from its name."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

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


class UnsupportedFormat(ValueError):
    """The bytes are not a 3D format the museum accepts. The message says what is accepted."""


def _refuse(what: str) -> UnsupportedFormat:
    return UnsupportedFormat(f"{what} The museum accepts {ACCEPTED}.")


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
    text = _text_prefix(head)
    if text is None:
        if size >= 84 and not _mostly_text(head[84:]):
            # Binary data with room for an STL header: let the STL pre-flight check say
            # precisely what does not add up (its declared triangle count against the size).
            return STL
        raise _refuse("The file is not a 3D model this museum can read (unknown binary data).")
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
    raise _refuse("The file is not a 3D model this museum can read.")


def _looks_like_binary_stl(head: bytes, size: int) -> bool:
    if size < 84 or len(head) < 84:
        return False
    (count,) = struct.unpack_from("<I", head, 80)
    if size == 84 + 50 * count:
        # An ascii STL could in theory match by accident; the word "facet" settles it.
        return not (head[:5].lower() == b"solid" and b"facet" in head[:1024])
    return False


def _mostly_text(data: bytes) -> bool:
    if not data:
        return True
    printable = sum(1 for byte in data if byte in b"\t\n\r" or 32 <= byte < 127)
    return printable / len(data) > 0.95


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
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _refuse(f"The zip archive is damaged and cannot be opened ({exc}).") from exc
    names = [name for name in names if not is_resource_fork(name)]
    if any(name.endswith(".gltf") or name.endswith(".glb") for name in names):
        return GLTF_ZIP
    if any(name.endswith(".obj") for name in names):
        return OBJ_ZIP
    raise _refuse("The zip holds no .obj, .gltf or .glb file.")
