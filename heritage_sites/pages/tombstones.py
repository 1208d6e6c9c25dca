"""The visitors' page of a withdrawn record: 410 Gone, with the reason and a citation.

The record pages call ``tombstone_page(request, record)`` for a withdrawn record; the route
here serves it by public id (the API's 410 names it).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from heritage_sites.models import Artefact, Exhibition, HeritageSite, Route, Scan
from heritage_sites.pages.render import render_page
from heritage_sites.services import tombstones

KINDS = {
    "site": HeritageSite,
    "artefact": Artefact,
    "scan": Scan,
    "route": Route,
    "exhibition": Exhibition,
}


def tombstone_page(request: HttpRequest, record) -> HttpResponse:
    tombstone = tombstones.tombstone(record)
    context = {"record": record, "tombstone": tombstone, "page_title": tombstone["title"]}
    return render_page(request, "heritage_sites/tombstone.html", context, status=410)


def gone_or_404(request: HttpRequest, model, **lookup) -> HttpResponse:
    """The tombstone of a withdrawn record found by ``lookup`` (a slug); else a plain 404.

    A record page calls this when no published record answers: a withdrawn one leaves its
    tombstone at its old address, anything else (a draft, a typo) is not found.
    """
    record = model.objects.withdrawn().filter(**lookup).first()
    if record is None:
        raise Http404("No such record.")
    return tombstone_page(request, record)


def withdrawn(request: HttpRequest, kind: str, public_id) -> HttpResponse:
    model = KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of record.")
    record = model.objects.withdrawn().filter(public_id=public_id).first()
    if record is None:
        raise Http404("No withdrawn record with this id.")
    return tombstone_page(request, record)
