"""import_whc: World Heritage export rows become published HeritageSite and Country rows."""

# Curly quotes, dashes and dotless i are what these tests are about:
# ruff: noqa: RUF001
import io
import re
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from heritage_sites.importers.whc import WhcCountry, read_whc_export
from heritage_sites.models import Country, HeritageSite, PublicationState
from heritage_sites.services.imports import WHC_TEXT_SOURCE, site_import_whc_row
from tests.conftest import DATA, needs_shared_data
from tests.factories import CountryFactory, HeritageSiteFactory
from tests.importers.whc_samples import BUKHARA, FIXED, WITH_ERRORS, whc_csv, whc_row

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def run_import(path, *args, stderr=None) -> tuple[str, str]:
    out, err = io.StringIO(), stderr or io.StringIO()
    call_command("import_whc", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts(output: str) -> dict[str, int]:
    return {
        key: int(value)
        for key, value in re.findall(
            r"^  (created|updated|unchanged|rejected): +(\d+)$", output, re.M
        )
    }


def write_export(tmp_path, *rows) -> object:
    path = tmp_path / "whc.csv"
    path.write_bytes(whc_csv(*rows))
    return path


def test_it_creates_published_sites_with_their_countries(tmp_path):
    path = write_export(tmp_path, whc_row(), BUKHARA)

    out, err = run_import(path)

    assert counts(out) == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 0}
    assert err == ""
    site = HeritageSite.objects.get(unesco_id=603)
    assert site.name_en == "Samarkand – Crossroad of Cultures"
    assert site.name_fr == "Samarkand – carrefour de cultures"
    assert site.description_en.startswith("The historic town of Samarkand is a crossroad")
    assert "\n\nIts major monuments include the Registan." in site.description_en
    assert site.slug == "samarkand-crossroad-of-cultures"
    assert site.state == PublicationState.PUBLISHED
    assert site.published_at is not None
    assert site.text_source == WHC_TEXT_SOURCE
    assert (site.latitude, site.longitude) == (Decimal("39.668610"), Decimal("67.000000"))
    assert (site.inscription_year, site.criteria, site.category) == (
        2001,
        "(i)(ii)(iv)",
        "cultural",
    )
    assert site.area_hectares == Decimal("1123.00")
    assert site.in_danger is False
    uzbekistan = Country.objects.get(iso2="UZ")
    assert (uzbekistan.name_en, uzbekistan.name_fr) == ("Uzbekistan", "Ouzbékistan")
    assert list(site.countries.all()) == [uzbekistan]
    assert "Texts credited to: UNESCO World Heritage Centre" in out


def test_a_second_run_changes_nothing(tmp_path):
    path = write_export(tmp_path, whc_row(), BUKHARA)
    run_import(path)
    stamps = dict(HeritageSite.objects.values_list("unesco_id", "updated_at"))

    out, _ = run_import(path)

    assert counts(out) == {"created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert dict(HeritageSite.objects.values_list("unesco_id", "updated_at")) == stamps


def test_it_updates_only_the_fields_that_changed_and_keeps_slug_and_state(tmp_path):
    run_import(write_export(tmp_path, whc_row(), BUKHARA))
    HeritageSite.objects.filter(unesco_id=603).update(
        state=PublicationState.WITHDRAWN, description_en="Edited by hand."
    )
    changed = whc_row(name_en=b"Samarkand \x96 Crossroads", danger=b"1", iso_code=b"uz,tj")
    changed["states_name_en"] = b"Uzbekistan,Tajikistan"

    out, _ = run_import(write_export(tmp_path, changed, BUKHARA))

    assert counts(out) == {"created": 0, "updated": 1, "unchanged": 1, "rejected": 0}
    assert "updated id_no 603: name_en, description_en, in_danger, countries" in out
    site = HeritageSite.objects.get(unesco_id=603)
    assert site.name_en == "Samarkand – Crossroads"
    assert site.description_en.startswith("The historic town")
    assert site.in_danger is True
    assert site.slug == "samarkand-crossroad-of-cultures"
    assert site.state == PublicationState.WITHDRAWN
    assert sorted(site.countries.values_list("iso2", flat=True)) == ["TJ", "UZ"]


def test_it_lists_rejected_rows_with_line_and_reason_and_imports_the_rest(tmp_path):
    path = write_export(
        tmp_path,
        whc_row(latitude=b"123.4"),  # lines 2-3 (the description spans two lines)
        whc_row(id_no=b""),  # 4-5
        BUKHARA,  # 6-7
        whc_row(id_no=b"602", name_en=b"Bukhara again"),  # 8-9
        whc_row(id_no=b"604", category=b"Heritage"),  # 10-11
    )

    out, err = run_import(path)

    assert counts(out) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 4}
    assert HeritageSite.objects.get().unesco_id == 602
    assert "line 2, id_no 603: latitude 123.4 is outside -90 to 90 degrees" in err
    assert "line 4, id_no (none): id_no is empty" in err
    assert "line 8, id_no 602: id_no 602 appears again (first on line 6)" in err
    assert "line 10, id_no 604: category 'Heritage' is not one of Cultural, Natural, Mixed" in err


