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


# Khronos PBR Neutral tone mapping, as three.js and <model-viewer> (tone-mapping="neutral",
# their default) apply it to linear light before the sRGB encoding.
_START = 0.8 - 0.04
_DESATURATION = 0.15


def neutral_tone_map(rgb: np.ndarray) -> np.ndarray:
    """Linear light (n, 3), any brightness, to linear display values in 0..1 (float32).

    Written over the three channel columns, with np.where instead of a masked update: per
    pixel, numpy's min and max along a 3-wide axis cost several times more than this.
    """
    color = np.array(rgb, dtype=np.float32)  # a copy, changed in place
    r, g, b = color[:, 0], color[:, 1], color[:, 2]
    x = np.minimum(np.minimum(r, g), b)
    color -= np.where(x < np.float32(0.08), x - np.float32(6.25) * x * x, np.float32(0.04))[:, None]
    peak = np.maximum(np.maximum(r, g), b)
    high = peak >= np.float32(_START)
    if high.any():
        d = np.float32(1.0 - _START)
        p = np.maximum(peak, np.float32(_START))  # the rows below _START keep their colour
        new_peak = np.float32(1.0) - d * d / (p + (d - np.float32(_START)))
        desaturate = np.float32(1.0) - np.float32(1.0) / (
            np.float32(_DESATURATION) * (p - new_peak) + np.float32(1.0)
        )
        color *= np.where(high, new_peak / p * (np.float32(1.0) - desaturate), np.float32(1.0))[
            :, None
        ]
        color += np.where(high, new_peak * desaturate, np.float32(0.0))[:, None]
    return np.clip(color, np.float32(0.0), np.float32(1.0), out=color)


def inverse_neutral_tone_map(grey: np.ndarray) -> np.ndarray:
    """The linear light of grey display values (r = g = b) after neutral_tone_map."""
    y = np.clip(np.asarray(grey, dtype=np.float64), 0.0, 0.999)
    d = 1.0 - _START
    peak = np.where(y < _START, y, d * d / (1.0 - y) - d + _START)
    # Below 0.08 the offset is x - 6.25 x^2, so the output is 6.25 x^2.
    return np.where(peak < 0.04, np.sqrt(peak / 6.25), peak + 0.04)
