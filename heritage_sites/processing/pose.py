"""A scan's pose: which of the file's axes points up, and quarter turns about it.

The pose turns the original's coordinates into the derivatives' frame (glTF: +Y up). It is a
pure rotation, ``pose_matrix(up_axis, quarter_turns)``, applied to the mesh before any
derivative is made; the original file never changes. Whatever is stored in the original's
coordinates (annotations, hotspots) maps onto the web model through the same function:

    web = scale * (pose_matrix(up, turns)[:3, :3] @ (p - centre))

with ``centre`` the centre of the original's bounding box and ``scale`` the metres per file
unit; the report's ``pose.web_from_original`` holds that whole 4x4 matrix for each scan.

When no curator has set it, ``guess_pose`` reads it from the file (rules in its docstring)
and says why, in words for a curator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

UP_AXES = ("+y", "-y", "+z", "-z", "+x", "-x")

# Rotations taking each file axis to +Y (right-handed, determinant 1).
_TO_Y_UP = {
    "+y": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "-y": ((1, 0, 0), (0, -1, 0), (0, 0, -1)),
    "+z": ((1, 0, 0), (0, 0, 1), (0, -1, 0)),  # (x, y, z) -> (x, z, -y)
    "-z": ((1, 0, 0), (0, 0, -1), (0, 1, 0)),  # (x, y, z) -> (x, -z, y)
    "+x": ((0, -1, 0), (1, 0, 0), (0, 0, 1)),  # (x, y, z) -> (-y, x, z)
    "-x": ((0, 1, 0), (-1, 0, 0), (0, 0, 1)),  # (x, y, z) -> (y, -x, z)
}


def normalise_up_axis(up_axis: str) -> str:
    """ "y" and "z" (the older spelling) mean "+y" and "+z"; anything else must be in UP_AXES."""
    axis = up_axis.strip().lower()
    if axis in ("x", "y", "z"):
        axis = "+" + axis
    if axis not in _TO_Y_UP:
        raise ValueError(f"up_axis must be one of {', '.join(UP_AXES)}, not {up_axis!r}.")
    return axis


def pose_matrix(up_axis: str, quarter_turns: int = 0) -> np.ndarray:
    """The 4x4 rotation from the original's axes to the derivatives' (+Y up).

    First the file's ``up_axis`` is turned onto +Y, then the model is turned
    ``quarter_turns`` times 90 degrees about +Y, right-handed (+Z towards +X: seen from
    above, counter-clockwise). No translation and no scale: centring and units are applied
    around it (see the module docstring).
    """
    if int(quarter_turns) != quarter_turns:
        raise ValueError(f"quarter_turns must be a whole number, not {quarter_turns!r}.")
    up = np.array(_TO_Y_UP[normalise_up_axis(up_axis)], dtype=np.float64)
    k = int(quarter_turns) % 4
    cos, sin = ((1, 0), (0, 1), (-1, 0), (0, -1))[k]
    about_y = np.array([[cos, 0, sin], [0, 1, 0], [-sin, 0, cos]], dtype=np.float64)
    matrix = np.eye(4)
    matrix[:3, :3] = about_y @ up
    return matrix


def web_from_original(
    up_axis: str, quarter_turns: int, centre: np.ndarray, scale: float
) -> np.ndarray:
    """The 4x4 matrix taking a point of the original file onto the web model (metres)."""
    matrix = pose_matrix(up_axis, quarter_turns)
    rotation = matrix[:3, :3] * scale
    matrix[:3, :3] = rotation
    matrix[:3, 3] = -rotation @ np.asarray(centre, dtype=np.float64)
    return matrix


@dataclass(frozen=True)
class PoseGuess:
    up_axis: str
    reason: str


# Exporters whose axis convention is known. (pattern, formats it applies to, up axis, why)
_EXPORTERS = (
    (r"realitycapture|capturing reality", None, "+z", "RealityCapture writes Z up"),
    (r"agisoft|metashape|photoscan", None, "+z", "Agisoft Metashape writes Z up"),
    (r"cloudcompare", None, "+z", "CloudCompare writes Z up"),
    (r"blender", ("obj",), "+y", "Blender's OBJ exporter turns models to Y up"),
    (r"blender", ("ply", "stl"), "+z", "Blender writes PLY and STL with Z up"),
)
# Without any clue, each format's own convention.
_CONVENTION = {
    "stl": ("+z", "STL files come from CAD and 3D printing, where Z is up"),
    "obj": ("+y", "Y is up by OBJ's usual convention"),
    "ply": ("+y", "no clue in the file, so Y up, the usual convention"),
    "off": ("+y", "no clue in the file, so Y up, the usual convention"),
}
FLAT_NORMAL = 0.95  # |cos| of a face normal with an axis for the face to count as flat
FLAT_BAND = 0.01  # of the extent: how near the end of the axis a flat face must lie
FLAT_MIN_SHARE = 0.25  # of the bounding box's cross-section: a base, not a stray facet
SLENDER = 1.5  # the longest side at least this many times each other side


def guess_pose(fmt: str, vertices: np.ndarray, faces: np.ndarray, main: Path | None) -> PoseGuess:
    """Guess the up axis of a scan from its format, its header and its shape.

    - glTF (.glb, .gltf): +Y, which glTF defines as up.
    - PLY, OBJ, STL, OFF, in this order: an exporter named in the header or comments whose
      convention is known (RealityCapture, Metashape, CloudCompare: Z up; Blender: Z up for
      PLY and STL, Y up for OBJ); else a flat base (one end of an axis carrying flat faces over
      at least a quarter of the cross-section, clearly more than any other end): that end is
      down; else, except for STL, the longest side of a slender, upright object (at least 1.5
      times each other side) is up; else the format's convention (STL: Z up, as in CAD and 3D
      printing; OBJ, PLY, OFF: Y up).
    """
    kind = {"glb": "gltf", "gltf": "gltf", "gltf_zip": "gltf", "obj_zip": "obj"}.get(fmt, fmt)
    if kind == "gltf":
        return PoseGuess("+y", "glTF defines +Y as up.")
    named = _exporter_clue(kind, main)
    if named is not None:
        return named
    base = _flat_base(vertices, faces)
    if base is not None:
        return base
    # STL's own convention (Z up, from CAD) outranks the shape of a long part lying flat.
    slender = _slender_axis(vertices) if kind != "stl" else None
    if slender is not None:
        return slender
    axis, why = _CONVENTION.get(kind, ("+y", "no clue in the file, so Y up"))
    return PoseGuess(axis, f"{_label(axis)} up: {why}.")


def _label(axis: str) -> str:
    return axis.upper()


def header_text(main: Path | None, limit: int = 16384) -> str:
    """The comment and header lines at the start of a file, where exporters sign their work."""
    if main is None:
        return ""
    try:
        with Path(main).open("rb") as handle:
            head = handle.read(limit)
    except OSError:
        return ""
    text = head.decode("latin-1")
    if text[:3].lower() == "ply":
        end = text.find("end_header")
        return text[: end if end >= 0 else limit]
    lines = text.splitlines()
    if not lines:
        return ""
    kept = [lines[0][:80]]  # an STL's "solid <name>" line or its 80-byte binary header
    kept += [line for line in lines[1:200] if line.lstrip().startswith("#")]
    return "\n".join(kept)


def _exporter_clue(kind: str, main: Path | None) -> PoseGuess | None:
    text = header_text(main).lower()
    if not text:
        return None
    for pattern, kinds, axis, why in _EXPORTERS:
        if (kinds is None or kind in kinds) and re.search(pattern, text):
            return PoseGuess(axis, f"{_label(axis)} up: the file names its exporter; {why}.")
    return None


def _flat_base(vertices: np.ndarray, faces: np.ndarray) -> PoseGuess | None:
    vertices = np.asarray(vertices, dtype=np.float64)
    faces = np.asarray(faces)
    if len(faces) == 0:
        return None
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    extent = high - low
    if (extent <= 0).any():
        return None
    corners = vertices[faces]
    cross = np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0])
    doubled_area = np.linalg.norm(cross, axis=1)
    centroid = corners.mean(axis=1)
    del corners
    with np.errstate(invalid="ignore", divide="ignore"):
        cosines = np.abs(cross) / doubled_area[:, None]
    shares = {}
    for axis in range(3):
        flat = cosines[:, axis] > FLAT_NORMAL
        band = FLAT_BAND * extent[axis]
        others = [a for a in range(3) if a != axis]
        section = extent[others[0]] * extent[others[1]]
        at_low = flat & (centroid[:, axis] <= low[axis] + band)
        at_high = flat & (centroid[:, axis] >= high[axis] - band)
        # A base at the low end means +axis is up; at the high end, -axis.
        shares["+" + "xyz"[axis]] = doubled_area[at_low].sum() / 2 / section
        shares["-" + "xyz"[axis]] = doubled_area[at_high].sum() / 2 / section
    ranked = sorted(shares.items(), key=lambda item: item[1], reverse=True)
    (best, share), (_, second) = ranked[0], ranked[1]
    if share >= FLAT_MIN_SHARE and share >= 2 * second:
        down = ("-" if best[0] == "+" else "+") + best[1]
        return PoseGuess(
            best,
            f"{_label(best)} up: the scan has a flat base facing {_label(down)} "
            f"({share:.0%} of its cross-section).",
        )
    return None


def _slender_axis(vertices: np.ndarray) -> PoseGuess | None:
    extent = np.ptp(np.asarray(vertices, dtype=np.float64), axis=0)
    longest = int(np.argmax(extent))
    others = np.delete(extent, longest)
    if others.max() <= 0 or extent[longest] < SLENDER * others.max():
        return None
    axis = "+" + "xyz"[longest]
    ratio = extent[longest] / others.max()
    return PoseGuess(
        axis,
        f"{_label(axis)} up: the scan is {ratio:.1f} times taller along {axis[1].upper()} "
        "than across, as an upright object is.",
    )
