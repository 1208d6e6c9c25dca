"""Benchmark the scan pipeline against trimesh.load and gltfpack -cc on generated scans.

    .venv/bin/python bench/pipeline.py                  # 100k and 1M faces
    .venv/bin/python bench/pipeline.py --sizes 100k     # quick
    .venv/bin/python bench/pipeline.py --sizes 4m       # heavy: run alone on the machine

Inputs are generated once into a temporary folder (--data to choose it; never the repository):
a vertex-coloured binary PLY, a textured OBJ in a zip and a textured GLB, all of one synthetic
scanned vase. Every measurement runs in a fresh child process; peak RSS is the sum over the
child's whole process tree (gltfpack runs in Node children), sampled every 20 ms, or the
child's own peak (VmHWM) when that is higher (a short peak falls between samples).
The floor of the derivatives stage (pipeline.floor, on the same mesh as a GLB) is measured
beside each run. Prints ratios against the targets of the scan pipeline issue, met or not met.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SIZES = {"100k": 100_000, "1m": 1_000_000, "4m": 4_000_000}
FORMATS = ("ply", "obj_zip", "glb")
WEB_MAX_FACES = 500_000


# --- child side -------------------------------------------------------------------------------


def child(mode: str, path: Path, out: Path) -> dict:
    # Import first (a worker has its modules loaded already); time only the work.
    import trimesh

    if mode == "ours":
        import embreex.rtcore_scene  # noqa: F401
        import PIL.WebPImagePlugin  # noqa: F401

        with contextlib.suppress(ImportError):
            import heritage_sites.processing.load
            import heritage_sites.processing.pipeline
            import heritage_sites.processing.report
        import heritage_sites.processing.derivatives  # noqa: F401
    start = time.perf_counter()
    detail: dict = {}
    if mode == "raw":
        detail["bytes"] = len(path.read_bytes())
    elif mode == "load":
        loaded = trimesh.load(path, process=False)
        detail["type"] = type(loaded).__name__
    elif mode == "ours":
        detail = _ours(path, out)
    elif mode == "floor":
        return {**floor(path, out), "peak_self": _own_peak_rss()}
    seconds = time.perf_counter() - start
    # The parent's 20 ms sampling can miss a short peak, so the child reports its own.
    peak_self = _own_peak_rss()
    return {"seconds": seconds, "peak_self": peak_self, **detail}


def _own_peak_rss() -> int:
    """This interpreter's peak RSS in bytes.

    VmHWM belongs to the memory map made at exec, so it starts from zero. ru_maxrss does
    not: Linux carries the parent's peak across fork and exec, so every child would report
    the bench parent's peak (about 1.4 GB after generating the 1M inputs).
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _ours(path: Path, out: Path) -> dict:
    from heritage_sites.processing.pipeline import run_pipeline
    from heritage_sites.processing.types import PipelineOptions

    result = run_pipeline(
        path, fmt=None, workdir=out, options=PipelineOptions(original_name=path.name)
    )
    return {
        "state": result.state,
        "reason": result.reason,
        "timings": result.report.get("timings_s", {}),
        "files": _files(result.derivatives),
    }


