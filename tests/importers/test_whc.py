# Curly quotes, dashes and dotless i are what these tests are about:
# ruff: noqa: RUF001
"""Reading the World Heritage export into checked rows (no database)."""

import csv
import io
from decimal import Decimal

import pytest

from heritage_sites.importers.text import (
    HTML,
    LOST_RESTORED,
    UTF8_SEQUENCE,
    WHITESPACE,
    WINDOWS_1252,
    clean_field,
)
from heritage_sites.importers.whc import (
    WhcCountry,
    WhcFormatError,
    count_whc_records,
    parse_id_list,
    read_whc_export,
)
from tests.conftest import DATA, needs_shared_data
from tests.importers.whc_samples import HEADER, whc_csv, whc_row


def test_it_reads_a_row_into_clean_typed_values():
    export = read_whc_export(whc_csv(whc_row()))

    assert export.rejected == []
    [row] = export.rows
    assert row.line == 2
    assert row.unesco_id == 603
    assert row.name_en == "Samarkand – Crossroad of Cultures"
    assert row.description_en == (
        "The historic town of Samarkand is a crossroad\u00a0of the world’s cultures.\n\n"
        "Its major monuments include the Registan."
    )
    assert row.latitude == Decimal("39.668610")
    assert row.longitude == Decimal("67.000000")
    assert row.area_hectares == Decimal("1123.00")
    assert (row.inscription_year, row.in_danger, row.category) == (2001, False, "cultural")
    assert row.countries == (WhcCountry("UZ", "Uzbekistan", "Ouzbékistan"),)
    assert row.repairs[("name_en", WHITESPACE)] == 1
    assert row.repairs[("name_en", WINDOWS_1252)] == 1
    assert row.repairs[("short_description_en", HTML)] == 1


def test_it_counts_utf8_runs_and_restored_letters_per_field():
    export = read_whc_export(
        whc_csv(
            whc_row(
                name_en=b"Gonbad-e Q?bus",
                short_description_en=(
                    b"<p>A \xe2\x80\x9ctower\xe2\x80\x9d for Q?bus, in Gorg\xe1n.</p>"
                ),
            )
        )
    )

    [row] = export.rows
    assert row.name_en == "Gonbad-e Qābus"
    assert row.description_en == "A “tower” for Qābus, in Gorgán."
    assert row.repairs[("name_en", LOST_RESTORED)] == 1
    # One field repaired, however many runs it held.
    assert row.repairs[("short_description_en", UTF8_SEQUENCE)] == 1
    assert row.repairs[("short_description_en", WINDOWS_1252)] == 1


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"latitude": b"95.2"}, "latitude 95.2 is outside -90 to 90 degrees"),
        ({"longitude": b"east"}, "longitude 'east' is not a number in decimal degrees"),
        ({"latitude": b"NaN"}, "latitude 'NaN' is not a number in decimal degrees"),
        ({"latitude": b""}, "latitude is empty: the site cannot be placed on the map"),
        ({"id_no": b""}, "id_no is empty"),
        ({"id_no": b"60x"}, "id_no '60x' is not a positive whole number"),
        ({"category": b"Cultral"}, "category 'Cultral' is not one of Cultural, Natural, Mixed"),
        ({"date_inscribed": b"1907"}, "date_inscribed '1907' is not a year between 1978"),
        ({"danger": b"yes"}, "danger 'yes' is neither 0 nor 1"),
        ({"area_hectares": b"-5"}, "area_hectares '-5' is not a positive number of hectares"),
        ({"criteria_txt": b"(xi)"}, "criteria_txt '(xi)' is not a list of criteria"),
        ({"iso_code": b"uz,u1"}, "holds 'u1', which is not a two-letter country code"),
        ({"name_en": b"  "}, "name_en is empty"),
    ],
)
def test_it_rejects_a_bad_row_with_a_reason_and_keeps_the_others(values, reason):
    export = read_whc_export(whc_csv(whc_row(**values), whc_row(id_no=b"602")))

    assert [row.unesco_id for row in export.rows] == [602]
    [rejection] = export.rejected
    assert rejection.line == 2
    assert reason in rejection.reason


def test_it_gives_every_reason_a_row_is_rejected_for():
    export = read_whc_export(whc_csv(whc_row(latitude=b"-91", category=b"")))

    [rejection] = export.rejected
    assert "latitude -91 is outside" in rejection.reason
    assert "category '' is not one of" in rejection.reason
    assert [column for column, _ in rejection.problems] == ["latitude", "category"]
    assert (rejection.row, rejection.line) == (1, 2)


def test_it_keeps_the_first_of_two_rows_with_one_id_no():
    export = read_whc_export(whc_csv(whc_row(), whc_row(name_en=b"Another name")))

    assert [row.name_en for row in export.rows] == ["Samarkand – Crossroad of Cultures"]
    [rejection] = export.rejected
    # The first row's description spans two lines.
    assert (rejection.line, rejection.unesco_id) == (4, "603")
    assert "appears again (first on line 2)" in rejection.reason


def test_it_numbers_rows_by_the_line_they_start_on():
    multiline = whc_row(short_description_en=b"<p>One</p>\n\n<p>Two</p>\n<p>Three</p>")
    export = read_whc_export(whc_csv(multiline, whc_row(id_no=b"602", latitude=b"x")))

    assert export.rows[0].line == 2
    assert export.rejected[0].line == 6
    assert (export.rows[0].row, export.rejected[0].row) == (1, 2)


