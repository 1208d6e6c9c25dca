"""How API v1 answers grow with the collection: 1k, 10k, 100k (and 1M) artefacts, and a
tenth as many sites, in SQLite and PostgreSQL.

For each database and size it loads the rows (bulk inserts, in batches, into a fresh
database), then times in-process requests (Django's test client, no network) and prints
p50/p99 of: a list page, a deep cursor page (the middle of the list), a search, a `near`
query, a `bbox` query and a facet count (kept between requests), and the same facet count
with a write before each request (counted afresh); then the query plan of each list query, and
whether it uses an index. Last, the growth from 10k to the largest size (target < 3x).

Run: .venv/bin/python bench/api_scale.py [--sizes 1000,10000,100000,1000000]
                                         [--databases sqlite,postgres] [--repeat 30]
PostgreSQL: postgres://postgres@127.0.0.1:5432/ (database museum_api_scale, re-created).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_DB = "museum_api_scale"

CHILD = r"""
import base64, json, os, statistics, sys, time
from urllib.parse import urlencode
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import setup_test_environment

setup_test_environment()
settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "api_key": None}}
from heritage_sites.models import Artefact, Country, HeritageSite, Institution, Material
from heritage_sites.rights import Licence
from heritage_sites.search import sql as search_sql

sizes = json.loads(sys.argv[1])
repeat = int(sys.argv[2])
call_command("migrate", verbosity=0)
vendor = connection.vendor
country = Country.objects.create(iso2="UZ", iso3="UZB", name_en="Uzbekistan")
institutions = [Institution.objects.create(slug=f"museum-{i}", name_en=f"Museum {i}",
                                           country=country) for i in range(20)]
materials = [Material.objects.create(slug=f"m-{i}", name_en=f"Material {i}") for i in range(8)]
WORDS = ["bowl", "ewer", "coin", "tile", "stele", "jar", "lamp", "plate"]
loaded_sites = loaded_artefacts = 0

def load_sites(upto):
    global loaded_sites
    rows = []
    for i in range(loaded_sites, upto):
        rows.append(HeritageSite(
            slug=f"site-{i}", name_en=f"Caravanserai {i:07d}",
            description_en="A stop on the road.", latitude=20 + (i * 7919 % 30000) / 1000,
            longitude=40 + (i * 104729 % 80000) / 1000, state="published"))
        if len(rows) == 5000:
            HeritageSite.objects.bulk_create(rows); rows = []
    HeritageSite.objects.bulk_create(rows)
    ids = list(HeritageSite.objects.filter(countries__isnull=True).values_list("id", flat=True))
    through = HeritageSite.countries.through
    for start in range(0, len(ids), 20000):
        through.objects.bulk_create([through(heritagesite_id=pk, country_id=country.pk)
                                     for pk in ids[start:start + 20000]])
    loaded_sites = upto

def load_artefacts(upto, site_ids):
    global loaded_artefacts
    through = Artefact.materials.through
    for start in range(loaded_artefacts, upto, 10000):
        stop = min(start + 10000, upto)
        rows = [Artefact(
            slug=f"artefact-{i}", title_en=f"Glazed {WORDS[i % 8]} {i:07d}",
            description_en="Painted rim.", accession_number=f"INV-{i:07d}",
            institution=institutions[i % 20], site_id=site_ids[i % len(site_ids)],
            object_type="vessel", date_earliest=900, date_latest=1000, licence=Licence.CC_BY,
            rights_holder="Museum", state="published") for i in range(start, stop)]
        created = Artefact.objects.bulk_create(rows, batch_size=2000)
        if vendor == "sqlite":
            first = Artefact.objects.get(slug=f"artefact-{start}").pk
            pks = range(first, first + len(rows))
        else:
            pks = [a.pk for a in created]
        through.objects.bulk_create(
            [through(artefact_id=pk, material_id=materials[pk % 8].pk) for pk in pks],
            batch_size=5000)
    loaded_artefacts = upto

client = Client()

def timed(url, before=None):
    client.get(url)  # warm: first-request costs are not the collection's size
    samples = []
    for _ in range(repeat):
        if before is not None:
            before()
        begin = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - begin) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]

