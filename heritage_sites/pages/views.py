"""Server-rendered visitor pages. Until the visitor-pages work lands: a home page."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from heritage_sites.models import HeritageSite
from heritage_sites.pages.file_responses import serve_file


def home(request: HttpRequest) -> HttpResponse:
    # prefetch: each row lists its countries; without it one query per site.
    sites = (
        HeritageSite.objects.published().properties().prefetch_related("countries").order_by("name")
    )
    return render(request, "heritage_sites/home.html", {"sites": sites})


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve derivatives in the embedded default. Originals stay private."""
    if not path.startswith("derivatives/"):
        raise Http404("Originals are not public.")
    # CORS, byte ranges, content types and long caching: file_responses.py.
    # `under` is checked after normalising: "derivatives/../scans/..." is not a derivative.
    return serve_file(request, path, document_root=settings.MEDIA_ROOT, under="derivatives")
