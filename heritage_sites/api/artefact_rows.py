"""The artefact list's rows without model instances.

A page of 50 artefacts built as model instances (about 30 columns each, three related
models) spent more time in Django's model machinery than in SQL. The list reads plain
values instead and dresses each row as a light object with the attribute names of the
model, so ArtefactListSerializer serves both this and real instances (tests compare them).
Three queries per page, whatever its size: rows (with institution and site of origin),
materials, and ready scans with their posters (api/previews.py); a fourth when a curator's
page holds unpublished sites of origin.
"""

from __future__ import annotations

from types import SimpleNamespace

from django.db import connection

from heritage_sites.api import languages
from heritage_sites.models import Artefact, HeritageSite, Material, PublicationState

PUBLISHED = PublicationState.PUBLISHED


def list_columns(language: str) -> list[str]:
    return [
        "id",
        "public_id",
        "slug",
        *languages.columns("title", language),
        "accession_number",
        "object_type",
        "date_earliest",
        "date_latest",
        "licence",
        "state",
        "updated_at",
        "site_id",
        "institution__slug",
        *(f"institution__{name}" for name in languages.columns("name", language)),
        "site__public_id",
        "site__slug",
        "site__state",
        *(f"site__{name}" for name in languages.columns("name", language)),
    ]


def _prefixed(row: dict, prefix: str) -> list[tuple[str, str]]:
    """The ``prefix``-ed keys of a joined row, each with its name without the prefix (every
    row of a page has the same keys, so this is worked out once per page)."""
    return [(key, key.removeprefix(prefix)) for key in row if key.startswith(prefix)]


def _take(row: dict, keys: list[tuple[str, str]]) -> dict:
    """Pop ``keys`` (from _prefixed) out of a joined row, under their short names."""
    return {short: row.pop(key) for key, short in keys}


def _material_slugs(ids: list[int]) -> dict[int, list[SimpleNamespace]]:
    """``{artefact id: [material, ...]}`` by slug. Written out: the ORM took longer to
    compile this query than the database took to run it."""
    materials: dict[int, list[SimpleNamespace]] = {pk: [] for pk in ids}
    if not ids:
        return materials
    through, material = Artefact.materials.through._meta.db_table, Material._meta.db_table
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.artefact_id, m.slug FROM {through} t"
            f" JOIN {material} m ON m.id = t.material_id"
            f" WHERE t.artefact_id IN ({marks}) ORDER BY m.slug",
            ids,
        )
        for artefact_id, slug in cursor.fetchall():
            materials[artefact_id].append(SimpleNamespace(slug=slug))
    return materials


def dress(rows: list[dict], user, language: str, *, with_3d: set[int]) -> list[SimpleNamespace]:
    """Turn value rows into objects shaped like Artefact instances for the list serializer;
    ``with_3d`` holds the ids of those with a ready scan (previews.previews)."""
    materials = _material_slugs([row["id"] for row in rows])
    # Sites of origin come joined in the row. A draft site is shown only to those who may
    # see it, asked of visible_to(user) for the page's unpublished sites (anonymous callers
    # and API keys never see drafts, so they never need that query).
    hidden = {row["site_id"] for row in rows if row["site_id"] and row["site__state"] != PUBLISHED}
    if hidden and user.is_authenticated:
        hidden -= set(
            HeritageSite.objects.visible_to(user).filter(pk__in=hidden).values_list("pk", flat=True)
        )
    dressed = []
    institution_keys = _prefixed(rows[0], "institution__") if rows else []
    site_keys = _prefixed(rows[0], "site__") if rows else []
    for row in rows:
        institution = _take(row, institution_keys)
        site = _take(row, site_keys)
        visible_site = None
        if row["site_id"] and row["site_id"] not in hidden:
            visible_site = SimpleNamespace(**site)
        dressed.append(
            SimpleNamespace(
                **row,
                institution=SimpleNamespace(**institution),
                visible_site=visible_site,
                material_list=materials[row["id"]],
                has_3d=row["id"] in with_3d,
            )
        )
    return dressed
