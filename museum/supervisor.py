"""Keep a few child processes running: restart each with a backoff when it dies, stop them all.

Used by ``manage.py runmuseum`` for its Celery worker and beat. Each child leads its own
process group (so stopping it takes whatever it started too) and, on Linux, is told by the
kernel to exit if the supervising thread dies without cleaning up (PR_SET_PDEATHSIG). When a
child dies, what is left of its group is killed before it is started again, so nothing it
started survives it as an orphan.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

logger = logging.getLogger(__name__)

PR_SET_PDEATHSIG = 1
# Seconds before the n-th restart in a row; a child that ran STABLE_AFTER seconds starts over.
BACKOFF = (1.0, 2.0, 5.0, 10.0, 30.0)
STABLE_AFTER = 60.0

_prctl = None


def _load_prctl():
    # Resolved in the parent: between fork and exec only the C call itself may run (the
    # child of a threaded process must not take locks, as loading a library would).
    global _prctl
    if _prctl is None and sys.platform.startswith("linux"):
        _prctl = ctypes.CDLL(None, use_errno=True).prctl
    return _prctl


def _exit_with_parent() -> None:
    # Runs in the child between fork and exec: the kernel sends SIGTERM if the parent dies.
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Child:
    """One supervised command, leading its own process group."""

    def __init__(self, name: str, command: Sequence[str], *, cwd: Path, env: dict[str, str]):
        self.name = name
        self.command = list(command)
        self.cwd = cwd
        self.env = env
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0
        self.failures = 0
        self.restart_at: float | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> int:
        _load_prctl()
        self.process = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=self.env,
            start_new_session=True,
            preexec_fn=_exit_with_parent,
        )
        self.started_at = time.monotonic()
        self.restart_at = None
        return self.process.pid

    def exited(self) -> int | None:
        """The exit code if the child has ended (negative: killed by that signal)."""
        return None if self.process is None else self.process.poll()

    def stop(self, *, grace: float = 10.0) -> None:
        """Ask the child to stop (warm shutdown), then force it, then clear its group out."""
        if self.process is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
            if self.process.poll() is not None:
                break
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                logger.warning("%s did not stop after %s; trying a stronger signal", self.name, sig)
        self.clear_group()

    def clear_group(self) -> None:
        # The leader may be gone while a helper it started is not.
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)


class Supervisor:
    """Start children, restart any that dies (with a backoff), and stop them all on request."""

    def __init__(
        self,
        children: Sequence[Child],
        *,
        announce: Callable[[str], None],
        backoff: Sequence[float] = BACKOFF,
        stable_after: float = STABLE_AFTER,
        poll: float = 0.5,
    ) -> None:
        self.children = list(children)
        self.announce = announce
        self.backoff = tuple(backoff)
        self.stable_after = stable_after
        self.poll = poll
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        for child in self.children:
            pid = child.start()
            self.announce(f"{child.name} started (pid {pid}).")
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching, then stop every child (the last started first) and its group."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        for child in reversed(self.children):
            child.stop()

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll):
            for child in self.children:
                try:
                    self._check(child)
                except OSError:
                    # A failed start (say, too many processes) is retried after the backoff.
                    logger.exception("Could not restart %s", child.name)
                    child.restart_at = time.monotonic() + self.backoff[-1]

    def _check(self, child: Child) -> None:
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at and not self._stopping.is_set():
                pid = child.start()
                self.announce(f"{child.name} restarted (pid {pid}).")
            return
        code = child.exited()
        if code is None:
            return
        child.clear_group()  # nothing it started may outlive it
        if now - child.started_at >= self.stable_after:
            child.failures = 0
        delay = self.backoff[min(child.failures, len(self.backoff) - 1)]
        child.failures += 1
        child.restart_at = now + delay
        self.announce(f"{child.name} exited with code {code}; restarting in {delay:g} s")
