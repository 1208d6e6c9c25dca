"""Poster pictures (512 and 1024 px, WebP and PNG) and an animated WebP turntable."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from ..types import DerivativeFile
from .glb import MeshArrays
from .render import BlankRender, Stage, make_stage, pixel_rays, render, render_smooth
from .webp import WEBP_METHOD

POSTER_SIZES = (1024, 512)  # the largest is drawn (edges antialiased), the others scaled down
POSTER_VIEW = {"azimuth_deg": 35.0, "elevation_deg": 22.0}  # three-quarter view, from above
TURNTABLE_FRAMES = 24
TURNTABLE_SIZE = 320
TURNTABLE_FRAME_MS = 120
MIN_COVERAGE = 0.01  # below 1% of the picture, the poster would look blank


def warm_up() -> None:
    """Compute the ray directions of the poster and turntable sizes (render.pixel_rays caches
    them): done once in the sandbox's fork server, every scan's child inherits them."""
    pixel_rays(POSTER_SIZES[0])
    pixel_rays(TURNTABLE_SIZE)


def write_posters(
    arrays: MeshArrays, workdir: Path, *, make_turntable: bool = True
) -> list[DerivativeFile]:
    """Write the posters, and the turntable when asked, of ``arrays`` into ``workdir``.

    The turntable is drawn in a second thread while this one draws and encodes the posters:
    Embree, numpy and Pillow release the GIL for their work, so the two use both cores.
    """
    stage = make_stage(arrays)
    if not make_turntable:
        return _write_poster_images(stage, workdir)
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="turntable") as pool:
        turntable = pool.submit(write_turntable, stage, workdir, stop=stop)
        try:
            out = _write_poster_images(stage, workdir)
        except BaseException:
            stop.set()  # a blank poster fails the scan: do not finish drawing the turntable
            raise
        out.append(turntable.result())
    return out


def _write_poster_images(stage: Stage, workdir: Path) -> list[DerivativeFile]:
    big, coverage = render_smooth(stage, POSTER_SIZES[0], **POSTER_VIEW)
    if coverage < MIN_COVERAGE:
        raise BlankRender(
            "The poster came out blank: the scan shows almost nothing from the front. "
            "Check that the scan is not flat or empty."
        )
    out = []
    for size in POSTER_SIZES:
        image = big if size == big.width else big.resize((size, size), Image.Resampling.LANCZOS)
        png = workdir / f"poster_{size}.png"
        image.save(png, format="PNG", compress_level=4)
        webp = workdir / f"poster_{size}.webp"
        image.save(webp, format="WEBP", quality=86, method=WEBP_METHOD)
        out.append(DerivativeFile("poster", png, "image/png", width=size, height=size))
        out.append(DerivativeFile("poster", webp, "image/webp", width=size, height=size))
    return out


def write_turntable(
    stage: Stage, workdir: Path, *, stop: threading.Event | None = None
) -> DerivativeFile | None:
    """The animated WebP turntable; None when ``stop`` was set before it was drawn."""
    step = 360.0 / TURNTABLE_FRAMES
    frames = []
    for i in range(TURNTABLE_FRAMES):
        if stop is not None and stop.is_set():
            return None
        frame, _ = render(
            stage,
            TURNTABLE_SIZE,
            azimuth_deg=POSTER_VIEW["azimuth_deg"] + i * step,
            elevation_deg=POSTER_VIEW["elevation_deg"],
        )
        frames.append(frame)
    path = workdir / "turntable.webp"
    frames[0].save(
        path,
        format="WEBP",
        save_all=True,
        append_images=frames[1:],
        duration=TURNTABLE_FRAME_MS,
        loop=0,
        quality=75,
        method=2,
    )
    return DerivativeFile(
        "turntable", path, "image/webp", width=TURNTABLE_SIZE, height=TURNTABLE_SIZE
    )
