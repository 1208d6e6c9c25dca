"""The sandbox turns a hang, a memory blow-up or a crash into a failed result with a reason.

The faults come from stand-in children (tests/processing/sandbox_faults.py) that sleep,
allocate or crash: these tests are about the sandbox itself, not about any file.
"""

from __future__ import annotations

import os
import time

import psutil
import pytest

from heritage_sites.processing.sandbox import run_pipeline_sandboxed
from heritage_sites.processing.types import PipelineOptions
from tests.plain_words import assert_plain

from . import sandbox_faults
from .builders import binary_stl, process_gone, tetrahedron, write


@pytest.fixture
def stl(tmp_path):
    return write(tmp_path / "tetra.stl", binary_stl(tetrahedron()))


def _run(stl, tmp_path, child=None, **options):
    extra = {"child": child} if child is not None else {}
    return run_pipeline_sandboxed(
        stl, fmt=None, workdir=tmp_path / "out", options=PipelineOptions(**options), **extra
    )


def test_a_valid_file_comes_back_ready_through_the_sandbox(stl, tmp_path):
    result = _run(stl, tmp_path, make_turntable=False)
    assert result.state == "ready", result.reason
    assert result.report["faces"] == 4
    assert result.report["watertight"] is True
    assert all(item.path.exists() for item in result.derivatives)
    assert {"web", "poster"} <= {item.kind for item in result.derivatives}


def test_a_hung_child_is_stopped_at_the_time_limit_with_its_whole_group(stl, tmp_path):
    pidfile = tmp_path / "out" / sandbox_faults.HELPER_PIDFILE
    started = time.monotonic()
    result = _run(stl, tmp_path, child=sandbox_faults.spawn_and_sleep, time_limit_s=3)
    assert time.monotonic() - started < 10
    assert result.state == "failed"
    assert result.report["errors"][0]["code"] == "timeout"
    assert "longer than the 3 s allowed" in result.reason
    assert_plain(result.reason)
    assert process_gone(int(pidfile.read_text())), "the child's helper process outlived the timeout"


def test_a_child_that_exhausts_its_memory_limit_fails_with_a_reason(stl, tmp_path):
    result = _run(stl, tmp_path, child=sandbox_faults.allocate, memory_limit_bytes=1024**3)
    assert result.state == "failed"
    assert result.report["errors"][0]["code"] == "resource_limit"
    assert "more than the 1 GiB of memory" in result.reason
    assert_plain(result.reason)


def test_a_crashing_child_fails_with_a_reason_and_the_caller_survives(stl, tmp_path):
    result = _run(stl, tmp_path, child=sandbox_faults.crash)
    assert result.state == "failed"
    assert result.report["errors"][0]["code"] == "crash"
    assert "SIGSEGV" in result.reason
    assert_plain(result.reason)
    assert os.getpid() == psutil.Process().pid  # still here


def test_the_heartbeat_runs_while_the_child_works_and_can_stop_it(stl, tmp_path):
    beats = []

    def heartbeat():
        beats.append(time.monotonic())
        return len(beats) < 3  # the third renewal says another attempt took over

    started = time.monotonic()
    result = run_pipeline_sandboxed(
        stl,
        fmt=None,
        workdir=tmp_path / "out",
        options=PipelineOptions(time_limit_s=60),
        heartbeat=heartbeat,
        heartbeat_every=0.3,
        child=sandbox_faults.sleep,
    )
    assert len(beats) == 3
    assert time.monotonic() - started < 10
    assert result.state == "failed"
    assert result.report["errors"][0]["code"] == "superseded"


def test_a_heartbeat_that_raises_does_not_stop_the_scan(stl, tmp_path):
    def heartbeat():
        raise ConnectionError("database unreachable")

    result = run_pipeline_sandboxed(
        stl,
        fmt=None,
        workdir=tmp_path / "out",
        options=PipelineOptions(make_turntable=False),
        heartbeat=heartbeat,
        heartbeat_every=0.05,
    )
    assert result.state == "ready", result.reason
