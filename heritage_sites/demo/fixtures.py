"""Read the demo fixture files that ship with the code. Pure: no Django.

``silk_road_sites.json`` holds countries, corridors, the 44 World Heritage properties and
component sites; ``collection.json`` holds institutions, materials and artefacts. Both keep
translated texts as ``{"en": ..., "zh-hans": ...}`` dictionaries keyed by language code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FIXTURE_DIR = Path(__file__).resolve().parent


class FixtureError(ValueError):
    """A demo fixture file is malformed; the message names the file and the record."""


@dataclass(frozen=True)
class DemoFixtures:
    countries: list[dict]
    corridors: list[dict]
    properties: list[dict]
    components: list[dict]
    institutions: list[dict]
    materials: list[dict]
    artefacts: list[dict]


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FixtureError(f"Cannot read the demo fixture {path.name}: {exc}") from exc


def _check_unique(records: list[dict], key: str, what: str) -> None:
    seen: set = set()
    for record in records:
        value = record[key]
        if value in seen:
            raise FixtureError(f"Two {what} share the {key} {value!r}.")
        seen.add(value)


def _check_english(records: list[dict], field: str, what: str) -> None:
    for record in records:
        if not record.get(field, {}).get("en"):
            raise FixtureError(f"A {what} has no English {field}: {record}.")


@cache
def load_fixtures(directory: Path = FIXTURE_DIR) -> DemoFixtures:
    """Read and check both fixture files; raise FixtureError naming what is wrong."""
    sites = _read(directory / "silk_road_sites.json")
    collection = _read(directory / "collection.json")
    fixtures = DemoFixtures(
        countries=sites["countries"],
        corridors=sites["corridors"],
        properties=sites["properties"],
        components=sites["components"],
        institutions=collection["institutions"],
        materials=collection["materials"],
        artefacts=collection["artefacts"],
    )
    _check_unique(fixtures.countries, "iso2", "countries")
    _check_unique(fixtures.corridors, "slug", "corridors")
    _check_unique(fixtures.properties, "unesco_id", "properties")
    _check_unique(fixtures.properties + fixtures.components, "slug", "sites")
    _check_unique(fixtures.institutions, "slug", "institutions")
    _check_unique(fixtures.artefacts, "slug", "artefacts")
    for records, what in [
        (fixtures.countries, "country"),
        (fixtures.corridors, "corridor"),
        (fixtures.properties, "property"),
        (fixtures.components, "component"),
        (fixtures.institutions, "institution"),
        (fixtures.materials, "material"),
    ]:
        _check_english(records, "name", what)
    _check_english(fixtures.artefacts, "title", "artefact")
    countries = {country["iso2"] for country in fixtures.countries}
    corridors = {corridor["slug"] for corridor in fixtures.corridors}
    for site in fixtures.properties + fixtures.components:
        if unknown := set(site["countries"]) - countries:
            raise FixtureError(f"Site {site['slug']} names unknown countries {sorted(unknown)}.")
        if unknown := set(site["corridors"]) - corridors:
            raise FixtureError(f"Site {site['slug']} names unknown corridors {sorted(unknown)}.")
    return fixtures
