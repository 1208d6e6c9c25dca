"""Large scan uploads straight from the client to S3 (presigned multipart upload).

1. ``scan_direct_upload_start``: the server checks who uploads what, creates a multipart
   upload for a fresh key under ``staging/`` and returns one presigned URL per part, with a
   signed token that carries everything the server needs later (no database row).
2. The client PUTs each part to its URL. The web process never carries those bytes.
3. ``scan_direct_upload_complete``: the server completes the multipart upload, checks the
   object's size, streams it once to verify the sha256 the client declared, and hands the
   verified file to the same ingest as a form upload (``scan_upload``), which sniffs the
   format, stores the original under its UUID key and queues processing. The staged object
   is deleted whatever the outcome.
4. ``scan_direct_upload_abort``: the client gives up; the parts are discarded.
"""

from __future__ import annotations

import hashlib
import math
import re
import shutil
import tempfile
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from botocore.exceptions import ClientError
from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from heritage_sites import permissions
from heritage_sites.models import Artefact, HeritageSite, Scan
from heritage_sites.services.scans import ScanRejected, UploadResult, scan_upload
from heritage_sites.storage import s3

_SALT = "heritage_sites.direct_upload"
MIN_PART_SIZE = 8 * 1024 * 1024  # S3 needs 5 MiB for every part but the last
MAX_PARTS = 10_000  # S3's limit
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DirectUploadUnavailable(Exception):
    """Direct uploads need S3 storage; the embedded default takes form uploads only."""


@dataclass(frozen=True)
class PartURL:
    part_number: int
    url: str


@dataclass(frozen=True)
class DirectUpload:
    token: str
    part_size: int
    parts: list[PartURL]
    expires_at: datetime


def _part_size(size: int) -> int:
    mib = 1024 * 1024
    return max(MIN_PART_SIZE, math.ceil(size / MAX_PARTS / mib) * mib)


def _check_may_upload(*, user, artefact: Artefact | None, site: HeritageSite | None) -> None:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in as a curator to upload scans.")
    if not permissions.may_add_scan(user, artefact=artefact, site=site):
        raise PermissionDenied(permissions.refusal_to_add_scan(artefact=artefact, site=site))


def scan_direct_upload_start(
    *,
    user,
    filename: str,
    size: int,
    sha256: str,
    capture_method: str,
    artefact: Artefact | None = None,
    site: HeritageSite | None = None,
    unit: str = "",
    title: str = "",
) -> DirectUpload:
    """Open a presigned multipart upload for a new scan and return the part URLs."""
    _check_enabled()
    if (artefact is None) == (site is None):
        raise ScanRejected("A scan belongs to an artefact or to a site, not both.")
    _check_may_upload(user=user, artefact=artefact, site=site)
    limit = settings.SCAN_UPLOAD_MAX_BYTES
    if size <= 0:
        raise ScanRejected("The file is empty. Choose the exported 3D file again.", code="empty")
    if size > limit:
        raise ScanRejected(
            f"The file is {filesizeformat(size)}, above the upload limit of "
            f"{filesizeformat(limit)}.",
            code="too_large",
        )
    sha256 = sha256.strip().lower()
    if not _SHA256.match(sha256):
        raise ScanRejected("Give the file's SHA-256 as 64 hexadecimal characters.", code="sha256")
    if capture_method not in Scan.CaptureMethod.values:
        raise ScanRejected(
            f"Choose a capture method among: {', '.join(Scan.CaptureMethod.values)}.",
            code="capture_method",
        )
    if unit and unit not in Scan.Unit.values:
        raise ScanRejected(f"Choose a unit among: {', '.join(Scan.Unit.values)}.", code="unit")

    key = f"{s3.STAGING_PREFIX}{uuid.uuid4()}"
    bucket = s3.bucket_name()
    upload_id = s3.server_client().create_multipart_upload(
        Bucket=bucket, Key=key, ContentType="application/octet-stream"
    )["UploadId"]
    expires = settings.S3_UPLOAD_EXPIRY_SECONDS
    part_size = _part_size(size)
    signer = s3.signing_client()
    parts = [
        PartURL(
            part_number=number,
            url=signer.generate_presigned_url(
                "upload_part",
                Params={"Bucket": bucket, "Key": key, "UploadId": upload_id, "PartNumber": number},
                ExpiresIn=expires,
            ),
        )
        for number in range(1, math.ceil(size / part_size) + 1)
    ]
    token = signing.dumps(
        {
            "key": key,
            "upload_id": upload_id,
            "size": size,
            "sha256": sha256,
            "filename": filename,
            "artefact": artefact.pk if artefact else None,
            "site": site.pk if site else None,
            "user": user.pk,
            "capture_method": capture_method,
            "unit": unit,
            "title": title,
        },
        salt=_SALT,
        compress=True,
    )
    return DirectUpload(
        token=token,
        part_size=part_size,
        parts=parts,
        expires_at=timezone.now() + timedelta(seconds=expires),
    )


