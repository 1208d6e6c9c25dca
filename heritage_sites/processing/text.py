"""Decode text mesh files whatever their encoding (UTF-8, UTF-16 with a BOM, Latin-1...)."""

from __future__ import annotations

import charset_normalizer


def decode_text(raw: bytes) -> tuple[str, str]:
    """Return (text, encoding name). Never raises: undecodable bytes become U+FFFD."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(raw[: 1024 * 1024]).best()
    encoding = best.encoding if best is not None else "latin-1"
    try:
        return raw.decode(encoding, errors="replace"), encoding
    except LookupError:
        return raw.decode("latin-1"), "latin-1"
