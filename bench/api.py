"""How fast is the artefact list of API v1 next to the floor: a bare Django view returning
the same rows as JsonResponse (the artefacts, their materials and their ready scans' posters:
bench/api_urls.py)? The floor of the artefact columns alone is printed too.

Builds a temporary SQLite museum with 10,000 published artefacts, serves it with gunicorn
(the same worker settings for both), drives each URL with 16 concurrent clients (threads
using http.client) in interleaved rounds, and prints requests per second, p50 and p99
latency, and the ratio API / floor.
Run: .venv/bin/python bench/api.py [--seconds 10] [--clients 16] [--workers 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTEFACTS = 10_000


def build_database(env: dict[str, str]) -> None:
    """Migrate a fresh SQLite file and fill it (in a child process, with the bench env)."""
    code = f"""
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from heritage_sites.models import Artefact, Country, HeritageSite, Institution, Material
from heritage_sites.rights import Licence
country = Country.objects.create(iso2="UZ", iso3="UZB", name_en="Uzbekistan")
institutions = [
    Institution.objects.create(slug=f"museum-{{i}}", name_en=f"Museum {{i}}", country=country)
    for i in range(10)
]
sites = [
    HeritageSite.objects.create(slug=f"site-{{i}}", name_en=f"Caravanserai {{i}}",
        latitude=39 + i / 100, longitude=66 + i / 100, state="published")
    for i in range(50)
]
materials = [Material.objects.create(slug=f"m-{{i}}", name_en=f"Material {{i}}") for i in range(5)]
rows = [
    Artefact(
        slug=f"artefact-{{i}}", title_en=f"Glazed bowl {{i:05d}}", title_fa=f"کاسه {{i}}",
        description_en="A bowl with a painted rim.", accession_number=f"INV-{{i:05d}}",
        institution=institutions[i % 10], site=sites[i % 50], object_type="vessel",
        date_earliest=900, date_latest=1000, licence=Licence.CC_BY, rights_holder="Museum",
        state="published",
    )
    for i in range({ARTEFACTS})
]
Artefact.objects.bulk_create(rows, batch_size=1000)
through = Artefact.materials.through
through.objects.bulk_create(
    [through(artefact_id=a, material_id=materials[a % 5].pk)
     for a in Artefact.objects.values_list("pk", flat=True)], batch_size=2000)
# A quarter of the artefacts have a ready, published scan with three posters, so list items
# carry poster URLs and 3D flags as a real collection's do.
from heritage_sites.models import Derivative, PublicationState, Scan
scanned = list(Artefact.objects.order_by("pk").values_list("pk", flat=True)[::4])
Scan.objects.bulk_create(
    [Scan(artefact_id=a, original=f"originals/{{a}}.ply", original_filename="bowl.ply",
          format="ply", byte_size=1000, sha256=f"{{a:064x}}", capture_method="structured_light",
          state=Scan.State.READY, publication_state=PublicationState.PUBLISHED)
     for a in scanned], batch_size=1000)
Derivative.objects.bulk_create(
    [Derivative(scan_id=s, kind=Derivative.Kind.POSTER, file=f"derivatives/{{s}}/poster-{{w}}.webp",
                content_type="image/webp", byte_size=20000, width=w, height=w, is_public=True)
     for s in Scan.objects.values_list("pk", flat=True) for w in (256, 512, 1024)],
    batch_size=2000)
print(Artefact.objects.published().count(), "published artefacts,", len(scanned), "with 3D")
"""
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {path} within {timeout} s")


def drive(port: int, path: str, clients: int, seconds: float) -> dict[str, float]:
    """``clients`` threads each send GETs back to back for ``seconds``; latencies in ms."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers={"Accept": "application/json"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[index] += 1
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors[index] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[index].append((time.perf_counter() - started) * 1000)
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    flat = sorted(ms for per_client in latencies for ms in per_client)
    return {
        "requests": len(flat),
        "errors": sum(errors),
        "rps": len(flat) / elapsed,
        "p50": statistics.median(flat),
        "p99": flat[min(len(flat) - 1, int(len(flat) * 0.99))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds per target")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="museum-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.api_settings",
        "MUSEUM_DATA_DIR": str(workdir),
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(workdir / "media"),
        "PYTHONPATH": str(ROOT),
    }
    server = None
    try:
        build_database(env)
        port = free_port()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [
                str(gunicorn),
                "museum.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        targets = {
            "API v1 /api/v1/artefacts/ (page of 50)": "/api/v1/artefacts/?page_size=50",
            "floor: bare JsonResponse, same rows": "/floor/artefacts/",
            "floor of artefact columns only": "/floor/artefacts/columns/",
        }
        for path in targets.values():
            wait_for(port, path)
            drive(port, path, args.clients, 2)  # warm-up: imports, caches, connections
        print(
            f"{ARTEFACTS} published artefacts, gunicorn {args.workers} sync workers, "
            f"{args.clients} clients, {args.seconds:g} s per target in {args.rounds} interleaved "
            f"rounds (median req/s and p50, worst p99), {os.cpu_count()} CPUs"
        )
        # Interleaved rounds: the machine is shared, so load from elsewhere hits both alike.
        rounds: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
        for _round in range(args.rounds):
            for name, path in targets.items():
                rounds[name].append(drive(port, path, args.clients, args.seconds / args.rounds))
        results = {}
        for name, parts in rounds.items():
            result = {
                "requests": sum(p["requests"] for p in parts),
                "errors": sum(p["errors"] for p in parts),
                "rps": statistics.median(p["rps"] for p in parts),
                "p50": statistics.median(p["p50"] for p in parts),
                "p99": max(p["p99"] for p in parts),
            }
            results[name] = result
            print(
                f"{name:42s} {result['rps']:8.1f} req/s   p50 {result['p50']:7.1f} ms   "
                f"p99 {result['p99']:7.1f} ms   ({result['requests']} requests, "
                f"{result['errors']} errors)"
            )
        api, floor, columns = results.values()
        print(f"API / floor throughput: {api['rps'] / floor['rps']:.2f} (target >= 0.50)")
        print(f"API / floor of artefact columns only: {api['rps'] / columns['rps']:.2f}")
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
