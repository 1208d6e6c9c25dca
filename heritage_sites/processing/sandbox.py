"""The sandbox child: limits itself, runs the pipeline, writes its result as JSON.

Children are forked from a multiprocessing fork server: a fresh interpreter (never a fork of
the Celery worker, which holds database connections) that has already imported numpy,
trimesh and the pipeline, so each scan starts in milliseconds instead of seconds.
"""

from __future__ import annotations

import os

# Set before numpy is imported in the fork server: one BLAS thread (the machine is shared,
# RLIMIT_AS counts every thread's reservations, and forking a threaded BLAS is unsafe).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import json  # noqa: E402
import resource  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

MEMORY_EXIT_CODE = 3
PRELOAD = [
    "heritage_sites.processing.sandbox",
    "heritage_sites.processing.pipeline",
    "heritage_sites.processing.load",
    "heritage_sites.processing.report",
    "heritage_sites.processing.preflight_gltf",
    "heritage_sites.processing.derivatives",
    "heritage_sites.processing.warmup",
]


def _test_fault(hook: str, pidfile: str | None) -> None:
    # Test-only faults so the tests can prove the sandbox contains them. Only the job file
    # can ask for one, and only run_pipeline_sandboxed's test hook writes it.
    if hook == "sleep":
        time.sleep(3600)
    elif hook == "spawn-and-sleep":
        import subprocess

        helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        if pidfile:
            Path(pidfile).write_text(str(helper.pid))
        time.sleep(3600)
    elif hook == "allocate":
        blocks = []
        while True:
            blocks.append(bytearray(64 * 1024 * 1024))
    elif hook == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)


def _watch_parent() -> None:
    # The fork server exits when the worker that started it dies; this child is then
    # re-parented. Nobody would read its result, so it ends itself and its helpers.
    import threading

    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def child_main(job_file: str) -> None:
    """Run one job in this (forked) process; the parent reads ``job["result"]``."""
    os.setsid()  # its own session and process group, so a timeout kills helpers too
    _watch_parent()
    job = json.loads(Path(job_file).read_text())
    memory = int(job["options"]["memory_limit_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        if job.get("test_hook"):
            _test_fault(job["test_hook"], job.get("test_pidfile"))
        from heritage_sites.processing.pipeline import (
            PipelineOptions,
            result_to_json,
            run_pipeline,
        )
        from heritage_sites.processing.references import harden_pillow

        # Process-wide Pillow limits: fine here, this process does nothing else.
        harden_pillow()

        options = job["options"]
        if options.get("catalogue_dimensions_mm"):
            options["catalogue_dimensions_mm"] = tuple(options["catalogue_dimensions_mm"])
        result = run_pipeline(
            Path(job["source"]),
            fmt=job["fmt"],
            workdir=Path(job["workdir"]),
            options=PipelineOptions(**options),
        )
        payload = result_to_json(result)
        target = Path(job["result"])
        partial = target.with_suffix(".partial")
        partial.write_text(payload)
        partial.replace(target)
    except MemoryError:
        os._exit(MEMORY_EXIT_CODE)
    sys.stdout.flush()
    sys.stderr.flush()
