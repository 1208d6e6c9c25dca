"""Downloads of scan originals: private files, handed out as short-lived links.

On S3 the link is a presigned GET URL. In the embedded default (files on local disk) it is a
signed, expiring link to ``download_original`` below, which streams the file. Either way the
link is made only for someone allowed to have the original.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse

from heritage_sites import object_store
from heritage_sites.models import Scan

_SALT = "heritage_sites.originals"


def scan_can_download_original(*, scan: Scan, user) -> bool:
    """Staff, the uploader, and the curators of the institution holding the artefact."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    if scan.uploaded_by_id is not None and scan.uploaded_by_id == user.pk:
        return True
    institution = scan.owner_institution
    return institution is not None and institution.curators.filter(pk=user.pk).exists()


def _expiry_seconds() -> int:
    return getattr(settings, "S3_PRESIGNED_EXPIRY_SECONDS", 600)


def scan_original_url(*, scan: Scan, user) -> str:
    """A short-lived link to download the scan's original. PermissionDenied for others."""
    if not scan_can_download_original(scan=scan, user=user):
        raise PermissionDenied("Only the curators of this scan's institution may download it.")
    if object_store.is_enabled():
        return object_store.presigned_download_url(
            key=object_store.private_key(scan.original.name),
            filename=scan.original_filename or scan.stored_name(),
            expires=_expiry_seconds(),
        )
    token = signing.dumps({"scan": str(scan.public_id)}, salt=_SALT)
    return reverse("original-download", kwargs={"token": token})


def download_original(request: HttpRequest, token: str) -> FileResponse:
    """Serve an original from local storage to whoever holds a valid, unexpired link."""
    try:
        payload = signing.loads(token, salt=_SALT, max_age=_expiry_seconds())
    except signing.BadSignature as exc:  # also SignatureExpired
        raise Http404("This download link is not valid or has expired.") from exc
    scan = Scan.objects.filter(public_id=payload["scan"]).first()
    if scan is None:
        raise Http404("This scan no longer exists.")
    response = FileResponse(
        scan.original.open("rb"), content_type="application/octet-stream", as_attachment=False
    )
    response["Content-Disposition"] = object_store.attachment_header(
        scan.original_filename or scan.stored_name()
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
