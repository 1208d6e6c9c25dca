"""Run the museum as separate processes (manage.py, a Celery worker) against a private folder.

Worker tests cannot share pytest-django's test database with a child process, so they drive a
complete embedded museum of their own: its own SQLite file, media folder and broker folders.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from tests.processing.scan_meshes import write_binary_ply

REPO = Path(__file__).resolve().parents[2]


def coloured_sphere_ply(path: Path, rings: int, segments: int) -> Path:
    """A vertex-coloured binary PLY sphere of about 2 * rings * segments faces (radius 50 mm)."""
    theta = np.linspace(0, np.pi, rings + 1)[1:-1]
    phi = np.linspace(0, 2 * np.pi, segments, endpoint=False)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    body = np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], -1).reshape(-1, 3)
    vertices = np.vstack([[0, 0, 1], body, [0, 0, -1]]) * 50.0
    n_body = len(body)
    faces = []
    ring = lambda r, s: 1 + r * segments + (s % segments)  # noqa: E731
    s = np.arange(segments)
    faces.append(np.stack([np.zeros(segments, int), ring(0, s), ring(0, s + 1)], -1))
    for r in range(rings - 2):
        a, b, c, d = ring(r, s), ring(r, s + 1), ring(r + 1, s), ring(r + 1, s + 1)
        faces += [np.stack([a, c, b], -1), np.stack([b, c, d], -1)]
    pole = np.full(segments, n_body + 1)
    faces.append(np.stack([pole, ring(rings - 2, s + 1), ring(rings - 2, s)], -1))
    faces = np.vstack(faces).astype(np.int32)
    colours = np.empty((len(vertices), 3), np.uint8)
    colours[:] = (170, 60, 40)
    colours[vertices[:, 2] > 0] = (40, 90, 160)
    return write_binary_ply(path, vertices, faces, colours)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Museum:
    """An embedded museum in ``root``: run management commands and workers against it."""

    def __init__(self, root: Path, **env: str) -> None:
        self.root = root
        self.env = {
            **os.environ,
            "MUSEUM_DATA_DIR": str(root / "var"),
            "MEDIA_ROOT": str(root / "media"),
            "DJANGO_SETTINGS_MODULE": "museum.settings",
            "PYTHONUNBUFFERED": "1",
            **env,
        }
        self.env.pop("DATABASE_URL", None)
        self.env.pop("CELERY_BROKER_URL", None)
        self.workers: list[subprocess.Popen] = []

    def manage(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str) -> dict:
        """Run Django code in a fresh process; it must print one JSON object last."""
        output = self.manage("shell", "-c", code)
        return json.loads(output.strip().splitlines()[-1])

    def start_worker(self, name: str) -> subprocess.Popen:
        log = (self.root / f"{name}.log").open("w")
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "museum",
                "worker",
                "--beat",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
                "--schedule",
                str(self.root / f"{name}-beat-schedule"),
            ],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill takes the whole tree
        )
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, sig)
        worker.wait(timeout=30)

    def stop_all(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                self.kill(worker)

    def scan_state(self, public_id: str) -> dict:
        # Read the SQLite file directly: a Django start per poll would be slow.
        with sqlite3.connect(self.root / "var" / "museum.sqlite3", timeout=20) as db:
            row = db.execute(
                "SELECT id, state, failure_reason, attempts, original FROM heritage_sites_scan "
                "WHERE public_id = ?",
                (public_id.replace("-", ""),),
            ).fetchone()
            (derivatives,) = db.execute(
                "SELECT count(*) FROM heritage_sites_derivative WHERE scan_id = ?", (row[0],)
            ).fetchone()
        return {
            "state": row[1],
            "reason": row[2],
            "attempts": row[3],
            "original": str(self.root / "media" / row[4]),
            "derivatives": derivatives,
        }

    def wait_for(self, public_id: str, states: set[str], timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            status = self.scan_state(public_id)
            if status["state"] in states or time.monotonic() > deadline:
                return status
            time.sleep(0.5)
