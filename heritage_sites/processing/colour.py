"""Colour spaces: the sRGB transfer function (IEC 61966-2-1) both ways, for bytes and floats.

glTF defines vertex colours (``COLOR_0``) and ``baseColorFactor`` as linear, and base-colour
textures as sRGB. PLY, OFF, STL and OBJ store colours as the bytes a screen shows, that is
sRGB, so their vertex colours are converted once, when the mesh enters the derivative stage.
Textures are never converted: they stay sRGB, as glTF wants them.
"""

from __future__ import annotations

import numpy as np

# Where each input format's vertex colours come from. glTF's COLOR_0 is linear by definition;
# every other format we read writes the bytes a screen shows (sRGB). Keys are formats.* codes.
LINEAR_COLOUR_FORMATS = frozenset({"glb", "gltf", "gltf_zip"})


def srgb_to_linear(values: np.ndarray) -> np.ndarray:
    """sRGB-encoded values in 0..1 to linear light in 0..1 (float32)."""
    v = np.asarray(values, dtype=np.float32)
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4).astype(np.float32)


def linear_to_srgb(values: np.ndarray) -> np.ndarray:
    """Linear light in 0..1 to sRGB-encoded values in 0..1 (float32), clipped to 0..1."""
    v = np.clip(np.asarray(values, dtype=np.float32), 0.0, 1.0)
    return np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055).astype(np.float32)


# Byte to byte: what an sRGB byte becomes as a linear byte (rounded to the nearest step).
SRGB_BYTE_TO_LINEAR_BYTE = np.rint(srgb_to_linear(np.arange(256) / 255.0) * 255.0).astype(np.uint8)
# Byte to float: sRGB bytes (a texture) to linear light, for the poster renderer.
SRGB_BYTE_TO_LINEAR = srgb_to_linear(np.arange(256) / 255.0)


def linearise_colour_bytes(colours: np.ndarray) -> np.ndarray:
    """sRGB RGB or RGBA bytes to linear RGB(A) bytes; alpha is coverage and is kept as it is."""
    colours = np.asarray(colours, dtype=np.uint8)
    out = colours.copy()
    out[:, :3] = SRGB_BYTE_TO_LINEAR_BYTE[colours[:, :3]]
    return out
