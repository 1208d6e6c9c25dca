"""A sandbox whose worker died is ended and its temporary folders removed by the sweep."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from heritage_sites.processing.sandbox_registry import (
    process_started,
    sandbox_record,
    sandboxes_sweep,
)

from .builders import binary_stl, process_gone, tetrahedron, write

REPO = Path(__file__).resolve().parents[2]

# A stand-in for a worker: starts a "sandbox" (own session, sleeps), records it the way
# run_pipeline_sandboxed does, says so, and waits to be killed.
FAKE_WORKER = textwrap.dedent(
    """
    import os, subprocess, sys, time
    from pathlib import Path
    from heritage_sites.processing.sandbox_registry import sandbox_record
    runtime, folder = Path(sys.argv[1]), Path(sys.argv[2])
    folder.mkdir()
    (folder / "original.ply").write_bytes(os.urandom(1 << 20))
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True
    )
    sandbox_record(runtime, pid=child.pid, worker_pid=os.getpid(), folders=[folder])
    print(child.pid, flush=True)
    time.sleep(600)
    """
)

# A real sandbox run (the test hook makes the child sleep) in a process the test kills.
REAL_WORKER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from heritage_sites.processing.sandbox import run_pipeline_sandboxed
    from heritage_sites.processing.types import PipelineOptions
    from tests.processing import sandbox_faults
    source, runtime, owned = map(Path, sys.argv[1:4])
    owned.mkdir()
    run_pipeline_sandboxed(
        source, fmt=None, workdir=owned / "out", options=PipelineOptions(time_limit_s=600),
        runtime_dir=runtime, owned_folders=[owned], child=sandbox_faults.sleep,
    )
    """
)


def _python(code: str, *args: str, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        cwd=REPO,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        text=True,
    )


def test_a_sandbox_whose_worker_was_killed_is_ended_and_its_folder_removed(tmp_path):
    runtime, folder = tmp_path / "run", tmp_path / "scan-1234-abcd"
    worker = _python(FAKE_WORKER, str(runtime), str(folder))
    try:
        sandbox_pid = int(worker.stdout.readline())
        assert folder.is_dir() and process_started(sandbox_pid) is not None
        worker.kill()
        worker.wait(timeout=10)
        assert not process_gone(sandbox_pid, within=1), "the sandbox outlives its worker by itself"

        counts = sandboxes_sweep(runtime)

        assert counts == {"sandboxes_ended": 1, "folders_removed": 1}
        assert process_gone(sandbox_pid, within=10.0), "the orphaned sandbox still runs"
        assert not folder.exists(), "its temporary folder was left behind"
        assert not list(runtime.iterdir()), "its record was left behind"
    finally:
        worker.kill()
        worker.wait()
        if "sandbox_pid" in locals() and not process_gone(sandbox_pid, within=0):
            os.kill(sandbox_pid, signal.SIGKILL)


def test_the_sandbox_of_a_live_worker_is_left_alone(tmp_path):
    runtime, folder = tmp_path / "run", tmp_path / "scan-live"
    folder.mkdir()
    sandbox = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        record = sandbox_record(runtime, pid=sandbox.pid, worker_pid=os.getpid(), folders=[folder])
        assert sandboxes_sweep(runtime) == {"sandboxes_ended": 0, "folders_removed": 0}
        assert sandbox.poll() is None and folder.is_dir() and record.exists()
    finally:
        sandbox.kill()
        sandbox.wait()


def test_a_reused_worker_pid_does_not_keep_an_orphan_alive(tmp_path):
    # The record names a live pid, but one started at another time: a different process.
    runtime, folder = tmp_path / "run", tmp_path / "scan-reused"
    folder.mkdir()
    record = sandbox_record(runtime, pid=2**22 + 7, worker_pid=os.getpid(), folders=[folder])
    data = json.loads(record.read_text())
    record.write_text(json.dumps({**data, "worker_started": "1"}))
    assert sandboxes_sweep(runtime) == {"sandboxes_ended": 0, "folders_removed": 1}
    assert not folder.exists() and not record.exists()


def test_the_sweep_removes_only_folders_the_pipeline_made(tmp_path):
    runtime, precious = tmp_path / "run", tmp_path / "collection"
    precious.mkdir()
    (precious / "keep.txt").write_text("keep")
    gone_worker = subprocess.Popen([sys.executable, "-c", "pass"])
    gone_worker.wait()
    sandbox_record(runtime, pid=2**22 + 9, worker_pid=gone_worker.pid, folders=[precious])
    sandboxes_sweep(runtime)
    assert (precious / "keep.txt").exists()
    assert not list(runtime.iterdir())


@pytest.mark.slow
def test_a_real_sandbox_left_by_a_killed_worker_is_ended_and_cleaned(tmp_path):
    source = write(tmp_path / "tetra.stl", binary_stl(tetrahedron()))
    runtime, owned = tmp_path / "run", tmp_path / "scan-real"
    worker = _python(REAL_WORKER, str(source), str(runtime), str(owned))
    try:
        deadline = time.monotonic() + 120
        while not list(runtime.glob("sandbox-*.json")) and time.monotonic() < deadline:
            assert worker.poll() is None, "the worker ended before its sandbox started"
            time.sleep(0.2)
        (record,) = runtime.glob("sandbox-*.json")
        data = json.loads(record.read_text())
        sandbox_pid = data["pid"]
        assert data["worker_pid"] == worker.pid
        assert len(data["folders"]) == 2 and str(owned) in data["folders"]
        control = Path(next(folder for folder in data["folders"] if folder != str(owned)))
        assert control.is_dir()

        os.kill(worker.pid, signal.SIGKILL)  # only the worker, as the OOM killer would
        worker.wait(timeout=10)
        counts = sandboxes_sweep(runtime)

        assert process_gone(sandbox_pid, within=10.0), "the sandbox still runs after the sweep"
        assert not owned.exists() and not control.exists()
        assert counts["folders_removed"] == 2 and not record.exists()
    finally:
        worker.kill()
        worker.wait()
