"""The whole scan pipeline: detect, unpack, pre-flight, load, measure, build derivatives.

``run_pipeline`` does the work in the calling process; ``run_pipeline_sandboxed`` runs it in
a fresh interpreter with memory and time limits and turns any way that child can die into a
failed result with a reason a curator can act on.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from heritage_sites.processing import formats
from heritage_sites.processing.archives import extract_archive, is_resource_fork
from heritage_sites.processing.errors import Rejected
from heritage_sites.processing.types import DerivativeFile, PipelineOptions, PipelineResult

__all__ = [
    "DerivativeFile",
    "PipelineOptions",
    "PipelineResult",
    "run_pipeline",
    "run_pipeline_sandboxed",
]

logger = logging.getLogger(__name__)
READY, FAILED = "ready", "failed"
MEMORY_EXIT_CODE = 3
# Tests set this to make the child sleep, allocate or crash (see sandbox.py).
TEST_HOOK = "SCAN_SANDBOX_TEST_HOOK"


def run_pipeline(
    source: Path, *, fmt: str | None, workdir: Path, options: PipelineOptions
) -> PipelineResult:
    """Process one upload in this process. Never raises for a bad file: it returns failed.

    Production calls run_pipeline_sandboxed; this is its body, and what tests call directly.
    """
    source, workdir = Path(source), Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    unpacked = workdir / "_upload"
    report: dict = {"format": fmt, "errors": [], "warnings": [], "timings_s": {}}
    timer = _Timer(report["timings_s"])
    try:
        with timer("detect"):
            if fmt is None:
                name = options.original_name or source.name
                fmt = formats.detect_format(source, name, allow_loose=True)
            report["format"] = fmt
            upload = _prepare(source, fmt, unpacked, report)
            upload = _upgrade_gltf1(upload, unpacked, report)
        return _process(upload, workdir, options, report, timer)
    except formats.UnsupportedFormat as exc:
        return _failed(report, str(exc), "unsupported_format")
    except Rejected as exc:
        return _failed(report, exc.reason, exc.code)
    except MemoryError:
        raise
    except Exception as exc:  # a bug or a library failure, not the curator's doing
        logger.exception("the scan pipeline failed on %s", source.name)
        report["internal_error"] = f"{type(exc).__name__}: {exc}"[:500]
        return _failed(
            report,
            "Processing stopped on an internal error, not necessarily a fault in the file. "
            "An administrator can find details in the worker log and retry it.",
            "internal_error",
        )
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def _process(upload, workdir: Path, options: PipelineOptions, report: dict, timer):
    from heritage_sites.processing.hotspots import web_transform_record
    from heritage_sites.processing.load import load_mesh
    from heritage_sites.processing.preflight import run_preflight
    from heritage_sites.processing.report import build_report

    with timer("preflight"):
        preflight = run_preflight(upload)
    report["warnings"].extend(preflight.warnings)
    report["source"] = {k: v for k, v in preflight.info.items() if k != "stl_triangles"}
    with timer("load"):
        loaded = load_mesh(upload, preflight)
    report["warnings"].extend(loaded.warnings)
    with timer("validate"):
        measured = build_report(
            loaded.mesh,
            fmt=upload.fmt,
            declared_unit=options.declared_unit,
            catalogue_dimensions_mm=options.catalogue_dimensions_mm,
            has_normals=loaded.has_normals,
            textures=preflight.textures,
        )
    report["warnings"].extend(measured.pop("warnings"))
    report["errors"].extend(measured.pop("errors"))
    report.update(measured)
    if report["errors"]:
        messages = " ".join(error["message"] for error in report["errors"][:2])
        return _failed(report, f"The model cannot be used: {messages}", None)
    with timer("derivatives"):
        try:
            from heritage_sites.processing.derivatives import DerivativeError, build_derivatives
        except ImportError as exc:  # the derivative stage is a separate package
            raise RuntimeError("the derivative stage is not installed") from exc
        # Where the web model puts the original (hotspots are mapped through it later).
        # The same centre as derivatives/prepare.py's: over all vertices, as loaded.
        vertices = loaded.mesh.vertices
        report["web_transform"] = web_transform_record(
            centre=(vertices.min(axis=0) + vertices.max(axis=0)) / 2,
            scale_to_metres=report["mm_per_unit"] / 1000.0,
        )
        try:
            files = build_derivatives(
                loaded.mesh,
                scale_to_metres=report["mm_per_unit"] / 1000.0,
                workdir=workdir,
                make_turntable=options.make_turntable,
            )
        except DerivativeError as exc:
            return _failed(report, str(exc), "derivatives")
    report["derivatives"] = [
        {"kind": f.kind, "file": Path(f.path).name, "faces": f.faces, "width": f.width}
        for f in files
    ]
    return PipelineResult(state=READY, reason="", report=jsonable(report), derivatives=files)


class _Timer:
    def __init__(self, into: dict) -> None:
        self.into = into

    def __call__(self, name: str):
        timer = self

        class _Step:
            def __enter__(self):
                self.start = time.monotonic()

            def __exit__(self, *exc):
                timer.into[name] = round(time.monotonic() - self.start, 3)

        return _Step()


def _failed(report: dict, reason: str, code: str | None) -> PipelineResult:
    if code is not None and not any(e.get("message") == reason for e in report["errors"]):
        report["errors"].append({"code": code, "message": reason})
    return PipelineResult(state=FAILED, reason=reason, report=jsonable(report), derivatives=[])


def _prepare(source: Path, fmt: str, unpacked: Path, report: dict):
    from heritage_sites.processing.preflight import Upload

    if fmt in (formats.OBJ_ZIP, formats.GLTF_ZIP):
        shutil.rmtree(unpacked, ignore_errors=True)
        files = extract_archive(source, unpacked)
        wanted = (".gltf", ".glb") if fmt == formats.GLTF_ZIP else (".obj",)
        models = [
            path
            for path in files
            if path.suffix.lower() in wanted
            and not is_resource_fork(path.relative_to(unpacked).as_posix())
        ]
        if not models:
            raise Rejected(
                f"The zip holds no {' or '.join(wanted)} file.", code="unsupported_format"
            )
        # Prefer a .gltf over a .glb, then the file nearest the top of the zip.
        models.sort(key=lambda p: (p.suffix.lower() == ".glb", len(p.parts), p.as_posix()))
        main = models[0]
        if len(models) > 1:
            report["warnings"].append(
                {
                    "code": "several_models",
                    "message": f"The zip holds {len(models)} models; "
                    f"{main.relative_to(unpacked).as_posix()} was used.",
                }
            )
        inner = formats.GLB if main.suffix.lower() == ".glb" else fmt
        return Upload(fmt=inner, main=main, root=unpacked)
    return Upload(fmt=fmt, main=source, root=source.parent)


def _upgrade_gltf1(upload, unpacked: Path, report: dict):
    """Rewrite a glTF 1.0 upload as a glTF 2.0 GLB in the work folder; others pass through."""
    from heritage_sites.processing import gltf1
    from heritage_sites.processing.preflight import Upload
    from heritage_sites.processing.preflight_gltf import load_json

    if upload.fmt == formats.GLB:
        with upload.main.open("rb") as handle:
            header = handle.read(8)
        if header[4:8] != (1).to_bytes(4, "little"):
            return upload
        doc, body = gltf1.read_glb1(upload.main)
    elif upload.fmt in (formats.GLTF, formats.GLTF_ZIP):
        doc, body = load_json(upload.main.read_bytes(), what="glTF"), None
        version = doc.get("asset", {}).get("version") if isinstance(doc.get("asset"), dict) else ""
        if not str(version).startswith("1"):
            return upload
    else:
        return upload
    data = gltf1.convert(doc, body, root=upload.root, base=upload.main.parent)
    unpacked.mkdir(parents=True, exist_ok=True)
    converted = unpacked / "converted-from-gltf1.glb"
    converted.write_bytes(data)
    report["warnings"].append(
        {
            "code": "gltf1",
            "message": "The file uses glTF 1.0 (the 2015 format); it was converted to glTF 2.0 "
            "to be processed. Re-exporting as glTF 2.0 is recommended.",
        }
    )
    return Upload(fmt=formats.GLB, main=converted, root=unpacked)


def jsonable(value):
    """A copy of ``value`` that json.dumps accepts strictly: no numpy types, no NaN."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "tolist") and callable(value.tolist):  # numpy arrays and scalars
        return jsonable(value.tolist())
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def result_to_json(result: PipelineResult) -> str:
    return json.dumps(
        {
            "state": result.state,
            "reason": result.reason,
            "report": jsonable(result.report),
            "derivatives": [jsonable(asdict(item)) for item in result.derivatives],
        },
        allow_nan=False,
    )


