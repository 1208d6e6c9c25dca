"""The rows a page's map draws, as JSON for a ``<script type="application/json">``."""

from __future__ import annotations

from collections import defaultdict

from django.urls import reverse

from heritage_sites.models import Corridor, HeritageSite
from heritage_sites.pages import text


def with_page_urls(sites: list[HeritageSite]) -> list[HeritageSite]:
    """Each site's page URL in ``page_url``, from one reverse() for all of them (a list of
    properties reversed one URL per row, twice: in the list and in the map)."""
    marker = "slug-placeholder"
    prefix = reverse("pages:site", kwargs={"slug": marker}).removesuffix(f"{marker}/")
    for site in sites:
        site.page_url = f"{prefix}{site.slug}/"
    return sites


def site_point(site: HeritageSite, *, url: bool = True) -> dict:
    name = text.localized(site, "name")
    point = {
        "name": name["value"],
        "lang": name["lang"],
        "dir": name["dir"],
        "lat": float(site.latitude),
        "lon": float(site.longitude),
    }
    if url:
        point["url"] = getattr(site, "page_url", None) or reverse(
            "pages:site", kwargs={"slug": site.slug}
        )
    return point


def sites_map(sites: list[HeritageSite], corridors: list[Corridor]) -> dict:
    """Markers for ``sites`` and each corridor drawn through its sites, west to east.

    ``sites`` carry their corridor ids in ``corridor_ids`` (a prefetch of the caller).
    """
    members: dict[int, list[HeritageSite]] = defaultdict(list)
    for site in sites:
        for corridor_id in site.corridor_ids:
            members[corridor_id].append(site)
    lines = []
    for corridor in corridors:
        on_it = sorted(members.get(corridor.pk, []), key=lambda site: float(site.longitude))
        if len(on_it) < 2:
            continue
        name = text.localized(corridor, "name")
        lines.append(
            {
                "name": name["value"],
                "lang": name["lang"],
                "maritime": corridor.maritime,
                "points": [[float(s.latitude), float(s.longitude)] for s in on_it],
            }
        )
    return {"sites": [site_point(site) for site in sites], "corridors": lines}
