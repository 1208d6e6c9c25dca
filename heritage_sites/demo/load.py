"""Write the demo museum into the database: sites, institutions, artefacts and their scans.

Idempotent: every record is found by its natural key (ISO code, slug, UNESCO id, accession
number) and only written when the fixture says something different. Scans go through
``scan_upload``, which recognises bytes it already holds, and the meshes are generated
deterministically, so a second load uploads nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from modeltranslation.utils import build_localized_fieldname

from heritage_sites.demo import meshes
from heritage_sites.demo.exhibitions import load_exhibitions
from heritage_sites.demo.fixtures import FixtureError, load_fixtures
from heritage_sites.demo.routes import load_routes
from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    HeritageSite,
    Institution,
    Material,
    PublicationState,
    Scan,
)
from heritage_sites.rights import licence_uri
from heritage_sites.services.derivatives import derivatives_sync_visibility
from heritage_sites.services.scans import scan_upload

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# The order in which the summary lists what it counted.
KINDS = [
    "countries",
    "corridors",
    "properties",
    "components",
    "institutions",
    "materials",
    "artefacts",
    "scans",
    "route themes",
    "routes",
    "exhibitions",
]


@dataclass
class DemoLoadReport:
    """What a load did, per kind of record."""

    counts: dict[str, Counter] = field(default_factory=lambda: {k: Counter() for k in KINDS})

    def record(self, kind: str, outcome: str) -> None:
        self.counts[kind][outcome] += 1

    def total(self, outcome: str) -> int:
        return sum(counter[outcome] for counter in self.counts.values())

    @property
    def changed(self) -> bool:
        return bool(self.total(CREATED) or self.total(UPDATED))

    def lines(self) -> list[str]:
        return [
            f"{kind}: {c[CREATED]} created, {c[UPDATED]} updated, {c[UNCHANGED]} unchanged"
            for kind, c in self.counts.items()
        ]


def _translated(name: str, values: dict[str, str]) -> dict[str, str]:
    """{"en": "Petra"} -> {"name_en": "Petra"}, refusing languages the museum does not speak."""
    known = {code for code, _ in settings.LANGUAGES}
    if unknown := set(values) - known:
        raise FixtureError(f"The demo fixture uses languages the museum lacks: {sorted(unknown)}.")
    return {build_localized_fieldname(name, code): text for code, text in values.items()}


def _translated_all(name: str, values: dict[str, str]) -> dict[str, str | None]:
    """Like _translated, and empty (None: fall back to English) for every other language.

    Used for descriptions: the demo wrote them, so no other text may stay beside them.
    """
    empty = {build_localized_fieldname(name, code): None for code, _ in settings.LANGUAGES}
    return empty | _translated(name, values)


def _differs(current, wanted) -> bool:
    if isinstance(wanted, Decimal) and current is not None:
        return Decimal(current) != wanted
    return current != wanted


def _sync(
    model: type[models.Model], *, lookup: dict, values: dict, create_only: dict | None = None
) -> tuple[models.Model, str]:
    """Find the row by ``lookup``; create it, or update only the fields that differ.

    ``create_only`` fields (a slug, say) are set on a new row and never changed afterwards.
    """
    row = model.objects.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **values, **(create_only or {}))
        row.full_clean()
        row.save()
        return row, CREATED
    changed = [name for name, value in values.items() if _differs(getattr(row, name), value)]
    if not changed:
        return row, UNCHANGED
    for name in changed:
        setattr(row, name, values[name])
    row.full_clean()
    row.save()
    return row, UPDATED


def _sync_each(
    model: type[models.Model],
    items: list[dict],
    key: str,
    values: Callable[[dict], dict],
    kind: str,
    report: DemoLoadReport,
) -> dict:
    """_sync every fixture item found by its ``key`` field; the rows by that key."""
    rows = {}
    for item in items:
        row, outcome = _sync(model, lookup={key: item[key]}, values=values(item))
        rows[item[key]] = row
        report.record(kind, outcome)
    return rows


def _sync_set(row: models.Model, attribute: str, wanted: list[models.Model], outcome: str) -> str:
    """Make a many-to-many set exactly ``wanted``; an unchanged row becomes updated if it moved."""
    manager = getattr(row, attribute)
    if set(manager.values_list("pk", flat=True)) == {item.pk for item in wanted}:
        return outcome
    manager.set(wanted)
    return UPDATED if outcome == UNCHANGED else outcome


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _site_values(site: dict) -> dict:
    start, end = site["period"]
    return {
        **_translated("name", site["name"]),
        **_translated_all("description", site.get("description", {})),
        # The descriptions are the museum's own: no outside text to credit.
        "text_source": "",
        "latitude": _decimal(site["latitude"]),
        "longitude": _decimal(site["longitude"]),
        "period_start": start,
        "period_end": end,
        "state": PublicationState.PUBLISHED,
    }


def _load_sites(fixtures, report: DemoLoadReport) -> dict:
    countries = _sync_each(
        Country,
        fixtures.countries,
        "iso2",
        lambda item: {"iso3": item["iso3"], **_translated("name", item["name"])},
        "countries",
        report,
    )
    corridors = _sync_each(
        Corridor,
        fixtures.corridors,
        "slug",
        lambda item: {"maritime": item["maritime"], **_translated("name", item["name"])},
        "corridors",
        report,
    )

    sites: dict = {}
    # The fixture's own slug of every site, properties too: routes name their stops by it,
    # while a property taken over from an import keeps its own slug.
    by_fixture_slug: dict = {}
    for item in fixtures.properties:
        values = {
            **_site_values(item),
            "inscription_year": item["inscription_year"],
            "criteria": item["criteria"],
            "category": item["category"],
            "in_danger": item["in_danger"],
            "area_hectares": _decimal(item["area_hectares"]),
        }
        # Found by UNESCO number, not slug, so a property imported from the full list (see
        # import_whc) is taken over rather than duplicated: its descriptions become the demo's
        # and its credit line is cleared; its slug is kept (only chosen when the row is new).
        row, outcome = _sync(
            HeritageSite,
            lookup={"unesco_id": item["unesco_id"], "parent": None},
            values=values,
            create_only={"slug": item["slug"]},
        )
        outcome = _sync_set(row, "countries", [countries[c] for c in item["countries"]], outcome)
        outcome = _sync_set(row, "corridors", [corridors[c] for c in item["corridors"]], outcome)
        sites[item["unesco_id"]] = row
        by_fixture_slug[item["slug"]] = row
        report.record("properties", outcome)
    for item in fixtures.components:
        parent = sites[item["parent_unesco_id"]]
        values = {
            **_site_values(item),
            "parent": parent,
            "unesco_id": parent.unesco_id,
            "unesco_component_ref": item["unesco_component_ref"],
            "category": parent.category,
        }
        row, outcome = _sync(HeritageSite, lookup={"slug": item["slug"]}, values=values)
        outcome = _sync_set(row, "countries", [countries[c] for c in item["countries"]], outcome)
        outcome = _sync_set(row, "corridors", [corridors[c] for c in item["corridors"]], outcome)
        sites[item["slug"]] = row
        by_fixture_slug[item["slug"]] = row
        report.record("components", outcome)
    return {"countries": countries, "sites": sites, "by_fixture_slug": by_fixture_slug}


def _load_collection(fixtures, known: dict, report: DemoLoadReport, uploaded_by) -> None:
    institutions = _sync_each(
        Institution,
        fixtures.institutions,
        "slug",
        lambda item: {
            **_translated("name", item["name"]),
            "kind": item["kind"],
            "country": known["countries"][item["country"]],
            "city": item["city"],
        },
        "institutions",
        report,
    )
    materials = _sync_each(
        Material,
        fixtures.materials,
        "slug",
        lambda item: _translated("name", item["name"]),
        "materials",
        report,
    )

    for item in fixtures.artefacts:
        institution = institutions[item["institution"]]
        height, width, depth = item["dimensions_mm"]
        earliest, latest = item["dating"]
        values = {
            **_translated("title", item["title"]),
            **_translated_all("description", item["description"]),
            "slug": item["slug"],
            "site": known["sites"][item["site"]] if item["site"] is not None else None,
            "object_type": item["object_type"],
            "date_earliest": earliest,
            "date_latest": latest,
            "height_mm": _decimal(height),
            "width_mm": _decimal(width),
            "depth_mm": _decimal(depth),
            "weight_g": _decimal(item["weight_g"]),
            "provenance": "Invented for the demo museum: this object and its history are "
            "fictional.",
            "licence": licence_uri(item["licence"]),
            "rights_holder": institution.name_en,
            "attribution": f"{institution.name_en}, demo collection. 3D model: procedural "
            "stand-in generated by the Silk Road Virtual Museum.",
            "state": PublicationState.PUBLISHED,
        }
        artefact, outcome = _sync(
            Artefact,
            lookup={"institution": institution, "accession_number": item["accession_number"]},
            values=values,
        )
        wanted = [materials[slug] for slug in item["materials"]]
        report.record("artefacts", _sync_set(artefact, "materials", wanted, outcome))

        mesh = meshes.build(item["mesh"], height_mm=height, width_mm=width, depth_mm=depth)
        result = scan_upload(
            file=ContentFile(mesh.data, name=mesh.filename),
            filename=mesh.filename,
            artefact=artefact,
            uploaded_by=uploaded_by,
            capture_method=Scan.CaptureMethod.MODELLED,
            unit=Scan.Unit.MM,
            title=item["scan_title"],
            operator="Demo loader (procedural model)",
            procedural=True,
        )
        # The demo's scans are approved in advance: each shows as soon as it is processed.
        Scan.objects.filter(pk=result.scan.pk).update(publication_state=PublicationState.PUBLISHED)
        report.record("scans", CREATED if result.created else UNCHANGED)


def demo_load(*, uploaded_by=None) -> DemoLoadReport:
    """Create or bring up to date the whole demo museum, in one transaction.

    Scans are queued for processing once the transaction commits.
    """
    fixtures = load_fixtures()
    report = DemoLoadReport()
    with transaction.atomic():
        known = _load_sites(fixtures, report)
        _load_collection(fixtures, known, report, uploaded_by)
        load_routes(report.record, _sync, sites=known["by_fixture_slug"])
        load_exhibitions(report.record, _sync)
        # Demo records are (re)published: their scans' files must be public, wherever a
        # curator had withdrawn them. Only misplaced files move.
        transaction.on_commit(derivatives_sync_visibility)
    return report
