"""Read the UNESCO World Heritage List export (whc-sites-2019.csv) into checked rows.

Pure: bytes in, dataclasses out, no Django. The CSV structure (commas, quotes, line breaks) is
all ASCII, so the file is split into fields first and every field's bytes are then decoded on
their own (see ``text.py``): one file mixes Windows-1252 and UTF-8.

A row that cannot be imported as it is becomes a ``WhcRejection`` with its row and line
numbers and, per column, reasons a person can act on; it never stops the other rows.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from heritage_sites.importers.text import clean_field
from heritage_sites.importers.whc_spellings import LOST_CHARACTER_SPELLINGS

REQUIRED_COLUMNS = (
    "id_no",
    "name_en",
    "name_fr",
    "short_description_en",
    "short_description_fr",
    "date_inscribed",
    "danger",
    "latitude",
    "longitude",
    "area_hectares",
    "criteria_txt",
    "category",
    "states_name_en",
    "iso_code",
)
CATEGORIES = {"cultural": "cultural", "natural": "natural", "mixed": "mixed"}
FIRST_INSCRIPTION_YEAR = 1978
LAST_PLAUSIBLE_YEAR = 2100
NAME_MAX_LENGTH = 500
CRITERIA_MAX_LENGTH = 64
_CRITERIA = re.compile(r"(\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))+")
_ISO2 = re.compile(r"[A-Za-z]{2}")
# States are joined by a bare comma ("Albania,Austria"); a comma followed by a space belongs
# to a name ("Korea, Republic of").
_STATE_SEPARATOR = re.compile(r",(?!\s)")
_COORDINATE_STEP = Decimal("0.000001")
_AREA_STEP = Decimal("0.01")
_AREA_MAX = Decimal("999999999999.99")


class WhcFormatError(ValueError):
    """The file as a whole cannot be read (not CSV, or columns missing)."""


@dataclass(frozen=True)
class WhcCountry:
    iso2: str
    name_en: str  # empty when the names could not be matched to the codes
    name_fr: str = ""


@dataclass(frozen=True)
class WhcRow:
    row: int  # 1 = the first record after the header
    line: int  # the line the record starts on (descriptions span lines)
    unesco_id: int
    name_en: str
    name_fr: str
    description_en: str
    description_fr: str
    inscription_year: int | None
    in_danger: bool
    latitude: Decimal
    longitude: Decimal
    criteria: str
    category: str
    area_hectares: Decimal | None
    countries: tuple[WhcCountry, ...]
    notes: tuple[str, ...] = ()
    # (column, kind of repair) -> number of fields (0 or 1 per column for one row)
    repairs: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class WhcRejection:
    row: int
    line: int
    unesco_id: str
    # (column of the file, what is wrong); "row" for the row as a whole
    problems: tuple[tuple[str, str], ...]

    @property
    def reason(self) -> str:
        return "; ".join(message for _, message in self.problems)


@dataclass
class WhcExport:
    rows: list[WhcRow] = field(default_factory=list)
    rejected: list[WhcRejection] = field(default_factory=list)
    # Asked for with only_ids but not in the file.
    missing_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows) + len(self.rejected)


def parse_id_list(text: str) -> list[int]:
    """id_no values from a list file: one per line, '#' starts a comment, blank lines ignored."""
    ids: list[int] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if not value:
            continue
        if not value.isdigit():
            problems.append(f"line {number}: {value!r} is not an id_no (a whole number)")
            continue
        if int(value) not in ids:
            ids.append(int(value))
    if problems:
        raise ValueError("; ".join(problems))
    return ids


def _records(data: bytes):
    """(first line number, list of raw field bytes) for each CSV record, header included
    (blank lines are not records)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # Latin-1 maps every byte to one character and back, so the csv module can split the
    # records without deciding the encoding; each field is re-encoded to its exact bytes.
    reader = csv.reader(io.StringIO(data.decode("latin-1"), newline=""), strict=True)
    line = 1
    try:
        for record in reader:
            if record:
                yield line, [value.encode("latin-1") for value in record]
            line = reader.line_num + 1
    except csv.Error as error:
        message = f"line {reader.line_num}: the file is not valid CSV ({error})"
        raise WhcFormatError(message) from None


def _header(records) -> list[str]:
    """The column names, read from the first record; the file is refused if any is missing."""
    try:
        _, header_bytes = next(records)
    except StopIteration:
        raise WhcFormatError("the file is empty") from None
    header = [name.decode("latin-1").strip() for name in header_bytes]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise WhcFormatError(
            f"the header has no column {', '.join(missing)}: is this the World Heritage export?"
        )
    return header


