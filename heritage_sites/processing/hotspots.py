"""Map hotspots between a scan's original coordinates and its web model's. Pure: no Django.

Hotspots (a point, a normal, a camera target and position) are stored in the ORIGINAL's
coordinates, so they survive a reprocess and a change of pose: each time they are shown they
go through the transform the pipeline applied to the derivatives, read back from the scan's
report: ``report["pose"]["web_from_original"]``, the 4x4 matrix processing/pose.py made from
the pose (up axis and quarter turns), the centre and the unit, written by processing/pipeline.py.

Reports written before poses existed placed the model Y up, centred on its bounding box and
scaled to metres: they are read from their ``bounding_box_mm`` and ``mm_per_unit``, or from a
``web_transform`` record (centre, scale_to_metres, up_axis, optional pose).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

_Z_UP_TO_Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, -1.0, 0.0]])


class TransformUnknown(ValueError):
    """The scan's report does not say how its web model was placed (not processed yet)."""


def web_transform_record(*, centre, scale_to_metres: float, up_axis: str = "y") -> dict:
    """What the pipeline writes into the report as ``web_transform``."""
    return {
        "centre": [float(v) for v in centre],
        "scale_to_metres": float(scale_to_metres),
        "up_axis": up_axis,
    }


def web_matrix(report: dict) -> np.ndarray:
    """The 4x4 matrix taking original coordinates to the web model's (metres, Y up)."""
    placed = (report.get("pose") or {}).get("web_from_original")
    if placed is not None:
        return np.asarray(placed, dtype=float).reshape(4, 4)
    record = report.get("web_transform")
    if record is None:
        box, mm_per_unit = report.get("bounding_box_mm"), report.get("mm_per_unit")
        if not box or not mm_per_unit:
            raise TransformUnknown("The scan has not been processed: its web model has no place.")
        low, high = np.asarray(box["min"], float), np.asarray(box["max"], float)
        record = web_transform_record(
            centre=(low + high) / 2 / mm_per_unit, scale_to_metres=mm_per_unit / 1000.0
        )
    centre = np.asarray(record["centre"], dtype=float)
    scale = float(record["scale_to_metres"])
    linear = np.eye(3) * scale
    if record.get("up_axis", "y") == "z":
        linear = _Z_UP_TO_Y_UP @ linear
    matrix = np.eye(4)
    matrix[:3, :3] = linear
    matrix[:3, 3] = -linear @ centre
    pose = record.get("pose")
    if pose is not None:
        matrix = np.asarray(pose, dtype=float).reshape(4, 4) @ matrix
    return matrix


def to_web(matrix: np.ndarray, point: Sequence[float]) -> list[float]:
    return (matrix @ np.append(np.asarray(point, float), 1.0))[:3].tolist()


def to_original(matrix: np.ndarray, point: Sequence[float]) -> list[float]:
    return (np.linalg.inv(matrix) @ np.append(np.asarray(point, float), 1.0))[:3].tolist()


def normal_to_web(matrix: np.ndarray, normal: Sequence[float]) -> list[float]:
    # Normals go through the inverse transpose (a pose may scale unevenly), then unit length.
    turned = np.linalg.inv(matrix[:3, :3]).T @ np.asarray(normal, float)
    length = np.linalg.norm(turned)
    return (turned / length).tolist() if length else [0.0, 1.0, 0.0]


def normal_to_original(matrix: np.ndarray, normal: Sequence[float]) -> list[float]:
    turned = matrix[:3, :3].T @ np.asarray(normal, float)
    length = np.linalg.norm(turned)
    return (turned / length).tolist() if length else [0.0, 1.0, 0.0]


def camera_orbit(target: Sequence[float], position: Sequence[float]) -> dict:
    """model-viewer's ``camera-orbit`` (theta, phi in degrees, radius in metres) of a camera at
    ``position`` looking at ``target``, both in web coordinates (Y up; theta from +Z to +X)."""
    offset = np.asarray(position, float) - np.asarray(target, float)
    radius = float(np.linalg.norm(offset))
    if radius == 0:
        return {"theta": 0.0, "phi": 90.0, "radius": 0.0}
    theta = math.degrees(math.atan2(offset[0], offset[2]))
    phi = math.degrees(math.acos(max(-1.0, min(1.0, offset[1] / radius))))
    return {"theta": round(theta, 4), "phi": round(phi, 4), "radius": radius}


def camera_position(target: Sequence[float], orbit: dict) -> list[float]:
    """The inverse of ``camera_orbit``: where the camera stands, in web coordinates."""
    theta, phi = math.radians(orbit["theta"]), math.radians(orbit["phi"])
    radius = float(orbit["radius"])
    offset = radius * np.array(
        [math.sin(phi) * math.sin(theta), math.cos(phi), math.sin(phi) * math.cos(theta)]
    )
    return (np.asarray(target, float) + offset).tolist()
