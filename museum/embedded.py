"""The embedded museum on one machine: an admin account, a Celery worker and beat beside it.

Used by ``manage.py runmuseum``, which supervises the worker and the beat (museum/supervisor.py):
each is a child process in its own process group, restarted with a backoff when it dies,
stopped with everything it started when the museum stops (Ctrl-C, SIGTERM), and on Linux told
to exit if the museum process dies without cleaning up.
"""

from __future__ import annotations

import logging
import os
import secrets
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from museum.supervisor import Child

logger = logging.getLogger(__name__)

ADMIN_USERNAME = "admin"


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


def embedded_children() -> list[Child]:
    """The embedded museum's background processes: one Celery worker and one beat.

    The beat runs as its own supervised process (not ``worker --beat``), so a restart of
    either never leaves a second beat behind, and its pid file keeps a second museum on the
    same data folder from starting another one.
    """
    base_dir = Path(settings.BASE_DIR)
    run_dir = Path(settings.DATA_DIR) / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "museum.settings"}
    celery = [sys.executable, "-m", "celery", "-A", "museum"]
    worker = [*celery, "worker", "--pool=solo", "--concurrency=1", "--loglevel=INFO"]
    worker.append("--hostname=museum-embedded@%h")
    # The beat sends the periodic scan reaper (see museum/celery_config.py).
    beat = [*celery, "beat", "--loglevel=INFO", f"--pidfile={run_dir / 'beat.pid'}"]
    return [
        Child("worker", worker, cwd=base_dir, env=env),
        Child("beat", beat, cwd=base_dir, env=env),
    ]