def floor(glb: Path, out: Path) -> dict:
    """The least the derivatives stage could cost, in seconds, each piece timed alone.

    Reading the bytes of ``glb``; meshoptimizer's simplifier to each LOD target (chained, as
    ours is; no compaction); one Embree first-hit render of the poster's pixels (scene build
    included) on the LOD the posters are drawn from; ``gltfpack -cc`` on each output GLB,
    one after another. The GLBs gltfpack reads are written beforehand, untimed.
    """
    import meshoptimizer
    import numpy as np
    from embreex import rtcore_scene
    from embreex.mesh_construction import TriangleMesh

    from heritage_sites.processing.derivatives import LOD_TARGETS, LOD_TEXTURE_PX, POSTER_MAX_FACES
    from heritage_sites.processing.derivatives.glb import MAX_TEXTURE_PX, read_glb, write_glb
    from heritage_sites.processing.derivatives.gltfpack import gltfpack_command
    from heritage_sites.processing.derivatives.lods import FIRST_ERROR, compact
    from heritage_sites.processing.derivatives.posters import POSTER_SIZES

    out.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    size = len(glb.read_bytes())
    times = {"read": time.perf_counter() - t}
    master = read_glb(glb)
    faces = master.face_count
    positions = np.ascontiguousarray(master.positions, dtype=np.float32)
    indices = np.ascontiguousarray(master.faces, dtype=np.uint32).reshape(-1)
    outputs = [master] if faces <= WEB_MAX_FACES else []
    lods = {}
    for target in (t for t in LOD_TARGETS if t < faces):
        dst = np.empty_like(indices)
        t = time.perf_counter()
        count = meshoptimizer.simplify(
            dst, indices, positions, target_index_count=target * 3, target_error=FIRST_ERROR
        )
        times[f"simplify {target // 1000}k"] = time.perf_counter() - t
        indices = dst[:count]
        lods[target] = compact(master, indices.reshape(-1, 3))
        px = LOD_TEXTURE_PX.get(target, MAX_TEXTURE_PX)
        outputs.append(lods[target].with_texture_at_most(px))
    # As ours: the whole scan when small enough, else the first LOD under the poster budget.
    stage = (
        master
        if faces <= POSTER_MAX_FACES
        else next(v for k, v in lods.items() if k <= POSTER_MAX_FACES)
    )
    px = POSTER_SIZES[0]
    low, high = stage.positions.min(axis=0), stage.positions.max(axis=0)
    centre, radius = (low + high) / 2, float(np.linalg.norm(high - low)) / 2 or 1.0
    grid = (np.stack(np.mgrid[0:px, 0:px], -1).reshape(-1, 2) / px - 0.5) * 2 * radius
    origins = np.zeros((px * px, 3), np.float32)
    origins[:, :2] = grid + centre[:2]
    origins[:, 2] = centre[2] + 3 * radius
    directions = np.tile(np.array([0, 0, -1], np.float32), (px * px, 1))
    t = time.perf_counter()
    scene = rtcore_scene.EmbreeScene()
    TriangleMesh(scene, stage.positions[stage.faces].astype(np.float32))
    hits = scene.run(origins, directions)
    times["embree render"] = time.perf_counter() - t
    raws = []
    for index, arrays in enumerate(outputs):
        raws.append(out / f"floor_{index}.glb")
        write_glb(arrays, raws[-1])
    t = time.perf_counter()
    for raw in raws:
        argv = [*gltfpack_command(), "-i", str(raw), "-o", str(raw.with_suffix(".cc.glb")), "-cc"]
        subprocess.run(argv, check=True, capture_output=True)
    times["gltfpack -cc"] = time.perf_counter() - t
    return {
        "bytes": size,
        "times": times,
        "seconds": sum(times.values()),
        "outputs": len(raws),
        "coverage": float((hits >= 0).mean()),
    }


def _files(files) -> list[dict]:
    return [
        {
            "kind": f.kind,
            "path": str(f.path),
            "faces": f.faces,
            "bytes": Path(f.path).stat().st_size,
        }
        for f in files
    ]


# --- parent side ------------------------------------------------------------------------------


def measure(mode: str, path: Path, out: Path) -> dict:
    """Run one measurement in a fresh interpreter; return its report plus peak tree RSS."""
    argv = [sys.executable, __file__, "--child", mode, str(path), str(out)]
    return measure_child(argv, f"{mode} {path.name}")


