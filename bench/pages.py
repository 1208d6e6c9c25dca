"""How fast are the visitor pages next to a bare Django view reading the same rows, and how
many bytes does a phone download before its first paint?

Builds a temporary museum (SQLite, the demo content with its scans processed, static files
collected with hashed, compressed names as in the image), then:
1. requests per second for the home, a site and an artefact page against bench/pages_floor.py
   (same rows, no template), through Django's full handler in one process, interleaved rounds;
   prints the ratio page / floor (target >= 0.5), from the wall clock and from the process's
   CPU time (on a machine shared with other work, the wall clock of a round also counts the
   time others held the cores: two runs minutes apart gave the artefact page 0.30 and 0.57);
2. in headless Chromium at 360x740 (phone), for each page in each of the museum's languages
   (each script links its own fonts), the bytes transferred (compressed, with headers) before
   the first contentful paint, the 3D model excluded (target < 300 KB), and what the largest
   contentful paint is.
Run: .venv/bin/python bench/pages.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, sys, threading, time
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("migrate", verbosity=0)
from heritage_sites.demo.load import demo_load
from heritage_sites.models import Artefact, HeritageSite, Scan
from heritage_sites.services.scan_processing import scan_process
demo_load()
for scan_id in Scan.objects.values_list("pk", flat=True):
    scan_process(scan_id=scan_id)
settings.ROOT_URLCONF = "bench.pages_floor"
artefact = Artefact.objects.published().filter(scans__state="ready", site__isnull=False).first()
site = HeritageSite.objects.get(pk=artefact.site_id)
pages = {
    "home": ("/en/", "/floor/"),
    "site": (f"/en/sites/{site.slug}/", f"/floor/sites/{site.slug}/"),
    "artefact": (f"/en/artefacts/{artefact.slug}/", f"/floor/artefacts/{artefact.slug}/"),
}
from django.test import Client
client = Client()
seconds = float(sys.argv[1])
results = {}
for name, (page, floor) in pages.items():
    counts = {page: 0, floor: 0}
    spent = {page: 0.0, floor: 0.0}
    cpu = {page: 0.0, floor: 0.0}
    for url in (page, floor):
        assert client.get(url).status_code == 200, url
    for _round in range(5):
        for url in (page, floor):
            deadline = time.perf_counter() + seconds / 5
            while time.perf_counter() < deadline:
                start, start_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                spent[url] += time.perf_counter() - start
                cpu[url] += time.process_time() - start_cpu
                counts[url] += 1
    results[name] = {
        "page_rps": counts[page] / spent[page], "floor_rps": counts[floor] / spent[floor],
        "page_cpu_rps": counts[page] / cpu[page], "floor_cpu_rps": counts[floor] / cpu[floor],
    }

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application
class Quiet(WSGIRequestHandler):
    def log_message(self, *a):
        pass
httpd = ThreadedWSGIServer(("127.0.0.1", 0), Quiet)
httpd.set_app(get_wsgi_application())
threading.Thread(target=httpd.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{httpd.server_address[1]}"
from playwright.sync_api import sync_playwright
# LCP entries reach only an observer (performance.getEntriesByType gives none of them).
MEASURE = '''() => new Promise(resolve => {
  const lcps = [];
  new PerformanceObserver(list => lcps.push(...list.getEntries()))
    .observe({type: "largest-contentful-paint", buffered: true});
  setTimeout(() => {
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    const fcp = paint ? paint.startTime : Infinity;
    const nav = performance.getEntriesByType("navigation")[0];
    const resources = performance.getEntriesByType("resource")
      .filter(r => !r.name.endsWith(".glb"));
    const before = resources.filter(r => r.responseEnd <= fcp);
    const lcp = lcps.pop();
    resolve({
      fcp_ms: fcp,
      before_bytes: nav.transferSize + before.reduce((s, r) => s + r.transferSize, 0),
      before_files: before.map(r => [r.name.split("/").pop(), r.transferSize]),
      all_bytes: nav.transferSize + resources.reduce((s, r) => s + r.transferSize, 0),
      lcp: lcp ? ((lcp.element ? lcp.element.tagName : "") + " "
                  + (lcp.url ? lcp.url.split("/").pop() : "")) : null,
    });
  }, 3000);
})'''
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                args=["--use-angle=swiftshader", "--enable-unsafe-swiftshader"])
    for name, (page_url, _floor) in pages.items():
        results[name]["phone"] = {}
        for code, _language in settings.LANGUAGES:
            context = browser.new_context(viewport={"width": 360, "height": 740},
                                          is_mobile=True, has_touch=True, device_scale_factor=2)
            page = context.new_page()
            page.goto(base + page_url.replace("/en/", f"/{code}/", 1), wait_until="load")
            results[name]["phone"][code] = page.evaluate(MEASURE)
            context.close()
    browser.close()
httpd.shutdown()
print("RESULTS " + json.dumps(results))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per URL and page")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "museum.settings",
            "MUSEUM_DATA_DIR": f"{tmp}/var",
            "MEDIA_ROOT": f"{tmp}/media",
            "DJANGO_STATIC_ROOT": f"{tmp}/static",
            "STATIC_USE_FINDERS": "false",
            "DJANGO_DEBUG": "false",
            "CELERY_BROKER_URL": "memory://",
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true",
        }
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "build_frontend"], env=env, cwd=ROOT, check=True)
        subprocess.run(
            [*manage, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True
        )
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(args.seconds)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            sys.exit(f"the bench's museum failed:\n{done.stderr[-3000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULTS "))
    results = json.loads(line.removeprefix("RESULTS "))
    print(
        f"{'page':<10}{'page rps':>10}{'floor rps':>11}{'ratio':>8}"
        f"{'CPU: page':>12}{'floor':>8}{'ratio':>8}  (target >= 0.5)"
    )
    for name, r in results.items():
        ratio = r["page_rps"] / r["floor_rps"]
        cpu_ratio = r["page_cpu_rps"] / r["floor_cpu_rps"]
        print(
            f"{name:<10}{r['page_rps']:>10.1f}{r['floor_rps']:>11.1f}{ratio:>8.2f}"
            f"{r['page_cpu_rps']:>12.1f}{r['floor_cpu_rps']:>8.1f}{cpu_ratio:>8.2f}"
        )
    print()
    print(
        "phone (360x740): bytes before first contentful paint, 3D model excluded (target < 300 KB)"
    )
    for name, by_language in ((name, r["phone"]) for name, r in results.items()):
        for code, r in by_language.items():
            print(
                f"{name:<10}{code:<9}{r['before_bytes'] / 1024:>7.1f} KB before FCP at "
                f"{r['fcp_ms']:.0f} ms ({len(r['before_files'])} files); "
                f"{r['all_bytes'] / 1024:.1f} KB in all; LCP: {r['lcp']}"
            )
            if r["before_bytes"] > 300 * 1024:  # over the target: what it spent them on
                for file, size in sorted(r["before_files"], key=lambda f: -f[1]):
                    print(f"{'':<19}{size / 1024:>7.1f} KB  {file}")


if __name__ == "__main__":
    main()
