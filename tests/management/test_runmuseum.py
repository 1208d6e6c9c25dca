"""runmuseum serves the demo museum with a worker beside it, and takes the worker down with it."""

import contextlib
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

ROOT = Path(__file__).resolve().parents[2]


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
        time.sleep(3)
        log.seek(0)
        assert " exited with code " not in log.read(), "a child exited while the museum served"
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


def _museum_processes(data_dir: Path) -> set[int]:
    """Every process started for this museum (they all carry its MUSEUM_DATA_DIR)."""
    found = set()
    for process in psutil.process_iter():
        try:
            ours = process.environ().get("MUSEUM_DATA_DIR") == str(data_dir)
            if ours and process.status() != psutil.STATUS_ZOMBIE:
                found.add(process.pid)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def _tree(pid: int) -> set[int]:
    return {pid} | {child.pid for child in psutil.Process(pid).children(recursive=True)}


def _role(pid: int) -> str | None:
    try:
        command = psutil.Process(pid).cmdline()
    except psutil.NoSuchProcess:
        return None
    if "celery" not in " ".join(command):
        return None
    return "beat" if "beat" in command else "worker" if "worker" in command else None


def _children_by_role(pid: int) -> dict[str, list[int]]:
    roles: dict[str, list[int]] = {}
    for child in psutil.Process(pid).children():
        if (role := _role(child.pid)) is not None:
            roles.setdefault(role, []).append(child.pid)
    return roles


def _wait_for_output(log, text: str, process: subprocess.Popen, within: float = 90) -> str:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        log.seek(0)
        output = log.read()
        if text in output:
            return output
        if process.poll() is not None:
            pytest.fail(f"runmuseum exited with {process.returncode}:\n{output[-3000:]}")
        time.sleep(0.3)
    pytest.fail(f"runmuseum never said {text!r}:\n{output[-3000:]}")


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_a_killed_worker_or_beat_is_restarted_and_leaves_no_orphan(tmp_path):
    port = _free_port()
    data = tmp_path / "data"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "STORAGE_BACKEND"}
    }
    env |= {"MUSEUM_DATA_DIR": str(data), "MEDIA_ROOT": str(tmp_path / "media")}
    env |= {"PYTHONUNBUFFERED": "1"}
    log = (tmp_path / "runmuseum.log").open("w+")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runmuseum", "--no-demo", "--addrport", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_page(f"http://127.0.0.1:{port}/", process, time.monotonic() + 180)
        _wait_for_output(log, "beat: Starting", process)
        _wait_for_output(log, " ready.", process)
        (worker,) = _children_by_role(process.pid)["worker"]

        os.kill(worker, signal.SIGKILL)  # the worker alone, as the OOM killer would
        output = _wait_for_output(log, "worker restarted (pid ", process)
        assert "worker exited with code -9; restarting in 1 s" in output
        roles = _children_by_role(process.pid)
        assert worker not in roles["worker"] and len(roles["worker"]) == 1
        assert len(roles.get("beat", [])) == 1, f"one beat runs, not {roles}"
        orphans = _museum_processes(data) - _tree(process.pid)
        assert not orphans, f"left outside runmuseum's tree: {orphans}"

        (beat,) = roles["beat"]
        os.kill(beat, signal.SIGKILL)
        _wait_for_output(log, "beat restarted (pid ", process)
        roles = _children_by_role(process.pid)
        assert beat not in roles["beat"] and len(roles["beat"]) == 1
        assert _museum_processes(data) <= _tree(process.pid)
        assert _get(f"http://127.0.0.1:{port}/admin/login/")[0] == 200
        time.sleep(3)
        log.seek(0)
        assert log.read().count(" exited with code ") == 2, "a restarted child stays up"

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
        deadline = time.monotonic() + 30
        while _museum_processes(data) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not _museum_processes(data), "processes left after runmuseum stopped"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pid in _museum_processes(data):
            with contextlib.suppress(psutil.NoSuchProcess):
                psutil.Process(pid).kill()
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