def measure_child(argv: list[str], label: str) -> dict:
    """Run ``argv``, a child that prints its JSON report last; add its peak tree RSS."""
    done = run_sampled(argv)
    if done.returncode != 0:
        raise RuntimeError(f"{label} failed:\n{done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    report["peak_rss"] = max(done.peak_rss, report.get("peak_self", 0))
    return report


@dataclass
class Sampled:
    """A finished child: its exit code, output, wall time and peak RSS over its tree."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss: int


def run_sampled(argv: list[str], cwd: Path | None = None, timeout: float = 3600.0) -> Sampled:
    """Run ``argv`` to its end, sampling the RSS summed over its process tree every 20 ms."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd
    )
    # Pipes are drained by threads: a chatty child must not block on a full pipe.
    chunks: dict[str, list[str]] = {"out": [], "err": []}
    readers = [
        threading.Thread(target=lambda s=s, k=k: chunks[k].append(s.read()), daemon=True)
        for s, k in ((proc.stdout, "out"), (proc.stderr, "err"))
    ]
    for reader in readers:
        reader.start()
    watched = psutil.Process(proc.pid)
    peak = 0
    while proc.poll() is None:
        if time.perf_counter() - start > timeout:
            proc.kill()
        try:
            tree = [watched, *watched.children(recursive=True)]
            rss = 0
            for p in tree:
                with contextlib.suppress(psutil.Error):
                    rss += p.memory_info().rss
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    for reader in readers:
        reader.join()
    return Sampled(proc.returncode, "".join(chunks["out"]), "".join(chunks["err"]), seconds, peak)


def gltfpack_reference(glb: Path, faces: int, out: Path) -> dict | None:
    """gltfpack -cc (simplified to our web face budget when larger) on the same mesh as GLB."""
    from heritage_sites.processing.derivatives.gltfpack import gltfpack_command

    args = ["-cc"]
    if faces > WEB_MAX_FACES:
        args += ["-si", f"{WEB_MAX_FACES / faces:.6f}"]
    dst = out / f"gltfpack-{glb.stem}.glb"
    start = time.perf_counter()
    done = subprocess.run(
        [*gltfpack_command(), "-i", str(glb), "-o", str(dst), *args], capture_output=True
    )
    if done.returncode != 0:
        return None
    return {"seconds": time.perf_counter() - start, "bytes": dst.stat().st_size, "path": dst}


def image_bytes(glb: Path) -> int:
    """Bytes of the embedded images, to compare geometry alone."""
    from heritage_sites.processing.derivatives.glb import read_glb_json

    doc, _ = read_glb_json(glb)
    views = doc.get("bufferViews", [])
    return sum(views[i["bufferView"]]["byteLength"] for i in doc.get("images", []))


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def generated_inputs(args, data: Path, *, prefix: str):
    """Per size of ``--sizes`` (inputs generated once) and format of ``--formats``:
    ``(size, faces, fmt, paths, work)``, with ``work`` a fresh folder under ``data``."""
    from scans import generate

    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    for size in sizes:
        faces = SIZES[size]
        t0 = time.perf_counter()
        paths = generate(data / size, faces)
        print(f"# {size}: inputs ready in {time.perf_counter() - t0:.1f} s in {data / size}")
        for fmt in formats:
            work = Path(tempfile.mkdtemp(prefix=f"{prefix}-{size}-{fmt}-", dir=data))
            yield size, faces, fmt, paths, work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100k,1m", help="comma list of 100k, 1m, 4m")
    parser.add_argument("--formats", default=",".join(FORMATS), help="ply, obj_zip, glb")
    parser.add_argument("--data", type=Path, help="folder for generated inputs (kept)")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "FILE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, path, out = args.child
        print(json.dumps(child(mode, Path(path), Path(out))))
        return

    data = args.data or Path(tempfile.gettempdir()) / "museum-bench"
    if data.resolve().is_relative_to(ROOT):
        parser.error("--data must be outside the repository")
    rows = []
    for size, faces, fmt, paths, work in generated_inputs(args, data, prefix="bench"):
        path = paths[fmt]
        raw = measure("raw", path, work)
        load = measure("load", path, work)
        ours = measure("ours", path, work / "out")
        ref_glb = paths["ply_as_glb"] if fmt == "ply" else paths["glb"]
        ref = gltfpack_reference(ref_glb, faces, work)
        floor_run = measure("floor", ref_glb, work / "floor")
        web = next((f for f in ours.get("files", []) if f["kind"] == "web"), None)
        row = {
            "size": size,
            "fmt": fmt,
            "bytes": path.stat().st_size,
            "raw": raw["seconds"],
            "load": load["seconds"],
            "ours": ours["seconds"],
            "rss_load": load["peak_rss"],
            "rss_ours": ours["peak_rss"],
            "state": ours.get("state"),
            "reason": ours.get("reason", ""),
            "timings": ours.get("timings", {}),
            "web": web["bytes"] if web else None,
            "web_faces": web["faces"] if web else None,
            "ref": ref["bytes"] if ref else None,
            "floor": floor_run["seconds"],
            "floor_times": floor_run["times"],
        }
        if web and ref:
            row["web_geom"] = web["bytes"] - image_bytes(Path(web["path"]))
            row["ref_geom"] = ref["bytes"] - image_bytes(ref["path"])
        rows.append(row)
        print_row(row)
    print_targets(rows)


