"""The scan sandbox, both sides: ``run_pipeline_sandboxed`` (the parent, in the worker) starts a
child that limits itself, runs the pipeline and writes its result as JSON (``child_main``).

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

import contextlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import multiprocessing  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from dataclasses import asdict  # noqa: E402
from pathlib import Path  # noqa: E402

from heritage_sites.processing.pipeline import (  # noqa: E402
    FAILED,
    jsonable,
    result_from_json,
    result_to_json,
    run_pipeline,
)
from heritage_sites.processing.references import harden_pillow  # noqa: E402
from heritage_sites.processing.sandbox_registry import sandbox_forget, sandbox_record  # noqa: E402
from heritage_sites.processing.types import PipelineOptions, PipelineResult  # noqa: E402

logger = logging.getLogger(__name__)

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


def child_setup(job_file: str) -> dict:
    """The child's first steps: its own process group, a watch on its parent, its limits."""
    os.setsid()  # its own session and process group, so a timeout kills helpers too
    _watch_parent()
    job = json.loads(Path(job_file).read_text())
    memory = int(job["options"]["memory_limit_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return job


def child_main(job_file: str) -> None:
    """Run one job in this (forked) process; the parent reads ``job["result"]``."""
    job = child_setup(job_file)
    try:
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


# The parent side ----------------------------------------------------------------------------


def run_pipeline_sandboxed(
    source: Path,
    *,
    fmt: str | None,
    workdir: Path,
    options: PipelineOptions,
    heartbeat: Callable[[], object] | None = None,
    heartbeat_every: float = 10.0,
    runtime_dir: Path | None = None,
    owned_folders: Sequence[Path] = (),
    child: Callable[[str], None] = child_main,
) -> PipelineResult:
    """Run ``run_pipeline`` in a sandbox child with memory and wall-clock limits.

    The child is forked from a multiprocessing fork server: a fresh interpreter (not a fork
    of the caller, which may hold database connections) that preloads the pipeline's
    imports. As with any spawn or forkserver start, the caller's main script must be
    import-safe (``if __name__ == "__main__"``). The child leads its own process group
    (killed whole on timeout), sets RLIMIT_AS to ``options.memory_limit_bytes``, and hands
    its result back as JSON in a file. While it runs, ``heartbeat()`` is called every
    ``heartbeat_every`` seconds; if it returns False (another attempt took the scan over)
    the child is stopped. With ``runtime_dir``, the run is recorded there (the child's pid and
    its folders, with ``owned_folders``), so that ``sandboxes_sweep`` ends the child and removes
    the folders if this process dies before it can (see sandbox_registry.py). ``child`` is the
    function the child runs with the job file's path: ``child_main``, or a stand-in that tests
    give to prove the sandbox contains a child that hangs, allocates or crashes.
    """
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    control = Path(tempfile.mkdtemp(prefix="scan-sandbox-"))
    job = {
        "source": str(Path(source).resolve()),
        "fmt": fmt,
        "workdir": str(workdir.resolve()),
        "options": jsonable(asdict(options)),
        "result": str(control / "result.json"),
    }
    (control / "job.json").write_text(json.dumps(job))
    started = time.monotonic()
    record = None
    try:
        with _plain_multiprocessing_parent(), _beating(heartbeat, heartbeat_every):
            process = _context().Process(
                target=child, args=(str(control / "job.json"),), name="scan-sandbox"
            )
            process.start()
        if runtime_dir is not None:
            try:
                record = sandbox_record(
                    Path(runtime_dir),
                    pid=process.pid,
                    worker_pid=os.getpid(),
                    folders=[control, *owned_folders],
                )
            except OSError:
                # Only the clean-up after a dead worker depends on it: the scan goes on.
                logger.exception("Could not record the scan sandbox in %s", runtime_dir)
        outcome = _supervise(process, options.time_limit_s, heartbeat, heartbeat_every)
        seconds = round(time.monotonic() - started, 3)
        result_file = control / "result.json"
        if outcome == "exited" and process.exitcode == 0 and result_file.exists():
            return result_from_json(result_file.read_text())
        logger.warning("scan sandbox ended with %s (exit code %s)", outcome, process.exitcode)
        return _sandbox_failure(outcome, process.exitcode, options, seconds)
    finally:
        shutil.rmtree(control, ignore_errors=True)
        if record is not None:
            sandbox_forget(record)


@contextlib.contextmanager
def _beating(heartbeat: Callable[[], object] | None, every: float):
    # The first start of the fork server imports the whole pipeline, which takes seconds on a
    # busy machine: keep the caller's lease renewed meanwhile, or the reaper takes the scan
    # back before the sandbox has even started.
    if heartbeat is None:
        yield
        return
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            try:
                heartbeat()
            except Exception:  # a failed renewal must not stop the start
                logger.exception("heartbeat failed while the scan sandbox was starting")

    thread = threading.Thread(target=beat, name="scan-sandbox-start-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@contextlib.contextmanager
def _plain_multiprocessing_parent():
    # Celery's prefork pool runs tasks in daemonic billiard processes. multiprocessing refuses
    # to start children from a daemon (they would be orphaned when it is killed), and cannot
    # send billiard's authentication key to the fork server. The sandbox child watches its
    # parent and ends itself when the parent dies, so while the child is created and started
    # we lift the daemon flag and present the key as multiprocessing's own type.
    process = multiprocessing.current_process()
    saved = dict(process._config)
    process._config["daemon"] = False
    process._config["authkey"] = multiprocessing.process.AuthenticationString(
        bytes(saved.get("authkey") or os.urandom(32))
    )
    try:
        yield
    finally:
        process._config.clear()
        process._config.update(saved)


_CONTEXT = None


def _context():
    """The fork-server context, its server preloaded with the pipeline's heavy imports."""
    global _CONTEXT
    if _CONTEXT is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _CONTEXT = context
    return _CONTEXT


def sandbox_start() -> None:
    """Start the fork server now, without waiting for it to finish its imports.

    For a one-shot command (inspect_scan): the server imports numpy, trimesh and the pipeline
    on the other core while the command's own interpreter is still starting Django.
    """
    from multiprocessing import forkserver

    _context()
    forkserver.ensure_running()


def _supervise(child, limit: float, heartbeat, every: float) -> str:
    deadline = time.monotonic() + limit
    next_beat = time.monotonic() + every
    try:
        while True:
            now = time.monotonic()
            if now >= deadline:
                return "timeout"
            child.join(timeout=max(0.05, min(deadline, next_beat) - now))
            if child.exitcode is not None:
                return "exited"
            if heartbeat is not None and time.monotonic() >= next_beat:
                next_beat = time.monotonic() + every
                try:
                    if heartbeat() is False:
                        return "superseded"
                except Exception:  # a failed lease renewal must not kill the scan itself
                    logger.exception("heartbeat failed while the scan sandbox was running")
    finally:
        _kill_group(child)


def _kill_group(child) -> None:
    # The child leads its own process group; helpers it started (node, for example) are in
    # it too and must not outlive it.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    if child.exitcode is None:
        child.kill()  # killed before it could call setsid()
    child.join()


def _sandbox_failure(
    outcome: str, code: int | None, options: PipelineOptions, seconds: float
) -> PipelineResult:
    if outcome == "timeout":
        minutes = options.time_limit_s / 60
        limit = f"{minutes:.0f} minutes" if minutes >= 1 else f"{options.time_limit_s:g} s"
        reason = (
            f"Processing took longer than the {limit} allowed and was stopped. The model may be "
            "too large or complex for this server: try a lighter export (fewer faces, smaller "
            "textures)."
        )
        error_code = "timeout"
    elif outcome == "superseded":
        reason = "Another processing attempt took this scan over; this attempt was stopped."
        error_code = "superseded"
    elif code == MEMORY_EXIT_CODE:
        gib = options.memory_limit_bytes / 1024**3
        reason = (
            f"Processing needed more than the {gib:.3g} GiB of memory allowed and was stopped. "
            "Try a lighter export (fewer faces, smaller textures)."
        )
        error_code = "resource_limit"
    else:
        how = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"exit {code}"
        gib = options.memory_limit_bytes / 1024**3
        # Native libraries often crash instead of raising when an allocation is refused.
        reason = (
            f"Processing crashed on this file ({how}): the model is damaged, or needed more than "
            f"the {gib:.3g} GiB of memory allowed. Try exporting it again, lighter if it is "
            "large. An administrator can find details in the worker log."
        )
        error_code = "crash"
    report = {
        "errors": [{"code": error_code, "message": reason}],
        "warnings": [],
        "sandbox": {"outcome": outcome, "exit_code": code, "seconds": seconds},
    }
    return PipelineResult(state=FAILED, reason=reason, report=report, derivatives=[])
