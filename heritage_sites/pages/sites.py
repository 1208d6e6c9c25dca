"""Site pages: the browse list with filters, and one site with its map, parts and relics."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse

from heritage_sites.api.filters import SiteFilter
from heritage_sites.models import Artefact, Corridor, Country, HeritageSite, Scan
from heritage_sites.pages import browse, jsonld, maps, media, text, tombstones, viewer
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


def site_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # select_related: the page names the serial property a component belongs to.
    site = (
        HeritageSite.objects.published()
        .select_related("parent")
        .prefetch_related(
            Prefetch("countries", queryset=Country.objects.order_by("name_en")),
            Prefetch("corridors", queryset=Corridor.objects.order_by("name_en")),
        )
        .filter(slug=slug)
        .first()
    )
    if site is None:
        return tombstones.gone_or_404(request, HeritageSite, slug=slug)
    parent = site.parent if site.parent_id and site.parent.state == "published" else None
    components = list(
        HeritageSite.objects.published().filter(parent=site).order_by("name_en", "pk")
    )
    # select_related: each relic card names its institution.
    artefacts = list(
        Artefact.objects.published()
        .filter(site=site)
        .select_related("institution")
        .order_by("title_en", "pk")
    )
    posters = media.posters_for("artefact", [artefact.pk for artefact in artefacts])
    for artefact in artefacts:
        artefact.poster = posters.get(artefact.pk)
    scans = media.viewables(Scan.objects.published().filter(site=site).order_by("created_at"))
    poster = next((v.poster for v in scans if v.poster is not None), None)
    points = [maps.site_point(site, url=False)]
    points += [maps.site_point(component) for component in components]
    if parent is not None:
        points.append(maps.site_point(parent))
    context = {
        "site": site,
        "parent": parent,
        "components": components,
        "artefacts": artefacts,
        "scans": scans,
        "a11y": viewer.a11y_json(),
        "period": span_label(site.period_start, site.period_end),
        "poster": poster,
        "map_data": {"sites": points, "corridors": [], "focus": True, **map_settings()},
        "ld": jsonld.site(request, site, poster.file.url if poster else None),
        "page_title": text.localized(site, "name")["value"],
        "description": text.plain(site, "description")[:300],
    }
    return render_page(request, "heritage_sites/site_detail.html", context, viewer=True)