def count_whc_records(data: bytes) -> int:
    """How many records follow the header, without decoding them (``WhcFormatError`` when the
    file is not the export): enough to refuse a wrong file at once and to count progress."""
    records = _records(data)
    _header(records)
    return sum(1 for _ in records)


def read_whc_export(data: bytes, *, only_ids: set[int] | None = None) -> WhcExport:
    """Split, decode and check every row; with ``only_ids``, only the rows with those id_no."""
    records = _records(data)
    header = _header(records)
    position = {name: index for index, name in enumerate(header)}

    export = WhcExport()
    first_line_of: dict[int, int] = {}
    for number, (line, values) in enumerate(records, start=1):
        id_index = position["id_no"]
        raw_id = values[id_index].decode("latin-1").strip() if id_index < len(values) else ""
        if only_ids is not None and not (raw_id.isdigit() and int(raw_id) in only_ids):
            continue
        if len(values) != len(header):
            message = (
                f"the row has {len(values)} fields but the header has {len(header)}: "
                "a quote or comma is probably missing"
            )
            export.rejected.append(WhcRejection(number, line, raw_id, (("row", message),)))
            continue
        cells = dict(zip(header, values, strict=True))
        if raw_id.isdigit() and int(raw_id) in first_line_of:
            message = (
                f"id_no {raw_id} appears again (first on line {first_line_of[int(raw_id)]}); "
                "this row was skipped: remove it or correct its id_no"
            )
            export.rejected.append(WhcRejection(number, line, raw_id, (("id_no", message),)))
            continue
        result = _parse_row(number, line, cells)
        if isinstance(result, WhcRejection):
            export.rejected.append(result)
        else:
            export.rows.append(result)
        if raw_id.isdigit():
            first_line_of.setdefault(int(raw_id), line)
    if only_ids is not None:
        export.missing_ids = sorted(set(only_ids) - set(first_line_of))
    return export


class _Row:
    """Collects cleaned values, repairs and problems while one row is parsed."""

    def __init__(self, cells: dict[str, bytes]) -> None:
        self.cells = cells
        self.repairs: Counter = Counter()
        self.problems: list[tuple[str, str]] = []  # (column, what is wrong)

    def text(self, column: str, *, multiline: bool = False) -> str:
        cleaned = clean_field(
            self.cells.get(column, b""), multiline=multiline, spellings=LOST_CHARACTER_SPELLINGS
        )
        # Counted per field: a name with three lost letters is one repaired field.
        for kind in cleaned.repairs:
            self.repairs[(column, kind)] += 1
        return cleaned.text

    def plain(self, column: str) -> str:
        # Numbers and codes: ASCII expected; anything else is reported by the caller.
        return self.cells.get(column, b"").decode("latin-1").strip()


def _parse_row(number: int, line: int, cells: dict[str, bytes]) -> WhcRow | WhcRejection:
    row = _Row(cells)
    raw_id = row.plain("id_no")
    unesco_id = _parse_id(raw_id, row.problems)
    name_en = row.text("name_en")
    name_fr = row.text("name_fr")
    if not name_en:
        row.problems.append(("name_en", "name_en is empty: every site needs an English name"))
    for column, value in (("name_en", name_en), ("name_fr", name_fr)):
        if len(value) > NAME_MAX_LENGTH:
            message = f"{column} is {len(value)} characters, over {NAME_MAX_LENGTH}"
            row.problems.append((column, message))
    latitude = _parse_coordinate(row.plain("latitude"), "latitude", 90, row.problems)
    longitude = _parse_coordinate(row.plain("longitude"), "longitude", 180, row.problems)
    category = _parse_category(row.plain("category"), row.problems)
    year = _parse_year(row.plain("date_inscribed"), row.problems)
    in_danger = _parse_flag(row.plain("danger"), "danger", row.problems)
    area = _parse_area(row.plain("area_hectares"), row.problems)
    criteria = _parse_criteria(row.plain("criteria_txt"), row.problems)
    notes: list[str] = []
    countries = _parse_countries(row, notes)
    description_en = row.text("short_description_en", multiline=True)
    description_fr = row.text("short_description_fr", multiline=True)
    if row.problems or unesco_id is None:
        return WhcRejection(number, line, raw_id, tuple(row.problems))
    return WhcRow(
        row=number,
        line=line,
        unesco_id=unesco_id,
        name_en=name_en,
        name_fr=name_fr,
        description_en=description_en,
        description_fr=description_fr,
        inscription_year=year,
        in_danger=in_danger,
        latitude=latitude,
        longitude=longitude,
        criteria=criteria,
        category=category,
        area_hectares=area,
        countries=countries,
        notes=tuple(notes),
        repairs=row.repairs,
    )


