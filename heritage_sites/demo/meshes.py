"""Procedural 3D stand-ins for the demo artefacts, written as real upload files.

Pure: no Django. Each builder takes the artefact's catalogued dimensions in millimetres and
returns the bytes of one file in a format the museum accepts, with a filename. The mesh's
bounding box equals the catalogued dimensions exactly (height, width, depth), so the
pipeline's dimension check agrees with the catalogue. Every file is Y-up (the glTF convention
the museum's viewer follows): x is the width, y the height, z the depth, with the object standing
on y = 0 and its front towards +z. Output is deterministic: the same call gives the same bytes, so
loading the demo twice uploads nothing new.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import trimesh

from heritage_sites.demo import pictures
from heritage_sites.demo.geometry import fit, polar_disc, revolve, sample, slab, smooth_curve
from heritage_sites.demo.geometry import star_prism as _star_prism

# Fixed archive timestamps keep the zip bytes identical from run to run.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class MeshFile:
    filename: str
    data: bytes
    format: str  # the museum's format code: ply, stl, glb, obj_zip, off
    dimensions_mm: tuple[float, float, float]  # height, width, depth


def _rgba(colours: np.ndarray) -> np.ndarray:
    colours = np.clip(np.rint(colours), 0, 255).astype(np.uint8)
    return np.column_stack([colours, np.full(len(colours), 255, np.uint8)])


def _mix(a, b, t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)[:, None]
    return np.asarray(a, float) * (1 - t) + np.asarray(b, float) * t


def _line(start, end, count: int) -> np.ndarray:
    return np.linspace(start, end, count, endpoint=False)


def _textured(vertices, faces, uv, image, material_name: str) -> trimesh.Trimesh:
    """A mesh with one image texture, kept exactly as built (no merging or reordering)."""
    material = trimesh.visual.material.SimpleMaterial(image=image, name=material_name)
    visual = trimesh.visual.TextureVisuals(uv=uv, material=material)
    return trimesh.Trimesh(vertices, faces, visual=visual, process=False)


def _y_up(vertices: np.ndarray) -> np.ndarray:
    # Shapes are built Z-up; this turns them Y-up, the front (-y) ending up facing +z.
    return np.column_stack([vertices[:, 0], vertices[:, 2], -vertices[:, 1]])


# --- Vase: a revolved profile with vertex colours, binary PLY -------------------------------


def vase_ply(*, height_mm: float, width_mm: float, depth_mm: float) -> MeshFile:
    """A baluster vase with a three-colour lead glaze that runs short of the foot."""
    base = _line((0.0, 0.0), (0.42, 0.0), 10)
    outer = smooth_curve(
        [
            (0.42, 0.0),
            (0.45, 0.02),
            (0.4, 0.06),
            (0.7, 0.2),
            (0.98, 0.42),
            (0.85, 0.62),
            (0.45, 0.8),
            (0.3, 0.88),
            (0.34, 0.96),
            (0.48, 1.0),
        ],
        110,
    )
    inner = smooth_curve(
        [
            (0.44, 1.0),
            (0.3, 0.97),
            (0.26, 0.88),
            (0.4, 0.8),
            (0.8, 0.62),
            (0.93, 0.42),
            (0.65, 0.2),
            (0.34, 0.08),
        ],
        90,
    )
    floor = np.vstack([_line((0.34, 0.08), (0.0, 0.07), 8)[1:], [(0.0, 0.07)]])
    profile = np.vstack([base, outer, inner, floor])
    vertices, faces, params = revolve(profile, segments=112)
    vertices = fit(vertices, (width_mm, depth_mm, height_mm))

    z = vertices[:, 2] / height_mm
    angle = params[:, 1]
    outside = params[:, 0] < len(base) + len(outer)
    amber, green, cream = (196, 122, 40), (62, 128, 66), (232, 220, 178)
    colours = np.tile(np.array(amber, float), (len(vertices), 1))
    streak = np.sin(5 * angle + 3 * np.sin(2 * angle) + 9 * z)
    colours = _mix(colours, green, (streak - 0.35) * 4)
    colours = _mix(colours, cream, (np.sin(11 * angle - 6 * z) - 0.7) * 5)
    glaze_edge = 0.22 + 0.05 * np.sin(7 * angle) + 0.03 * np.sin(17 * angle)
    colours[outside & (z < glaze_edge)] = pictures.BUFF
    colours[~outside & (z < 0.8)] = (120, 70, 30)
    mesh = trimesh.Trimesh(_y_up(vertices), faces, vertex_colors=_rgba(colours), process=False)
    data = mesh.export(file_type="ply", encoding="binary")
    return MeshFile("sancai-vase.ply", data, "ply", (height_mm, width_mm, depth_mm))


# --- Coin: a disc with relief on both faces, binary STL -------------------------------------


def coin_stl(*, height_mm: float, width_mm: float, depth_mm: float) -> MeshFile:
    """A silver drachm standing on its edge: bust on the front, fire altar on the back.

    Catalogued as height = width = diameter and depth = thickness.
    """
    points, disc_faces, _ = polar_disc(1.0, rings=48, segments=192)
    u, v = 0.5 + points[:, 0] * 0.5, 0.5 + points[:, 1] * 0.5
    front = sample(pictures.coin_relief(256, "obverse"), u, v)
    # The back is seen from behind: mirror it so it reads the right way round.
    back = sample(pictures.coin_relief(256, "reverse"), 1 - u, v)
    count = len(points)
    top = np.column_stack([points, 0.5 + 0.32 * front])
    bottom = np.column_stack([points, -0.5 - 0.32 * back])
    vertices = np.vstack([top, bottom])
    segments = 192
    rim_top = np.arange(count - segments, count)
    rim_bottom = rim_top + count
    following = np.roll(np.arange(segments), -1)
    faces = np.vstack(
        [
            disc_faces,
            disc_faces[:, ::-1] + count,
            np.stack([rim_top, rim_bottom, rim_bottom[following]], axis=1),
            np.stack([rim_top, rim_bottom[following], rim_top[following]], axis=1),
        ]
    )
    # Stand it up: the faces look along -y and +y; the diameter is vertical.
    standing = np.column_stack([vertices[:, 0], -vertices[:, 2], vertices[:, 1]])
    standing = fit(standing, (width_mm, depth_mm, height_mm))
    data = trimesh.Trimesh(_y_up(standing), faces, process=False).export(file_type="stl")
    return MeshFile("drachm.stl", data, "stl", (height_mm, width_mm, depth_mm))


# --- Stele: a slab with a carved inscription, GLB with vertex colours -----------------------


def stele_glb(*, height_mm: float, width_mm: float, depth_mm: float) -> MeshFile:
    """A stone stele with a title panel in relief and columns of incised glyphs."""
    columns, rows = 104, 222
    relief = pictures.stele_relief(int(width_mm / 2), int(height_mm / 2))
    u = np.linspace(0, 1, columns)[None, :].repeat(rows, 0)
    v = np.linspace(1, 0, rows)[:, None].repeat(columns, 1)
    carving = sample(relief, u.ravel(), v.ravel()).reshape(rows, columns) * 4.0
    # A bevelled edge: the last 14 mm of the face fall back towards the sides.
    x_mm, z_mm = u * width_mm, v * height_mm
    edge = np.minimum.reduce([x_mm, width_mm - x_mm, z_mm, height_mm - z_mm])
    depths = carving + np.clip(14.0 - edge, 0, None) * 0.7
    vertices, faces = slab(depths, width_mm, height_mm, depth_mm)
    vertices = fit(vertices, (width_mm, depth_mm, height_mm))

    rng = np.random.default_rng(7)
    grain = rng.normal(0.0, 4.0, len(vertices))[:, None]
    stone = np.array((58, 60, 66), float) + grain
    front_count = rows * columns
    cut = np.zeros(len(vertices))
    cut[:front_count] = np.clip(carving.ravel() / 4.0, 0, 1)
    colours = _mix(stone, (150, 148, 140), cut * 1.4)
    mesh = trimesh.Trimesh(_y_up(vertices), faces, vertex_colors=_rgba(colours), process=False)
    data = mesh.export(file_type="glb")
    return MeshFile("stele.glb", data, "glb", (height_mm, width_mm, depth_mm))


# --- Bowl: revolved, UV-mapped, painted texture, OBJ + MTL + PNG in a zip -------------------


def _bowl_part(profile: np.ndarray, radius: float, chart: str) -> tuple[np.ndarray, ...]:
    vertices, faces, _ = revolve(profile, segments=128)
    rho_x, rho_y = vertices[:, 0] / radius, vertices[:, 1] / radius
    local_u = 0.5 + 0.49 * (rho_x if chart == "inside" else -rho_x)
    uv = np.column_stack([local_u * 0.5 + (0.0 if chart == "inside" else 0.5), 0.5 + 0.49 * rho_y])
    return vertices, faces, uv


def bowl_obj_zip(*, height_mm: float, width_mm: float, depth_mm: float) -> MeshFile:
    """A conical slip-painted bowl with a band of angular script inside the rim."""
    radius, height = width_mm / 2, height_mm
    outside = np.vstack(
        [
            _line((0.0, 0.05), (0.3, 0.05), 8),
            _line((0.3, 0.05), (0.31, 0.0), 2),
            _line((0.31, 0.0), (0.4, 0.0), 4),
            smooth_curve(
                [(0.4, 0.0), (0.42, 0.06), (0.55, 0.2), (0.75, 0.45), (0.9, 0.72), (1.0, 1.0)], 70
            ),
            [(0.9875, 1.0)],
        ]
    )
    inside = np.vstack(
        [
            [(0.9875, 1.0)],
            smooth_curve([(0.975, 1.0), (0.875, 0.72), (0.72, 0.45), (0.5, 0.22), (0.3, 0.14)], 70),
            _line((0.28, 0.135), (0.0, 0.12), 10),
            [(0.0, 0.12)],
        ]
    )
    scale = np.array([radius, height])
    parts = [
        _bowl_part(outside * scale, radius, "outside"),
        _bowl_part(inside * scale, radius, "inside"),
    ]
    offset = len(parts[0][0])
    vertices = np.vstack([parts[0][0], parts[1][0]])
    faces = np.vstack([parts[0][1], parts[1][1] + offset])
    uv = np.vstack([parts[0][2], parts[1][2]])
    vertices = _y_up(fit(vertices, (width_mm, depth_mm, height_mm)))
    mesh = _textured(vertices, faces, uv, pictures.bowl_texture(1024), "slip_painted")
    obj, files = trimesh.exchange.obj.export_obj(
        mesh, include_normals=False, return_texture=True, mtl_name="bowl.mtl"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        entries = {"bowl.obj": obj.encode("utf-8"), **files}
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[name])
    return MeshFile(
        "epigraphic-bowl.zip", buffer.getvalue(), "obj_zip", (height_mm, width_mm, depth_mm)
    )


# --- Tile: an eight-pointed star with a lustre texture, textured GLB -------------------------


def tile_glb(*, height_mm: float, width_mm: float, depth_mm: float) -> MeshFile:
    """A lustre star tile facing +z (as on a wall): width and height tip to tip."""
    outline = pictures.star_outline(16)
    vertices, faces, is_bottom = _star_prism(outline, rings=40, top=1.0, edge_drop=0.12)
    uv = np.column_stack([0.5 + vertices[:, 0] * 0.5, 0.5 + vertices[:, 1] * 0.5])
    uv[is_bottom] = (12 / 1024, 12 / 1024)
    # In glTF the tile's face is its +z side, so x, y, z are width, height, depth.
    vertices = fit(vertices, (width_mm, height_mm, depth_mm))
    vertices[:, 1] += height_mm / 2
    mesh = _textured(vertices, faces, uv, pictures.tile_texture(1024), "lustre")
    data = mesh.export(file_type="glb")
    return MeshFile("star-tile.glb", data, "glb", (height_mm, width_mm, depth_mm))


# --- Lamp: a revolved body pulled into a nozzle, OFF ----------------------------------------


def lamp_off(*, height_mm: float, width_mm: float, depth_mm: float) -> MeshFile:
    """A mould-made oil lamp: a round body drawn out into a nozzle, with a small tab handle.

    Catalogued with width = length from nozzle to handle, depth = across the body.
    """
    profile = np.vstack(
        [
            _line((0.0, 0.0), (0.55, 0.0), 8),
            smooth_curve(
                [
                    (0.55, 0.0),
                    (0.62, 0.03),
                    (0.9, 0.2),
                    (1.0, 0.45),
                    (0.95, 0.7),
                    (0.75, 0.86),
                    (0.56, 0.9),
                    (0.45, 0.82),
                    (0.14, 0.75),
                    (0.08, 0.6),
                ],
                80,
            ),
            [(0.0, 0.56)],
        ]
    )
    vertices, faces, _ = revolve(profile, segments=128)
    x, y, z = vertices.T
    radius = np.hypot(x, y)
    angle = np.arctan2(y, x)
    nozzle = np.exp(-(angle**2) / (2 * 0.3**2))
    handle = np.exp(-((np.abs(angle) - np.pi) ** 2) / (2 * 0.22**2))
    stretch = (
        1
        + 0.95 * nozzle * np.exp(-(((z - 0.45) / 0.32) ** 2))
        + 0.22 * handle * np.exp(-(((z - 0.7) / 0.14) ** 2))
    )
    z = 0.45 + (z - 0.45) * (1 - 0.4 * nozzle * np.clip(radius / 0.6, 0, 1))
    vertices = np.column_stack([x * stretch, y * stretch, z])
    vertices = _y_up(fit(vertices, (width_mm, depth_mm, height_mm)))
    lines = [f"OFF\n{len(vertices)} {len(faces)} 0"]
    lines += [f"{a:.4f} {b:.4f} {c:.4f}" for a, b, c in vertices]
    lines += [f"3 {a} {b} {c}" for a, b, c in faces]
    data = ("\n".join(lines) + "\n").encode("ascii")
    return MeshFile("oil-lamp.off", data, "off", (height_mm, width_mm, depth_mm))


BUILDERS: dict[str, Callable[..., MeshFile]] = {
    "vase": vase_ply,
    "coin": coin_stl,
    "stele": stele_glb,
    "bowl": bowl_obj_zip,
    "tile": tile_glb,
    "lamp": lamp_off,
}


def build(kind: str, *, height_mm: float, width_mm: float, depth_mm: float) -> MeshFile:
    """Build the stand-in called ``kind`` (a key of BUILDERS) at the given size."""
    try:
        builder = BUILDERS[kind]
    except KeyError:
        raise ValueError(
            f"No procedural mesh called {kind!r}; choose from {sorted(BUILDERS)}."
        ) from None
    return builder(height_mm=height_mm, width_mm=width_mm, depth_mm=depth_mm)
