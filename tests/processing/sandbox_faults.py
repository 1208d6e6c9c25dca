"""Stand-ins for the sandbox child that hang, allocate or crash: the tests give one of these to
``run_pipeline_sandboxed(child=...)`` to prove the sandbox contains it. Each starts as the real
child does (own process group, a watch on its parent, the memory limit), then misbehaves.

They live in an importable module because the fork server imports the child by name.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from heritage_sites.processing.sandbox import MEMORY_EXIT_CODE, child_setup

# Where spawn_and_sleep writes its helper's pid: the job's work folder.
HELPER_PIDFILE = "helper.pid"


def sleep(job_file: str) -> None:
    child_setup(job_file)
    time.sleep(3600)


def spawn_and_sleep(job_file: str) -> None:
    job = child_setup(job_file)
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
    Path(job["workdir"], HELPER_PIDFILE).write_text(str(helper.pid))
    time.sleep(3600)


def allocate(job_file: str) -> None:
    child_setup(job_file)
    blocks = []
    try:
        while True:
            blocks.append(bytearray(64 * 1024 * 1024))
    except MemoryError:
        os._exit(MEMORY_EXIT_CODE)  # what child_main does when the limit is reached


def crash(job_file: str) -> None:
    child_setup(job_file)
    os.kill(os.getpid(), signal.SIGSEGV)
