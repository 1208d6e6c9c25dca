"""One search box over sites and artefacts, with the API's search (every language)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from heritage_sites.models import Artefact, HeritageSite
from heritage_sites.pages import browse, cards
from heritage_sites.pages.render import render_page
from heritage_sites.search import query as search

RESULTS = 24


def search_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")[: search.MAX_QUERY_LENGTH].strip()
    sites, artefacts = [], []
    site_count = artefact_count = 0
    if query:
        # prefetch: each site result names its countries.
        found_sites = search.search(HeritageSite.objects.published(), query).order_by(
            "name_en", "pk"
        )
        site_count = found_sites.count()
        sites = list(found_sites.prefetch_related("countries")[:RESULTS])
        found = search.search(Artefact.objects.published(), query).order_by("title_en", "pk")
        artefact_count = found.count()
        artefacts = cards.with_posters(list(cards.artefact_cards(found)[:RESULTS]))
    context = {
        "query": query,
        "sites": sites,
        "artefacts": artefacts,
        "site_count": site_count,
        "artefact_count": artefact_count,
        "more_sites": site_count > len(sites),
        "more_artefacts": artefact_count > len(artefacts),
        "per_page": browse.PAGE_SIZE,
    }
    return render_page(request, "heritage_sites/search.html", context)
