"""Services that move a scan through processing: claim, run the pipeline, publish, reap.

State machine (every arrow is a conditional UPDATE):
    uploaded -> queued -> processing -> ready | failed
    processing -> queued            (transient error, or the reaper after a lost worker)
    ready | failed -> queued        (reprocess)

A worker holds a scan only while its lease lasts; it renews the lease while the sandboxed
pipeline runs. The attempt number taken at claim fences every later write, so a worker that
lost its lease cannot overwrite a newer attempt.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, models, transaction
from django.utils import timezone

from heritage_sites.models import Derivative, Scan
from heritage_sites.processing.sandbox import run_pipeline_sandboxed
from heritage_sites.processing.sandbox_registry import sandboxes_sweep
from heritage_sites.processing.types import PipelineOptions
from heritage_sites.services import derivatives as derivative_access
from heritage_sites.services.scans import enqueue_scan

logger = logging.getLogger(__name__)


class TransientError(Exception):
    """Processing could not finish for a reason outside the file (storage or database down)."""


@dataclass(frozen=True)
class Claim:
    scan_id: int
    attempt: int


def _lease_deadline():
    return timezone.now() + timedelta(seconds=settings.SCAN_LEASE_SECONDS)


def _fenced(claim: Claim) -> models.QuerySet:
    return Scan.objects.filter(
        pk=claim.scan_id, state=Scan.State.PROCESSING, attempts=claim.attempt
    )


def scan_claim(*, scan_id: int) -> Claim | None:
    """Take a queued scan, or one whose worker's lease ran out, for processing."""
    now = timezone.now()
    with transaction.atomic():
        scan = (
            Scan.objects.select_for_update()
            .filter(pk=scan_id)
            .filter(
                models.Q(state=Scan.State.QUEUED)
                | models.Q(state=Scan.State.PROCESSING, lease_expires_at__lt=now)
            )
            .first()
        )
        if scan is None:
            return None
        if scan.attempts >= settings.SCAN_MAX_ATTEMPTS:
            _fail_interrupted(scan.pk, scan.attempts)
            return None
        attempt = scan.attempts + 1
        Scan.objects.filter(pk=scan_id).update(
            state=Scan.State.PROCESSING,
            attempts=attempt,
            started_at=now,
            finished_at=None,
            lease_expires_at=_lease_deadline(),
        )
    return Claim(scan_id=scan_id, attempt=attempt)


def _fail_interrupted(scan_id: int, attempts: int) -> None:
    Scan.objects.filter(pk=scan_id).update(
        state=Scan.State.FAILED,
        failure_reason=(
            f"Processing stopped before it finished, {attempts} times (the worker was stopped "
            "or ran out of memory). The file may be too large or complex for this server: try "
            "a lighter export, or ask an administrator to look at the worker logs."
        ),
        finished_at=timezone.now(),
        lease_expires_at=None,
    )


def scan_renew_lease(*, claim: Claim) -> bool:
    """Extend the worker's hold on the scan. False when another attempt has taken it over."""
    return bool(_fenced(claim).update(lease_expires_at=_lease_deadline()))


def scan_process(*, scan_id: int) -> str | None:
    """Claim a scan, run the sandboxed pipeline on its original and publish the outcome.

    Returns the final state, or None when the scan was not claimable (already taken, done, or
    deleted). Raises TransientError when the attempt should be retried later.
    """
    claim = scan_claim(scan_id=scan_id)
    if claim is None:
        return None
    try:
        return _process_claimed(claim)
    except TransientError:
        raise
    except DatabaseError as exc:
        # The lease runs out and the reaper hands the scan to a later attempt.
        raise TransientError(f"The database failed during processing: {exc}") from exc
    except Exception:
        # A bug of ours, not a problem with the file: fail now rather than leave the scan
        # in processing until its lease runs out, and keep the traceback in the worker log.
        logger.exception("Unexpected error while processing scan %s", scan_id)
        scan_fail(
            claim=claim,
            reason=(
                "The server hit an unexpected error while processing this scan; the details "
                "are in the worker log. Ask an administrator, then process the scan again."
            ),
            report={},
        )
        raise


def _process_claimed(claim: Claim) -> str | None:
    scan_id = claim.scan_id
    scan = Scan.objects.select_related("artefact").get(pk=scan_id)
    workdir = Path(tempfile.mkdtemp(prefix=f"scan-{scan.public_id}-"))
    try:
        # Alone in its folder: a bare .obj or .gltf may name files beside it, and only
        # what was uploaded may be found there.
        source = workdir / "original" / scan.stored_name()
        source.parent.mkdir()
        try:
            with scan.original.open("rb") as original, source.open("wb") as copy:
                shutil.copyfileobj(original, copy, 1024 * 1024)
        except OSError as exc:
            _release(claim)
            raise TransientError(f"The original could not be read from storage: {exc}") from exc
        options = PipelineOptions(
            declared_unit=scan.unit or None,
            catalogue_dimensions_mm=scan.artefact.dimensions_mm if scan.artefact else None,
            time_limit_s=settings.SCAN_SOFT_TIME_LIMIT - 30,
            memory_limit_bytes=settings.SCAN_PARSE_MEMORY_LIMIT,
            original_name=scan.original_filename,
            up_axis=scan.up_axis or None,
            quarter_turns=scan.quarter_turns,
        )
        result = run_pipeline_sandboxed(
            source,
            fmt=scan.format,
            workdir=workdir / "out",
            options=options,
            heartbeat=lambda: scan_renew_lease(claim=claim),
            # Renew well before the lease runs out, whatever SCAN_LEASE_SECONDS is.
            heartbeat_every=max(0.5, settings.SCAN_LEASE_SECONDS / 4),
            # If this worker dies mid-scan, the next one (or the reaper) ends the sandbox and
            # removes this scan's temporary folder.
            runtime_dir=settings.SCAN_RUNTIME_DIR,
            owned_folders=[workdir],
        )
        if result.state != Scan.State.READY:
            return scan_fail(claim=claim, reason=result.reason, report=result.report)
        return scan_publish(claim=claim, report=result.report, files=result.derivatives)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _release(claim: Claim) -> None:
    # Back to the queue for a later attempt; the attempt count keeps the retries bounded.
    _fenced(claim).update(state=Scan.State.QUEUED, queued_at=timezone.now(), lease_expires_at=None)


