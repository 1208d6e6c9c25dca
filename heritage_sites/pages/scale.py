"""A scale figure: the object's measured outline beside a ruler of a round length."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext


@dataclass(frozen=True)
class ScaleFigure:
    width_mm: float
    height_mm: float
    ruler_mm: float
    ruler_label: str
    view_width: float
    view_height: float
    ruler_y: float
    measured: bool


def _round_length(size_mm: float) -> float:
    """The largest of 1, 2 or 5 times a power of ten that is at most half of ``size_mm``."""
    target = max(size_mm / 2, 0.1)
    power = 10 ** math.floor(math.log10(target))
    for step in (5, 2, 1):
        if step * power <= target:
            return step * power
    return power


def _length_label(mm: float) -> str:
    if mm >= 1000:
        return gettext("%(n)s m") % {"n": f"{mm / 1000:g}"}
    if mm >= 10:
        return gettext("%(n)s cm") % {"n": f"{mm / 10:g}"}
    return gettext("%(n)s mm") % {"n": f"{mm:g}"}


def scale_figure(extents_mm: list[float] | None, artefact) -> ScaleFigure | None:
    """From the scan's measured extents (x, y up, z), else the catalogued width and height."""
    measured = extents_mm is not None
    if measured:
        width, height = extents_mm[0], extents_mm[1]
    elif artefact.width_mm and artefact.height_mm:
        width, height = float(artefact.width_mm), float(artefact.height_mm)
    else:
        return None
    if width <= 0 or height <= 0:
        return None
    ruler = _round_length(max(width, height))
    margin = max(width, height) * 0.08
    ruler_y = height + margin * 2
    return ScaleFigure(
        width_mm=round(width, 2),
        height_mm=round(height, 2),
        ruler_mm=ruler,
        ruler_label=_length_label(ruler),
        view_width=round(max(width, ruler) + margin, 2),
        view_height=round(ruler_y + margin * 1.5, 2),
        ruler_y=round(ruler_y, 2),
        measured=measured,
    )
