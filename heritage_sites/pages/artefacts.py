"""Artefact pages: the browse list with filters, and one relic in 3D with its record."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse

from heritage_sites.api.filters import ArtefactFilter
from heritage_sites.models import Artefact, Corridor, Country, HeritageSite, Material, Scan
from heritage_sites.pages import browse, jsonld, maps, media, scale, text, tombstones, viewer
from heritage_sites.pages.journeys import artefact_journey
from heritage_sites.pages.labels import span_label
from heritage_sites.pages.render import map_settings, render_page


def with_posters(artefacts: list[Artefact]) -> list[Artefact]:
    posters = media.posters_for("artefact", [artefact.pk for artefact in artefacts])
    for artefact in artefacts:
        artefact.poster = posters.get(artefact.pk)
    return artefacts


def artefact_list(request: HttpRequest) -> HttpResponse:
    # select_related: each card names its institution (one query per card otherwise).
    artefacts = (
        Artefact.objects.published().select_related("institution").order_by("title_en", "pk")
    )
    rows, form, errors = browse.filtered(ArtefactFilter, request, artefacts)
    page = browse.paginate(request, rows)
    context = {
        "page": page,
        "artefacts": with_posters(list(page.object_list)),
        "errors": errors,
        "form": form,
        "query": browse.query_without_page(request),
        "countries": Country.objects.filter(sites__in=HeritageSite.objects.published())
        .distinct()
        .order_by("name_en"),
        "corridors": Corridor.objects.order_by("name_en"),
        "materials": Material.objects.order_by("name_en"),
        "object_types": Artefact.ObjectType.choices,
    }
    return render_page(request, "heritage_sites/artefact_list.html", context)


def _main_and_restorations(viewables: list[media.Viewable]):
    """The scan the page opens with (as found, newest) and the restorations made from it."""
    as_found = [v for v in viewables if v.scan.kind == Scan.Kind.AS_FOUND]
    main = as_found[0] if as_found else (viewables[0] if viewables else None)
    others = [v for v in viewables if v is not main]
    return main, others


def artefact_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # select_related: the record names the institution, its country and the site of origin.
    artefact = (
        Artefact.objects.published()
        .select_related("institution__country", "site")
        .prefetch_related(Prefetch("materials", queryset=Material.objects.order_by("name_en")))
        .filter(slug=slug)
        .first()
    )
    if artefact is None:
        return tombstones.gone_or_404(request, Artefact, slug=slug)
    site = artefact.site if artefact.site_id and artefact.site.state == "published" else None
    scans = media.viewables(
        Scan.objects.published().filter(artefact=artefact).order_by("-created_at")
    )
    main, others = _main_and_restorations(scans)
    extents = main.extents_mm if main is not None else None
    context = {
        "artefact": artefact,
        "site": site,
        "main": main,
        "others": others,
        "scale": scale.scale_figure(extents, artefact),
        # Licences are stored as their URIs (Creative Commons, RightsStatements.org).
        "licence_url": artefact.licence if artefact.licence.startswith("http") else None,
        "dating": span_label(artefact.date_earliest, artefact.date_latest),
        "a11y": viewer.a11y_json(),
        "journey": (journey := artefact_journey(artefact)),
        "journey_map": {**map_settings(), "geojson": journey} if journey else None,
        "map_data": {
            "sites": [maps.site_point(site)] if site else [],
            "corridors": [],
            "focus": True,
            **map_settings(),
        },
        "ld": jsonld.artefact(request, artefact, main),
        "page_title": text.localized(artefact, "title")["value"],
        "description": text.plain(artefact, "description")[:300],
        "poster": main.poster if main else None,
    }
    return render_page(request, "heritage_sites/artefact_detail.html", context, viewer=True)
