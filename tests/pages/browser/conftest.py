"""A real Chromium (Debian's, headless, WebGL through SwiftShader) against a real server
holding the demo museum with its scans processed; no request may leave 127.0.0.1."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.test.utils import override_settings

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "pages"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}

# Not django_db tests: a test's transaction on the main thread would lock SQLite tables
# against the server's threads. The museum is committed once per module by ``museum`` (on
# the test database, created here when no django_db test asked pytest-django for it) and
# flushed at its end.
BROWSER_MARKS = [pytest.mark.browser]


@pytest.fixture(autouse=True)
def _isolated_media():
    """The module's server keeps one media folder (see ``museum``), not one per test."""


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _one_at_a_time(app):
    """The server's threads share one in-memory SQLite connection, which is not safe to use
    from two threads at once (a page's posters, fetched together, failed with 404 and 500):
    the app runs one request at a time while the sockets stay concurrent."""
    lock = threading.Lock()

    def serialized(environ, start_response):
        with lock:
            return app(environ, start_response)

    return serialized


@pytest.fixture(scope="module")
def museum(request, django_db_blocker, tmp_path_factory):
    """The demo museum, its scans processed, served on 127.0.0.1 by the real WSGI app."""
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    media = tmp_path_factory.mktemp("media")
    overrides = override_settings(MEDIA_ROOT=media, ALLOWED_HOSTS=["127.0.0.1"])
    overrides.enable()
    with django_db_blocker.unblock():
        from django.db import connection
        from django.test.utils import setup_databases, teardown_databases

        own_setup = None
        name = str(connection.settings_dict["NAME"])
        if "memory" not in name and "test" not in name:
            # pytest-django sets the test database up only for django_db tests.
            own_setup = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        name = str(connection.settings_dict["NAME"])
        assert "memory" in name or "test" in name, f"not a test database: {name}"
        from heritage_sites.demo.load import demo_load
        from heritage_sites.models import Scan
        from heritage_sites.services.scan_processing import scan_process

        demo_load()
        # A module that needs no 3D (the admin) says PROCESS_SCANS = False: a minute saved.
        if getattr(request.module, "PROCESS_SCANS", True):
            for scan_id in Scan.objects.values_list("pk", flat=True):
                scan_process(scan_id=scan_id)
        shared = {
            conn.alias: conn
            for conn in connections.all()
            if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        for conn in shared.values():
            conn.inc_thread_sharing()
        httpd = ThreadedWSGIServer(
            ("127.0.0.1", 0), _Quiet, allow_reuse_address=False, connections_override=shared
        )
        httpd.set_app(_one_at_a_time(get_wsgi_application()))
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}"
        finally:
            httpd.shutdown()
            httpd.server_close()
            thread.join(timeout=10)
            for conn in shared.values():
                conn.dec_thread_sharing()
            call_command("flush", interactive=False, verbosity=0)
            if own_setup is not None:
                teardown_databases(own_setup, verbosity=0)
            overrides.disable()


class Visit:
    """One browser context: records console errors and every request that left 127.0.0.1."""

    def __init__(self, browser, viewport: str):
        self.context = browser.new_context(viewport=VIEWPORTS[viewport], locale="en-GB")
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route):
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        # SwiftShader draws WebGL on the CPU: a page with a 3D model takes a while.
        self.page.screenshot(path=str(path), full_page=True, timeout=120_000)
        print(f"screenshot: {path}")
        return path

    def close(self):
        self.context.close()


@pytest.fixture
def visit(chromium):
    visits = []

    def start(viewport: str) -> Visit:
        v = Visit(chromium, viewport)
        visits.append(v)
        return v

    yield start
    for v in visits:
        v.close()