def _check_enabled() -> None:
    if not s3.is_enabled():
        raise DirectUploadUnavailable(
            "Direct uploads need S3 storage (STORAGE_BACKEND=s3); upload the file in the form."
        )


def _read_token(token: str, user) -> dict:
    _check_enabled()
    try:
        payload = signing.loads(token, salt=_SALT, max_age=settings.S3_UPLOAD_EXPIRY_SECONDS)
    except signing.SignatureExpired as exc:
        raise ScanRejected("This upload has expired. Start the upload again.") from exc
    except signing.BadSignature as exc:
        raise ScanRejected("This upload token is not valid. Start the upload again.") from exc
    if not user.is_authenticated or payload["user"] != user.pk:
        raise PermissionDenied("This upload was started by someone else.")
    return payload


def _uploaded_parts(client, bucket: str, payload: dict) -> list[dict]:
    parts: list[dict] = []
    for page in client.get_paginator("list_parts").paginate(
        Bucket=bucket, Key=payload["key"], UploadId=payload["upload_id"]
    ):
        parts.extend(page.get("Parts", []))
    return parts


def _missing_parts(parts: list[dict], payload: dict) -> list[int]:
    expected = math.ceil(payload["size"] / _part_size(payload["size"]))
    present = {part["PartNumber"] for part in parts}
    return [number for number in range(1, expected + 1) if number not in present]


def _stream_to_file(client, bucket: str, key: str, directory: Path) -> tuple[Path, str]:
    digest = hashlib.sha256()
    body = client.get_object(Bucket=bucket, Key=key)["Body"]
    with tempfile.NamedTemporaryFile(
        prefix="direct-", suffix=".upload", dir=directory, delete=False
    ) as handle:
        for chunk in body.iter_chunks(1024 * 1024):
            digest.update(chunk)
            handle.write(chunk)
    return Path(handle.name), digest.hexdigest()


def scan_direct_upload_complete(*, user, token: str) -> UploadResult:
    """Assemble the uploaded parts, verify size and sha256, and ingest the file as a scan.

    Missing parts raise ScanRejected and leave the upload open, so the client can send them
    and call again. Any other refusal discards the staged object.
    """
    payload = _read_token(token, user)
    subject = _subject(payload, user)
    client = s3.server_client()
    bucket = s3.bucket_name()
    key, upload_id = payload["key"], payload["upload_id"]
    try:
        parts = _uploaded_parts(client, bucket, payload)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "NoSuchUpload":
            raise ScanRejected(
                "This upload was already completed or abandoned. Start the upload again."
            ) from exc
        raise
    if missing := _missing_parts(parts, payload):
        shown = ", ".join(str(number) for number in missing[:20])
        raise ScanRejected(f"Parts {shown} have not arrived yet. Send them, then complete again.")
    client.complete_multipart_upload(
        Bucket=bucket,
        Key=key,
        UploadId=upload_id,
        MultipartUpload={
            "Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]
        },
    )
    workdir = Path(tempfile.mkdtemp(prefix="direct-", dir=settings.FILE_UPLOAD_TEMP_DIR))
    try:
        size = client.head_object(Bucket=bucket, Key=key)["ContentLength"]
        if size != payload["size"]:
            raise ScanRejected(
                f"The uploaded file has {size} bytes, not the {payload['size']} announced. "
                "Start the upload again."
            )
        path, sha256 = _stream_to_file(client, bucket, key, workdir)
        if sha256 != payload["sha256"]:
            raise ScanRejected(
                "The uploaded file's SHA-256 differs from the one announced: it was damaged "
                "or changed on the way. Start the upload again."
            )
        with path.open("rb") as handle:
            return scan_upload(
                file=handle,
                filename=payload["filename"],
                uploaded_by=user,
                capture_method=payload["capture_method"],
                unit=payload["unit"],
                title=payload["title"],
                **subject,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        client.delete_object(Bucket=bucket, Key=key)


def _subject(payload: dict, user) -> dict:
    """The artefact or site the upload was started for, if the user may still add to it."""
    artefact = site = None
    if payload["artefact"] is not None:
        artefact = Artefact.objects.filter(pk=payload["artefact"]).first()
    else:
        site = HeritageSite.objects.filter(pk=payload["site"]).first()
    if artefact is None and site is None:
        raise ScanRejected("The artefact or site of this upload no longer exists.")
    _check_may_upload(user=user, artefact=artefact, site=site)
    return {"artefact": artefact} if artefact is not None else {"site": site}


def scan_direct_upload_abort(*, user, token: str) -> None:
    """Discard an unfinished direct upload and the parts already sent."""
    payload = _read_token(token, user)
    try:
        s3.server_client().abort_multipart_upload(
            Bucket=s3.bucket_name(), Key=payload["key"], UploadId=payload["upload_id"]
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "NoSuchUpload":
            raise
