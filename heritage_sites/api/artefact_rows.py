"""The artefact list's rows without model instances.

A page of 50 artefacts built as model instances (about 30 columns each, three related
models) spent more time in Django's model machinery than in SQL. The list reads plain
values instead and dresses each row as a light object with the attribute names of the
model, so ArtefactListSerializer serves both this and real instances (tests compare them).
Three queries per page, whatever its size: rows (with institution and site of origin),
materials, ready scans; a fourth when a curator's page holds unpublished sites of origin.
"""

from __future__ import annotations

from types import SimpleNamespace

from heritage_sites.api import languages
from heritage_sites.models import Artefact, HeritageSite, PublicationState, Scan

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
        "created_at",
        "updated_at",
        "site_id",
        "institution__slug",
        *(f"institution__{name}" for name in languages.columns("name", language)),
        "site__public_id",
        "site__slug",
        "site__state",
        *(f"site__{name}" for name in languages.columns("name", language)),
    ]


def _take(row: dict, prefix: str) -> dict:
    """Pop the ``prefix``-ed keys of a joined row, without the prefix."""
    return {key.removeprefix(prefix): row.pop(key) for key in list(row) if key.startswith(prefix)}


def dress(rows: list[dict], user, language: str) -> list[SimpleNamespace]:
    """Turn value rows into objects shaped like Artefact instances for the list serializer."""
    ids = [row["id"] for row in rows]
    materials: dict[int, list[SimpleNamespace]] = {pk: [] for pk in ids}
    through = Artefact.materials.through.objects.filter(artefact_id__in=ids)
    for artefact_id, slug in through.order_by("material__slug").values_list(
        "artefact_id", "material__slug"
    ):
        materials[artefact_id].append(SimpleNamespace(slug=slug))
    # Sites of origin come joined in the row. A draft site is shown only to those who may
    # see it, asked of visible_to(user) for the page's unpublished sites (anonymous callers
    # and API keys never see drafts, so they never need that query).
    hidden = {row["site_id"] for row in rows if row["site_id"] and row["site__state"] != PUBLISHED}
    if hidden and user.is_authenticated:
        hidden -= set(
            HeritageSite.objects.visible_to(user).filter(pk__in=hidden).values_list("pk", flat=True)
        )
    with_3d = set(
        Scan.objects.filter(artefact_id__in=ids, state=Scan.State.READY).values_list(
            "artefact_id", flat=True
        )
    )
    dressed = []
    for row in rows:
        institution = _take(row, "institution__")
        site = _take(row, "site__")
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
