"""Relic journeys: an artefact's provenance events, in order, as GeoJSON."""

from __future__ import annotations

import uuid

from django.db.models import Q

from heritage_sites.api import languages
from heritage_sites.models import Artefact, ProvenanceEvent


def artefact_lookup(ref: str) -> dict:
    try:
        return {"public_id": uuid.UUID(ref)}
    except ValueError:
        return {"slug": ref}


def _columns(field: str, language: str, prefix: str = "") -> list[str]:
    return [prefix + column for column in languages.columns(field, language)]


def journey_events(artefact: Artefact, *, visible_sites, language: str) -> list[ProvenanceEvent]:
    """The events a caller may see: those at a place, or at a site they may see; with the
    columns ``journey_geojson`` shows in ``language``."""
    # One query: the visible sites as a subquery, not a list of every visible site's id.
    events = artefact.journey.filter(Q(site__isnull=True) | Q(site__in=visible_sites))
    # select_related: each event at a site names it and is drawn at its coordinates.
    return list(
        events.select_related("site")
        .only(
            *("position", "kind", "latitude", "longitude", "date_earliest", "date_latest"),
            *_columns("place_name", language),
            *_columns("note", language),
            *("site", "site__slug", "site__latitude", "site__longitude"),
            *_columns("name", language, "site__"),
        )
        .order_by("position")
    )


def journey_geojson(artefact: Artefact, *, visible_sites, language: str) -> dict:
    events = journey_events(artefact, visible_sites=visible_sites, language=language)
    features = []
    if len(events) > 1:
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[event.lon, event.lat] for event in events],
                },
                "properties": {"kind": "journey", "artefact": artefact.slug},
            }
        )
    for event in events:
        place = (
            languages.localized(event.site, "name", language)
            if event.site_id
            else languages.localized(event, "place_name", language)
        )
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [event.lon, event.lat]},
                "properties": {
                    "kind": "event",
                    "position": event.position,
                    "event": event.kind,
                    "event_label": str(event.get_kind_display()),
                    "place": place,
                    "site": event.site.slug if event.site_id else None,
                    "date_earliest": event.date_earliest,
                    "date_latest": event.date_latest,
                    "note": languages.localized(event, "note", language),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