def scan_fail(*, claim: Claim, reason: str, report: dict) -> str | None:
    """Mark the claimed scan failed with a reason written for curators."""
    updated = _fenced(claim).update(
        state=Scan.State.FAILED,
        failure_reason=reason or "Processing failed for an unknown reason.",
        report=report,
        finished_at=timezone.now(),
        lease_expires_at=None,
    )
    return Scan.State.FAILED if updated else None


def scan_publish(*, claim: Claim, report: dict, files: list) -> str | None:
    """Store the new derivatives and swap them in for the old ones in one transaction.

    A ready scan is never without derivatives: the old rows and files stay until the new
    rows are committed, and are deleted only after that.
    """
    scan = Scan.objects.select_related("artefact", "site").get(pk=claim.scan_id)
    # Straight to the storage the subject's state asks for; a state changed meanwhile is put
    # right by the sync after the swap commits.
    public = derivative_access.scan_subject_is_published(scan=scan)
    stored: list[Derivative] = []
    try:
        for item in files:
            derivative = Derivative(
                scan=scan,
                kind=item.kind,
                content_type=item.content_type,
                byte_size=item.path.stat().st_size,
                face_count=item.faces,
                width=item.width,
                height=item.height,
            )
            with item.path.open("rb") as handle:
                derivative_access.derivative_file_store(
                    derivative=derivative,
                    content=File(handle),
                    filename=item.path.name,
                    public=public,
                )
            stored.append(derivative)
    except OSError as exc:
        _delete_files(stored)
        _release(claim)
        raise TransientError(f"Derivatives could not be written to storage: {exc}") from exc

    with transaction.atomic():
        locked = _fenced(claim).select_for_update().first()
        if locked is None:
            # Another attempt owns the scan now: this attempt's files must not be published.
            transaction.on_commit(lambda: _delete_files(stored))
            return None
        old = list(locked.derivatives.all())
        Derivative.objects.filter(pk__in=[d.pk for d in old]).delete()
        Derivative.objects.bulk_create(stored)
        _fenced(claim).update(
            state=Scan.State.READY,
            failure_reason="",
            report=report,
            finished_at=timezone.now(),
            lease_expires_at=None,
        )
        transaction.on_commit(lambda: _delete_files(old))
        transaction.on_commit(lambda: derivative_access.scan_derivatives_sync_visibility(scan=scan))
    return Scan.State.READY


def _delete_files(derivatives: list[Derivative]) -> None:
    for derivative in derivatives:
        try:
            derivative_access.derivative_file_delete(derivative=derivative)
        except OSError:
            logger.warning("Could not delete derivative file %s", derivative.file.name)


def scan_reap(*, stale_queued_after: timedelta | None = None) -> dict[str, int]:
    """Take back scans whose worker vanished and re-enqueue scans whose message was lost.

    Expired leases go back to the queue, or to failed once the attempts are used up. Scans
    queued (or uploaded) for longer than ``stale_queued_after`` are enqueued again: the
    claim makes a duplicate message harmless.
    """
    now = timezone.now()
    stale_queued_after = stale_queued_after or timedelta(seconds=settings.SCAN_REQUEUE_AFTER)
    requeued = failed = 0
    expired = Scan.objects.filter(state=Scan.State.PROCESSING, lease_expires_at__lt=now)
    for scan_id, attempts in expired.values_list("pk", "attempts"):
        if attempts >= settings.SCAN_MAX_ATTEMPTS:
            with transaction.atomic():
                if (
                    Scan.objects.select_for_update()
                    .filter(pk=scan_id, state=Scan.State.PROCESSING, lease_expires_at__lt=now)
                    .exists()
                ):
                    _fail_interrupted(scan_id, attempts)
                    failed += 1
            continue
        if Scan.objects.filter(
            pk=scan_id, state=Scan.State.PROCESSING, lease_expires_at__lt=now
        ).update(state=Scan.State.QUEUED, queued_at=now, lease_expires_at=None):
            requeued += 1
            transaction.on_commit(lambda scan_id=scan_id: enqueue_scan(scan_id))
    stale = Scan.objects.filter(
        models.Q(queued_at__lt=now - stale_queued_after) | models.Q(queued_at__isnull=True),
        state__in=[Scan.State.QUEUED, Scan.State.UPLOADED],
    )
    resent = 0
    for scan_id in stale.values_list("pk", flat=True):
        Scan.objects.filter(pk=scan_id).update(state=Scan.State.QUEUED, queued_at=now)
        transaction.on_commit(lambda scan_id=scan_id: enqueue_scan(scan_id))
        resent += 1
    return {"requeued": requeued, "failed": failed, "resent": resent}


def scan_sandboxes_sweep() -> dict[str, int]:
    """End the scan sandboxes whose worker died and remove the folders they left behind."""
    return sandboxes_sweep(settings.SCAN_RUNTIME_DIR)
