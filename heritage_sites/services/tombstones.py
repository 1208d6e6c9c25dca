"""What stays of a withdrawn record: the reason and a citation of what was there.

The API answers 410 with this, and so does the visitors' tombstone page.
"""

from __future__ import annotations

from django.db.models import Model
from django.urls import reverse

MUSEUM = "Silk Road Virtual Museum"


def _holders(record) -> str:
    if getattr(record, "artefact_id", None):
        return _holders(record.artefact)
    if getattr(record, "site_id", None) and not hasattr(record, "institution_id"):
        return _holders(record.site)
    if getattr(record, "institution_id", None):
        return str(record.institution)
    if hasattr(record, "stewards"):
        return ", ".join(str(steward) for steward in record.stewards.all())
    if hasattr(record, "institutions"):  # an exhibition: the institutions that made it
        return ", ".join(str(maker) for maker in record.institutions.order_by("slug"))
    return ""


def _kind(record) -> str:
    return {"heritagesite": "site"}.get(record._meta.model_name, record._meta.model_name)


def citation(record: Model) -> str:
    """A citation of the record as it was published, e.g. for a reference list."""
    parts = [f"“{record}”"]
    holders = _holders(record)
    if holders:
        parts.append(holders)
    parts.append(MUSEUM)
    if record.published_at:
        parts.append(f"published {record.published_at:%Y-%m-%d}")
    if record.withdrawn_at:
        parts.append(f"withdrawn {record.withdrawn_at:%Y-%m-%d}")
    parts.append(f"urn:uuid:{record.public_id}")
    return ". ".join(parts) + "."


def tombstone(record: Model) -> dict:
    """The facts a tombstone shows, for the API (as JSON) and the page."""
    return {
        "kind": _kind(record),
        "id": str(record.public_id),
        "title": str(record),
        "reason": record.withdrawal_reason,
        "withdrawn_at": record.withdrawn_at.isoformat() if record.withdrawn_at else None,
        "published_at": record.published_at.isoformat() if record.published_at else None,
        "citation": citation(record),
        "page": reverse("pages:withdrawn", args=[_kind(record), record.public_id]),
    }
