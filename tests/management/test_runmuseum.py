"""runmuseum serves the demo museum with a worker beside it, and takes the worker down with it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
from django.contrib.auth import get_user_model

from museum.embedded import admin_ensure

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def _wait_for_page(url: str, process: subprocess.Popen, deadline: float) -> str:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"runmuseum exited early with {process.returncode}")
        try:
            status, body = _get(url)
            if status == 200:
                return body
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"{url} did not answer 200 in time")


def _workers(pid: int) -> list[psutil.Process]:
    return [
        child
        for child in psutil.Process(pid).children(recursive=True)
        if "celery" in " ".join(child.cmdline()) and "worker" in child.cmdline()
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    "signals",
    [[signal.SIGTERM], [signal.SIGINT, signal.SIGINT]],
    ids=["sigterm", "ctrl-c-twice"],
)
def test_it_serves_the_demo_with_a_worker_and_stops_both(tmp_path, signals):
    port = _free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "STORAGE_BACKEND"}
    }
    env |= {
        "MUSEUM_DATA_DIR": str(tmp_path / "data"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "runmuseum.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runmuseum", "--addrport", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        home = _wait_for_page(f"http://127.0.0.1:{port}/", process, time.monotonic() + 180)
        assert "44 published heritage properties" in home
        assert "Mogao Caves" in home and "Historic Centre of Bukhara" in home
        assert _get(f"http://127.0.0.1:{port}/admin/login/")[0] == 200
        workers = _workers(process.pid)
        assert workers, "no Celery worker child"
        log.seek(0)
        output = log.read()
        assert f"http://127.0.0.1:{port}/" in output
        assert "Admin login: admin / " in output
        assert str(tmp_path / "data") in output and str(tmp_path / "media") in output
        assert (tmp_path / "data" / "museum.sqlite3").exists()

        for sig in signals:
            process.send_signal(sig)
            time.sleep(0.3)
        assert process.wait(timeout=60) == 0
        _gone, alive = psutil.wait_procs(workers, timeout=30)
        assert not alive, f"worker processes left behind: {alive}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        log.close()


@pytest.mark.django_db
def test_the_admin_is_created_once_with_a_random_password_stored_hashed():
    password = admin_ensure()
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert len(password) >= 16
    assert admin.check_password(password)
    assert password not in admin.password
    assert admin_ensure() is None
    admin.refresh_from_db()
    assert admin.check_password(password)


@pytest.mark.django_db
def test_two_fresh_museums_get_different_admin_passwords():
    first = admin_ensure()
    get_user_model().objects.all().delete()
    assert admin_ensure() != first
