"""Measure model-viewer's neutral lighting, to light our posters the same way.

Renders a grey (albedo 0.5) and a black sphere with our derivatives' material (metallic 0,
roughness 0.9) in <model-viewer> from the poster's camera, undoes its neutral tone mapping and
the sRGB encoding, and fits, per world normal, the diffuse light D(n) (times the albedo) and
the specular light S(r, v) of the view's mirror direction r, as 9 spherical-harmonic
coefficients each (plus a Fresnel term for S). Prints the constants that
derivatives/render.py uses. Run it again after upgrading tools/model-viewer:

    .venv/bin/python -m bench.calibrate_poster_light
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import trimesh

from heritage_sites.processing.colour import inverse_neutral_tone_map, srgb_to_linear
from heritage_sites.processing.derivatives import render
from heritage_sites.processing.derivatives.glb import MeshArrays, write_glb
from heritage_sites.processing.derivatives.posters import POSTER_VIEW
from tests.viewer import poster_camera, screenshots

SIZE = 384
GREY = 0.5


def sh9(n: np.ndarray) -> np.ndarray:
    """Real spherical harmonics up to degree 2 (unnormalised) of unit vectors ``n``."""
    x, y, z = n[:, 0], n[:, 1], n[:, 2]
    one = np.ones_like(x)
    return np.stack([one, x, y, z, x * y, y * z, x * z, x * x - y * y, 3 * z * z - 1], axis=1)


def main() -> None:
    sphere = trimesh.creation.icosphere(subdivisions=6, radius=0.1)
    positions = np.asarray(sphere.vertices, dtype=np.float32)
    faces = np.asarray(sphere.faces, dtype=np.uint32)
    normals = positions / np.linalg.norm(positions, axis=1, keepdims=True)
    camera = poster_camera(positions, **POSTER_VIEW)
    with tempfile.TemporaryDirectory() as folder:
        glbs = []
        for name, value in (("grey", GREY), ("black", 0.0)):
            path = Path(folder) / f"{name}.glb"
            arrays = MeshArrays(
                positions=positions,
                faces=faces,
                normals=normals,
                base_color=(value, value, value, 1.0),
            )
            write_glb(arrays, path)
            glbs.append((path, camera))
        grey_shot, black_shot = screenshots(glbs, size=SIZE)

    # Each pixel's ray, as the poster renderer casts it, and where it meets the sphere.
    stage = render.make_stage(
        MeshArrays(positions=positions, faces=faces.astype(np.uint32), normals=normals)
    )
    eye, forward, right, up = render._camera(stage, **POSTER_VIEW)
    basis = np.stack([right, up, forward])
    rays = render.pixel_rays(SIZE) @ basis
    b = rays @ eye
    c = eye @ eye - 0.1**2
    disc = b * b - c
    hit = disc > 0
    t = -b - np.sqrt(np.where(hit, disc, 0))
    points = eye + rays * t[:, None]
    n = points / np.linalg.norm(points, axis=1, keepdims=True)
    grey = np.asarray(grey_shot, dtype=np.float64).reshape(-1, 4)
    black = np.asarray(black_shot, dtype=np.float64).reshape(-1, 4)
    # Inside the silhouette on both pictures, away from its anti-aliased edge.
    inside = hit & (grey[:, 3] == 255) & (black[:, 3] == 255) & ((-(rays * n).sum(1)) > 0.15)

    def light(shot):
        shown = srgb_to_linear(shot[inside, :3].mean(axis=1) / 255.0)
        return inverse_neutral_tone_map(shown)

    specular = light(black)
    diffuse = (light(grey) - specular) / GREY
    n_in = n[inside]
    facing = np.clip(-(rays[inside] * n_in).sum(axis=1), 0, 1)
    basis_d = sh9(n_in)
    # Specular light comes from around the mirror direction of the view.
    mirror = rays[inside] + 2 * facing[:, None] * n_in
    basis_s = np.concatenate([sh9(mirror), ((1 - facing) ** 5)[:, None]], axis=1)
    d_coef = np.linalg.lstsq(basis_d, diffuse, rcond=None)[0]
    s_coef = np.linalg.lstsq(basis_s, specular, rcond=None)[0]
    d_err = np.abs(basis_d @ d_coef - diffuse).mean()
    s_err = np.abs(basis_s @ s_coef - specular).mean()
    print(f"# fitted on {inside.sum()} pixels; mean error D {d_err:.4f}, S {s_err:.4f}")
    print("DIFFUSE_SH =", np.round(d_coef, 4).tolist())
    print("SPECULAR_SH =", np.round(s_coef, 4).tolist())


if __name__ == "__main__":
    main()
