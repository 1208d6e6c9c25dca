"""Tell what kind of 3D file a path holds from its bytes, not from its name."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

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
# Not accepted as uploads, but inspect_scan reads them from a local folder.
GLTF = "gltf"
OBJ = "obj"


class UnsupportedFormat(ValueError):
    """The bytes are not a 3D format the museum accepts. The message says what is accepted."""


def _refuse(what: str) -> UnsupportedFormat:
    return UnsupportedFormat(f"{what} The museum accepts {ACCEPTED}.")


def detect_format(path: Path, filename: str = "") -> str:
    """Return the format code of the upload at ``path``; raise UnsupportedFormat otherwise.

    ``filename`` (the client's name) only breaks ties the content leaves open: a .obj and an
    ascii STL are both plain text, but an STL says ``solid`` and an OBJ has ``v`` lines.
    """
    size = path.stat().st_size
    if size == 0:
        raise _refuse("The file is empty.")
    with path.open("rb") as handle:
        head = handle.read(4096)
    if head.startswith(b"PK\x03\x04"):
        return _zip_format(path)
    if head.startswith(b"glTF"):
        return GLB
    if head[:3].lower() == b"ply":
        return PLY
    if _looks_like_binary_stl(head, size):
        return STL
    text = _ascii_prefix(head)
    if text is None:
        raise _refuse("The file is not a 3D model this museum can read (unknown binary data).")
    stripped = text.lstrip()
    first_word = stripped.split(maxsplit=1)[0] if stripped else ""
    if first_word.upper() in {"OFF", "COFF", "NOFF", "CNOFF", "STOFF"}:
        return OFF
    if first_word.lower() == "solid":
        return STL
    if stripped.startswith("{") and '"asset"' in text:
        raise _refuse(
            "This is a .gltf file on its own; its buffers and textures are missing. "
            "Upload the .gltf together with its files in one .zip, or export a .glb."
        )
    lines = [line.split(maxsplit=1)[0] for line in stripped.splitlines() if line.strip()]
    if any(word in {"v", "f", "mtllib", "usemtl", "vt", "vn", "o", "g"} for word in lines):
        raise _refuse(
            "This is an OBJ file on its own. Put the .obj with its .mtl and textures in one .zip."
        )
    raise _refuse("The file is not a 3D model this museum can read.")


def _looks_like_binary_stl(head: bytes, size: int) -> bool:
    if size < 84:
        return False
    (count,) = struct.unpack_from("<I", head, 80)
    return size == 84 + 50 * count


def _ascii_prefix(head: bytes) -> str | None:
    # UTF-16 text (with a byte-order mark) is text too; decode it to look at the words.
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return head.decode("utf-16", errors="ignore")
        except UnicodeDecodeError:
            return None
    if b"\x00" in head:
        return None
    return head.decode("latin-1")


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = [info.filename.lower() for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(f"The zip archive is damaged and cannot be opened ({exc}).") from exc
    if any(name.endswith(".gltf") or name.endswith(".glb") for name in names):
        return GLTF_ZIP
    if any(name.endswith(".obj") for name in names):
        return OBJ_ZIP
    raise _refuse("The zip holds no .obj, .gltf or .glb file.")
