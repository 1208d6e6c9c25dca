"""Site pages: the browse list with filters, and one site with its map, parts and relics."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse

from heritage_sites.api.filters import SiteFilter
from heritage_sites.models import Artefact, Corridor, Country, HeritageSite, Scan
from heritage_sites.pages import browse, cards, jsonld, maps, media, text, tombstones, viewer
from heritage_sites.pages.labels import span_label
from heritage_sites.pages.render import map_settings, render_page


def _with_posters(sites: list[HeritageSite]) -> list[HeritageSite]:
    posters = media.posters_for("site", [site.pk for site in sites])
    for site in sites:
        site.poster = posters.get(site.pk)
    return sites


def site_list(request: HttpRequest) -> HttpResponse:
    # prefetch: each card names its countries (one query per card otherwise).
    sites = (
        HeritageSite.objects.published()
        .prefetch_related(Prefetch("countries", queryset=Country.objects.order_by("name_en")))
        .order_by("name_en", "pk")
    )
    if not request.GET.get("level"):
        sites = sites.properties()
    rows, form, errors = browse.filtered(SiteFilter, request, sites)
    page = browse.paginate(request, rows)
    context = {
        "page": page,
        "sites": _with_posters(list(page.object_list)),
        "errors": errors,
        "form": form,
        "query": browse.query_without_page(request),
        "countries": Country.objects.filter(sites__in=HeritageSite.objects.published())
        .distinct()
        .order_by("name_en"),
        "corridors": Corridor.objects.order_by("name_en"),
    }
    return render_page(request, "heritage_sites/site_list.html", context)


# What the site page shows of the site itself, besides its translated name and description.
_DETAIL_FIELDS = (
    "slug",
    "state",
    "parent",
    "text_source",
    "latitude",
    "longitude",
    "unesco_id",
    "inscription_year",
    "criteria",
    "category",
    "in_danger",
    "period_start",
    "period_end",
)


def _site_and_components(slug: str) -> tuple[HeritageSite | None, list[HeritageSite]]:
    """The published site at ``slug`` and its published component sites, by name, in one
    query (a serial property's page lists and maps its components)."""
    # select_related: the page names the serial property a component belongs to.
    rows = list(
        HeritageSite.objects.published()
        .filter(Q(slug=slug) | Q(parent__slug=slug))
        .select_related("parent")
        .only(
            *_DETAIL_FIELDS,
            *text.columns("name", "description"),
            "parent__slug",
            "parent__state",
            *text.columns("parent__name"),
        )
        # Most sites have no scan of their own: ask here rather than with a query of its own.
        .annotate(has_scans=Exists(Scan.objects.published().filter(site=OuterRef("pk"))))
        .order_by("name_en", "pk")
    )
    site = next((row for row in rows if row.slug == slug), None)
    if site is None:
        return None, []
    return site, maps.with_page_urls([row for row in rows if row.pk != site.pk])


def site_detail(request: HttpRequest, slug: str) -> HttpResponse:
    site, components = _site_and_components(slug)
    if site is None:
        return tombstones.gone_or_404(request, HeritageSite, slug=slug)
    parent = site.parent if site.parent_id and site.parent.state == "published" else None
    # Plain queries of one site's rows: cheaper than prefetch_related's machinery.
    countries = list(
        Country.objects.filter(sites=site).order_by("name_en").only("iso2", *text.columns("name"))
    )
    corridors = list(
        Corridor.objects.filter(sites=site).order_by("name_en").only("slug", *text.columns("name"))
    )
    artefacts = cards.with_posters(
        list(
            cards.artefact_cards(Artefact.objects.published().filter(site=site)).order_by(
                "title_en", "pk"
            )
        )
    )
    scans = media.viewables(Scan.objects.published().filter(site=site)) if site.has_scans else []
    poster = next((v.poster for v in scans if v.poster is not None), None)
    points = [maps.site_point(site, url=False)]
    points += [maps.site_point(component) for component in components]
    if parent is not None:
        points.append(maps.site_point(parent))
    context = {
        "site": site,
        "parent": parent,
        "countries": countries,
        "corridors": corridors,
        "components": components,
        "artefacts": artefacts,
        "scans": scans,
        "a11y": viewer.a11y_json() if scans else "",
        "period": span_label(site.period_start, site.period_end),
        "poster": poster,
        "map_data": {"sites": points, "corridors": [], "focus": True, **map_settings()},
        "ld": jsonld.site(request, site, poster.file.url if poster else None),
        "page_title": text.localized(site, "name")["value"],
        "description": text.plain(site, "description")[:300],
    }
    return render_page(request, "heritage_sites/site_detail.html", context, viewer=True)
