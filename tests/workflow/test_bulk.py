"""Bulk import (dry run listing every problem by row and column, then the fixed file) and
export."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from heritage_sites.models import Artefact, PublicationState
from heritage_sites.rights import Licence
from tests.factories import ArtefactFactory, HeritageSiteFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "accession_number,slug,title,object_type,licence,rights_holder,date_earliest,date_latest,site\n"
)
BROKEN = HEADER + (
    "A-1,lustre-bowl,Lustre bowl,vessel,CC-BY-4.0,Home Museum,1100,1200,merv\n"
    "A-2,coin,Coin,spaceship,CC-BY-4.0,Home Museum,900,1000,\n"
    "A-3,stele,Stele,stele,WTFPL,Home Museum,1300,1200,atlantis\n"
    "A-4,not a slug,,vessel,InC,,x,,\n"
)
FIXED = HEADER + (
    "A-1,lustre-bowl,Lustre bowl,vessel,CC-BY-4.0,Home Museum,1100,1200,merv\n"
    "A-2,coin,Coin,coin,CC-BY-4.0,Home Museum,900,1000,\n"
    "A-3,stele,Stele,stele,CC0-1.0,Home Museum,1200,1300,\n"
    "A-4,plate,Plate,vessel,InC,Home Museum,,,\n"
)


def run(path, *extra):
    out = StringIO()
    call_command(
        "import_records",
        str(path),
        "--kind",
        "artefact",
        "--institution",
        "home-museum",
        *extra,
        stdout=out,
        stderr=StringIO(),
    )
    return out.getvalue()


def test_a_dry_run_lists_every_problem_by_row_and_column_and_changes_nothing(home, tmp_path):
    HeritageSiteFactory(slug="merv")
    broken = tmp_path / "artefacts.csv"
    broken.write_text(BROKEN)
    out = StringIO()
    with pytest.raises(CommandError, match="problem"):
        call_command(
            "import_records",
            str(broken),
            "--kind",
            "artefact",
            "--institution",
            "home-museum",
            "--dry-run",
            stdout=out,
            stderr=StringIO(),
        )
    text = out.getvalue()
    for expected in [
        "row 2, column object_type:",
        "row 3, column licence: Unknown licence",
        "row 3, column site: No site with the slug 'atlantis'",
        "row 3, column date_latest:",
        "row 4, column slug:",
        "row 4, column title: This column is required.",
        "row 4, column rights_holder: This column is required.",
        "row 4, column date_earliest:",
    ]:
        assert expected in text, text
    assert "row 1," not in text
    assert "1 would be created" in text and "3 refused" in text
    assert not Artefact.objects.exists()

    fixed = tmp_path / "artefacts-fixed.csv"
    fixed.write_text(FIXED)
    assert "4 were created" in run(fixed)
    bowl = Artefact.objects.get(accession_number="A-1")
    assert (bowl.institution, bowl.site.slug, bowl.state) == (home, "merv", PublicationState.DRAFT)
    assert bowl.licence == Licence.CC_BY
    # Imported again: the drafts are updated, nothing is duplicated.
    assert "4 were updated" in run(fixed)
    assert Artefact.objects.count() == 4


def test_a_real_run_writes_the_good_rows_and_refuses_the_bad_ones(home, tmp_path):
    HeritageSiteFactory(slug="merv")
    broken = tmp_path / "artefacts.json"
    rows = [
        {
            "accession_number": "A-1",
            "slug": "bowl",
            "title": "Bowl",
            "object_type": "vessel",
            "licence": "CC0-1.0",
            "rights_holder": "Home",
        },
        {
            "accession_number": "A-2",
            "slug": "bowl",
            "title": "Bowl 2",
            "object_type": "vessel",
            "licence": "CC0-1.0",
            "rights_holder": "Home",
            "colour": "blue",
        },
    ]
    broken.write_text(json.dumps(rows))
    text = run(broken)
    assert "row 2, column colour: Unknown column" in text
    assert "1 were created" in text and "1 refused" in text
    assert list(Artefact.objects.values_list("accession_number", flat=True)) == ["A-1"]


def test_bad_files_are_plain_errors(home, tmp_path):
    bad = tmp_path / "rows.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="does not parse"):
        run(bad)
    with pytest.raises(CommandError, match="institution"):
        call_command("import_records", str(bad), "--kind", "artefact")


def test_exports_of_an_institution_and_of_everything_published(home, other):
    ArtefactFactory(institution=home, accession_number="H-1", state=PublicationState.DRAFT)
    ArtefactFactory(institution=other, accession_number="O-1")
    out = StringIO()
    call_command(
        "export_records",
        "--kind",
        "artefact",
        "--institution",
        "home-museum",
        "--format",
        "csv",
        stdout=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("accession_number,slug,title")
    assert len(lines) == 2 and lines[1].startswith("H-1,")
    out = StringIO()
    call_command(
        "export_records", "--kind", "artefact", "--published", "--format", "jsonl", stdout=out
    )
    published = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["accession_number"] for row in published] == ["O-1"]
    assert published[0]["licence"] == Licence.CC_BY


class Terminal(StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_only(home, tmp_path):
    HeritageSiteFactory(slug="merv")
    fixed = tmp_path / "artefacts.csv"
    fixed.write_text(FIXED)
    args = ("import_records", str(fixed), "--kind", "artefact", "--institution", "home-museum")
    terminal, pipe = Terminal(), StringIO()

    call_command(*args, "--dry-run", stdout=StringIO(), stderr=terminal)
    call_command(*args, "--dry-run", stdout=StringIO(), stderr=pipe)

    assert terminal.getvalue().endswith(f"\r[{'#' * 30}] 4/4\n")
    assert f"\r[{'#' * 7}{'.' * 23}] 1/4" in terminal.getvalue()
    assert pipe.getvalue() == ""
