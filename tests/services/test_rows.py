"""The importers' shared core: problems by row and column, a transaction per row, progress."""

import pytest
from django.db import IntegrityError

from heritage_sites.models import Country
from heritage_sites.services.rows import (
    CLASHES,
    CREATED,
    UNCHANGED,
    Problem,
    RowPlan,
    RowReport,
    rows_import,
)

pytestmark = pytest.mark.django_db


def _writes(code: str, *, then_fail: bool = False):
    def apply():
        Country.objects.create(iso2=code, name_en=code)
        if then_fail:
            raise IntegrityError("site_latitude_in_range")
        return CREATED, ()

    return apply


def test_a_row_the_database_refuses_is_reported_and_rolled_back_alone():
    plans = [
        RowPlan(number=1, apply=_writes("UZ")),
        RowPlan(number=2, line=4, apply=_writes("TJ", then_fail=True)),
        RowPlan(number=3, apply=_writes("KZ")),
    ]
    seen = []

    report = rows_import(
        plans=plans,
        report=RowReport(kind="country", dry_run=False, total=3),
        dry_run=False,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert sorted(Country.objects.values_list("iso2", flat=True)) == ["KZ", "UZ"]
    # In plain words: the database's own message (a constraint's name) is for the log.
    assert report.problems == [Problem(2, "row", CLASHES, line=4)]
    assert "site_latitude_in_range" not in str(report.problems[0])
    assert str(report.problems[0]).startswith("row 2 (line 4), column row: Not saved")
    assert (report.created, report.refused_rows) == (2, 1)
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_a_dry_run_counts_what_would_happen_and_writes_nothing():
    plans = [
        RowPlan(number=1, apply=_writes("UZ")),
        RowPlan(number=2, outcome=UNCHANGED, apply=_writes("TJ")),
        RowPlan(number=3, problems=[("latitude", "Not a number.")], apply=_writes("KZ")),
    ]

    report = rows_import(
        plans=plans, report=RowReport(kind="country", dry_run=True, total=3), dry_run=True
    )

    assert not Country.objects.exists()
    assert report.summary() == (
        "3 country row(s) read: 1 would be created, 0 would be updated, 1 unchanged, "
        "1 refused (1 problem(s))."
    )
    assert report.as_json()["problems"] == [
        {"row": 3, "line": None, "column": "latitude", "message": "Not a number."}
    ]
