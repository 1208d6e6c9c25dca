"""A browser app on another origin loads a web model as a third-party developer would: it
reads the artefact from the API, then shows its web model in <model-viewer>. Both requests
cross origins, so they need the API's and the files' CORS headers (headless Chromium)."""

from __future__ import annotations

import functools
import http.server
import io
import os
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from heritage_sites.models import Derivative
from tests.factories import ArtefactFactory, DerivativeFactory
from tests.viewer import SCRIPT, ViewerUnavailable, install_model_viewer

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]

PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<script type="module" src="/model-viewer.min.js"></script></head>
<body>
<model-viewer id="viewer" style="width:320px;height:320px" alt="A web model">
  <div slot="progress-bar"></div>
</model-viewer>
<script type="module">
  const api = new URL(location).searchParams.get("api");
  const viewer = document.getElementById("viewer");
  viewer.addEventListener("load", () => { document.title = "loaded"; });
  viewer.addEventListener("error", (event) => {
    document.title = "error: " + JSON.stringify(event.detail && event.detail.type);
  });
  try {
    const record = await (await fetch(api)).json();
    const web = record.scans[0].derivatives.find((file) => file.kind === "web");
    viewer.src = web.url;
  } catch (error) { document.title = "fetch failed: " + error; }
</script></body></html>"""


def _install_model_viewer() -> None:
    try:
        install_model_viewer()  # tools/model-viewer, shared with the poster-versus-viewer test
    except ViewerUnavailable as exc:
        pytest.skip(f"@google/model-viewer could not be installed from npm: {exc}")


class _App(http.server.SimpleHTTPRequestHandler):
    """The third-party app: its page and its copy of model-viewer, on its own origin."""

    def do_GET(self):
        if self.path.startswith("/model-viewer.min.js"):
            body, kind = SCRIPT.read_bytes(), "text/javascript"
        else:
            body, kind = PAGE.encode(), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def other_origin():
    _install_model_viewer()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_App))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _glb() -> bytes:
    import trimesh

    buffer = io.BytesIO()
    trimesh.creation.box(extents=(1, 1, 1)).export(buffer, file_type="glb")
    return buffer.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_web_model_loads_in_model_viewer_from_another_origin(
    live_server, other_origin, monkeypatch
):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.test import testcases
    from playwright.sync_api import sync_playwright

    # Django's live server answers /media/ itself (static.serve, no CORS): let the museum's
    # own serve_media answer, as it does in the embedded default.
    monkeypatch.setattr(testcases._MediaFilesHandler, "_should_handle", lambda self, path: False)

    artefact = ArtefactFactory(slug="bowl")
    DerivativeFactory(
        scan__artefact=artefact,
        kind=Derivative.Kind.WEB,
        file=ContentFile(_glb(), name="web.glb"),
        content_type="model/gltf-binary",
        width=None,
        height=None,
    )
    # The API on "localhost", the app on "127.0.0.1": two origins.
    api = live_server.url.replace("127.0.0.1", "localhost") + "/api/v1/artefacts/bowl/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"],
        )
        try:
            page = browser.new_page()
            seen = []
            page.on("console", lambda message: seen.append(f"console: {message.text}"))
            page.on("response", lambda r: seen.append(f"{r.status} {r.url} {r.headers}"))
            page.goto(f"{other_origin}/?api={api}")
            page.wait_for_function("document.title && document.title !== ''", timeout=60_000)
            assert page.title() == "loaded", (page.title(), seen)
            loaded = page.evaluate("document.getElementById('viewer').loaded")
            assert loaded is True
        finally:
            browser.close()
