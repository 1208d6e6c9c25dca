"""The bench's floor: bare Django views that read the same rows as the visitor pages and
render them with no template, no translation machinery, no map or JSON-LD, one query per
kind of row, as values (no model instances). A site: its parent, countries, corridors, component
sites, relics and their posters, and its own scans' files; a relic: its institution and
that institution's country, materials, site of origin and scans' files. Mounted beside the
museum's own URLs by bench/pages.py."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import path
from django.utils.html import escape

from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    Derivative,
    HeritageSite,
    Material,
    Scan,
)
from museum import urls as museum_urls


def _page(rows: list[str]) -> HttpResponse:
    return HttpResponse("<!doctype html><ul>" + "".join(f"<li>{r}</li>" for r in rows) + "</ul>")


def home(request):
    sites = HeritageSite.objects.published().properties().prefetch_related("countries")
    rows = [
        escape(s.name) + " " + ", ".join(escape(c.name) for c in s.countries.all()) for s in sites
    ]
    artefacts = Artefact.objects.published().select_related("institution")[:8]
    rows += [escape(a.title) + " " + escape(a.institution.name) for a in artefacts]
    rows += _file_urls(kind="poster", scan__artefact__in=artefacts)
    return _page(rows)


def site(request, slug):
    found = (
        HeritageSite.objects.published()
        .filter(slug=slug)
        .values_list("pk", "name_en", "description_en", "parent__name_en")
        .first()
    )
    if found is None:
        raise Http404
    pk, name, description, parent = found
    rows = [escape(name), escape(description)]
    if parent:
        rows.append(escape(parent))
    rows += _names(Country.objects.filter(sites=pk), "name_en")
    rows += _names(Corridor.objects.filter(sites=pk), "name_en")
    rows += _names(HeritageSite.objects.published().filter(parent=pk), "name_en")
    artefacts = dict(Artefact.objects.published().filter(site=pk).values_list("pk", "title_en"))
    rows += [escape(title) for title in artefacts.values()]
    rows += _file_urls(kind="poster", scan__artefact__in=list(artefacts))
    rows += _file_urls(scan__site=pk)
    return _page(rows)


def artefact(request, slug):
    found = (
        Artefact.objects.published()
        .filter(slug=slug)
        .values_list(
            "pk",
            "title_en",
            "description_en",
            "institution__name_en",
            "institution__country__name_en",
            "site__name_en",
        )
        .first()
    )
    if found is None:
        raise Http404
    pk, *texts = found
    rows = [escape(value) for value in texts if value]
    rows += _names(Material.objects.filter(artefacts=pk), "name_en")
    rows += _file_urls(scan__artefact=pk)
    return _page(rows)


def _names(queryset, column: str) -> list[str]:
    return [escape(value) for value in queryset.values_list(column, flat=True)]


def _file_urls(**where) -> list[str]:
    files = Derivative.objects.filter(scan__in=Scan.objects.published(), **where)
    storage = Derivative._meta.get_field("file").storage
    return [storage.url(name) for name in files.values_list("file", flat=True)]


urlpatterns = [
    path("floor/", home),
    path("floor/sites/<slug:slug>/", site),
    path("floor/artefacts/<slug:slug>/", artefact),
    # The museum's own URLs as they are (i18n_patterns cannot be include()d).
    *museum_urls.urlpatterns,
]
