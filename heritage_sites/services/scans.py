"""Every write with side effects on scans. ``grep scan_`` lists each way a scan can change.

Ingest streams the upload once to a temporary file while hashing it, detects the format from
the bytes, and stores the original once under a UUID key. Processing happens in a Celery task
that is enqueued only after the transaction that created the row has committed.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from heritage_sites.models import Artefact, HeritageSite, Scan
from heritage_sites.processing.formats import UnsupportedFormat, detect_format
from heritage_sites.processing.single_file import single_file_problem

logger = logging.getLogger(__name__)

CHUNK = 1024 * 1024
FILENAME_MAX = 255


class ScanRejected(ValidationError):
    """The upload cannot become a scan. The message tells the curator what to do."""


@dataclass(frozen=True)
class UploadResult:
    scan: Scan
    created: bool


def _clean_filename(filename: str) -> str:
    # Only for display: the stored key never comes from the client.
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in "\u202e\u202d\u200f")
    return name.strip()[:FILENAME_MAX] or "upload"


def _spool(source: BinaryIO, limit: int) -> tuple[Path, int, str]:
    """Copy ``source`` to a temporary file, hashing as it goes; stop at ``limit`` bytes."""
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(
        prefix="scan-", suffix=".upload", dir=settings.FILE_UPLOAD_TEMP_DIR, delete=False
    ) as handle:
        path = Path(handle.name)
        try:
            if hasattr(source, "seek"):
                source.seek(0)
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise ScanRejected(
                        f"The file is larger than the upload limit of {filesizeformat(limit)}. "
                        "Reduce the scan (fewer faces, smaller textures) or ask an administrator "
                        "to raise SCAN_UPLOAD_MAX_BYTES.",
                        code="too_large",
                    )
                digest.update(chunk)
                handle.write(chunk)
        except BaseException:
            handle.close()
            path.unlink(missing_ok=True)
            raise
    return path, size, digest.hexdigest()


def scan_upload(
    *,
    file: BinaryIO,
    filename: str,
    artefact: Artefact | None = None,
    site: HeritageSite | None = None,
    uploaded_by=None,
    capture_method: str,
    kind: str = Scan.Kind.AS_FOUND,
    derived_from: Scan | None = None,
    unit: str = "",
    title: str = "",
    device: str = "",
    operator: str = "",
    capture_date: date | None = None,
    procedural: bool = False,
) -> UploadResult:
    """Store an uploaded 3D file as a new scan of an artefact or a site and queue processing.

    The same bytes uploaded again for the same subject return the existing scan
    (``created=False``) instead of being stored and processed twice.
    """
    if (artefact is None) == (site is None):
        raise ScanRejected("A scan belongs to an artefact or to a site, not both.")
    limit = settings.SCAN_UPLOAD_MAX_BYTES
    declared = getattr(file, "size", None)
    if declared is not None and declared > limit:
        raise ScanRejected(
            f"The file is {filesizeformat(declared)}, above the upload limit of "
            f"{filesizeformat(limit)}.",
            code="too_large",
        )
    path, size, sha256 = _spool(file, limit)
    try:
        if size == 0:
            raise ScanRejected("The file is empty. Choose the exported 3D file again.")
        try:
            # A bare .obj or .gltf is accepted when it holds all its geometry, as the
            # pipeline reads it; missing materials and textures are warnings in the report.
            fmt = detect_format(path, filename, allow_loose=True)
        except UnsupportedFormat as exc:
            if exc.detail:  # for staff; the curator reads the plain sentence
                logger.info("Upload %r refused: %s", _clean_filename(filename), exc.detail)
            raise ScanRejected(str(exc), code="unsupported_format") from exc
        problem = single_file_problem(path, fmt)
        if problem:
            raise ScanRejected(problem, code="unsupported_format")
        subject = {"artefact": artefact} if artefact is not None else {"site": site}
        existing = Scan.objects.filter(sha256=sha256, **subject).first()
        if existing is not None:
            return UploadResult(scan=existing, created=False)
        scan = Scan(
            **subject,
            title=title,
            original_filename=_clean_filename(filename),
            format=fmt,
            byte_size=size,
            sha256=sha256,
            capture_method=capture_method,
            kind=kind,
            derived_from=derived_from,
            unit=unit,
            device=device,
            operator=operator,
            capture_date=capture_date,
            procedural=procedural,
            uploaded_by=uploaded_by,
        )
        scan.full_clean(exclude=["original"])
        try:
            with transaction.atomic():
                with path.open("rb") as handle:
                    # The storage write happens inside the transaction; if the row cannot be
                    # saved, the stored copy is removed below so nothing is left half-written.
                    scan.original.save(scan.stored_name(), File(handle), save=False)
                scan.state = Scan.State.QUEUED
                scan.queued_at = timezone.now()
                scan.save()
                transaction.on_commit(lambda: enqueue_scan(scan.pk))
        except IntegrityError:
            _delete_original(scan)
            existing = Scan.objects.filter(sha256=sha256, **subject).first()
            if existing is None:
                raise
            return UploadResult(scan=existing, created=False)
        except BaseException:
            _delete_original(scan)
            raise
        return UploadResult(scan=scan, created=True)
    finally:
        path.unlink(missing_ok=True)


def _delete_original(scan: Scan) -> None:
    if scan.original.name:
        scan.original.storage.delete(scan.original.name)


PROCESS_SCAN_TASK = "heritage_sites.tasks.process_scan"


def enqueue_scan(scan_id: int) -> None:
    """Send the processing task. Call it only after the row's transaction committed.

    The task is sent by name: the tasks module calls the services, never the other way.
    """
    try:
        current_app.tasks[PROCESS_SCAN_TASK].delay(scan_id)
    except Exception:
        # The broker is down: the row stays queued and the reaper enqueues it again later.
        logger.exception("Could not enqueue scan %s; the reaper will retry", scan_id)


def scan_reprocess(*, scan: Scan) -> bool:
    """Queue a scan for processing again. Its current derivatives stay until new ones replace
    them. Returns False when the scan is already waiting or being processed."""
    updated = (
        Scan.objects.filter(pk=scan.pk)
        .exclude(state__in=[Scan.State.QUEUED, Scan.State.PROCESSING])
        .update(state=Scan.State.QUEUED, queued_at=timezone.now(), attempts=0, failure_reason="")
    )
    if updated:
        transaction.on_commit(lambda: enqueue_scan(scan.pk))
    return bool(updated)


class ScanBusy(ScanRejected):
    """The scan is being processed right now; the change must wait until it is done."""


def scan_set_pose(*, scan: Scan, up_axis: str, quarter_turns: int) -> bool:
    """Set the scan's pose (up axis, "" to guess it; quarter turns about it) and rebuild its
    derivatives from the unchanged original. Returns True when processing was queued.

    Refused (ScanBusy) while a worker processes the scan: that run read the old pose.
    """
    if up_axis not in Scan.UpAxis.values and up_axis != "":
        choices = ", ".join(Scan.UpAxis.values)
        raise ScanRejected(f"The up axis must be one of {choices}, or empty to guess it.")
    if isinstance(quarter_turns, bool) or quarter_turns not in (0, 1, 2, 3):
        raise ScanRejected("Quarter turns must be 0, 1, 2 or 3.")
    with transaction.atomic():
        current = Scan.objects.select_for_update().filter(pk=scan.pk).first()
        if current is None:
            raise ScanRejected("The scan no longer exists.")
        if current.state == Scan.State.PROCESSING:
            raise ScanBusy(
                "The scan is being processed right now. Set its pose again once it is ready "
                "or failed.",
                code="busy",
            )
        if (current.up_axis, current.quarter_turns) == (up_axis, quarter_turns):
            return False
        Scan.objects.filter(pk=scan.pk).update(up_axis=up_axis, quarter_turns=quarter_turns)
        scan.up_axis, scan.quarter_turns = up_axis, quarter_turns
        # A queued scan has not been read yet: its coming run uses the new pose.
        return scan_reprocess(scan=scan)
