"""Filters, full-text search, ordering and the cursor walk of the list endpoints."""

import pytest

from heritage_sites.models import Artefact, HeritageSite, Scan
from tests.factories import (
    ArtefactFactory,
    CorridorFactory,
    CountryFactory,
    HeritageSiteFactory,
    MaterialFactory,
    ScanFactory,
)

pytestmark = pytest.mark.django_db


def slugs(response):
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


@pytest.fixture
def sites():
    uz = CountryFactory(iso2="UZ")
    cn = CountryFactory(iso2="CN")
    tianshan = CorridorFactory(slug="chang-an-tianshan")
    samarkand = HeritageSiteFactory(
        slug="samarkand",
        name_en="Samarkand - Crossroad of Cultures",
        name_zh_hans="撒马尔罕－文化交汇之地",  # noqa: RUF001
        name_fa="سمرقند، چهارراه فرهنگ‌ها",  # noqa: RUF001
        countries=[uz],
        unesco_id=603,
        inscription_year=2001,
        period_start=-700,
        period_end=1500,
    )
    xian = HeritageSiteFactory(
        slug="weiyang-palace",
        name_en="Site of Weiyang Palace in Chang'an City",
        name_zh_hans="汉长安城未央宫遗址",
        countries=[cn],
        corridors=[tianshan],
        period_start=-200,
        period_end=8,
        category=HeritageSite.Category.CULTURAL,
    )
    danger = HeritageSiteFactory(
        slug="shahrisabz",
        name_en="Historic Centre of Shakhrisyabz",
        countries=[uz],
        unesco_id=885,
        in_danger=True,
        category=HeritageSite.Category.MIXED,
    )
    component = HeritageSiteFactory(slug="weiyang-gate", parent=xian, countries=[cn])
    ScanFactory(artefact=None, site=danger, state=Scan.State.READY)
    return {"samarkand": samarkand, "xian": xian, "danger": danger, "component": component}


def test_sites_filter_by_country_corridor_status_and_category(anon, sites):
    assert slugs(anon.get("/api/v1/sites/?country=UZ")) == {"samarkand", "shahrisabz"}
    assert slugs(anon.get("/api/v1/sites/?country=UZ&country=CN")) == {
        "samarkand",
        "shahrisabz",
        "weiyang-palace",
        "weiyang-gate",
    }
    assert slugs(anon.get("/api/v1/sites/?corridor=chang-an-tianshan")) == {"weiyang-palace"}
    assert slugs(anon.get("/api/v1/sites/?unesco_status=in_danger")) == {"shahrisabz"}
    assert slugs(anon.get("/api/v1/sites/?in_danger=true")) == {"shahrisabz"}
    assert slugs(anon.get("/api/v1/sites/?unesco_status=inscribed")) == {"samarkand", "shahrisabz"}
    assert slugs(anon.get("/api/v1/sites/?unesco_id=603")) == {"samarkand"}
    assert slugs(anon.get("/api/v1/sites/?category=mixed")) == {"shahrisabz"}
    assert slugs(anon.get("/api/v1/sites/?has_3d=true")) == {"shahrisabz"}
    assert slugs(anon.get("/api/v1/sites/?level=component")) == {"weiyang-gate"}
    assert slugs(anon.get("/api/v1/sites/?component_of=weiyang-palace")) == {"weiyang-gate"}


def test_sites_filter_by_period_overlap(anon, sites):
    # Weiyang (-200..8) and Samarkand (-700..1500) overlap 1 CE; Samarkand alone 1000.
    assert slugs(anon.get("/api/v1/sites/?period_from=1&period_to=5")) == {
        "samarkand",
        "weiyang-palace",
    }
    assert slugs(anon.get("/api/v1/sites/?period_from=1000")) == {"samarkand"}
    assert slugs(anon.get("/api/v1/sites/?period_to=-600")) == {"samarkand"}


def test_artefacts_filter_by_material_type_institution_period_and_3d(anon, home, other, sites):
    bronze = MaterialFactory(slug="bronze")
    mirror = ArtefactFactory(
        slug="mirror",
        institution=home,
        site=sites["xian"],
        materials=[bronze],
        object_type=Artefact.ObjectType.OTHER,
        date_earliest=-100,
        date_latest=100,
    )
    ArtefactFactory(slug="coin", institution=other, object_type=Artefact.ObjectType.COIN)
    ScanFactory(artefact=mirror, state=Scan.State.READY)
    assert slugs(anon.get("/api/v1/artefacts/?material=bronze")) == {"mirror"}
    assert slugs(anon.get("/api/v1/artefacts/?object_type=coin")) == {"coin"}
    assert slugs(anon.get("/api/v1/artefacts/?institution=home-museum")) == {"mirror"}
    assert slugs(anon.get("/api/v1/artefacts/?country=CN")) == {"mirror"}
    assert slugs(anon.get("/api/v1/artefacts/?corridor=chang-an-tianshan")) == {"mirror"}
    assert slugs(anon.get("/api/v1/artefacts/?site=weiyang-palace")) == {"mirror"}
    assert slugs(anon.get(f"/api/v1/artefacts/?site={sites['xian'].public_id}")) == {"mirror"}
    assert slugs(anon.get("/api/v1/artefacts/?date_from=0&date_to=50")) == {"mirror"}
    assert slugs(anon.get("/api/v1/artefacts/?has_3d=true")) == {"mirror"}
    assert slugs(anon.get("/api/v1/artefacts/?has_3d=false")) == {"coin"}
    assert anon.get("/api/v1/artefacts/?has_3d=true").json()["results"][0]["has_3d"] is True


