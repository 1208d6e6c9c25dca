"""Entry point of the sandbox child: ``python -m heritage_sites.processing.sandbox CONTROL``.

Sets its own resource limits before importing anything heavy, runs the pipeline, and writes
the result as JSON into the control folder. Any Python-level MemoryError ends the process
with a dedicated exit code so the parent can say "out of memory" rather than "crashed".
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

# Test-only faults, so the tests can prove the sandbox contains them (it only ever reads this
# variable; nothing in production sets it).
TEST_HOOK = "SCAN_SANDBOX_TEST_HOOK"
MEMORY_EXIT_CODE = 3


def _limit(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _test_fault(hook: str) -> None:
    if hook == "sleep":
        time.sleep(3600)
    elif hook == "spawn-and-sleep":
        import subprocess

        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        time.sleep(3600)
    elif hook == "allocate":
        blocks = []
        while True:
            blocks.append(bytearray(64 * 1024 * 1024))
    elif hook == "crash":
        import signal

        os.kill(os.getpid(), signal.SIGSEGV)


def main(control: Path) -> int:
    job = json.loads((control / "job.json").read_text())
    _limit(int(job["options"]["memory_limit_bytes"]))
    try:
        if os.environ.get(TEST_HOOK):
            _test_fault(os.environ[TEST_HOOK])
        from heritage_sites.processing.pipeline import (
            PipelineOptions,
            result_to_json,
            run_pipeline,
        )

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
    except MemoryError:
        os._exit(MEMORY_EXIT_CODE)
    target = Path(job["result"])
    partial = target.with_suffix(".partial")
    partial.write_text(payload)
    partial.replace(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