def test_it_counts_repaired_fields_by_kind_in_the_summary(tmp_path):
    gonbad = whc_row(
        id_no=b"1398",
        name_en=b"Gonbad-e Q?bus",
        short_description_en=b"<p>A \xe2\x80\x9ctower\xe2\x80\x9d of brick.</p>",
    )

    out, _ = run_import(write_export(tmp_path, gonbad))

    assert HeritageSite.objects.get().name_en == "Gonbad-e Qābus"
    assert re.search(r"^  utf8_sequence: 1 \(.*short_description_en 1\)$", out, re.M)
    assert re.search(r"^  lost_characters_restored: 1 \(.*name_en 1\)$", out, re.M)
    assert re.search(r"^  html: 2 \(.*short_description_en 1, short_description_fr 1\)", out, re.M)


def test_two_sites_with_one_name_get_different_slugs(tmp_path):
    twin = whc_row(id_no=b"9603", latitude=b"40")

    run_import(write_export(tmp_path, whc_row(), twin))

    assert HeritageSite.objects.get(unesco_id=603).slug == "samarkand-crossroad-of-cultures"
    assert HeritageSite.objects.get(unesco_id=9603).slug == "samarkand-crossroad-of-cultures-9603"


def test_it_keeps_the_name_of_an_existing_country(tmp_path):
    CountryFactory(iso2="UZ", name_en="Republic of Uzbekistan")

    run_import(write_export(tmp_path, whc_row()))

    assert Country.objects.get().name_en == "Republic of Uzbekistan"


def test_it_names_a_country_it_could_only_call_by_its_code_once_the_export_names_it(tmp_path):
    unmatched = whc_row(iso_code=b"uz,tj", states_name_en=b"Uzbekistan")
    run_import(write_export(tmp_path, unmatched))
    assert Country.objects.get(iso2="TJ").name_en == "TJ"

    run_import(
        write_export(tmp_path, whc_row(id_no=b"1141", iso_code=b"tj", states_name_en=b"Tajikistan"))
    )

    assert Country.objects.get(iso2="TJ").name_en == "Tajikistan"


def test_it_leaves_component_sites_alone(tmp_path):
    serial = HeritageSiteFactory(unesco_id=1442, name_en="Silk Roads")
    component = HeritageSiteFactory(unesco_id=603, parent=serial, name_en="A component")

    out, _ = run_import(write_export(tmp_path, whc_row()))

    assert counts(out)["created"] == 1
    component.refresh_from_db()
    assert component.name_en == "A component"


def test_it_imports_only_the_ids_listed_and_reports_those_not_in_the_file(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("# the demo\n602  # Bukhara\n\n777\n")

    out, err = run_import(write_export(tmp_path, whc_row(), BUKHARA), "--only-ids", str(ids))

    assert counts(out) == {"created": 1, "updated": 0, "unchanged": 0, "rejected": 0}
    assert list(HeritageSite.objects.values_list("unesco_id", flat=True)) == [602]
    assert "Asked for but not in the file: id_no 777" in err


def test_a_row_the_database_refuses_leaves_nothing_behind():
    [row] = read_whc_export(whc_csv(whc_row())).rows
    # Past the reader's checks (as a future bug might be): the database constraint still holds.
    bad = row.__class__(**{**row.__dict__, "latitude": Decimal(500)})
    bad = bad.__class__(**{**bad.__dict__, "countries": (WhcCountry("ZZ", "Nowhere"),)})

    with pytest.raises(IntegrityError):
        site_import_whc_row(row=bad)

    assert not Country.objects.filter(iso2="ZZ").exists()
    assert not HeritageSite.objects.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "cannot read"),
        (b"a,b\n1,2\n", "the header has no column id_no"),
    ],
)
def test_it_refuses_a_file_it_cannot_use_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "whc.csv"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run_import(path)


