"""Facet counts are kept between requests and follow every kind of write exactly.

Transactional tests: the kept counts are only consulted outside a transaction, where each
write below commits as it would in production.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from heritage_sites.api import listing
from heritage_sites.models import Artefact, HeritageSite, PublicationState, Scan
from heritage_sites.rights import Licence
from heritage_sites.services import workflow
from heritage_sites.services.records import record_delete
from tests.factories import (
    ArtefactFactory,
    CountryFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    MaterialFactory,
    ScanFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

ARTEFACTS = "/api/v1/artefacts/?facets=country,corridor,material,object_type,has_3d&page_size=1"
SITES = "/api/v1/sites/?facets=country,corridor,category,has_3d&page_size=1"


@pytest.fixture
def counted(monkeypatch):
    """How many times the counts were really computed."""
    calls = []
    real = listing._counted

    def counting(queryset, names):
        calls.append(names)
        return real(queryset, names)

    monkeypatch.setattr(listing, "_counted", counting)
    return calls


@pytest.fixture
def world():
    uz, cn = CountryFactory(iso2="UZ"), CountryFactory(iso2="CN")
    bronze, silk = MaterialFactory(slug="bronze"), MaterialFactory(slug="silk")
    home = InstitutionFactory(slug="home")
    merv = HeritageSiteFactory(slug="merv", countries=[uz])
    xian = HeritageSiteFactory(slug="xian", countries=[cn])
    ArtefactFactory(slug="a", site=merv, institution=home, materials=[bronze])
    ArtefactFactory(slug="b", site=xian, institution=home, materials=[silk], object_type="textile")
    draft = ArtefactFactory(
        slug="draft", site=merv, institution=home, state=PublicationState.DRAFT, materials=[silk]
    )
    staff = get_user_model().objects.create(username="staff", is_staff=True, is_superuser=True)
    return {"uz": uz, "cn": cn, "silk": silk, "merv": merv, "draft": draft, "staff": staff}


def _live(model, url_names):
    from django.contrib.auth.models import AnonymousUser

    return listing._counted(model.objects.visible_to(AnonymousUser()), url_names)


def _follows(anon, counted):
    """The API's counts equal a fresh count, for artefacts and sites."""
    before = len(counted)
    artefacts = anon.get(ARTEFACTS).json()["facets"]
    sites = anon.get(SITES).json()["facets"]
    computed = len(counted) - before
    names = ["country", "corridor", "material", "object_type", "has_3d"]
    assert artefacts == _live(Artefact, names)
    assert sites == _live(HeritageSite, ["country", "corridor", "category", "has_3d"])
    return computed  # counts computed by the two requests (not kept ones)


def test_counts_are_kept_until_something_changes(anon, world, counted):
    assert _follows(anon, counted) == 2
    assert _follows(anon, counted) == 0  # kept
    assert anon.get(ARTEFACTS).json()["facets"]["material"] == {"bronze": 1, "silk": 1}
    Artefact.objects.filter(slug="a").update(object_type="textile")
    assert _follows(anon, counted) == 2
    assert anon.get(ARTEFACTS).json()["facets"]["object_type"] == {"textile": 2}


def test_counts_follow_publication_withdrawal_and_deletion(anon, world, counted):
    _follows(anon, counted)
    workflow.artefact_submit(artefact=world["draft"], by=world["staff"])
    assert _follows(anon, counted) == 2  # a write, though no count moves
    workflow.artefact_publish(artefact=world["draft"], by=world["staff"])
    assert _follows(anon, counted) == 2
    assert anon.get(ARTEFACTS).json()["facets"]["material"] == {"silk": 2, "bronze": 1}
    workflow.artefact_withdraw(artefact=world["draft"], by=world["staff"], note="Loaned out.")
    assert _follows(anon, counted) == 2
    assert anon.get(ARTEFACTS).json()["facets"]["material"] == {"bronze": 1, "silk": 1}
    record_delete(instance=Artefact.objects.get(slug="b"))
    assert _follows(anon, counted) == 2
    assert anon.get(ARTEFACTS).json()["facets"]["material"] == {"bronze": 1}
    HeritageSite.objects.get(slug="xian").delete()
    assert _follows(anon, counted) == 2


def test_counts_follow_materials_countries_and_scans(anon, world, counted):
    _follows(anon, counted)
    a = Artefact.objects.get(slug="a")
    a.materials.add(world["silk"])
    assert _follows(anon, counted) == 2
    a.materials.clear()
    assert _follows(anon, counted) == 2
    world["merv"].countries.set([world["cn"]])
    assert _follows(anon, counted) == 2
    assert anon.get(ARTEFACTS).json()["facets"]["country"] == {"CN": 2}
    scan = ScanFactory(artefact=a)
    Scan.objects.filter(pk=scan.pk).update(state=Scan.State.READY)
    assert _follows(anon, counted) == 2
    world["silk"].slug = "raw-silk"
    world["silk"].save()
    assert _follows(anon, counted) == 2
    assert "raw-silk" in anon.get(ARTEFACTS).json()["facets"]["material"]