def test_scans_filter_by_state_for_their_curators(owner, home):
    artefact = ArtefactFactory(institution=home, slug="vase")
    failed = ScanFactory(artefact=artefact, state=Scan.State.FAILED, failure_reason="No faces.")
    ScanFactory(artefact=artefact, state=Scan.State.READY, content=b"OFF\n0 0 0\n")
    rows = owner.get("/api/v1/scans/?state=failed&artefact=vase").json()["results"]
    assert [(row["id"], row["failure_reason"]) for row in rows] == [
        (str(failed.public_id), "No faces.")
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Crossroad", {"samarkand"}),
        ("crossroad cultures", {"samarkand"}),
        ("撒马尔罕", {"samarkand"}),
        ("长安", {"weiyang-palace"}),  # two characters: below the trigram length
        ("未央宫", {"weiyang-palace"}),
        ("سمرقند", {"samarkand"}),
        ("فرهنگ", {"samarkand"}),
        ("Weiyang Chang'an", {"weiyang-palace"}),
        ('"quoted" OR NEAR(', set()),  # FTS5 syntax is read as plain words
        ("zz", set()),
    ],
)
def test_search_finds_names_in_every_language(anon, sites, query, expected):
    assert slugs(anon.get("/api/v1/sites/", {"q": query})) == expected


def test_search_follows_edits_of_translations(anon, sites):
    site = sites["danger"]
    site.name_fa = "شهر سبز"
    site.save()
    assert slugs(anon.get("/api/v1/sites/", {"q": "شهر سبز"})) == {"shahrisabz"}
    site.delete()
    assert slugs(anon.get("/api/v1/sites/", {"q": "شهر"})) == set()


def test_search_finds_artefacts_by_description(anon, home):
    ArtefactFactory(slug="ewer", institution=home, description_ru="Кувшин с бирюзовой глазурью")  # noqa: RUF001
    assert slugs(anon.get("/api/v1/artefacts/", {"q": "бирюзовой"})) == {"ewer"}


@pytest.mark.parametrize(
    "query",
    [
        "country=ZZ",
        "corridor=nowhere",
        "unesco_status=famous",
        "in_danger=maybe",
        "has_3d=1x",
        "category=urban",
        "period_from=abc",
        "period_from=2000&period_to=1000",
        "period_to=99999",
        "unesco_id=-1",
        "level=planet",
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=0,50,10,40",
        "bbox=0,0,200,10",
        "bbox=nan,0,1,1",
        "near=91,0",
        "near=1",
        "near=40,60&radius_km=-5",
        "near=40,60&radius_km=99999",
        "radius_km=10",
        "ordering=secret_field",
        "cursor=not-a-cursor",
        "lang=xx",
        "state=gone",
        f"q={'x' * 300}",
    ],
)
def test_bad_filters_answer_400_with_a_named_parameter(anon, sites, query):
    response = anon.get(f"/api/v1/sites/?{query}")
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    name = query.split("&")[-1].split("=")[0]  # the last parameter is the bad one
    assert body["status"] == 400
    assert name in body["errors"]
    assert body["detail"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/artefacts/?material=nothing",
        "/api/v1/artefacts/?date_from=10&date_to=5",
        "/api/v1/artefacts/?object_type=spaceship",
        "/api/v1/artefacts/?ordering=-weight",
        "/api/v1/scans/?state=exploded",
        "/api/v1/scans/?file_format=doc",
        "/api/v1/countries/?ordering=population",
    ],
)
def test_bad_filters_on_other_lists_answer_400(anon, url):
    response = anon.get(url)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_ordering_by_name_both_ways(anon):
    for name in ("Bukhara", "Almaty", "Chang'an"):
        HeritageSiteFactory(name_en=name)
    names = [
        r["name"]["value"] for r in anon.get("/api/v1/sites/?ordering=-name").json()["results"]
    ]
    assert names == ["Chang'an", "Bukhara", "Almaty"]


def _sites(count: int) -> None:
    # Repeated names make the cursor rely on its tie-breaker.
    for index in range(count):
        HeritageSiteFactory(name_en=f"Site {index % 4}")


def _artefacts(count: int) -> None:
    # The artefact list reads plain rows: the column each ordering sorts by must come along.
    for index in range(count):
        ArtefactFactory(title_en=f"Bowl {index % 3}")


@pytest.mark.parametrize(
    ("path", "make", "ordering"),
    [
        *(("sites", _sites, ordering) for ordering in ("name", "-name", "created", "-updated")),
        *(
            ("artefacts", _artefacts, ordering)
            for ordering in ("title", "-accession_number", "created", "-created")
        ),
    ],
)
def test_cursor_walk_returns_every_row_once(anon, path, make, ordering):
    make(23)
    seen, url, pages = [], f"/api/v1/{path}/?page_size=5&ordering={ordering}", 0
    while url:
        body = anon.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1
    assert len(seen) == 23 and len(set(seen)) == 23
    assert pages == 5


def test_cursor_walk_back_with_previous(anon):
    for index in range(7):
        HeritageSiteFactory(name_en=f"Site {index}")
    first = anon.get("/api/v1/sites/?page_size=3").json()
    second = anon.get(first["next"]).json()
    back = anon.get(second["previous"]).json()
    assert [r["id"] for r in back["results"]] == [r["id"] for r in first["results"]]
