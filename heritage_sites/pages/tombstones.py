"""The visitors' page of a withdrawn record: 410 Gone, with the reason and a citation.

The record pages call ``tombstone_page(request, record)`` for a withdrawn record; the route
here serves it by public id (the API's 410 names it).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from heritage_sites import tombstones
from heritage_sites.models import Artefact, HeritageSite, Scan

KINDS = {"site": HeritageSite, "artefact": Artefact, "scan": Scan}


def tombstone_page(request: HttpRequest, record) -> HttpResponse:
    context = {"record": record, "tombstone": tombstones.tombstone(record)}
    return render(request, "heritage_sites/tombstone.html", context, status=410)


def withdrawn(request: HttpRequest, kind: str, public_id) -> HttpResponse:
    model = KINDS.get(kind)
    if model is None:
        raise Http404("No such kind of record.")
    record = model.objects.withdrawn().filter(public_id=public_id).first()
    if record is None:
        raise Http404("No withdrawn record with this id.")
    return tombstone_page(request, record)
