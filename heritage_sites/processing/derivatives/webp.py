"""Lighter textures: each compressed GLB carries its texture as WebP (EXT_texture_webp), and a
small JPEG or PNG fallback for viewers without the extension.

gltfpack's npm build cannot write WebP, so the GLB it compressed is rewritten here: the
texture's image becomes the fallback (at most FALLBACK_PX a side) and a WebP image at the
derivative's own texture size is added as the extension's source. The images depend on the
scan's texture only: WebpTextures encodes them in a thread of its own from the start, while
the meshes are simplified and packed. The extension is used, not
required: a viewer that lacks it shows the fallback (three.js, hence <model-viewer>, reads
the WebP).
"""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from .glb import read_glb_json

WEBP_QUALITY = 75  # about 0.45 of the size of our former JPEG (quality 88) on photographed textures
# libwebp's effort: 3 writes the same bytes to within 0.3% as 4 (the default), at the same
# PSNR, in about 20% less time on the corpus textures (2 is 3x faster but 3-8% larger).
WEBP_METHOD = 3
FALLBACK_PX = 256  # a stand-in for the few viewers without WebP
FALLBACK_JPEG_QUALITY = 80
EXTENSION = "EXT_texture_webp"


def encode_webp(image: Image.Image) -> bytes:
    out = io.BytesIO()
    has_alpha = "A" in image.getbands()
    image.convert("RGBA" if has_alpha else "RGB").save(
        out, format="WEBP", quality=WEBP_QUALITY, method=WEBP_METHOD, alpha_quality=90
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


def at_most(image: Image.Image, max_px: int) -> Image.Image:
    """``image`` shrunk to ``max_px`` a side, or itself when it is not larger."""
    if max(image.size) <= max_px:
        return image
    scale = max_px / max(image.size)
    size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)


class WebpTextures:
    """The WebP image of one texture at each of ``sizes`` (at most that many pixels a side)
    and its fallback, encoded one after another in a background thread from construction."""

    def __init__(self, image: Image.Image, sizes: Iterable[int]) -> None:
        image.load()  # decoded once, here, before another thread reads it
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="webp")
        self._fallback: Future = self._pool.submit(encode_fallback, image)
        self._webp: dict[int, Future] = {
            px: self._pool.submit(lambda px=px: encode_webp(at_most(image, px)))
            for px in sorted(set(sizes), reverse=True)  # the web model's, the largest, first
        }

    def add_to(self, path: Path, max_px: int) -> None:
        """Put the texture at ``max_px`` into the packed GLB at ``path`` (add_webp_texture)."""
        fallback, fallback_mime = self._fallback.result()
        add_webp_texture(path, self._webp[max_px].result(), fallback, fallback_mime)

    def close(self) -> None:
        """Drop the images not started yet and wait for the one being encoded."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def add_webp_texture(path: Path, webp: bytes, fallback: bytes, fallback_mime: str) -> None:
    """Rewrite the GLB at ``path``: its one texture as the ``webp`` image, with ``fallback``
    (of type ``fallback_mime``) as the plain image for viewers without the extension."""
    doc, binary = read_glb_json(path)
    if not doc.get("images") or not doc.get("textures"):
        return
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
