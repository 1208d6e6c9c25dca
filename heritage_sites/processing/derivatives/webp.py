"""Lighter textures: each compressed GLB carries its texture as WebP (EXT_texture_webp), and a
small JPEG or PNG fallback for viewers without the extension.

gltfpack's npm build cannot write WebP, so the GLB it compressed is rewritten here: the
texture's image becomes the fallback (at most FALLBACK_PX a side) and a WebP image at the
derivative's own texture size is added as the extension's source. The extension is used, not
required: a viewer that lacks it shows the fallback (three.js, hence <model-viewer>, reads
the WebP).
"""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path

from PIL import Image

from .glb import read_glb_json

WEBP_QUALITY = 75  # about 0.45 of the size of our former JPEG (quality 88) on photographed textures
FALLBACK_PX = 256  # a stand-in for the few viewers without WebP
FALLBACK_JPEG_QUALITY = 80
EXTENSION = "EXT_texture_webp"


def encode_webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    has_alpha = "A" in image.getbands()
    image.convert("RGBA" if has_alpha else "RGB").save(
        out, format="WEBP", quality=WEBP_QUALITY, method=4, alpha_quality=90
    )
    return out.getvalue()


def encode_fallback(image: Image.Image) -> tuple[bytes, str]:
    small = image.copy()
    small.thumbnail((FALLBACK_PX, FALLBACK_PX), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if "A" in small.getbands():
        small.save(out, format="PNG", optimize=False, compress_level=6)
        return out.getvalue(), "image/png"
    small.convert("RGB").save(out, format="JPEG", quality=FALLBACK_JPEG_QUALITY, optimize=True)
    return out.getvalue(), "image/jpeg"


def add_webp_texture(path: Path, image: Image.Image) -> None:
    """Rewrite the GLB at ``path``: its one texture as WebP, with a small fallback image."""
    doc, binary = read_glb_json(path)
    if not doc.get("images") or not doc.get("textures"):
        return
    webp = encode_webp(image)
    fallback, fallback_mime = encode_fallback(image)
    old_view = doc["images"][0]["bufferView"]
    # Copy every stretch of the BIN chunk in order (plain views, and the compressed streams
    # that EXT_meshopt_compression views point to), the old image's bytes swapped for the
    # fallback's, then the WebP at the end.
    image_region = doc["bufferViews"][old_view]
    regions = []
    for view in doc["bufferViews"]:
        meshopt = view.get("extensions", {}).get("EXT_meshopt_compression")
        for region in (view, meshopt):
            if isinstance(region, dict) and region.get("buffer", 0) == 0 and "byteLength" in region:
                regions.append(region)
    regions.sort(key=lambda region: region.get("byteOffset", 0))
    chunks: list[bytes] = []
    offset = 0

    def place(data: bytes) -> int:
        nonlocal offset
        start = offset
        pad = (-len(data)) % 16  # meshopt streams and accessors keep their alignment
        chunks.append(data + b"\x00" * pad)
        offset += len(data) + pad
        return start

    for region in regions:
        if region is image_region:
            data = fallback
        else:
            start = region.get("byteOffset", 0)
            data = bytes(binary[start : start + region["byteLength"]])
        region["byteOffset"] = place(data)
        region["byteLength"] = len(data)
    doc["bufferViews"].append({"buffer": 0, "byteOffset": place(webp), "byteLength": len(webp)})
    doc["images"][0]["mimeType"] = fallback_mime
    doc["images"].append({"bufferView": len(doc["bufferViews"]) - 1, "mimeType": "image/webp"})
    webp_image = len(doc["images"]) - 1
    for texture in doc["textures"]:
        texture.setdefault("extensions", {})[EXTENSION] = {"source": webp_image}
    used = doc.setdefault("extensionsUsed", [])
    if EXTENSION not in used:
        used.append(EXTENSION)
    doc["buffers"][0]["byteLength"] = offset
    _write(path, doc, b"".join(chunks))


def _write(path: Path, doc: dict, body: bytes) -> None:
    header = json.dumps(doc, separators=(",", ":")).encode()
    header += b" " * ((-len(header)) % 4)
    body += b"\x00" * ((-len(body)) % 4)
    total = 12 + 8 + len(header) + 8 + len(body)
    with path.open("wb") as handle:
        handle.write(struct.pack("<4sII", b"glTF", 2, total))
        handle.write(struct.pack("<I4s", len(header), b"JSON"))
        handle.write(header)
        handle.write(struct.pack("<I4s", len(body), b"BIN\x00"))
        handle.write(body)