def test_it_refuses_an_id_list_with_lines_that_are_not_ids(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("603\nBukhara\n")

    with pytest.raises(CommandError, match="line 2: 'Bukhara' is not an id_no"):
        run_import(write_export(tmp_path, whc_row()), "--only-ids", str(ids))
    assert not HeritageSite.objects.exists()


def test_it_shows_progress_only_on_a_terminal(tmp_path):
    path = write_export(tmp_path, whc_row(), BUKHARA)

    _, quiet = run_import(path)
    _, shown = run_import(path, stderr=Terminal())

    assert "\r" not in quiet
    # The bar import_records draws, on standard error.
    assert shown.startswith(f"\r[{'#' * 15}{'.' * 15}] 1/2\r[{'#' * 30}] 2/2\n")


def test_a_dry_run_lists_every_problem_by_row_and_column_and_changes_nothing(tmp_path):
    HeritageSiteFactory(unesco_id=602, name_en="Old name of Bukhara", slug="bukhara")
    path = write_export(tmp_path, *WITH_ERRORS)

    with pytest.raises(CommandError, match="4 problem"):
        run_import(path, "--dry-run")

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_whc", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    for expected in [
        "row 1 (line 2), column latitude: latitude 123.4 is outside -90 to 90 degrees",
        "row 2 (line 4), column id_no: id_no is empty",
        "row 4 (line 8), column date_inscribed: date_inscribed '1907' is not a year",
        "row 4 (line 8), column category: category 'Heritage' is not one of",
    ]:
        assert expected in text, text
    assert "row 3" not in text
    assert counts(text) == {"created": 0, "updated": 1, "unchanged": 0, "rejected": 3}
    assert "updated id_no 602: name_en, name_fr" in text
    assert "0 would be created, 1 would be updated, 3 refused (4 problem(s))." in text
    assert "Dry run: nothing was changed." in text
    assert list(HeritageSite.objects.values_list("unesco_id", "name_en")) == [
        (602, "Old name of Bukhara")
    ]
    assert not Country.objects.exists()

    fixed = write_export(tmp_path, *FIXED)
    dry, _ = run_import(fixed, "--dry-run")
    assert counts(dry) == {"created": 3, "updated": 1, "unchanged": 0, "rejected": 0}
    assert HeritageSite.objects.count() == 1

    out, err = run_import(fixed)
    assert counts(out) == {"created": 3, "updated": 1, "unchanged": 0, "rejected": 0}
    assert err == ""
    assert sorted(HeritageSite.objects.values_list("unesco_id", flat=True)) == [
        602,
        603,
        604,
        9603,
    ]
    assert HeritageSite.objects.get(unesco_id=602).name_en == "Historic Centre of Bukhara"


@needs_shared_data
def test_it_imports_every_row_of_the_real_export_or_says_why_not():
    out, _ = run_import(DATA / "whc-sites-2019.csv")

    found = counts(out)
    assert found["created"] + found["rejected"] == 1121
    assert HeritageSite.objects.count() == found["created"]
    names = dict(HeritageSite.objects.values_list("unesco_id", "name_en"))
    assert names[84] == "Vézelay, Church and Hill"
    assert names[603] == "Samarkand – Crossroad of Cultures"
    assert names[1549] == "Historic Centre of Sheki with the Khan’s Palace"
    assert names[1192] == "Qal’at al-Bahrain – Ancient Harbour and Capital of Dilmun"
    assert names[1452] == "Bursa and Cumalıkızık: the Birth of the Ottoman Empire"
    assert names[1345] == "Sheikh Safi al-din Khānegāh and Shrine Ensemble in Ardabil"
    assert names[1398] == "Gonbad-e Qābus"
    kroměříž = HeritageSite.objects.get(unesco_id=860)
    assert kroměříž.description_en.startswith("Kroměříž\u00a0stands on the site of an earlier ford")
    assert sorted(
        HeritageSite.objects.get(unesco_id=1442).countries.values_list("iso2", flat=True)
    ) == [
        "CN",
        "KG",
        "KZ",
    ]
    for kind in ("windows_1252", "html", "whitespace", "lost_characters_restored"):
        assert re.search(rf"^  {kind}: [1-9]\d* \(", out, re.M), kind
    assert "line 983, id_no 148: no country code for Jerusalem" in out


@needs_shared_data
def test_it_imports_the_44_silk_road_properties_and_a_second_run_changes_nothing():
    args = (DATA / "whc-sites-2019.csv", "--only-ids", str(DATA / "silk-road-properties.txt"))

    first, _ = run_import(*args)
    second, _ = run_import(*args)

    assert counts(first) == {"created": 44, "updated": 0, "unchanged": 0, "rejected": 0}
    assert counts(second) == {"created": 0, "updated": 0, "unchanged": 44, "rejected": 0}
    assert HeritageSite.objects.published().count() == 44


@needs_shared_data
def test_a_dry_run_of_the_silk_road_properties_writes_nothing():
    args = (DATA / "whc-sites-2019.csv", "--only-ids", str(DATA / "silk-road-properties.txt"))

    out, _ = run_import(*args, "--dry-run")

    assert counts(out) == {"created": 44, "updated": 0, "unchanged": 0, "rejected": 0}
    assert "Dry run: nothing was changed." in out
    assert not HeritageSite.objects.exists() and not Country.objects.exists()