def result_from_json(text: str) -> PipelineResult:
    data = json.loads(text)
    files = [DerivativeFile(**{**item, "path": Path(item["path"])}) for item in data["derivatives"]]
    return PipelineResult(
        state=data["state"], reason=data["reason"], report=data["report"], derivatives=files
    )


# The sandbox --------------------------------------------------------------------------------


def run_pipeline_sandboxed(
    source: Path,
    *,
    fmt: str | None,
    workdir: Path,
    options: PipelineOptions,
    heartbeat: Callable[[], object] | None = None,
    heartbeat_every: float = 10.0,
) -> PipelineResult:
    """Run ``run_pipeline`` in a sandbox child with memory and wall-clock limits.

    The child is forked from a multiprocessing fork server: a fresh interpreter (not a fork
    of the caller, which may hold database connections) that preloads the pipeline's
    imports. As with any spawn or forkserver start, the caller's main script must be
    import-safe (``if __name__ == "__main__"``). The child leads its own process group
    (killed whole on timeout), sets RLIMIT_AS to ``options.memory_limit_bytes``, and hands
    its result back as JSON in a file. While it runs, ``heartbeat()`` is called every
    ``heartbeat_every`` seconds; if it returns False (another attempt took the scan over)
    the child is stopped.
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
        "test_hook": os.environ.get(TEST_HOOK, ""),
        "test_pidfile": os.environ.get(TEST_HOOK + "_PIDFILE", ""),
    }
    (control / "job.json").write_text(json.dumps(job))
    started = time.monotonic()
    try:
        from heritage_sites.processing import sandbox

        with _plain_multiprocessing_parent():
            child = _context().Process(
                target=sandbox.child_main, args=(str(control / "job.json"),), name="scan-sandbox"
            )
            child.start()
        outcome = _supervise(child, options.time_limit_s, heartbeat, heartbeat_every)
        seconds = round(time.monotonic() - started, 3)
        result_file = control / "result.json"
        if outcome == "exited" and child.exitcode == 0 and result_file.exists():
            return result_from_json(result_file.read_text())
        logger.warning("scan sandbox ended with %s (exit code %s)", outcome, child.exitcode)
        return _sandbox_failure(outcome, child.exitcode, options, seconds)
    finally:
        shutil.rmtree(control, ignore_errors=True)


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
        from heritage_sites.processing.sandbox import PRELOAD

        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _CONTEXT = context
    return _CONTEXT


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
