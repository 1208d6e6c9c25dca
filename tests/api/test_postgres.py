"""PostgreSQL-only behaviour: stemmed full-text search and pg_trgm for Chinese and Persian.

Run with (any database name; pytest-django creates test_<name>):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/pytest -m integration tests/api
"""

import pytest
from django.db import connection

from tests.factories import ArtefactFactory, HeritageSiteFactory

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs DATABASE_URL=postgres://"),
]


def _slugs(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


@pytest.fixture
def sites():
    HeritageSiteFactory(
        slug="samarkand",
        name_en="Samarkand - Crossroad of Cultures",
        description_en="Caravans crossed the city for centuries.",
        name_ru="Самарканд - перекрёсток культур",
        name_zh_hans="撒马尔罕－文化交汇之地",  # noqa: RUF001
        name_fa="سمرقند، چهارراه فرهنگ‌ها",  # noqa: RUF001
        name_tr="Semerkant",
    )
    HeritageSiteFactory(
        slug="weiyang",
        name_en="Site of Weiyang Palace",
        name_zh_hans="汉长安城未央宫遗址",
        description_en="A palace of the Han capital.",
    )


def test_pg_trgm_is_installed():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("caravan", {"samarkand"}),  # English stemming: "Caravans"
        ("crossroads", {"samarkand"}),
        ("культура", {"samarkand"}),  # Russian stemming: "культур"
        ("палаццо", set()),
        ("未央宫", {"weiyang"}),
        ("长安", {"weiyang"}),
        ("سمرقند", {"samarkand"}),
        ("فرهنگ", {"samarkand"}),
        ("palace han", {"weiyang"}),
        ("'\"():*&|!", set()),  # tsquery syntax characters are plain text
    ],
)
def test_search_on_postgresql(anon, sites, query, expected):
    assert _slugs(anon, "/api/v1/sites/", q=query) == expected


def test_artefact_search_on_postgresql(anon, home):
    ArtefactFactory(slug="ewer", institution=home, description_ru="Кувшины с бирюзовой глазурью")  # noqa: RUF001
    assert _slugs(anon, "/api/v1/artefacts/", q="кувшин") == {"ewer"}


def test_near_on_postgresql(anon, sites):
    rows = anon.get("/api/v1/sites/?near=39.65,66.97&radius_km=10").json()["results"]
    assert [row["slug"] for row in rows] == ["samarkand", "weiyang"]  # same factory point
    assert rows[0]["distance_km"] < 1


@pytest.mark.parametrize("text", ["crossroads", "未央宫", "فرهنگ"])
def test_search_reads_indexes_not_every_row(sites, text):
    # With sequential scans priced out, a branch whose expression the index does not store
    # would still read the table: every branch must be an index scan.
    from heritage_sites.models import HeritageSite
    from heritage_sites.search import query

    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        plan = query.search(HeritageSite.objects.all(), text).explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
    branches = plan.count("Bitmap Heap Scan on heritage_sites_heritagesite")
    assert branches == 5 + 2 * 2 * 2  # five stemmed documents; Chinese, Persian x 2 fields x 2
    assert plan.count("Bitmap Index Scan on heritage_sites_heritagesite_") == branches
    assert "Seq Scan on heritage_sites_heritagesite " not in plan + " "


@pytest.mark.parametrize(
    "condition",
    [
        "bbox",
        "bbox across the antimeridian",
        "near",
        "near a pole",
    ],
)
def test_bbox_and_near_read_the_spatial_index(condition):
    from heritage_sites.api import geo
    from heritage_sites.models import HeritageSite

    where = {
        "bbox": geo.in_bbox(79.8, 34.8, 80.2, 35.2),
        "bbox across the antimeridian": geo.in_bbox(179, -20, -179, -10),
        "near": geo.around(35, 80, 25),
        "near a pole": geo.around(89.9, 10, 50),
    }[condition]
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        # Not the whole list query: on a test table of no rows the planner may walk the
        # (state, name) index instead. Here the spatial condition must be able to use it.
        plan = HeritageSite.objects.filter(where).explain()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
    assert "heritage_sites_heritagesite_point_gist" in plan, plan
    assert "Seq Scan" not in plan