def test_it_rejects_a_row_with_too_few_fields():
    data = whc_csv(whc_row()) + b'"1","604","","Short row"\n'

    export = read_whc_export(data)

    assert len(export.rows) == 1
    assert "the row has 4 fields but the header has 37" in export.rejected[0].reason


def test_it_pairs_codes_and_state_names_even_when_a_name_has_a_comma():
    row = whc_row(
        iso_code=b" KR, kp ,kr",
        states_name_en=(
            b"Korea, Republic of,Korea, Democratic People's Republic of,Korea, Republic of"
        ),
        states_name_fr=b"",
    )

    [parsed] = read_whc_export(whc_csv(row)).rows

    assert parsed.countries == (
        WhcCountry("KR", "Korea, Republic of", ""),
        WhcCountry("KP", "Korea, Democratic People's Republic of", ""),
    )


def test_it_notes_codes_that_cannot_be_matched_to_names():
    row = whc_row(iso_code=b"cn,kz,kg", states_name_en=b"China,Kazakhstan")

    [parsed] = read_whc_export(whc_csv(row)).rows

    assert [country.iso2 for country in parsed.countries] == ["CN", "KZ", "KG"]
    assert all(country.name_en == "" for country in parsed.countries)
    assert "3 country codes but 2 state names" in parsed.notes[0]


def test_it_imports_a_site_with_no_country_code_and_says_so():
    row = whc_row(iso_code=b"", states_name_en=b"Jerusalem (Site proposed by Jordan)")

    [parsed] = read_whc_export(whc_csv(row)).rows

    assert parsed.countries == ()
    assert "no country code for Jerusalem (Site proposed by Jordan)" in parsed.notes[0]


def test_it_reads_only_the_ids_asked_for_and_lists_those_missing():
    data = whc_csv(whc_row(), whc_row(id_no=b"602"), whc_row(id_no=b"9", latitude=b"x"))

    export = read_whc_export(data, only_ids={602, 9999})

    assert [row.unesco_id for row in export.rows] == [602]
    assert export.rejected == []
    assert export.missing_ids == [9999]


def test_it_refuses_a_file_that_is_not_the_export():
    with pytest.raises(WhcFormatError, match=r"no column id_no, name_en, .*World Heritage export"):
        read_whc_export(b"name,longitude\nx,1\n")
    with pytest.raises(WhcFormatError, match="empty"):
        read_whc_export(b"")


def test_it_refuses_broken_csv_quoting():
    with pytest.raises(WhcFormatError, match="not valid CSV"):
        read_whc_export(",".join(HEADER).encode() + b'\n"1","603"x,""\n')


def test_it_reads_an_id_list_with_comments_and_blank_lines():
    text = "# Silk Roads\n1442  # Chang'an-Tianshan\n\n603\n603\n  440\n"

    assert parse_id_list(text) == [1442, 603, 440]


def test_it_names_the_lines_of_an_id_list_that_are_not_ids():
    with pytest.raises(ValueError, match=r"line 2: 'Samarkand' is not an id_no"):
        parse_id_list("603\nSamarkand\n")


def _raw_fields(unesco_id: str) -> dict[str, bytes]:
    data = (DATA / "whc-sites-2019.csv").read_bytes()
    reader = csv.DictReader(io.StringIO(data.decode("latin-1"), newline=""))
    for record in reader:
        if record["id_no"] == unesco_id:
            return {column: value.encode("latin-1") for column, value in record.items()}
    raise AssertionError(f"id_no {unesco_id} not in the file")


@needs_shared_data
def test_it_decodes_the_utf8_runs_of_the_real_file():
    # The only UTF-8 in the 2019 export is in this justification (not imported, but decoded).
    cleaned = clean_field(_raw_fields("1083")["justification_en"], multiline=True)

    assert "at a “collision point” of tectonic plates" in cleaned.text
    assert "(28° N)" in cleaned.text
    assert cleaned.repairs[UTF8_SEQUENCE] == 4


@needs_shared_data
def test_it_decodes_every_row_of_the_real_file():
    export = read_whc_export((DATA / "whc-sites-2019.csv").read_bytes())

    assert export.total == 1121
    names = {row.unesco_id: row.name_en for row in export.rows}
    assert names[84] == "Vézelay, Church and Hill"
    assert names[603] == "Samarkand – Crossroad of Cultures"
    assert names[1549] == "Historic Centre of Sheki with the Khan’s Palace"
    assert names[1192] == "Qal’at al-Bahrain – Ancient Harbour and Capital of Dilmun"
    assert names[1405] == "Neolithic Site of Çatalhöyük"
    assert names[1398] == "Gonbad-e Qābus"
    assert names[1488] == "Diyarbakır Fortress and Hevsel Gardens Cultural Landscape"
    for name in names.values():
        assert not any(marker in name for marker in ("Ã", "â€", "\ufffd", "<", "&", "  "))


def test_it_counts_the_records_of_an_export_without_reading_them():
    multiline = whc_row(short_description_en=b"<p>One</p>\n\n<p>Two</p>")

    assert count_whc_records(whc_csv(multiline, whc_row(id_no=b"x"), whc_row())) == 3
    with pytest.raises(WhcFormatError, match="no column id_no"):
        count_whc_records(b"name,longitude\nx,1\n")