def print_row(r: dict) -> None:
    print(
        f"{r['size']:>4} {r['fmt']:<7} {mb(r['bytes']):>9} | raw {r['raw']:6.2f} s | "
        f"trimesh.load {r['load']:6.2f} s | ours {r['ours']:6.2f} s "
        f"({r['ours'] / r['load']:.2f}x load, {r['ours'] / max(r['raw'], 1e-3):.0f}x raw) | "
        f"RSS load {mb(r['rss_load'])}, ours {mb(r['rss_ours'])} "
        f"({r['rss_ours'] / r['rss_load']:.2f}x) | {r['state']}"
    )
    if r["reason"]:
        print(f"       reason: {r['reason']}")
    if r["timings"]:
        stages = ", ".join(f"{k} {v:.2f}" for k, v in r["timings"].items())
        print(f"       stages (s): {stages}")
    derivatives = r["timings"].get("derivatives")
    if derivatives is not None:
        pieces = ", ".join(f"{k} {v:.2f}" for k, v in r["floor_times"].items())
        print(
            f"       derivatives {derivatives:.2f} s, floor {r['floor']:.2f} s ({pieces}): "
            f"{derivatives / r['floor']:.2f}x"
        )
    if r["web"] and r["ref"]:
        print(
            f"       web GLB {r['web']:,} B ({r['web_faces']:,} faces) vs gltfpack -cc "
            f"{r['ref']:,} B: {r['web'] / r['ref']:.2f}x; geometry only "
            f"{r['web_geom']:,} vs {r['ref_geom']:,} B: {r['web_geom'] / r['ref_geom']:.2f}x"
        )


def print_targets(rows: list[dict]) -> None:
    print("\n# targets")

    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    for r in rows:
        if r["fmt"] == "ply" and r["size"] == "1m":
            ratio = r["ours"] / r["load"]
            print(f"1M PLY pipeline <= 4x trimesh.load: {ratio:.2f}x -> {verdict(ratio <= 4)}")
        if r["fmt"] == "obj_zip" and r["size"] in ("1m", "4m"):
            ratio = r["ours"] / r["load"]
            print(
                f"{r['size'].upper()} OBJ zip pipeline <= 1x trimesh.load: {ratio:.2f}x -> "
                f"{verdict(ratio <= 1)}"
            )
    for r in rows:
        if "derivatives" in r["timings"]:
            ratio = r["timings"]["derivatives"] / r["floor"]
            print(
                f"{r['size']} {r['fmt']} derivatives <= 1.5x their floor: {ratio:.2f}x -> "
                f"{verdict(ratio <= 1.5)}"
            )
    for r in rows:
        ratio = r["rss_ours"] / r["rss_load"]
        print(
            f"{r['size']} {r['fmt']} peak RSS <= 1.5x trimesh.load: {ratio:.2f}x -> "
            f"{verdict(ratio <= 1.5)}"
        )
    for r in rows:
        if r["web"] and r["ref"]:
            ratio = r["web"] / r["ref"]
            print(
                f"{r['size']} {r['fmt']} web GLB <= 1.1x gltfpack -cc: {ratio:.2f}x -> "
                f"{verdict(ratio <= 1.1)} (geometry only {r['web_geom'] / r['ref_geom']:.2f}x)"
            )


if __name__ == "__main__":
    main()
