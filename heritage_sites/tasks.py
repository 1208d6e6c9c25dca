"""Background tasks: take an id, call a service. Nothing else lives here."""

import smtplib

from celery import shared_task

from heritage_sites import changes
from heritage_sites.services import access_requests, bulk, packs, scan_processing


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=5,
    ignore_result=True,
)
def process_scan(self, scan_id: int) -> str | None:
    """Process one scan. Transient failures (storage, database) retry with backoff."""
    try:
        return scan_processing.scan_process(scan_id=scan_id)
    except scan_processing.TransientError as exc:
        raise self.retry(exc=exc, countdown=min(300, 10 * 2**self.request.retries)) from exc


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def prune_change_log() -> int:
    """Drop the change-log rows that no kept facet count can still consult."""
    return changes.change_log_prune(keep_seconds=2 * changes.KEEP_SECONDS)


@shared_task(ignore_result=True, soft_time_limit=120, time_limit=150)
def reap_scans() -> dict[str, int]:
    """Take back scans whose worker vanished; resend lost messages; end orphaned sandboxes."""
    return scan_processing.scan_reap() | scan_processing.scan_sandboxes_sweep()


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=600, time_limit=660)
def build_route_pack(pack_id: int) -> str | None:
    """Write one route's offline pack (a zip) into storage."""
    return packs.route_pack_build(pack_id=pack_id)


@shared_task(bind=True, ignore_result=True, acks_late=True, max_retries=8)
def send_mail(self, subject: str, body: str, to: list[str]) -> None:
    """Send one message of the museum's; an unreachable mail server is tried again later."""
    try:
        access_requests.mail_send(subject=subject, body=body, to=to)
    except (smtplib.SMTPException, OSError) as exc:
        raise self.retry(exc=exc, countdown=min(3600, 60 * 2**self.request.retries)) from exc


@shared_task(ignore_result=True, acks_late=True, soft_time_limit=3600, time_limit=3660)
def run_import(job_id: int) -> str | None:
    """Check (and unless a dry run, write) the rows of one import job."""
    return bulk.import_job_run(job_id=job_id)
