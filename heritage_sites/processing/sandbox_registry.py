"""A record of running sandboxes, so that one whose worker died is ended and cleaned up.

A worker killed mid-scan (SIGKILL, out of memory, a crash) cannot stop its sandbox or remove
its temporary folders. Each sandbox run therefore leaves a small JSON record in a runtime
folder: the sandbox's pid, the worker's pid, and the folders it owns. ``sandboxes_sweep``
(run at worker start-up and by the reaper) ends the sandboxes whose worker is gone and removes
their folders. Processes are identified by pid and start time, so a reused pid is not
mistaken for the original process.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
from collections.abc import Sequence
from pathlib import Path

logger = logging.getLogger(__name__)

# Only folders the pipeline creates are ever removed, whatever a record says.
OWNED_PREFIX = "scan-"


def process_started(pid: int) -> str | None:
    """The start time of a running process (Linux clock ticks), or None if it is gone.

    A zombie (dead, not yet waited for) counts as gone.
    """
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        if Path("/proc/self/stat").exists():
            return None
        # No /proc (not Linux): fall back to "a process with this pid exists".
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return "unknown"
    # Fields after the command name (which may hold spaces) start with the state (field 3);
    # the start time is field 22.
    fields = stat.rpartition(")")[2].split()
    if fields[0] in {"Z", "X"}:
        return None
    return fields[19]


def sandbox_record(
    runtime_dir: Path, *, pid: int, worker_pid: int, folders: Sequence[Path]
) -> Path:
    """Note that sandbox ``pid``, started by ``worker_pid``, owns ``folders``."""
    runtime_dir.mkdir(parents=True, exist_ok=True)
    record = {
        "pid": pid,
        "started": process_started(pid),
        "worker_pid": worker_pid,
        "worker_started": process_started(worker_pid),
        "folders": [str(Path(folder).resolve()) for folder in folders],
    }
    path = runtime_dir / f"sandbox-{pid}.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(record))
    partial.replace(path)
    return path


def sandbox_forget(record: Path) -> None:
    """Drop a record once its sandbox ended and its folders are gone."""
    record.unlink(missing_ok=True)


def sandboxes_sweep(runtime_dir: Path) -> dict[str, int]:
    """End the recorded sandboxes whose worker is gone and remove their folders.

    Returns how many sandbox processes were ended and how many folders were removed.
    """
    ended = removed = 0
    if not runtime_dir.is_dir():
        return {"sandboxes_ended": 0, "folders_removed": 0}
    for path in sorted(runtime_dir.glob("sandbox-*.json")):
        try:
            record = json.loads(path.read_text())
            worker_pid, pid = int(record["worker_pid"]), int(record["pid"])
            folders = [Path(folder) for folder in record["folders"]]
        except (OSError, ValueError, KeyError, TypeError):
            logger.warning("Removed an unreadable sandbox record %s", path)
            sandbox_forget(path)
            continue
        worker_started = process_started(worker_pid)
        if worker_started is not None and worker_started == record.get("worker_started"):
            continue  # its worker still runs and will clean up itself
        started = process_started(pid)
        if started is not None and started == record.get("started"):
            # The sandbox leads its own process group: end it with any helper it started.
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(pid, signal.SIGKILL)
            ended += 1
            logger.warning("Ended scan sandbox %s: its worker (pid %s) is gone", pid, worker_pid)
        for folder in folders:
            if folder.is_absolute() and folder.name.startswith(OWNED_PREFIX) and folder.is_dir():
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
                logger.warning("Removed %s, left behind by a worker that is gone", folder)
        sandbox_forget(path)
    return {"sandboxes_ended": ended, "folders_removed": removed}