def deep_cursor(n):
    title = Artefact.objects.order_by("title_en", "id").values_list("title_en", flat=True)[n // 2]
    token = base64.b64encode(urlencode({"p": title}).encode()).decode()
    return "/api/v1/artefacts/?" + urlencode({"cursor": token})

def plan(queryset):
    text = queryset.explain()
    uses_index = any(word in text for word in ("USING INDEX", "Index Scan", "Index Only Scan",
                                               "USING COVERING INDEX", "Bitmap Index Scan",
                                               "VIRTUAL TABLE INDEX"))
    scan = ("SCAN heritage_sites_artefact\n" in text + "\n" or "Seq Scan" in text
            or "SCAN heritage_sites_heritagesite\n" in text + "\n")
    return {"uses_index": uses_index, "full_scan": scan, "plan": text}

results = {}
for n in sizes:
    begin = time.perf_counter()
    load_sites(max(n // 10, 10))
    site_ids = list(HeritageSite.objects.order_by("id").values_list("id", flat=True))
    load_artefacts(n, site_ids)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does after a bulk load: statistics, and the GIN indexes'
            # pending entries merged (until then every search reads them one by one).
            cursor.execute("VACUUM ANALYZE")
    load_seconds = time.perf_counter() - begin
    rare = f"{n // 3:07d}"
    urls = {
        "list page": "/api/v1/artefacts/",
        "deep cursor": deep_cursor(n),
        "search": f"/api/v1/artefacts/?search={rare}",
        "near": "/api/v1/sites/?near=35,80&radius_km=25",
        "bbox": "/api/v1/sites/?bbox=79.8,34.8,80.2,35.2",
        "facet count": "/api/v1/artefacts/?facets=material&page_size=1",
    }
    timings = {name: timed(url) for name, url in urls.items()}
    # A write before each request: the kept counts are stale, every request counts afresh.
    timings["facets cold"] = timed(urls["facet count"], before=lambda: Material.objects.filter(
        pk=materials[0].pk).update(name_en="Material 0"))
    from django.contrib.auth.models import AnonymousUser
    from heritage_sites.api import geo
    from heritage_sites.search import query
    anonymous = AnonymousUser()
    artefacts = Artefact.objects.visible_to(anonymous)
    sites = HeritageSite.objects.visible_to(anonymous)
    title = Artefact.objects.order_by("title_en", "id").values_list("title_en", flat=True)[n // 2]
    plans = {
        "list page": plan(artefacts.order_by("title_en", "id")[:51]),
        "deep cursor": plan(artefacts.filter(title_en__gte=title).order_by("title_en", "id")[:51]),
        "search": plan(query.search(artefacts, rare)),
        "near": plan(sites.filter(geo.around(35, 80, 25))),
        "bbox": plan(sites.filter(geo.in_bbox(79.8, 34.8, 80.2, 35.2))),
        "facet count": plan(Artefact.materials.through.objects.values("material_id")
                            .annotate(n=django.db.models.Count("artefact_id"))),
    }
    plans["facets cold"] = plans["facet count"]
    results[n] = {"load_seconds": load_seconds, "timings": timings, "plans": plans}
    print(json.dumps({"size": n, **results[n]}), flush=True)
"""


def run(database: str, sizes: list[int], repeat: int) -> dict[int, dict]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "museum.settings", "PYTHONPATH": str(ROOT)}
    env["CELERY_BROKER_URL"] = "memory://"
    folder = Path(tempfile.mkdtemp(prefix="museum-api-scale-"))
    env["MUSEUM_DATA_DIR"] = str(folder)
    env["MEDIA_ROOT"] = str(folder / "media")
    if database == "postgres":
        subprocess.run(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {PG_DB}"], check=True)
        subprocess.run(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {PG_DB}"], check=True)
        env["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
    else:
        env["DATABASE_URL"] = f"sqlite:///{folder / 'scale.sqlite3'}"
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, json.dumps(sizes), str(repeat)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    found = {}
    for line in process.stdout:
        if line.startswith("{"):
            row = json.loads(line)
            found[row["size"]] = row
            report_size(database, row)
    process.wait()
    if process.returncode:
        print(f"{database}: the run stopped (exit {process.returncode})", flush=True)
    return found


def report_size(database: str, row: dict) -> None:
    print(f"\n{database}, {row['size']:,} artefacts: loaded in {row['load_seconds']:.1f} s")
    for name, (p50, p99) in row["timings"].items():
        plan = row["plans"][name]
        how = (
            "index"
            if plan["uses_index"] and not plan["full_scan"]
            else ("index + scan" if plan["uses_index"] else "FULL SCAN")
        )
        print(f"  {name:12s} p50 {p50:8.1f} ms  p99 {p99:8.1f} ms  plan: {how}", flush=True)


def report_growth(database: str, found: dict[int, dict]) -> None:
    sizes = sorted(found)
    if 10_000 not in found or sizes[-1] <= 10_000:
        return
    top = sizes[-1]
    print(f"\n{database}: growth of p50 from 10,000 to {top:,} (target < 3x)")
    for name in found[10_000]["timings"]:
        low, high = found[10_000]["timings"][name][0], found[top]["timings"][name][0]
        ratio = high / low if low else float("inf")
        print(f"  {name:12s} {ratio:6.2f}x  {'holds' if ratio < 3 else 'DOES NOT HOLD'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--plans", action="store_true", help="print the full query plans")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    for database in args.databases.split(","):
        began = time.perf_counter()
        found = run(database, sizes, args.repeat)
        report_growth(database, found)
        if args.plans:
            for size, row in sorted(found.items()):
                for name, plan in row["plans"].items():
                    print(f"\n{database} {size:,} {name}:\n{plan['plan']}")
        print(f"{database}: {time.perf_counter() - began:.0f} s in all", flush=True)


if __name__ == "__main__":
    main()
