"""Server-rendered visitor pages. Until the visitor-pages work lands: a home page."""

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from heritage_sites.models import HeritageSite
from heritage_sites.services import derivatives as derivative_access


def home(request: HttpRequest) -> HttpResponse:
    # prefetch: each row lists its countries; without it one query per site.
    sites = (
        HeritageSite.objects.published().properties().prefetch_related("countries").order_by("name")
    )
    return render(request, "heritage_sites/home.html", {"sites": sites})


def serve_media(request: HttpRequest, path: str) -> FileResponse:
    """Serve a derivative in the embedded default, to whoever may see its scan.

    Only a file that is a Derivative row's file is ever served, found by its stored name;
    every other path (originals, traversal in any spelling) is a plain 404.
    """
    derivative = derivative_access.media_path_derivative(path)
    if derivative is None or not derivative_access.derivative_readable(
        derivative=derivative, user=request.user, token=request.GET.get("access")
    ):
        raise Http404("No such file.")
    storage = derivative_access.derivative_storage(derivative=derivative)
    try:
        handle = storage.open(derivative.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404("No such file.") from exc
    response = FileResponse(handle, content_type=derivative.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    public = derivative_access.scan_subject_is_published(scan=derivative.scan)
    response["Cache-Control"] = (
        derivative_access.PUBLIC_CACHE_CONTROL
        if public
        else derivative_access.PRIVATE_CACHE_CONTROL
    )
    return response
