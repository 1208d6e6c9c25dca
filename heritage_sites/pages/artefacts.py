"""Artefact pages: the browse list with filters, and one relic in 3D with its record."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse

from heritage_sites.api.filters import ArtefactFilter
from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    HeritageSite,
    Material,
    ProvenanceEvent,
    Scan,
)
from heritage_sites.pages import browse, cards, jsonld, maps, media, scale, text, tombstones, viewer
from heritage_sites.pages.journeys import artefact_journey
from heritage_sites.pages.labels import span_label
from heritage_sites.pages.render import map_settings, render_page
from heritage_sites.querysets import ArtefactQuerySet


def artefact_list(request: HttpRequest) -> HttpResponse:
    artefacts = cards.artefact_cards(Artefact.objects.published()).order_by("title_en", "pk")
    rows, form, errors = browse.filtered(ArtefactFilter, request, artefacts)
    page = browse.paginate(request, rows)
    context = {
        "page": page,
        "artefacts": cards.with_posters(list(page.object_list)),
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


# What the artefact page shows of the record, besides its translated title and description.
_DETAIL_FIELDS = (
    "slug",
    "state",
    "object_type",
    "accession_number",
    "date_earliest",
    "date_latest",
    "height_mm",
    "width_mm",
    "depth_mm",
    "weight_g",
    "licence",
    "rights_holder",
    "attribution",
    "institution",
    "institution__city",
    "institution__country",
    "institution__country__iso2",
    "site",
    "site__slug",
    "site__state",
    "site__latitude",
    "site__longitude",
)


def _published_artefact(slug: str) -> Artefact | None:
    # select_related: the record names the institution, its country and the site of origin.
    # The plain QuerySet classes (here and for the materials), not modeltranslation's: the
    # page names the language columns it reads (text.columns), and modeltranslation's
    # rewrote every lookup, column and annotation for the languages again, a third of the
    # query's time.
    rows = (
        ArtefactQuerySet(Artefact)
        .published()
        .filter(slug=slug)
        .select_related("institution__country", "site")
        .only(
            *_DETAIL_FIELDS,
            *text.columns(
                "title",
                "description",
                "institution__name",
                "institution__country__name",
                "site__name",
            ),
        )
        # Most relics have no recorded journey: ask here rather than with a query of its own.
        .annotate(has_journey=Exists(QuerySet(ProvenanceEvent).filter(artefact=OuterRef("pk"))))
        # Slugs are unique: no ORDER BY (first() would add one, over every selected column).
        .order_by()[:1]
    )
    return next(iter(rows), None)


def artefact_detail(request: HttpRequest, slug: str) -> HttpResponse:
    artefact = _published_artefact(slug)
    if artefact is None:
        return tombstones.gone_or_404(request, Artefact, slug=slug)
    site = artefact.site if artefact.site_id and artefact.site.state == "published" else None
    # A plain query of one record's rows: cheaper than prefetch_related's machinery.
    materials = QuerySet(Material).filter(artefacts=artefact).order_by("name_en")
    scans = media.viewables(Scan.objects.published().filter(artefact=artefact), newest_first=True)
    main, others = _main_and_restorations(scans)
    extents = main.extents_mm if main is not None else None
    context = {
        "artefact": artefact,
        "site": site,
        "materials": list(materials.only(*text.columns("name"))),
        "main": main,
        "others": others,
        "scale": scale.scale_figure(extents, artefact),
        # Licences are stored as their URIs (Creative Commons, RightsStatements.org).
        "licence_url": artefact.licence if artefact.licence.startswith("http") else None,
        "dating": span_label(artefact.date_earliest, artefact.date_latest),
        "a11y": viewer.a11y_json(),
        "journey": (journey := artefact_journey(artefact) if artefact.has_journey else None),
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
