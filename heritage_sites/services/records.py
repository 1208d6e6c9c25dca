"""Renames and deletions of sites, artefacts, scans, routes and exhibitions, remembered for
third parties.

Every deletion goes through ``record_delete`` (admin, API), which writes a tombstone for the
record and for every scan that goes with it, in the same transaction. A slug change goes
through ``record_slug_changed``, so the old slug keeps resolving.
"""

from __future__ import annotations

from django.db import transaction

from heritage_sites.models import (
    Artefact,
    DeletedRecord,
    Exhibition,
    HeritageSite,
    RecordKind,
    Route,
    Scan,
    SlugHistory,
)

KINDS = {
    HeritageSite: RecordKind.SITE,
    Artefact: RecordKind.ARTEFACT,
    Scan: RecordKind.SCAN,
    Route: RecordKind.ROUTE,
    Exhibition: RecordKind.EXHIBITION,
}


def record_kind(instance) -> str:
    return KINDS[type(instance)]


def _tombstones(instance) -> list[DeletedRecord]:
    stones = [
        DeletedRecord(
            kind=record_kind(instance),
            public_id=instance.public_id,
            slug=getattr(instance, "slug", ""),
        )
    ]
    if isinstance(instance, Artefact | HeritageSite):
        # Their scans go with them (on_delete=CASCADE); a site's component sites too.
        subject = "artefact" if isinstance(instance, Artefact) else "site"
        for public_id in Scan.objects.filter(**{subject: instance}).values_list(
            "public_id", flat=True
        ):
            stones.append(DeletedRecord(kind=RecordKind.SCAN, public_id=public_id))
    if isinstance(instance, HeritageSite):
        for component in instance.components.all():
            stones += _tombstones(component)
    return stones


@transaction.atomic
def record_delete(*, instance) -> None:
    """Delete a site, artefact, scan, route or exhibition, leaving a tombstone for it and for
    what goes with it."""
    DeletedRecord.objects.bulk_create(_tombstones(instance))
    instance.delete()


def record_slug_changed(*, instance, old_slug: str) -> None:
    """Remember ``old_slug`` for the record (a site, artefact, route or exhibition) after a
    rename."""
    if not old_slug or old_slug == instance.slug:
        return
    kind = record_kind(instance)
    # A slug that comes back to its first record is current again, not history.
    SlugHistory.objects.filter(kind=kind, slug=instance.slug).delete()
    SlugHistory.objects.update_or_create(
        kind=kind, slug=old_slug, defaults={"public_id": instance.public_id}
    )


def slug_successor(*, model, slug: str):
    """The record that once had ``slug``, or None."""
    if model not in KINDS:
        return None
    entry = SlugHistory.objects.filter(kind=KINDS[model], slug=slug).first()
    if entry is None:
        return None
    return model._base_manager.filter(public_id=entry.public_id).first()
