"""Decide whether a file named inside a model stays inside the upload, and find it there."""

from __future__ import annotations

import contextlib
import posixpath
import re
import struct
import warnings
from pathlib import Path
from urllib.parse import unquote

from PIL import Image

from heritage_sites.processing.errors import Rejected, technical_detail

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
    """Read a texture's pixel size from its header and refuse pixel floods and odd formats.

    Pillow only warns (DecompressionBombWarning) about an image between its pixel limit and
    twice that; the warning is made an error here, for this call only, so that no texture is
    accepted on a warning whatever the process's warning filters are.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source, formats=TEXTURE_FORMATS) as image:
                width, height = image.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        declared = _declared_size(source)
        if declared is None or _too_many_pixels(*declared):
            raise Rejected(
                texture_too_large_reason(name, declared),
                code="texture_too_large",
                detail=technical_detail(exc),
            ) from exc
        # Within this museum's limits but above a lower limit this process runs with.
        width, height = declared
    except (OSError, ValueError, SyntaxError) as exc:
        raise Rejected(
            f"The texture {name} is not a PNG, JPEG or WebP image this server can read. "
            "Save it again as PNG or JPEG.",
            code="texture_unreadable",
            detail=technical_detail(exc),
        ) from exc
    if _too_many_pixels(width, height):
        raise Rejected(texture_too_large_reason(name, (width, height)), code="texture_too_large")
    return width, height


def _too_many_pixels(width: int, height: int) -> bool:
    return max(width, height) > MAX_TEXTURE_SIDE or width * height > MAX_TEXTURE_PIXELS


def _declared_size(source) -> tuple[int, int] | None:
    """The size a texture's header declares, read without Pillow's pixel-flood check.

    Pillow's format readers only parse the header when an image is opened (the pixels are
    decoded later, on demand), so this costs what opening costs, whatever the declared size.
    """
    Image.init()
    try:
        with contextlib.ExitStack() as stack:
            if isinstance(source, (str, Path)):
                handle = stack.enter_context(open(source, "rb"))
            else:
                handle = source
            for kind in TEXTURE_FORMATS:
                if kind not in Image.OPEN:
                    continue
                factory, accept = Image.OPEN[kind]
                handle.seek(0)
                prefix = handle.read(16)
                if accept and not accept(prefix):
                    continue
                handle.seek(0)
                try:
                    return tuple(factory(handle, "").size)
                except (OSError, ValueError, SyntaxError, struct.error):
                    continue
    except OSError:
        return None
    return None


def texture_too_large_reason(name: str | None, size: tuple[int, int] | None) -> str:
    """The curator's reason for a texture above this museum's size limit."""
    what = f"The texture {name}" if name else "A texture of this model"
    shown = f" (it is {size[0]:,} x {size[1]:,} pixels)" if size else ""
    return (
        f"{what} is larger than {MAX_TEXTURE_SIDE:,} px on a side{shown}; the largest this "
        f"museum accepts is {MAX_TEXTURE_SIDE:,} x {MAX_TEXTURE_SIDE:,} pixels. Reduce it "
        "(8,192 px is plenty for the web) and upload again."
    )


def harden_pillow() -> None:
    """Make Pillow refuse pixel floods and decode only the image formats textures use."""
    Image.MAX_IMAGE_PIXELS = MAX_TEXTURE_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    Image.init()
    Image.ID[:] = [name for name in Image.ID if name in TEXTURE_FORMATS]
