"""The demo exhibition (exhibitions.json): sections, items and hotspots on two demo scans.

Idempotent: the exhibition is found by slug; its sections, items and hotspots are rewritten only
when the fixture says something different from what is stored.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from heritage_sites.demo.fixtures import FixtureError
from heritage_sites.models import (
    Artefact,
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    Hotspot,
    Institution,
    PublicationState,
)

EXHIBITIONS_FILE = Path(__file__).resolve().parent / "exhibitions.json"
HOTSPOT_FIELDS = ("point", "normal", "camera_target", "camera_position")


def _texts(name: str, values: dict[str, str]) -> dict[str, str | None]:
    known = {code for code, _ in settings.LANGUAGES}
    if unknown := set(values) - known:
        raise FixtureError(f"exhibitions.json uses languages the museum lacks: {sorted(unknown)}.")
    empty = {build_localized_fieldname(name, code): None for code in known}
    return empty | {build_localized_fieldname(name, code): text for code, text in values.items()}


def _wanted(item: dict) -> list:
    """A comparable picture of the sections as the fixture wants them."""
    artefacts = Artefact.objects.in_bulk(
        [i["artefact"] for s in item["sections"] for i in s["items"]], field_name="slug"
    )
    sections = []
    for number, section in enumerate(item["sections"], start=1):
        items = []
        for position, entry in enumerate(section["items"], start=1):
            artefact = artefacts.get(entry["artefact"])
            if artefact is None:
                raise FixtureError(f"The demo exhibition shows an unknown artefact: {entry}.")
            scan = artefact.scans.order_by("created_at", "id").first()
            spots = [
                {
                    "position": spot_number,
                    "scan_id": scan.pk if scan else None,
                    **_texts("label", spot["label"]),
                    **_texts("text", spot.get("text", {})),
                    **{name: spot.get(name) for name in HOTSPOT_FIELDS},
                }
                for spot_number, spot in enumerate(entry.get("hotspots", []), start=1)
            ]
            items.append(
                {
                    "position": position,
                    "artefact_id": artefact.pk,
                    **_texts("caption", entry.get("caption", {})),
                    "hotspots": spots if scan else [],
                }
            )
        sections.append(
            {
                "position": number,
                **_texts("title", section["title"]),
                **_texts("text", section.get("text", {})),
                "items": items,
            }
        )
    return sections


def _stored(exhibition: Exhibition, wanted: list) -> list:
    if not wanted:
        return []
    section_fields = [k for k in wanted[0] if k != "items"]
    item_fields = (
        [k for k in wanted[0]["items"][0] if k != "hotspots"] if wanted[0]["items"] else []
    )
    spot_fields = None
    for section in wanted:
        for item in section["items"]:
            if item["hotspots"]:
                spot_fields = list(item["hotspots"][0])
    stored = []
    for section in exhibition.sections.order_by("position"):
        row = {name: getattr(section, name) for name in section_fields}
        row["items"] = []
        for item in section.items.order_by("position"):
            entry = {name: getattr(item, name) for name in item_fields}
            entry["hotspots"] = [
                {name: getattr(spot, name) for name in spot_fields or []}
                for spot in item.hotspots.order_by("position")
            ]
            row["items"].append(entry)
        stored.append(row)
    return stored


def _write(exhibition: Exhibition, wanted: list) -> None:
    exhibition.sections.all().delete()
    for section in wanted:
        values = {k: v for k, v in section.items() if k != "items"}
        row = ExhibitionSection.objects.create(exhibition=exhibition, **values)
        for item in section["items"]:
            values = {k: v for k, v in item.items() if k != "hotspots"}
            entry = ExhibitionItem.objects.create(section=row, **values)
            for spot in item["hotspots"]:
                hotspot = Hotspot(item=entry, **spot)
                hotspot.full_clean()
                hotspot.save()


def load_exhibitions(record, sync) -> None:
    """Write the demo exhibition; ``record`` counts, ``sync`` is the demo's find-or-update."""
    try:
        fixture = json.loads(EXHIBITIONS_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FixtureError(f"Cannot read {EXHIBITIONS_FILE.name}: {exc}") from exc
    for item in fixture["exhibitions"]:
        values = {
            **_texts("title", item["title"]),
            **_texts("introduction", item.get("introduction", {})),
            "state": PublicationState.PUBLISHED,
        }
        exhibition, outcome = sync(Exhibition, lookup={"slug": item["slug"]}, values=values)
        institutions = set(
            Institution.objects.filter(slug__in=item["institutions"]).values_list("pk", flat=True)
        )
        if set(exhibition.institutions.values_list("pk", flat=True)) != institutions:
            exhibition.institutions.set(institutions)
            outcome = "updated" if outcome == "unchanged" else outcome
        wanted = _wanted(item)
        if _stored(exhibition, wanted) != wanted:
            _write(exhibition, wanted)
            exhibition.save(update_fields=["updated_at"])
            outcome = "updated" if outcome == "unchanged" else outcome
        record("exhibitions", outcome)
