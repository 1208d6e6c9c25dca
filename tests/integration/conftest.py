"""Fixtures for the integration suite: real PostgreSQL, Redis, S3 (moto), web, worker, beat.

Run with ``MUSEUM_INTEGRATION=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/museum_it
pytest -m integration`` (what .ci/run does). Without MUSEUM_INTEGRATION=1 every test here is
skipped with that reason, so the plain ``pytest`` of the README stays self-contained.
"""

from __future__ import annotations

import json
import os
import secrets
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from tests.integration.stack import Stack, child_environment
from tests.s3server import create_museum_bucket, s3_client, s3_environment, start_s3_server

ENABLED = os.environ.get("MUSEUM_INTEGRATION") == "1"
REDIS_URL = os.environ.get("MUSEUM_INTEGRATION_REDIS_URL", "redis://127.0.0.1:6379/11")

needs_stack = pytest.mark.skipif(
    not ENABLED,
    reason="integration suite: set MUSEUM_INTEGRATION=1 and a PostgreSQL DATABASE_URL "
    "(.ci/run does; it needs PostgreSQL, Redis and moto_server)",
)

# Short leases and a fast reaper, so a killed worker is noticed in seconds, not minutes.
TIMINGS = {
    "SCAN_LEASE_SECONDS": "6",
    "SCAN_REAPER_INTERVAL": "2",
    "SCAN_REQUEUE_AFTER": "8",
    "SCAN_SOFT_TIME_LIMIT": "150",
    "SCAN_HARD_TIME_LIMIT": "180",
    "SCAN_MAX_ATTEMPTS": "3",
}

# Reliability figures for the whole run, printed in the terminal summary.
FIGURES = {
    "scans_processed": 0,
    "faults_injected": 0,
    "scans_stuck": 0,
    "originals_lost": 0,
}


def pytest_terminal_summary(terminalreporter):
    if not ENABLED or not any(FIGURES.values()):
        return
    terminalreporter.section("reliability figures (integration suite)")
    for name, value in FIGURES.items():
        terminalreporter.write_line(f"{name}: {value}")
    out = os.environ.get("MUSEUM_INTEGRATION_FIGURES")
    if out:
        Path(out).write_text(json.dumps(FIGURES, indent=2) + "\n")


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    server = start_s3_server(tmp_path_factory.mktemp("moto") / "moto.log")
    yield server.endpoint
    server.stop()


@pytest.fixture(scope="session")
def stack(django_db_setup, django_db_blocker, s3_endpoint, tmp_path_factory):
    """web + worker + beat on the test database, Redis db and a fresh bucket."""
    if django_settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("The integration suite needs DATABASE_URL=postgres://... (see .ci/run).")
    import redis
    from django.db import connection

    redis.Redis.from_url(REDIS_URL).flushdb()
    bucket = f"museum-it-{uuid.uuid4().hex[:10]}"
    create_museum_bucket(s3_endpoint, bucket)
    workdir = tmp_path_factory.mktemp("stack")
    database = connection.settings_dict
    base = {
        **s3_environment(s3_endpoint, bucket),
        **TIMINGS,
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/"
        f"{database['NAME']}",
        "CELERY_BROKER_URL": REDIS_URL,
        "MUSEUM_DATA_DIR": str(workdir / "var"),
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECURE": "false",
    }
    stack = Stack(env=child_environment(base), workdir=workdir)
    stack.bucket = bucket
    stack.s3 = s3_client(s3_endpoint)
    stack.endpoint = s3_endpoint
    try:
        from tests.s3server import free_port

        stack.web_url = stack.start_web(free_port())
        stack.start_beat()
        stack.start_worker("maintenance")
        stack.start_worker()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def on_failure_print_logs(stack, request):
    yield
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        print(stack.logs())


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report
