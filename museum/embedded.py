"""The embedded museum on one machine: an admin account and a Celery worker beside the server.

Used by ``manage.py runmuseum``. The worker is a child process in its own process group, so
stopping the museum (Ctrl-C, SIGTERM) stops the worker and anything it started, and on Linux
it is also told to exit if the museum process dies without cleaning up.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

logger = logging.getLogger(__name__)

ADMIN_USERNAME = "admin"
PR_SET_PDEATHSIG = 1


def admin_ensure(*, username: str = ADMIN_USERNAME) -> str | None:
    """Create the superuser if it is missing and return its new random password.

    Returns None when the account already exists; its password is never read or changed.
    Only the password hash is stored.
    """
    users = get_user_model()
    if users.objects.filter(username=username).exists():
        return None
    password = secrets.token_urlsafe(12)
    users.objects.create_superuser(username=username, email="", password=password)
    return password


def _exit_with_parent() -> None:
    # Runs in the child between fork and exec: ask Linux to send SIGTERM if the parent dies.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Worker:
    """A Celery worker (one process, one task at a time) running as a child of this process."""

    def __init__(self, *, beat: bool = True) -> None:
        self.beat = beat
        self.process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        command = [sys.executable, "-m", "celery", "-A", "museum", "worker", "--pool=solo"]
        command += ["--concurrency=1"]
        command += ["--loglevel=INFO", "--hostname=museum-embedded@%h"]
        if self.beat:
            # The embedded beat runs the periodic scan reaper (see museum/celery_config.py).
            command.append("--beat")
        return command

    def start(self) -> int:
        base_dir = Path(settings.BASE_DIR)
        self.process = subprocess.Popen(
            self.command(),
            cwd=base_dir,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "museum.settings"},
            start_new_session=True,
            preexec_fn=_exit_with_parent,
        )
        return self.process.pid

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, *, grace: float = 10.0) -> None:
        """Ask the worker to stop (warm shutdown), then force it if it takes too long."""
        if self.process is None:
            return
        for sig, wait in ((signal.SIGTERM, grace), (signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
            if self.process.poll() is not None:
                break
            try:
                # The whole group: the worker and the beat process it started.
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.process.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                logger.warning("The worker did not stop after %s; sending a stronger signal", sig)
        self._reap_group()

    def _reap_group(self) -> None:
        # The worker may be gone while a helper it started is not: clear the group out.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
