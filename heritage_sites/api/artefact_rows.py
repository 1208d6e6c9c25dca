"""The artefact list's rows without model instances.

A page of 50 artefacts built as model instances (about 30 columns each, three related
models) spent more time in Django's model machinery than in SQL. The list reads plain
values instead and dresses each row as a light object with the attribute names of the
model, so ArtefactListSerializer serves both this and real instances (tests compare them).
Four queries per page, whatever its size: rows, materials, sites of origin, ready scans.
"""

from __future__ import annotations

from types import SimpleNamespace

from heritage_sites.api import languages
from heritage_sites.models import Artefact, HeritageSite, Scan


def _translated(field: str, language: str) -> list[str]:
    # Only the columns the fallback chain can show (for English: one, not seven).
    return [languages.column(field, code) for code in languages.fallback_chain(language)]


def list_columns(language: str) -> list[str]:
    return [
        "id",
        "public_id",
        "slug",
        *_translated("title", language),
        "accession_number",
        "object_type",
        "date_earliest",
        "date_latest",
        "licence",
        "state",
        "created_at",
        "updated_at",
        "site_id",
        "institution__slug",
        *(f"institution__{name}" for name in _translated("name", language)),
    ]


def dress(rows: list[dict], user, language: str) -> list[SimpleNamespace]:
    """Turn value rows into objects shaped like Artefact instances for the list serializer."""
    ids = [row["id"] for row in rows]
    materials: dict[int, list[SimpleNamespace]] = {pk: [] for pk in ids}
    through = Artefact.materials.through.objects.filter(artefact_id__in=ids)
    for artefact_id, slug in through.order_by("material__slug").values_list(
        "artefact_id", "material__slug"
    ):
        materials[artefact_id].append(SimpleNamespace(slug=slug))
    # Sites of origin through visible_to(user): a draft site stays hidden from outsiders.
    site_ids = {row["site_id"] for row in rows if row["site_id"]}
    sites = {}
    if site_ids:
        columns = ["id", "public_id", "slug", *_translated("name", language)]
        visible = HeritageSite.objects.visible_to(user).filter(pk__in=site_ids)
        sites = {site["id"]: SimpleNamespace(**site) for site in visible.values(*columns)}
    with_3d = set(
        Scan.objects.filter(artefact_id__in=ids, state=Scan.State.READY).values_list(
            "artefact_id", flat=True
        )
    )
    dressed = []
    for row in rows:
        institution = {
            key.removeprefix("institution__"): row.pop(key)
            for key in list(row)
            if key.startswith("institution__")
        }
        dressed.append(
            SimpleNamespace(
                **row,
                institution=SimpleNamespace(**institution),
                visible_site=sites.get(row["site_id"]),
                material_list=materials[row["id"]],
                has_3d=row["id"] in with_3d,
            )
        )
    return dressed
