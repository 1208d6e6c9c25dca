"""Relic journeys: an artefact's provenance events, in order, as GeoJSON."""

from __future__ import annotations

import uuid

from heritage_sites.api import languages
from heritage_sites.models import Artefact, ProvenanceEvent


def artefact_lookup(ref: str) -> dict:
    try:
        return {"public_id": uuid.UUID(ref)}
    except ValueError:
        return {"slug": ref}


def journey_events(artefact: Artefact, *, visible_sites) -> list[ProvenanceEvent]:
    """The events a caller may see: those at a place, or at a site they may see."""
    site_ids = set(visible_sites.values_list("pk", flat=True))
    events = artefact.journey.select_related("site").order_by("position")
    return [event for event in events if event.site_id is None or event.site_id in site_ids]


def journey_geojson(artefact: Artefact, *, visible_sites, language: str) -> dict:
    events = journey_events(artefact, visible_sites=visible_sites)
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
