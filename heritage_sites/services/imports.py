"""Writes for data imported from outside sources (the UNESCO World Heritage List).

Reading and checking the file is done by the pure ``heritage_sites.importers`` package; these
services turn checked rows into database rows through the importers' shared core
(``rows.py``): every problem by row and column, a dry run that changes nothing, and one
transaction per row, so that one row the database refuses never undoes or stops the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from heritage_sites.importers.whc import (
    WhcCountry,
    WhcRejection,
    WhcRow,
    read_whc_export,
)
from heritage_sites.models import Country, HeritageSite, PublicationState
from heritage_sites.services.rows import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Applied,
    Progress,
    RowPlan,
    RowReport,
    rows_import,
)

# UNESCO publishes its World Heritage texts under CC BY-SA 3.0 IGO, which asks for this credit
# wherever the names and descriptions are shown.
WHC_TEXT_SOURCE = "UNESCO World Heritage Centre (CC BY-SA 3.0 IGO)"

_SLUG_MAX = HeritageSite._meta.get_field("slug").max_length
# Text columns whose empty value is stored as NULL (a missing translation falls back to English).
_OPTIONAL_TEXT = ("name_fr", "description_fr")


@dataclass(frozen=True)
class WhcRowResult:
    outcome: str  # CREATED, UPDATED or UNCHANGED
    site: HeritageSite
    changed: tuple[str, ...] = ()


@dataclass
class WhcImportSummary(RowReport):
    kind: str = "World Heritage property"
    dry_run: bool = False
    # id_no -> the fields written (or, in a dry run, that would be)
    updated_ids: dict[int, tuple[str, ...]] = field(default_factory=dict)
    rejected: list[WhcRejection] = field(default_factory=list)
    missing_ids: list[int] = field(default_factory=list)
    # (column, kind of repair) -> count, over the rows that were read successfully
    repairs: Counter = field(default_factory=Counter)
    notes: list[tuple[int, int, str]] = field(default_factory=list)  # line, id_no, note

    def add(self, plan: RowPlan) -> None:
        super().add(plan)
        if plan.problems:
            rejection = WhcRejection(plan.number, plan.line, plan.record, tuple(plan.problems))
            self.rejected.append(rejection)
        elif plan.outcome == UPDATED:
            self.updated_ids[int(plan.record)] = plan.changed


def site_import_whc_export(
    *,
    data: bytes,
    only_ids: Iterable[int] | None = None,
    dry_run: bool = False,
    by=None,
    on_progress: Progress | None = None,
) -> WhcImportSummary:
    """Create or update a HeritageSite for every row of a World Heritage List export.

    Raises ``WhcFormatError`` when the file as a whole cannot be read; a bad row is reported
    in the summary (``problems`` by row and column, ``rejected`` by row) and the import goes
    on. A dry run checks every row, says what would change, and writes nothing.
    """
    export = read_whc_export(data, only_ids=set(only_ids) if only_ids is not None else None)
    summary = WhcImportSummary(dry_run=dry_run, total=export.total, missing_ids=export.missing_ids)
    for row in export.rows:
        summary.repairs.update(row.repairs)
        summary.notes.extend((row.line, row.unesco_id, note) for note in row.notes)
    in_file_order = sorted([*export.rows, *export.rejected], key=lambda checked: checked.row)
    plans = (_plan(checked, by) for checked in in_file_order)
    rows_import(plans=plans, report=summary, dry_run=dry_run, progress=on_progress)
    return summary


def _plan(checked: WhcRow | WhcRejection, by) -> RowPlan:
    if isinstance(checked, WhcRejection):
        return RowPlan(
            number=checked.row,
            line=checked.line,
            record=checked.unesco_id,
            problems=list(checked.problems),
        )
    planned = site_whc_changes(row=checked)

    def apply() -> Applied:
        result = site_import_whc_row(row=checked, by=by)
        return result.outcome, result.changed

    return RowPlan(
        number=checked.row,
        line=checked.line,
        record=str(checked.unesco_id),
        outcome=planned.outcome,
        changed=planned.changed,
        apply=apply,
    )


def _existing_site(unesco_id: int) -> HeritageSite | None:
    return (
        HeritageSite.objects.filter(unesco_id=unesco_id, parent__isnull=True)
        .prefetch_related("countries")
        .first()
    )


def _changed_fields(site: HeritageSite, values: dict[str, object]) -> list[str]:
    return [name for name, value in values.items() if _differs(site, name, value)]


def site_whc_changes(*, row: WhcRow) -> WhcRowResult:
    """What importing ``row`` would do, with nothing written (the dry run's answer)."""
    site = _existing_site(row.unesco_id)
    if site is None:
        return WhcRowResult(CREATED, HeritageSite(unesco_id=row.unesco_id, **_site_values(row)))
    changed = _changed_fields(site, _site_values(row))
    if {country.iso2 for country in site.countries.all()} != {c.iso2 for c in row.countries}:
        changed.append("countries")
    return WhcRowResult(UPDATED if changed else UNCHANGED, site, tuple(changed))


def site_import_whc_row(*, row: WhcRow, by=None) -> WhcRowResult:
    """Create or update the World Heritage property ``row.unesco_id`` from one checked row.

    New sites are published: the List is public, authoritative data. An existing site keeps
    its publication state and slug; only the fields whose value differs are written. ``by``
    is the person the history names (none for the command).
    """
    with transaction.atomic():
        countries = [_country_for_import(country=country) for country in row.countries]
        values = _site_values(row)
        site = _existing_site(row.unesco_id)
        if site is None:
            site = HeritageSite(
                **values,
                unesco_id=row.unesco_id,
                slug=_unique_slug(row.name_en, row.unesco_id),
                state=PublicationState.PUBLISHED,
                published_at=timezone.now(),
                published_by=by,
            )
            _save(site, by)
            site.countries.set(countries)
            return WhcRowResult(CREATED, site)

        changed = _changed_fields(site, values)
        for name in changed:
            setattr(site, name, values[name])
        if changed:
            _save(site, by, update_fields=[*changed, "updated_at"])
        if {country.pk for country in site.countries.all()} != {c.pk for c in countries}:
            site.countries.set(countries)
            changed.append("countries")
        return WhcRowResult(UPDATED if changed else UNCHANGED, site, tuple(changed))


def _save(site: HeritageSite, by, **options) -> None:
    site._history_user = by
    site._change_reason = "import of the World Heritage List"
    site.save(**options)


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
