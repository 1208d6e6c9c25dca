"""Writes for data imported from outside sources (the UNESCO World Heritage List).

Reading and checking the file is done by the pure ``heritage_sites.importers`` package; these
services only turn checked rows into database rows, one transaction per row, so that one row
the database refuses never undoes or stops the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils.text import slugify

from heritage_sites.importers.whc import (
    WhcCountry,
    WhcRejection,
    WhcRow,
    read_whc_export,
)
from heritage_sites.models import Country, HeritageSite, PublicationState

# UNESCO publishes its World Heritage texts under CC BY-SA 3.0 IGO, which asks for this credit
# wherever the names and descriptions are shown.
WHC_TEXT_SOURCE = "UNESCO World Heritage Centre (CC BY-SA 3.0 IGO)"

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"

_SLUG_MAX = HeritageSite._meta.get_field("slug").max_length
# Text columns whose empty value is stored as NULL (a missing translation falls back to English).
_OPTIONAL_TEXT = ("name_fr", "description_fr")


@dataclass(frozen=True)
class WhcRowResult:
    outcome: str  # CREATED, UPDATED or UNCHANGED
    site: HeritageSite
    changed: tuple[str, ...] = ()


@dataclass
class WhcImportSummary:
    total: int = 0
    created: int = 0
    updated: dict[int, tuple[str, ...]] = field(default_factory=dict)  # id_no -> fields
    unchanged: int = 0
    rejected: list[WhcRejection] = field(default_factory=list)
    missing_ids: list[int] = field(default_factory=list)
    # (column, kind of repair) -> count, over the rows that were read successfully
    repairs: Counter = field(default_factory=Counter)
    notes: list[tuple[int, int, str]] = field(default_factory=list)  # line, id_no, note


def site_import_whc_export(
    *,
    data: bytes,
    only_ids: Iterable[int] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> WhcImportSummary:
    """Create or update a HeritageSite for every row of a World Heritage List export.

    Raises ``WhcFormatError`` when the file as a whole cannot be read; a bad row is reported
    in the summary's ``rejected`` and the import goes on.
    """
    export = read_whc_export(data, only_ids=set(only_ids) if only_ids is not None else None)
    summary = WhcImportSummary(
        total=export.total, rejected=list(export.rejected), missing_ids=export.missing_ids
    )
    done = len(export.rejected)
    for row in export.rows:
        summary.repairs.update(row.repairs)
        summary.notes.extend((row.line, row.unesco_id, note) for note in row.notes)
        try:
            result = site_import_whc_row(row=row)
        except (IntegrityError, DataError, ValidationError) as error:
            summary.rejected.append(
                WhcRejection(row.line, str(row.unesco_id), f"the database refused it: {error}")
            )
        else:
            if result.outcome == CREATED:
                summary.created += 1
            elif result.outcome == UPDATED:
                summary.updated[row.unesco_id] = result.changed
            else:
                summary.unchanged += 1
        done += 1
        if on_progress is not None:
            on_progress(done, summary.total)
    summary.rejected.sort(key=lambda rejection: rejection.line)
    return summary


def site_import_whc_row(*, row: WhcRow) -> WhcRowResult:
    """Create or update the World Heritage property ``row.unesco_id`` from one checked row.

    New sites are published: the List is public, authoritative data. An existing site keeps
    its publication state and slug; only the fields whose value differs are written.
    """
    with transaction.atomic():
        countries = [_country_for_import(country=country) for country in row.countries]
        values = _site_values(row)
        site = (
            HeritageSite.objects.filter(unesco_id=row.unesco_id, parent__isnull=True)
            .prefetch_related("countries")
            .first()
        )
        if site is None:
            site = HeritageSite(
                **values,
                unesco_id=row.unesco_id,
                slug=_unique_slug(row.name_en, row.unesco_id),
                state=PublicationState.PUBLISHED,
            )
            site.save()
            site.countries.set(countries)
            return WhcRowResult(CREATED, site)

        changed = [name for name, value in values.items() if _differs(site, name, value)]
        for name in changed:
            setattr(site, name, values[name])
        if changed:
            site.save(update_fields=[*changed, "updated_at"])
        if {country.pk for country in site.countries.all()} != {c.pk for c in countries}:
            site.countries.set(countries)
            changed.append("countries")
        return WhcRowResult(UPDATED if changed else UNCHANGED, site, tuple(changed))


def _site_values(row: WhcRow) -> dict[str, object]:
    values: dict[str, object] = {
        "name_en": row.name_en,
        "name_fr": row.name_fr,
        "description_en": row.description_en,
        "description_fr": row.description_fr,
        "text_source": WHC_TEXT_SOURCE,
        "inscription_year": row.inscription_year,
        "in_danger": row.in_danger,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "criteria": row.criteria,
        "category": row.category,
        "area_hectares": row.area_hectares,
    }
    for name in _OPTIONAL_TEXT:
        values[name] = values[name] or None
    return values


def _differs(site: HeritageSite, name: str, value: object) -> bool:
    current = getattr(site, name)
    if name in _OPTIONAL_TEXT:
        return (current or None) != value
    return current != value


def _unique_slug(name: str, unesco_id: int) -> str:
    base = slugify(name)[:_SLUG_MAX].rstrip("-") or f"site-{unesco_id}"
    if not HeritageSite.objects.filter(slug=base).exists():
        return base
    # Two properties share a name (or its transliteration): the id_no tells them apart.
    suffix = f"-{unesco_id}"
    candidate = base[: _SLUG_MAX - len(suffix)].rstrip("-") + suffix
    attempt = 1
    while HeritageSite.objects.filter(slug=candidate).exists():
        attempt += 1
        tail = f"{suffix}-{attempt}"
        candidate = base[: _SLUG_MAX - len(tail)].rstrip("-") + tail
    return candidate


def _country_for_import(*, country: WhcCountry) -> Country:
    """The Country with this code, created when new. Existing names are curated: kept."""
    existing = Country.objects.filter(iso2=country.iso2).first()
    if existing is None:
        return Country.objects.create(
            iso2=country.iso2,
            name_en=country.name_en or country.iso2,
            name_fr=country.name_fr or None,
        )
    if existing.name_en == existing.iso2 and country.name_en:
        # Created earlier with its code as a stand-in name: now the export names it.
        existing.name_en = country.name_en
        existing.save(update_fields=["name_en"])
    return existing
