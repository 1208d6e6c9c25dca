"""Run the scan pipeline on local files, without the database: a pre-flight for curators."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from heritage_sites.processing.sandbox import run_pipeline_sandboxed
from heritage_sites.processing.types import PipelineOptions

SUMMARY_FIELDS = (
    ("format", "format"),
    ("vertices", "vertices"),
    ("faces", "faces"),
    ("bodies", "bodies"),
    ("watertight", "watertight"),
    ("winding_consistent", "winding consistent"),
    ("boundary_edges", "boundary edges"),
    ("non_manifold_edges", "non-manifold edges"),
    ("degenerate_faces", "degenerate faces"),
    ("duplicate_faces", "duplicate faces"),
    ("extents_mm", "extents (mm)"),
    ("unit_reason", "unit"),
    ("surface_area_mm2", "surface area (mm²)"),
    ("volume_mm3", "volume (mm³)"),
    ("has_normals", "normals"),
    ("has_uvs", "UVs"),
    ("has_texture", "texture"),
    ("has_vertex_colors", "vertex colours"),
    ("textures", "textures"),
)


class Command(BaseCommand):
    help = (
        "Run the scan pipeline on local files (no database): prints each file's outcome, the "
        "reason, the validation report and the derivatives written to --out. For a .gltf or "
        ".obj, the files in its folder count as the upload."
    )
    # No database, URLs or templates are used: the system checks (about 0.6 s, most of a
    # 1k-face run's budget) would check nothing this command depends on.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--out", type=Path, default=Path("inspected-scans"), help="folder for derivatives"
        )
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument("--unit", choices=["mm", "cm", "m"], help="the files' length unit")
        parser.add_argument(
            "--dimensions",
            nargs=3,
            type=float,
            metavar=("HEIGHT", "WIDTH", "DEPTH"),
            help="catalogued dimensions in millimetres, to compare with the scan",
        )
        parser.add_argument("--no-turntable", action="store_true")

    def handle(self, *args, **options):
        out: Path = options["out"]
        failed = 0
        for number, path in enumerate(options["files"], start=1):
            workdir = out / f"{number:02d}-{_slug(path.name)}"
            outcome = self._inspect(path, workdir, options)
            failed += outcome["state"] != "ready"
            if options["json"]:
                self.stdout.write(json.dumps(outcome, ensure_ascii=False))
            else:
                self._print(outcome)
        if failed:
            raise SystemExit(1)

    def _inspect(self, path: Path, workdir: Path, options) -> dict:
        if not path.is_file():
            return {
                "file": str(path),
                "state": "failed",
                "reason": "No such file.",
                "report": {},
                "derivatives": [],
            }
        pipeline_options = PipelineOptions(
            declared_unit=options["unit"],
            catalogue_dimensions_mm=tuple(options["dimensions"]) if options["dimensions"] else None,
            time_limit_s=float(getattr(settings, "SCAN_SOFT_TIME_LIMIT", 900)) - 30,
            memory_limit_bytes=int(getattr(settings, "SCAN_PARSE_MEMORY_LIMIT", 8 * 1024**3)),
            original_name=path.name,
            make_turntable=not options["no_turntable"],
        )
        result = run_pipeline_sandboxed(path, fmt=None, workdir=workdir, options=pipeline_options)
        return {
            "file": str(path),
            "state": result.state,
            "reason": result.reason,
            "report": result.report,
            "derivatives": [
                {"kind": item.kind, "path": str(item.path), "bytes": item.path.stat().st_size}
                for item in result.derivatives
            ],
        }

    def _print(self, outcome: dict) -> None:
        style = self.style.SUCCESS if outcome["state"] == "ready" else self.style.ERROR
        self.stdout.write(style(f"{outcome['file']}: {outcome['state']}"))
        if outcome["reason"]:
            self.stdout.write(f"  reason: {outcome['reason']}")
        report = outcome["report"]
        for key, label in SUMMARY_FIELDS:
            if report.get(key) is not None and report.get(key) != []:
                self.stdout.write(f"  {label}: {_shown(report[key])}")
        for kind in ("errors", "warnings"):
            for item in report.get(kind, []):
                if item.get("message") != outcome["reason"]:
                    self.stdout.write(f"  {kind[:-1]}: {item['message']}")
        for item in outcome["derivatives"]:
            self.stdout.write(f"  {item['kind']}: {item['path']} ({item['bytes']:,} bytes)")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:60] or "file"


def _shown(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, list) and all(isinstance(v, float) for v in value):
        return " x ".join(f"{v:,.1f}" for v in value)
    if isinstance(value, list):
        return ", ".join(f"{t['name']} {t['width']}x{t['height']}" for t in value)
    return str(value)
