"""Downloads of private files in the embedded default, behind signed, expiring links."""

from __future__ import annotations

from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from heritage_sites.models import Scan
from heritage_sites.services.access_requests import AccessRefused, access_request_download
from heritage_sites.services.originals import SALT, expiry_seconds, original_download_logged
from heritage_sites.storage import s3


def _stream(scan: Scan) -> FileResponse:
    response = FileResponse(
        scan.original.open("rb"), content_type="application/octet-stream", as_attachment=False
    )
    response["Content-Disposition"] = s3.attachment_header(
        scan.original_filename or scan.stored_name()
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    # The rights travel with the file: the licence as a link (RFC 8288), the credit line.
    if scan.effective_licence:
        response["Link"] = f'<{scan.effective_licence}>; rel="license"'
    credit = " ".join(scan.attribution_line.split())  # one line: no header injection
    response["Content-Description"] = credit.encode("ascii", "replace").decode()
    return response


def download_by_request(request: HttpRequest, token: str) -> HttpResponse:
    """An approved requester's personal link: the original while the link lives, logged."""
    try:
        scan, _ = access_request_download(token=token, user=request.user)
    except AccessRefused as exc:
        return HttpResponse(str(exc), status=exc.status, content_type="text/plain; charset=utf-8")
    if s3.is_enabled():
        return HttpResponseRedirect(
            s3.presigned_download_url(
                key=s3.private_key(scan.original.name),
                filename=scan.original_filename or scan.stored_name(),
                expires=expiry_seconds(),
            )
        )
    return _stream(scan)


def download_original(request: HttpRequest, token: str) -> FileResponse:
    """Serve an original from local storage to whoever holds a valid, unexpired link."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=expiry_seconds())
    except signing.BadSignature as exc:  # also SignatureExpired
        raise Http404("This download link is not valid or has expired.") from exc
    scan = Scan.objects.filter(public_id=payload["scan"]).first()
    if scan is None:
        raise Http404("This scan no longer exists.")
    original_download_logged(scan=scan, user_id=payload.get("user"), route=payload.get("route"))
    return _stream(scan)