def test_counts_follow_bulk_loads(anon, world, counted):
    _follows(anon, counted)
    made = Artefact.objects.bulk_create(
        [
            Artefact(
                slug=f"bulk-{i}",
                title_en=f"Bulk {i}",
                accession_number=f"B-{i}",
                institution=world["draft"].institution,
                site=world["merv"],
                licence=Licence.CC_BY,
                rights_holder="Museum",
                state=PublicationState.PUBLISHED,
            )
            for i in range(3)
        ]
    )
    assert _follows(anon, counted) == 2
    through = Artefact.materials.through
    pks = Artefact.objects.filter(slug__startswith="bulk-").values_list("pk", flat=True)
    through.objects.bulk_create(
        [through(artefact_id=pk, material_id=world["silk"].pk) for pk in pks]
    )
    assert _follows(anon, counted) == 2
    assert anon.get(ARTEFACTS).json()["facets"]["material"]["silk"] == 4
    assert len(made) == 3


def test_counts_inside_a_transaction_are_counted_afresh(anon, world, counted):
    _follows(anon, counted)
    with transaction.atomic():
        Artefact.objects.filter(slug="a").update(state=PublicationState.DRAFT)
        assert anon.get(ARTEFACTS).json()["facets"]["material"] == {"silk": 1}
        transaction.set_rollback(True)
    assert _follows(anon, counted) == 0  # rolled back: the kept counts still hold
    assert anon.get(ARTEFACTS).json()["facets"]["material"] == {"bronze": 1, "silk": 1}


def test_filtered_counts_are_kept_apart(anon, world, counted):
    assert anon.get("/api/v1/artefacts/?facets=material&country=UZ").json()["facets"] == {
        "material": {"bronze": 1}
    }
    assert anon.get("/api/v1/artefacts/?facets=material&country=CN").json()["facets"] == {
        "material": {"silk": 1}
    }
    assert anon.get("/api/v1/artefacts/?facets=material&search=bowl").status_code == 200


def test_every_watched_table_logs_its_writes():
    # A migration that makes SQLite rebuild a table drops its triggers with it.
    from django.db import connection

    from heritage_sites import changes

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [changes.SQLITE_COUNTER + "%"],
            )
            logged = [row[0] for row in cursor.fetchall()]
            expected = 3  # insert, update, delete
        else:
            cursor.execute(
                "SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname = %s",
                [changes.POSTGRES_FUNCTION],
            )
            logged = [row[0] for row in cursor.fetchall()]
            expected = 1  # one statement trigger for every event
    for table in changes.WATCHED_TABLES:
        assert logged.count(table) == expected, table


def test_search_answers_are_counted_afresh_on_sqlite(anon, world, counted):
    from django.db import connection

    anon.get("/api/v1/artefacts/?facets=material&search=bowl")
    anon.get("/api/v1/artefacts/?facets=material&search=bowl")
    # SQLite's search reads the FTS5 tables, which the change log does not follow.
    assert len(counted) == (2 if connection.vendor == "sqlite" else 1)


def test_a_kept_count_older_than_its_lifetime_is_counted_afresh(anon, world, counted, monkeypatch):
    import time

    from heritage_sites import changes

    _follows(anon, counted)
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + changes.KEEP_SECONDS + 1)
    # Nothing changed, but the log may have been pruned of what so old a note would need.
    assert _follows(anon, counted) == 2
    assert _follows(anon, counted) == 0


def test_pruning_the_log_drops_old_rows_and_counts_still_follow_writes(anon, world, counted):
    from django.db import connection

    from heritage_sites import changes

    if connection.vendor != "postgresql":
        assert changes.change_log_prune(keep_seconds=0) == 0  # a counter: nothing to prune
        return

    def logged(table=changes.POSTGRES_LOG) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {table}")
            return cursor.fetchone()[0]

    before = logged()
    assert before > 0  # the fixture's writes
    # A mark, made to look two hours old: it stands for a run of the task long ago.
    assert changes.change_log_prune(keep_seconds=3600) == 0  # no mark is that old yet
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {changes.POSTGRES_MARKS} SET taken_at = taken_at - interval '2h'")
    _follows(anon, counted)  # counted and kept, noted after the mark
    ArtefactFactory(materials=[world["silk"]])  # writes after the note
    written = logged() - before
    assert written >= 1
    pruned = changes.change_log_prune(keep_seconds=3600)
    assert pruned == before  # the fixture's writes, all before the mark
    assert logged() == written  # the writes after the note stay
    assert _follows(anon, counted) == 2  # and is seen
    assert _follows(anon, counted) == 0
    assert anon.get(ARTEFACTS).json()["facets"]["material"] == {"silk": 2, "bronze": 1}
    assert logged(changes.POSTGRES_MARKS) == 2  # the cut and the newest
