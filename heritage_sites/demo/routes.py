"""The demo routes (routes.json): three real journeys over the demo sites, with their themes.

Idempotent like the rest of the demo load: routes and themes are found by slug and only written
when the fixture says something different; a route's stops are rewritten only when they differ.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from heritage_sites.demo.fixtures import FixtureError
from heritage_sites.models import (
    Institution,
    PublicationState,
    Route,
    RouteStop,
    RouteTheme,
)

ROUTES_FILE = Path(__file__).resolve().parent / "routes.json"


def read_routes() -> dict:
    try:
        return json.loads(ROUTES_FILE.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise FixtureError(f"Cannot read the demo fixture {ROUTES_FILE.name}: {exc}") from exc


def _texts(name: str, values: dict[str, str]) -> dict[str, str | None]:
    """Every language's column: the fixture's texts, None (fall back to English) elsewhere."""
    known = {code for code, _ in settings.LANGUAGES}
    if unknown := set(values) - known:
        raise FixtureError(f"routes.json uses languages the museum lacks: {sorted(unknown)}.")
    empty = {build_localized_fieldname(name, code): None for code in known}
    return empty | {build_localized_fieldname(name, code): text for code, text in values.items()}


def _stop_rows(route: dict, sites: dict) -> list[dict]:
    slugs = [stop["site"] for stop in route["stops"]]
    if missing := [slug for slug in slugs if slug not in sites]:
        raise FixtureError(f"Route {route['slug']!r} stops at unknown sites: {missing}.")
    return [
        {
            "position": position,
            "site_id": sites[stop["site"]].pk,
            "suggested_minutes": stop.get("suggested_minutes"),
            "zone_radius_m": stop.get("zone_radius_m"),
            "zone_polygon": stop.get("zone_polygon"),
            **_texts("visit_note", stop.get("visit_note", {})),
        }
        for position, stop in enumerate(route["stops"], start=1)
    ]


def _current_rows(route: Route, wanted: list[dict]) -> list[dict]:
    fields = list(wanted[0]) if wanted else ["position"]
    return list(route.stops.order_by("position").values(*fields))


def load_routes(record, sync, *, sites: dict) -> None:
    """Write the demo themes and routes. ``record(kind, outcome)`` counts what happened;
    ``sync`` is the demo load's find-or-update helper (passed in: load.py imports this module);
    ``sites`` maps the fixture's site slugs to the rows the load wrote or took over."""
    fixture = read_routes()
    themes = {}
    for item in fixture["themes"]:
        theme, outcome = sync(
            RouteTheme, lookup={"slug": item["slug"]}, values=_texts("name", item["name"])
        )
        themes[theme.slug] = theme
        record("route themes", outcome)
    for item in fixture["routes"]:
        institution = Institution.objects.get(slug=item["institution"])
        values = {
            **_texts("title", item["title"]),
            **_texts("description", item.get("description", {})),
            "institution": institution,
            "state": PublicationState.PUBLISHED,
        }
        route, outcome = sync(Route, lookup={"slug": item["slug"]}, values=values)
        wanted_themes = {themes[slug].pk for slug in item["themes"]}
        if set(route.themes.values_list("pk", flat=True)) != wanted_themes:
            route.themes.set(wanted_themes)
            outcome = "updated" if outcome == "unchanged" else outcome
        rows = _stop_rows(item, sites)
        if _current_rows(route, rows) != rows:
            route.stops.all().delete()
            for row in rows:
                stop = RouteStop(route=route, **row)
                stop.full_clean()
                stop.save()
            route.save(update_fields=["updated_at"])
            outcome = "updated" if outcome == "unchanged" else outcome
        record("routes", outcome)
