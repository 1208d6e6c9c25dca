"""The museum's home: the map of published sites, featured artefacts, the ways in."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from heritage_sites.models import Artefact, Corridor, Country, Derivative, HeritageSite, Scan
from heritage_sites.pages import cards, jsonld, maps, text
from heritage_sites.pages.render import map_settings, render_page

FEATURED = 8


def featured_artefacts() -> list[Artefact]:
    """Published artefacts with a poster of a published scan, newest first."""
    with_poster = Exists(
        Derivative.objects.filter(
            kind=Derivative.Kind.POSTER,
            scan__in=Scan.objects.published().filter(artefact=OuterRef(OuterRef("pk"))),
        )
    )
    artefacts = cards.artefact_cards(Artefact.objects.published().filter(with_poster))
    return cards.with_posters(list(artefacts.order_by("-updated_at", "pk")[:FEATURED]))


def home(request: HttpRequest) -> HttpResponse:
    # prefetch: each listed property names its countries, and the map draws corridors
    # through their sites; one query each instead of one per site.
    properties = list(
        HeritageSite.objects.published()
        .properties()
        .only(
            "slug",
            "latitude",
            "longitude",
            "inscription_year",
            "in_danger",
            *text.columns("name"),
        )
        .prefetch_related(
            Prefetch(
                "countries",
                queryset=Country.objects.order_by("name_en").only("iso2", *text.columns("name")),
            ),
            Prefetch("corridors", queryset=Corridor.objects.only("pk"), to_attr="corridor_list"),
        )
        .order_by("name_en", "pk")
    )
    maps.with_page_urls(properties)
    for site in properties:
        site.corridor_ids = [corridor.pk for corridor in site.corridor_list]
    corridors = list(Corridor.objects.order_by("name_en").only("maritime", *text.columns("name")))
    context = {
        "sites": properties,
        "map_data": {**maps.sites_map(properties, corridors), **map_settings()},
        "featured": featured_artefacts(),
        "ld": jsonld.museum(request),
        "page_title": gettext("Silk Road Virtual Museum"),
    }
    return render_page(request, "heritage_sites/home.html", context)
