"""The lease and requeue delays fit the mode: a one-machine museum re-sends a lost message
within a minute; a fleet on a broker server waits longer; both are set by the environment."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("SCAN_LEASE_SECONDS", "SCAN_REAPER_INTERVAL", "SCAN_REQUEUE_AFTER")


def _settings(tmp_path, **env: str) -> dict[str, int]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SCAN_", "CELERY_", "DATABASE_", "S3_", "STORAGE_"))
    }
    code = "import json, museum.settings as s; print(json.dumps({n: getattr(s, n) for n in %r}))"
    done = subprocess.run(
        [sys.executable, "-c", code % (NAMES,)],
        cwd=ROOT,
        env={**clean, "MUSEUM_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_embedded_default_sends_a_lost_message_again_within_a_minute(tmp_path):
    values = _settings(tmp_path)
    # Worst case: the scan turns stale just after a reaper run, and waits for the next one.
    assert values["SCAN_REQUEUE_AFTER"] + values["SCAN_REAPER_INTERVAL"] <= 60
    # A lapsed lease (worker killed) is taken back within a minute too.
    assert values["SCAN_LEASE_SECONDS"] + values["SCAN_REAPER_INTERVAL"] <= 60


@pytest.mark.parametrize("broker", ["redis://127.0.0.1:6379/5", "amqp://guest@127.0.0.1//"])
def test_a_broker_server_keeps_the_longer_delays(tmp_path, broker):
    values = _settings(tmp_path, CELERY_BROKER_URL=broker)
    assert values == {
        "SCAN_LEASE_SECONDS": 120,
        "SCAN_REAPER_INTERVAL": 60,
        "SCAN_REQUEUE_AFTER": 900,
    }


def test_the_delays_come_from_the_environment_in_either_mode(tmp_path):
    chosen = {"SCAN_LEASE_SECONDS": "45", "SCAN_REAPER_INTERVAL": "7", "SCAN_REQUEUE_AFTER": "33"}
    expected = {name: int(value) for name, value in chosen.items()}
    assert _settings(tmp_path, **chosen) == expected
    assert _settings(tmp_path, CELERY_BROKER_URL="redis://127.0.0.1:6379/5", **chosen) == expected
