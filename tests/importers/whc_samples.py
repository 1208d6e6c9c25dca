"""Small World Heritage export files built in memory, byte for byte, for the import tests."""

HEADER = [
    "unique_number",
    "id_no",
    "rev_bis",
    "name_en",
    "name_fr",
    "short_description_en",
    "short_description_fr",
    "justification_en",
    "justification_fr",
    "date_inscribed",
    "secondary_dates",
    "danger",
    "date_end",
    "danger_list",
    "longitude",
    "latitude",
    "area_hectares",
    "C1",
    "C2",
    "C3",
    "C4",
    "C5",
    "C6",
    "N7",
    "N8",
    "N9",
    "N10",
    "criteria_txt",
    "category",
    "category_short",
    "states_name_en",
    "states_name_fr",
    "region_en",
    "region_fr",
    "iso_code",
    "udnp_code",
    "transboundary",
]

SAMARKAND = {
    "id_no": b"603",
    # Windows-1252: 0x96 is an en dash, 0xe9 is e acute.
    "name_en": b"Samarkand  \x96 Crossroad of Cultures",
    "name_fr": b"Samarkand \x96 carrefour de cultures",
    "short_description_en": (
        b"<p>The historic town of Samarkand is a crossroad&nbsp;of the world&rsquo;s cultures.</p>"
        b"\n<p>Its major monuments include the <em>Registan</em>.</p>"
    ),
    "short_description_fr": b"<p>La ville historique de Samarkand est un carrefour.</p>",
    "date_inscribed": b"2001",
    "danger": b"0",
    "longitude": b"67",
    "latitude": b"39.66861",
    "area_hectares": b"1123",
    "criteria_txt": b"(i)(ii)(iv)",
    "category": b"Cultural",
    "category_short": b"C",
    "states_name_en": b"Uzbekistan",
    "states_name_fr": b"Ouzb\xe9kistan",
    "region_en": b"Asia and the Pacific",
    "iso_code": b"uz",
    "transboundary": b"0",
}


def whc_row(**values: bytes | str) -> dict[str, bytes]:
    """A valid row (Samarkand) with some columns replaced; str values are written as UTF-8."""
    row = dict(SAMARKAND)
    for column, value in values.items():
        row[column] = value.encode() if isinstance(value, str) else value
    return row


def whc_csv(*rows: dict[str, bytes], header: list[str] = HEADER) -> bytes:
    """The bytes of an export with these rows, every field quoted as the real file does."""

    def quoted(value: bytes) -> bytes:
        return b'"' + value.replace(b'"', b'""') + b'"'

    lines = [",".join(header).encode()]
    lines += [b",".join(quoted(row.get(column, b"")) for column in header) for row in rows]
    return b"\n".join(lines) + b"\n"


BUKHARA = whc_row(
    id_no=b"602",
    name_en=b"Historic Centre of Bukhara",
    name_fr=b"Centre historique de Boukhara",
    latitude=b"39.77472",
    longitude=b"64.42861",
)
# An export with deliberate errors: rows 1, 2 and 4 (lines 2, 4 and 8: each description spans
# two lines) are wrong, row 3 is right; then the same rows fixed.
WITH_ERRORS = (
    whc_row(latitude=b"123.4"),
    whc_row(id_no=b""),
    BUKHARA,
    whc_row(id_no=b"604", date_inscribed=b"1907", category=b"Heritage"),
)
FIXED = (
    whc_row(),
    whc_row(id_no=b"9603", latitude=b"40"),
    BUKHARA,
    whc_row(id_no=b"604", date_inscribed=b"2007"),
)
