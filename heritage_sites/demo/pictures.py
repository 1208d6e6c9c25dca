"""Pictures drawn with Pillow for the demo meshes: relief maps and painted textures.

Pure and deterministic: every random choice comes from a seeded generator, so the same call
always gives the same pixels (and the same file bytes downstream).
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

LUSTRE = (139, 92, 42)
COBALT = (38, 62, 140)
TURQUOISE = (64, 170, 170)
CREAM = (244, 236, 214)
SLIP_WHITE = (246, 242, 232)
MANGANESE = (52, 36, 30)
IRON_RED = (150, 58, 36)
BUFF = (196, 160, 118)


def _strokes(draw: ImageDraw.ImageDraw, box, rng: np.random.Generator, width: int, fill) -> None:
    """Draw a made-up glyph in ``box``: a few strokes from a small repertoire."""
    left, top, right, bottom = box
    w, h = right - left, bottom - top

    def at(fx: float, fy: float) -> tuple[float, float]:
        return (left + fx * w, top + fy * h)

    repertoire = [
        lambda: draw.line([at(0.1, 0.2), at(0.9, 0.2)], fill=fill, width=width),
        lambda: draw.line([at(0.15, 0.5), at(0.85, 0.5)], fill=fill, width=width),
        lambda: draw.line([at(0.05, 0.85), at(0.95, 0.85)], fill=fill, width=width),
        lambda: draw.line([at(0.5, 0.05), at(0.5, 0.95)], fill=fill, width=width),
        lambda: draw.line([at(0.25, 0.1), at(0.25, 0.8)], fill=fill, width=width),
        lambda: draw.line([at(0.75, 0.2), at(0.75, 0.95)], fill=fill, width=width),
        lambda: draw.line([at(0.5, 0.4), at(0.1, 0.95)], fill=fill, width=width),
        lambda: draw.line([at(0.5, 0.4), at(0.9, 0.95)], fill=fill, width=width),
        lambda: draw.rectangle([at(0.25, 0.3), at(0.75, 0.7)], outline=fill, width=width),
        lambda: draw.ellipse([at(0.42, 0.0), at(0.58, 0.14)], fill=fill),
    ]
    for choice in rng.choice(len(repertoire), size=int(rng.integers(3, 6)), replace=False):
        repertoire[choice]()


def stele_relief(width_px: int, height_px: int, seed: int = 618) -> Image.Image:
    """Depth map of a stele face: 0 is the polished surface, 255 the deepest carving."""
    rng = np.random.default_rng(seed)
    image = Image.new("L", (width_px, height_px), 0)
    draw = ImageDraw.Draw(image)
    margin = width_px * 0.07
    # The title panel: a sunken field with four large glyphs left standing in relief.
    panel = (margin * 2.2, margin, width_px - margin * 2.2, height_px * 0.2)
    draw.rectangle(panel, fill=150)
    cell_w = (panel[2] - panel[0]) / 2
    cell_h = (panel[3] - panel[1]) / 2
    for column in range(2):
        for row in range(2):
            box = (
                panel[0] + column * cell_w + cell_w * 0.18,
                panel[1] + row * cell_h + cell_h * 0.15,
                panel[0] + (column + 1) * cell_w - cell_w * 0.18,
                panel[1] + (row + 1) * cell_h - cell_h * 0.15,
            )
            _strokes(draw, box, rng, max(3, int(cell_w * 0.11)), 0)
    # A groove framing the text field.
    field = (margin, height_px * 0.24, width_px - margin, height_px - margin)
    draw.rectangle(field, outline=200, width=max(2, int(width_px * 0.012)))
    # The inscription: columns of incised glyphs, read top to bottom, right to left.
    columns, rows = 7, 12
    inner = (field[0] + margin * 0.6, field[1] + margin * 0.6)
    cell = min((field[2] - inner[0] - margin * 0.6) / columns, (field[3] - inner[1]) / rows)
    for column in range(columns):
        for row in range(rows - int(rng.integers(0, 4)) if column == columns - 1 else rows):
            x = inner[0] + column * cell
            y = inner[1] + row * cell
            box = (x + cell * 0.12, y + cell * 0.12, x + cell * 0.88, y + cell * 0.88)
            _strokes(draw, box, rng, max(2, int(cell * 0.13)), 255)
    return image.filter(ImageFilter.GaussianBlur(radius=width_px / 260))


def coin_relief(size_px: int, side: str) -> Image.Image:
    """Height map of one face of a silver drachm: 255 is the highest relief."""
    image = Image.new("L", (size_px, size_px), 0)
    draw = ImageDraw.Draw(image)
    c = size_px / 2

    def circle(x: float, y: float, r: float, fill: int) -> None:
        draw.ellipse([x - r, y - r, x + r, y + r], fill=fill)

    # A raised rim and a ring of pellets inside it.
    draw.ellipse([2, 2, size_px - 3, size_px - 3], outline=200, width=int(size_px * 0.035))
    for k in range(48):
        angle = 2 * math.pi * k / 48
        circle(c + 0.82 * c * math.cos(angle), c + 0.82 * c * math.sin(angle), c * 0.028, 180)
    if side == "obverse":
        # A crowned bust facing right, with a few marks standing for a legend.
        draw.ellipse([c - 0.5 * c, c + 0.15 * c, c + 0.45 * c, c + 0.95 * c], fill=150)
        circle(c, c - 0.1 * c, 0.26 * c, 230)
        draw.polygon([(c + 0.2 * c, c - 0.12 * c), (c + 0.34 * c, c), (c + 0.2 * c, c)], fill=230)
        for dx in (-0.2, 0.0, 0.2):
            draw.rectangle(
                [c + (dx - 0.06) * c, c - 0.55 * c, c + (dx + 0.06) * c, c - 0.33 * c], fill=210
            )
        circle(c, c - 0.66 * c, 0.12 * c, 240)
        for k in range(6):
            y = c - 0.45 * c + k * 0.12 * c
            draw.line([(c - 0.66 * c, y), (c - 0.58 * c, y + 0.06 * c)], fill=160, width=3)
    else:
        # A fire altar between two standing attendants.
        draw.rectangle([c - 0.3 * c, c + 0.4 * c, c + 0.3 * c, c + 0.5 * c], fill=170)
        draw.rectangle([c - 0.09 * c, c - 0.1 * c, c + 0.09 * c, c + 0.4 * c], fill=170)
        draw.rectangle([c - 0.25 * c, c - 0.2 * c, c + 0.25 * c, c - 0.1 * c], fill=170)
        draw.polygon(
            [(c - 0.2 * c, c - 0.2 * c), (c, c - 0.62 * c), (c + 0.2 * c, c - 0.2 * c)], fill=220
        )
        for side_x in (-0.5, 0.5):
            x = c + side_x * c
            draw.rectangle([x - 0.07 * c, c - 0.25 * c, x + 0.07 * c, c + 0.5 * c], fill=190)
            circle(x, c - 0.34 * c, 0.09 * c, 200)
    return image.filter(ImageFilter.GaussianBlur(radius=size_px / 170))


def bowl_texture(size_px: int, seed: int = 961) -> Image.Image:
    """Slip-painted bowl: interior (left square, seen from above), exterior (right square).

    The interior carries a band of made-up angular script below the rim and a rosette at the
    centre, in dark manganese on white slip. Chart radius 1 is the rim; see ``bowl_uv``.
    """
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (size_px * 2, size_px), SLIP_WHITE)
    draw = ImageDraw.Draw(image)
    c = size_px / 2
    scale = 0.49 * size_px

    def polar(rho: float, angle: float, offset: float = 0.0) -> tuple[float, float]:
        return (offset + c + rho * scale * math.cos(angle), c - rho * scale * math.sin(angle))

    # Interior: a rim band, the script band, the centre.
    draw.ellipse([c - scale, c - scale, c + scale, c + scale], outline=MANGANESE, width=10)
    base, top = 0.62, 0.86
    letters = 44
    for k in range(letters):
        angle = -2 * math.pi * k / letters
        draw.line(
            [polar(base, angle), polar(base, angle - 2 * math.pi / letters)],
            fill=MANGANESE,
            width=7,
        )
        if rng.random() < 0.55:
            draw.line([polar(base, angle), polar(top, angle)], fill=MANGANESE, width=7)
        else:
            rho = base + 0.05
            draw.ellipse(
                [
                    *(p - 9 for p in polar(rho, angle - 0.05)),
                    *(p + 9 for p in polar(rho, angle - 0.05)),
                ],
                fill=MANGANESE,
            )
        if rng.random() < 0.25:
            draw.line([polar(top, angle), polar(top - 0.05, angle - 0.07)], fill=MANGANESE, width=6)
    for k in range(8):
        angle = 2 * math.pi * k / 8
        draw.ellipse(
            [*(p - 14 for p in polar(0.1, angle)), *(p + 14 for p in polar(0.1, angle))],
            fill=IRON_RED,
        )
    draw.ellipse([c - 12, c - 12, c + 12, c + 12], fill=MANGANESE)
    # Exterior: slip over the upper wall, bare clay toward the foot, a dark rim line.
    draw.ellipse(
        [
            size_px + c - 0.62 * scale,
            c - 0.62 * scale,
            size_px + c + 0.62 * scale,
            c + 0.62 * scale,
        ],
        fill=BUFF,
    )
    draw.ellipse(
        [size_px + c - scale, c - scale, size_px + c + scale, c + scale],
        outline=MANGANESE,
        width=10,
    )
    return image


def tile_texture(size_px: int) -> Image.Image:
    """Lustre star tile: a cobalt border, lustre ground with reserved scrolls and a bird."""
    image = Image.new("RGB", (size_px, size_px), CREAM)
    draw = ImageDraw.Draw(image)
    c = size_px / 2

    def star(radius: float) -> list[tuple[float, float]]:
        return [(c + x * radius, c - y * radius) for x, y in star_outline(16)]

    draw.polygon(star(c * 0.995), fill=COBALT)
    draw.polygon(star(c * 0.9), fill=CREAM)
    draw.polygon(star(c * 0.86), fill=LUSTRE)
    for k in range(8):
        angle = 2 * math.pi * (k + 0.5) / 8
        x, y = c + 0.55 * c * math.cos(angle), c - 0.55 * c * math.sin(angle)
        draw.arc(
            [x - 0.16 * c, y - 0.16 * c, x + 0.16 * c, y + 0.16 * c],
            0,
            270,
            fill=CREAM,
            width=max(2, size_px // 110),
        )
        draw.ellipse([x - 6, y - 6, x + 6, y + 6], fill=TURQUOISE)
    # A bird in reserve at the centre.
    draw.ellipse([c - 0.24 * c, c - 0.1 * c, c + 0.18 * c, c + 0.14 * c], fill=CREAM)
    draw.ellipse([c + 0.1 * c, c - 0.22 * c, c + 0.26 * c, c - 0.06 * c], fill=CREAM)
    draw.polygon(
        [(c + 0.25 * c, c - 0.15 * c), (c + 0.36 * c, c - 0.12 * c), (c + 0.25 * c, c - 0.1 * c)],
        fill=CREAM,
    )
    draw.polygon(
        [(c - 0.2 * c, c), (c - 0.5 * c, c - 0.22 * c), (c - 0.42 * c, c + 0.06 * c)], fill=CREAM
    )
    draw.ellipse([c + 0.15 * c, c - 0.17 * c, c + 0.19 * c, c - 0.13 * c], fill=LUSTRE)
    for k in range(5):
        x = c - 0.12 * c + k * 0.06 * c
        draw.ellipse([x - 4, c + 0.01 * c - 4, x + 4, c + 0.01 * c + 4], fill=LUSTRE)
    # A buff square in a corner for the unglazed back.
    draw.rectangle([0, size_px - 24, 24, size_px], fill=BUFF)
    return image


def star_outline(samples_per_edge: int) -> np.ndarray:
    """The eight-pointed star of two overlapping squares, tip radius 1, walked anticlockwise."""
    corners = []
    inner = math.cos(math.pi / 4) / math.cos(math.pi / 8)
    for k in range(16):
        angle = 2 * math.pi * k / 16
        radius = 1.0 if k % 2 == 0 else inner
        corners.append((radius * math.cos(angle), radius * math.sin(angle)))
    corners = np.array(corners)
    points = []
    for k in range(16):
        start, end = corners[k], corners[(k + 1) % 16]
        for t in np.linspace(0.0, 1.0, samples_per_edge, endpoint=False):
            points.append(start + (end - start) * t)
    return np.array(points)
