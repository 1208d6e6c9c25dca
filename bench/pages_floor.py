"""The bench's floor: bare Django views that read the same rows as the visitor pages and
render them with no template, no translation machinery, no map or JSON-LD. Mounted beside
the museum's own URLs by bench/pages.py."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils.html import escape

from heritage_sites.models import Artefact, Derivative, HeritageSite, Scan


def _page(rows: list[str]) -> HttpResponse:
    return HttpResponse("<!doctype html><ul>" + "".join(f"<li>{r}</li>" for r in rows) + "</ul>")


def home(request):
    sites = HeritageSite.objects.published().properties().prefetch_related("countries")
    rows = [
        escape(s.name) + " " + ", ".join(escape(c.name) for c in s.countries.all()) for s in sites
    ]
    artefacts = Artefact.objects.published().select_related("institution")[:8]
    posters = Derivative.objects.filter(
        kind="poster", scan__in=Scan.objects.published(), scan__artefact__in=artefacts
    )
    rows += [escape(a.title) + " " + escape(a.institution.name) for a in artefacts]
    rows += [p.file.url for p in posters]
    return _page(rows)


def site(request, slug):
    site = get_object_or_404(
        HeritageSite.objects.published().prefetch_related("countries"), slug=slug
    )
    rows = [escape(site.name), escape(site.description)]
    rows += [escape(c.name) for c in site.countries.all()]
    rows += [escape(a.title) for a in Artefact.objects.published().filter(site=site)]
    return _page(rows)


def artefact(request, slug):
    artefact = get_object_or_404(
        Artefact.objects.published().select_related("institution", "site"), slug=slug
    )
    rows = [escape(artefact.title), escape(artefact.description), escape(artefact.institution.name)]
    scans = Scan.objects.published().filter(artefact=artefact)
    rows += [d.file.url for d in Derivative.objects.filter(scan__in=scans)]
    return _page(rows)


urlpatterns = [
    path("floor/", home),
    path("floor/sites/<slug:slug>/", site),
    path("floor/artefacts/<slug:slug>/", artefact),
    path("", include("museum.urls")),
]
