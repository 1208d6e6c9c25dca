"""Decide whether a file named inside a model stays inside the upload, and find it there."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

from PIL import Image

from heritage_sites.processing.errors import Rejected

SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.\-]*:")
MAX_TEXTURE_SIDE = 16384
MAX_TEXTURE_PIXELS = 16384 * 16384
TEXTURE_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "TGA", "TIFF", "GIF")


def resolve_reference(
    ref: str, *, root: Path, base: Path, owner: str, what: str, uri: bool = False
) -> Path | None:
    """Return the file ``ref`` names, relative to ``base``, or None when it is not there.

    Raises Rejected when the reference leaves the upload: a web or file address, an absolute
    path, or a relative path that climbs out of ``root``. ``uri`` says the reference is a URI
    (glTF), so %20 and friends are decoded first.
    """
    name = ref.strip().strip('"')
    if uri:
        name = unquote(name)
    outside = f"The {owner} names {what} {ref}, outside the upload. Put the {what} inside the zip."
    if SCHEME.match(name) and not re.match(r"^[a-zA-Z]:[\\/]", name):
        raise Rejected(
            f"The {owner} names {what} {ref}, a web or file address; this server only reads "
            f"files that are inside the upload. Put the {what} inside the zip.",
            code="reference_outside",
        )
    normal = name.replace("\\", "/")
    if normal.startswith("/") or re.match(r"^[a-zA-Z]:/", normal) or "\x00" in normal:
        raise Rejected(outside, code="reference_outside")
    relative_base = base.resolve().relative_to(root.resolve())
    joined = posixpath.normpath(posixpath.join(relative_base.as_posix(), normal))
    if joined == ".." or joined.startswith("../"):
        raise Rejected(outside, code="reference_outside")
    target = (root / joined).resolve()
    if not target.is_relative_to(root.resolve()):
        # A symbolic link inside a local folder that points elsewhere.
        raise Rejected(outside, code="reference_outside")
    if not target.is_file():
        return None
    return target


def texture_size(source, *, name: str) -> tuple[int, int]:
    """Read a texture's pixel size from its header and refuse pixel floods and odd formats."""
    try:
        with Image.open(source, formats=TEXTURE_FORMATS) as image:
            width, height = image.size
    except Image.DecompressionBombError as exc:
        raise Rejected(_too_large(name, None), code="texture_too_large") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise Rejected(
            f"The texture {name} is not a PNG, JPEG or WebP image this server can read. "
            "Save it again as PNG or JPEG.",
            code="texture_unreadable",
        ) from exc
    if max(width, height) > MAX_TEXTURE_SIDE or width * height > MAX_TEXTURE_PIXELS:
        raise Rejected(_too_large(name, (width, height)), code="texture_too_large")
    return width, height


def _too_large(name: str, size: tuple[int, int] | None) -> str:
    shown = f" ({size[0]:,} x {size[1]:,} px)" if size else ""
    return (
        f"The texture {name}{shown} is larger than {MAX_TEXTURE_SIDE:,} px on a side. "
        "Reduce it (8,192 px is plenty for the web) and upload again."
    )


def harden_pillow() -> None:
    """Make Pillow refuse pixel floods and decode only the image formats textures use."""
    import warnings

    Image.MAX_IMAGE_PIXELS = MAX_TEXTURE_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    Image.init()
    Image.ID[:] = [name for name in Image.ID if name in TEXTURE_FORMATS]
