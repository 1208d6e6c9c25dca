"""The whole scan pipeline: detect, unpack, pre-flight, load, measure, build derivatives.

``run_pipeline`` does the work in the calling process. ``sandbox.run_pipeline_sandboxed`` runs
it in a fresh interpreter with memory and time limits and turns any way that child can die into
a failed result with a reason a curator can act on.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import time
from dataclasses import asdict
from pathlib import Path

from PIL import Image

from heritage_sites.processing import formats
from heritage_sites.processing.archives import extract_archive, is_resource_fork
from heritage_sites.processing.colour import LINEAR_COLOUR_FORMATS
from heritage_sites.processing.errors import Rejected, technical_detail
from heritage_sites.processing.preflight import run_preflight
from heritage_sites.processing.references import texture_too_large_reason
from heritage_sites.processing.types import (
    DerivativeFile,
    PipelineOptions,
    PipelineResult,
    Upload,
)

__all__ = [
    "DerivativeFile",
    "PipelineOptions",
    "PipelineResult",
    "run_pipeline",
]

logger = logging.getLogger(__name__)
READY, FAILED = "ready", "failed"


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
        _keep_detail(report, exc.detail)
        return _failed(report, str(exc), "unsupported_format")
    except Rejected as exc:
        _keep_detail(report, exc.detail)
        return _failed(report, exc.reason, exc.code)
    except MemoryError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # A texture the pre-flight could not size (inside a buffer, say) opened by a loader.
        _keep_detail(report, technical_detail(exc))
        return _failed(report, texture_too_large_reason(None, None), "texture_too_large")
    except Exception as exc:  # a bug or a library failure, not the curator's doing
        logger.exception("the scan pipeline failed on %s", source.name)
        report["internal_error"] = technical_detail(exc)
        _keep_detail(report, report["internal_error"])
        return _failed(
            report,
            "Processing stopped on an internal error, not necessarily a fault in the file. "
            "An administrator can find details in the worker log and retry it.",
            "internal_error",
        )
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def _process(upload, workdir: Path, options: PipelineOptions, report: dict, timer):
    from heritage_sites.processing.load import load_mesh
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
    report["pose"] = _pose(upload, loaded.mesh, options, report)
    with timer("derivatives"):
        from heritage_sites.processing.derivatives import DerivativeError, build_derivatives

        try:
            files = build_derivatives(
                loaded.mesh,
                scale_to_metres=report["mm_per_unit"] / 1000.0,
                workdir=workdir,
                make_turntable=options.make_turntable,
                colours_are_srgb=upload.fmt not in LINEAR_COLOUR_FORMATS,
                up_axis=report["pose"]["up_axis"],
                quarter_turns=report["pose"]["quarter_turns"],
            )
        except DerivativeError as exc:
            return _failed(report, str(exc), "derivatives")
    report["derivatives"] = [
        {"kind": f.kind, "file": Path(f.path).name, "faces": f.faces, "width": f.width}
        for f in files
    ]
    return PipelineResult(state=READY, reason="", report=jsonable(report), derivatives=files)


def _keep_detail(report: dict, detail: str) -> None:
    # For staff (the admin shows the report); the curator's reason stays in plain words.
    if detail:
        report["technical_detail"] = detail[:500]


def _pose(upload, mesh, options: PipelineOptions, report: dict) -> dict:
    """The pose the derivatives use and why: the curator's when set, else guessed."""
    from heritage_sites.processing import pose

    if options.up_axis:
        up_axis = pose.normalise_up_axis(options.up_axis)
        source, reason = "curator", f"{up_axis.upper()} up: set by a curator."
    else:
        guess = pose.guess_pose(upload.fmt, mesh.vertices, mesh.faces, upload.main)
        up_axis, source, reason = guess.up_axis, "file", guess.reason
    turns = int(options.quarter_turns) % 4
    if turns:
        reason += f" Turned {turns * 90} degrees about the up axis."
    vertices = mesh.vertices
    centre = (vertices.min(axis=0) + vertices.max(axis=0)) / 2
    matrix = pose.web_from_original(up_axis, turns, centre, report["mm_per_unit"] / 1000.0)
    return {
        "up_axis": up_axis,
        "quarter_turns": turns,
        "source": source,
        "reason": reason,
        # Row-major 4x4: a point of the original file to the web model's metres (Y up).
        "web_from_original": matrix.round(12).tolist(),
    }


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
    try:
        data = gltf1.convert(doc, body, root=upload.root, base=upload.main.parent)
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        # Values of the wrong kind in a crafted or broken 1.0 file, not a bug of ours.
        raise Rejected(
            "The glTF 1.0 file has values of the wrong kind or refers to parts it does not "
            "have, so it cannot be converted. Export it again as glTF 2.0.",
            code="invalid_gltf",
            detail=technical_detail(exc),
        ) from exc
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
