"""Name the common files that are not 3D models, from their first bytes (magic numbers).

A PNG or a PDF renamed ``.glb`` should be refused as what it is ("it looks like a PNG
image"), not parsed as a damaged STL. Only signatures that real models never start with are
listed; the caller checks the formats it reads before asking here.
"""

from __future__ import annotations

# (offset, signature, what it is). Checked in order; the first match wins.
SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (0, b"8BPS", "a Photoshop image"),
    (0, b"SIMPLE  =", "a FITS astronomy image"),
    (0, b"%PDF-", "a PDF document"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office document"),
    (0, b"{\\rtf", "a Rich Text document"),
    (0, b"\x1f\x8b", "a gzip-compressed file"),
    (0, b"BZh", "a bzip2-compressed file"),
    (0, b"\xfd7zXZ\x00", "an xz-compressed file"),
    (0, b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (257, b"ustar", "a tar archive"),
    (0, b"\x7fELF", "a program (a Linux executable)"),
    (0, b"\xcf\xfa\xed\xfe", "a program (a macOS executable)"),
    (0, b"\xfe\xed\xfa\xcf", "a program (a macOS executable)"),
    (0, b"\xca\xfe\xba\xbe", "a program (a macOS or Java executable)"),
    (0, b"\x00asm", "a program (WebAssembly)"),
    (0, b"\x1a\x45\xdf\xa3", "a WebM or Matroska video"),
    (0, b"OggS", "an Ogg sound or video file"),
    (0, b"fLaC", "a FLAC sound file"),
    (0, b"ID3", "an MP3 sound file"),
    (0, b"SQLite format 3\x00", "a database file (SQLite)"),
    (0, b"Kaydara FBX Binary", "an FBX model, a format this museum does not read"),
    (0, b"BLENDER", "a Blender file, a format this museum does not read"),
    (0, b"ASTM-E57", "an E57 point cloud (points, not a surface)"),
    (0, b"LASF", "a LAS point cloud (points, not a surface)"),
)
RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV sound file", b"AVI ": "an AVI video"}
FTYP_IMAGES = {b"heic": "a HEIC photo", b"heix": "a HEIC photo", b"mif1": "a HEIF photo"}
FTYP_IMAGES[b"avif"] = "an AVIF image"
# Text formats: the first tag of the document, lower-cased.
MARKUP = (
    ("<!doctype html", "an HTML web page"),
    ("<html", "an HTML web page"),
    ("<head", "an HTML web page"),
    ("<body", "an HTML web page"),
    ("<script", "an HTML web page"),
    ("<svg", "an SVG drawing"),
    ("<collada", "a COLLADA (.dae) model, a format this museum does not read"),
    ("<x3d", "an X3D model, a format this museum does not read"),
)
# What a zip holds when it is an office document, a 3MF print file and so on.
ZIP_KINDS = (
    ("3d/3dmodel.model", "a 3MF print file, a format this museum does not read"),
    ("word/document.xml", "a Word document"),
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("content.xml", "an OpenDocument file"),
    ("doc.kml", "a KMZ map file"),
)


def describe(head: bytes, size: int | None = None) -> str | None:
    """What ``head`` (the first KB or more of a file of ``size`` bytes) looks like, or None."""
    for offset, signature, what in SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return what
    if head[:4] == b"RIFF" and head[8:12] in RIFF_KINDS:
        return RIFF_KINDS[head[8:12]]
    if head[4:8] == b"ftyp":
        return FTYP_IMAGES.get(head[8:12], "an MP4 or QuickTime video")
    # Two-letter signatures are confirmed by what they point at: "MZ" by the PE header its
    # offset names, "BM" by the file size it declares.
    if head[:2] == b"MZ" and len(head) >= 64:
        pe = int.from_bytes(head[60:64], "little")
        if head[pe : pe + 4] == b"PE\x00\x00":
            return "a program (a Windows executable)"
    if head[:2] == b"BM" and size is not None and int.from_bytes(head[2:6], "little") == size:
        return "a BMP image"
    return _markup(head)


def _markup(head: bytes) -> str | None:
    text = head[:4096]
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    elif text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = text.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
    lowered = text.lstrip().lower()
    if not lowered.startswith(b"<"):
        return None
    decoded = lowered.decode("latin-1")
    for tag, what in MARKUP:
        if decoded.startswith(tag):
            return what
    if decoded.startswith(("<?xml", "<!--", "<!doctype")):
        for tag, what in MARKUP:
            if tag in decoded:
                return what
        return "an XML document"
    if "<html" in decoded or "<script" in decoded:
        return "an HTML web page"
    return None


def describe_zip(names: list[str]) -> str | None:
    """What a zip without a model looks like, from its lower-cased entry names."""
    for name, what in ZIP_KINDS:
        if name in names:
            return what
    suffixes = {name.rsplit(".", 1)[-1] for name in names if "." in name}
    if suffixes & {"usd", "usda", "usdc"}:
        return "a USDZ model, a format this museum does not read"
    return None
