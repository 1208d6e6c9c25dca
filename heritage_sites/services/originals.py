"""Downloads of scan originals: private files, handed out as short-lived links.

On S3 the link is a presigned GET URL. In the embedded default (files on local disk) it is a
signed, expiring link to ``heritage_sites.pages.downloads.download_original``, which streams
the file. Either way the
link is made only for someone allowed to have the original.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from heritage_sites import permissions
from heritage_sites.models import DownloadLog, Scan
from heritage_sites.rights import DownloadPolicy
from heritage_sites.storage import s3

SALT = "heritage_sites.originals"


def expiry_seconds() -> int:
    return getattr(settings, "S3_PRESIGNED_EXPIRY_SECONDS", 600)


def _is_open(scan: Scan) -> bool:
    return (
        scan.download_policy == DownloadPolicy.OPEN
        and Scan.objects.published().filter(pk=scan.pk).exists()
    )


def original_download_logged(*, scan: Scan, user_id: int | None, route: str | None) -> None:
    DownloadLog.objects.create(
        scan=scan,
        user_id=user_id,
        route=route or DownloadLog.Route.CURATOR,
        filename=scan.original_filename or scan.stored_name(),
        byte_size=scan.byte_size,
    )


def scan_original_url(*, scan: Scan, user) -> str:
    """A short-lived link to download the scan's original: for the scan's curators and
    uploader, and for everyone when the scan is published with open originals.
    PermissionDenied for others (an approved access request has its own link)."""
    if permissions.may_download_original(user, scan):
        route = DownloadLog.Route.CURATOR
    elif _is_open(scan):
        route = DownloadLog.Route.OPEN
    else:
        raise PermissionDenied(
            "Only the curators of this scan's artefact or site, and whoever uploaded it, may "
            "download its original (or anyone, once it is published with open originals)."
        )
    user_id = user.pk if user is not None and user.is_authenticated else None
    if s3.is_enabled():
        # The presigned URL leaves the museum: the download is logged when it is handed out.
        original_download_logged(scan=scan, user_id=user_id, route=route)
        return s3.presigned_download_url(
            key=s3.private_key(scan.original.name),
            filename=scan.original_filename or scan.stored_name(),
            expires=expiry_seconds(),
        )
    token = signing.dumps({"scan": str(scan.public_id), "user": user_id, "route": route}, salt=SALT)
    return reverse("original-download", kwargs={"token": token})