def _parse_id(raw: str, problems: list[tuple[str, str]]) -> int | None:
    if not raw:
        problems.append(
            ("id_no", "id_no is empty: the row cannot be matched to a World Heritage property")
        )
        return None
    if not raw.isdigit() or int(raw) == 0:
        problems.append(("id_no", f"id_no {raw!r} is not a positive whole number"))
        return None
    return int(raw)


def _decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _parse_coordinate(
    raw: str, column: str, limit: int, problems: list[tuple[str, str]]
) -> Decimal:
    if not raw:
        problems.append((column, f"{column} is empty: the site cannot be placed on the map"))
        return Decimal(0)
    value = _decimal(raw)
    if value is None:
        problems.append((column, f"{column} {raw!r} is not a number in decimal degrees"))
        return Decimal(0)
    if not -limit <= value <= limit:
        problems.append((column, f"{column} {raw} is outside -{limit} to {limit} degrees"))
        return Decimal(0)
    return value.quantize(_COORDINATE_STEP, rounding=ROUND_HALF_UP)


def _parse_category(raw: str, problems: list[tuple[str, str]]) -> str:
    category = CATEGORIES.get(raw.lower())
    if category is None:
        problems.append(("category", f"category {raw!r} is not one of Cultural, Natural, Mixed"))
        return ""
    return category


def _parse_year(raw: str, problems: list[tuple[str, str]]) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not FIRST_INSCRIPTION_YEAR <= int(raw) <= LAST_PLAUSIBLE_YEAR:
        message = (
            f"date_inscribed {raw!r} is not a year between {FIRST_INSCRIPTION_YEAR} "
            f"(the first inscriptions) and {LAST_PLAUSIBLE_YEAR}"
        )
        problems.append(("date_inscribed", message))
        return None
    return int(raw)


def _parse_flag(raw: str, column: str, problems: list[tuple[str, str]]) -> bool:
    if raw in ("", "0"):
        return False
    if raw == "1":
        return True
    problems.append((column, f"{column} {raw!r} is neither 0 nor 1"))
    return False


def _parse_area(raw: str, problems: list[tuple[str, str]]) -> Decimal | None:
    if not raw:
        return None
    value = _decimal(raw)
    if value is None or value < 0 or value > _AREA_MAX:
        message = f"area_hectares {raw!r} is not a positive number of hectares"
        problems.append(("area_hectares", message))
        return None
    return value.quantize(_AREA_STEP, rounding=ROUND_HALF_UP)


def _parse_criteria(raw: str, problems: list[tuple[str, str]]) -> str:
    criteria = re.sub(r"\s+", "", raw)
    if criteria and not _CRITERIA.fullmatch(criteria):
        message = f"criteria_txt {raw!r} is not a list of criteria such as (ii)(iv)"
        problems.append(("criteria_txt", message))
    elif len(criteria) > CRITERIA_MAX_LENGTH:
        message = f"criteria_txt is longer than {CRITERIA_MAX_LENGTH} characters"
        problems.append(("criteria_txt", message))
    return criteria


def _parse_countries(row: _Row, notes: list[str]) -> tuple[WhcCountry, ...]:
    raw_codes = row.plain("iso_code")
    codes: list[str] = []
    for token in re.split(r"[\s,;]+", raw_codes):
        if not token:
            continue
        if not _ISO2.fullmatch(token):
            message = (
                f"iso_code {raw_codes!r} holds {token!r}, which is not a two-letter country code"
            )
            row.problems.append(("iso_code", message))
            continue
        codes.append(token.upper())
    names_en = [name.strip() for name in _STATE_SEPARATOR.split(row.text("states_name_en"))]
    names_fr = [name.strip() for name in _STATE_SEPARATOR.split(row.text("states_name_fr"))]
    if not codes:
        if not row.problems:
            notes.append(
                f"no country code for {', '.join(filter(None, names_en)) or 'this site'}: "
                "imported without a country"
            )
        return ()
    if len(names_en) != len(codes):
        notes.append(
            f"{len(codes)} country codes but {len(names_en)} state names: new countries are "
            "named after their code until someone names them"
        )
        names_en = [""] * len(codes)
    if len(names_fr) != len(codes):
        names_fr = [""] * len(codes)
    countries: dict[str, WhcCountry] = {}
    for code, name_en, name_fr in zip(codes, names_en, names_fr, strict=True):
        countries.setdefault(code, WhcCountry(iso2=code, name_en=name_en, name_fr=name_fr))
    return tuple(countries.values())
