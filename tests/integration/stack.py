"""The production stack as real processes: gunicorn (web), Celery worker and beat, moto (S3).

PostgreSQL and Redis are the machine's own servers. Every process gets the same environment,
as docker-compose gives it to its containers. Logs go to files that a failing test prints.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def wait_for(predicate, *, timeout: float, interval: float = 0.25, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what} not reached within {timeout:.0f} s")


@dataclass
class Managed:
    name: str
    process: subprocess.Popen
    log: Path

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        text = self.log.read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            kill_tree(self.process.pid)
            self.process.wait()


def kill_tree(pid: int) -> int:
    """SIGKILL a process and every descendant at once (a node dying). Returns how many."""
    try:
        root = psutil.Process(pid)
    except psutil.NoSuchProcess:
        return 0
    victims = [root, *root.children(recursive=True)]
    for victim in victims:
        with contextlib.suppress(psutil.NoSuchProcess):
            victim.send_signal(signal.SIGKILL)
    psutil.wait_procs(victims, timeout=10)
    return len(victims)


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


@dataclass
class Stack:
    env: dict[str, str]
    workdir: Path
    web_url: str = ""
    processes: list[Managed] = field(default_factory=list)
    worker: Managed | None = None
    workers_started: int = 0

    def _spawn(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Managed:
        log = self.workdir / f"{name}.log"
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env or self.env,
            stdin=subprocess.DEVNULL,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        managed = Managed(name=name, process=process, log=log)
        self.processes.append(managed)
        return managed

    def start_web(self, port: int, *, env: dict[str, str] | None = None, name="web") -> str:
        web = self._spawn(
            name,
            [
                str(BIN / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
            ],
            env,
        )
        url = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            if not web.alive():
                raise RuntimeError(f"gunicorn exited:\n{web.tail()}")
            try:
                return urllib.request.urlopen(f"{url}/", timeout=2).status == 200
            except OSError:
                return False

        wait_for(answers, timeout=60, what="gunicorn answering")
        return url

    def start_worker(self, queue: str = "scans") -> Managed:
        """A worker as docker-compose runs it: scans on prefork, upkeep on its own worker."""
        self.workers_started += 1
        pool = ["--pool=prefork", "--concurrency=1"] if queue == "scans" else ["--pool=solo"]
        worker = self._spawn(
            f"worker-{queue}-{self.workers_started}",
            [
                str(BIN / "celery"),
                "-A",
                "museum",
                "worker",
                f"--queues={queue}",
                *pool,
                "--loglevel=INFO",
                f"--hostname={queue}-{self.workers_started}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
        )

        def ready() -> bool:
            if not worker.alive():
                raise RuntimeError(f"worker exited:\n{worker.tail()}")
            return " ready." in worker.log.read_text(errors="replace")

        wait_for(ready, timeout=60, what="Celery worker ready")
        if queue == "scans":
            self.worker = worker
        return worker

    def start_beat(self) -> Managed:
        return self._spawn(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "museum",
                "beat",
                "--loglevel=INFO",
                f"--schedule={self.workdir / 'celerybeat-schedule'}",
            ],
        )

    def logs(self) -> str:
        return "\n".join(f"--- {p.name} ---\n{p.tail()}" for p in self.processes)

    def stop(self) -> None:
        for managed in reversed(self.processes):
            managed.stop()


def child_environment(base: dict[str, str], **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(base)
    env.update(overrides)
    return env
