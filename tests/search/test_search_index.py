"""The SQLite search index can be rebuilt, e.g. after a language is added."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from tests.factories import HeritageSiteFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's"),
]


def test_rebuild_indexes_rows_that_bypassed_the_triggers():
    anon = APIClient()
    site = HeritageSiteFactory(slug="merv", name_en="Merv")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM heritage_sites_heritagesite_fts")
    assert anon.get("/api/v1/sites/?q=Merv").json()["results"] == []
    output = io.StringIO()
    call_command("search_index_rebuild", stdout=output)
    assert "rebuilt" in output.getvalue()
    assert [r["slug"] for r in anon.get("/api/v1/sites/?q=Merv").json()["results"]] == ["merv"]
    site.name_en = "Mary"
    site.save()
    assert anon.get("/api/v1/sites/?q=Merv").json()["results"] == []
