"""The embedded default's /media/ URL: derivative files, to whoever may see their scan."""

from django.http import Http404, HttpRequest, HttpResponse

from heritage_sites.pages.file_responses import content_type_for, file_response
from heritage_sites.services import derivatives as derivative_access


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    """Serve a derivative in the embedded default, to whoever may see its scan.

    Only a file that is a Derivative row's file is ever served, found by its stored name;
    every other path (originals, traversal in any spelling) is a plain 404. The answer has
    what a browser app on another origin needs (file_responses.py): CORS, byte ranges, the
    model's content type.
    """
    derivative = derivative_access.media_path_derivative(path)
    if derivative is None or not derivative_access.derivative_readable(
        derivative=derivative, user=request.user, token=request.GET.get("access")
    ):
        raise Http404("No such file.")
    storage = derivative_access.derivative_storage(derivative=derivative)
    try:
        handle = storage.open(derivative.file.name, "rb")
        size = storage.size(derivative.file.name)
        modified = storage.get_modified_time(derivative.file.name).timestamp()
    except FileNotFoundError as exc:
        raise Http404("No such file.") from exc
    public = derivative_access.scan_subject_is_published(scan=derivative.scan)
    return file_response(
        request,
        handle,
        size=size,
        content_type=derivative.content_type or content_type_for(derivative.file.name),
        cache_control=(
            derivative_access.PUBLIC_CACHE_CONTROL
            if public
            else derivative_access.PRIVATE_CACHE_CONTROL
        ),
        modified=modified,
    )
