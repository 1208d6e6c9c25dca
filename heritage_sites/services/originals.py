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
from heritage_sites.models import Scan
from heritage_sites.storage import s3

SALT = "heritage_sites.originals"


def expiry_seconds() -> int:
    return getattr(settings, "S3_PRESIGNED_EXPIRY_SECONDS", 600)


def scan_original_url(*, scan: Scan, user) -> str:
    """A short-lived link to download the scan's original. PermissionDenied for others."""
    if not permissions.may_download_original(user, scan):
        raise PermissionDenied(
            "Only the curators of this scan's artefact or site, and whoever uploaded it, may "
            "download its original."
        )
    if s3.is_enabled():
        return s3.presigned_download_url(
            key=s3.private_key(scan.original.name),
            filename=scan.original_filename or scan.stored_name(),
            expires=expiry_seconds(),
        )
    token = signing.dumps({"scan": str(scan.public_id)}, salt=SALT)
    return reverse("original-download", kwargs={"token": token})
