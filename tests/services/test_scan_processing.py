"""The processing state machine: claims, leases, fencing, the atomic swap and the reaper."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from heritage_sites.models import Derivative, Scan
from heritage_sites.processing.types import DerivativeFile
from heritage_sites.services import scan_processing
from tests.factories import DerivativeFactory, ScanFactory

pytestmark = pytest.mark.django_db


def queued_scan(**kwargs) -> Scan:
    return ScanFactory(state=Scan.State.QUEUED, queued_at=timezone.now(), **kwargs)


def abandoned_scan(*, attempts: int, seconds_ago: int = 1) -> Scan:
    """A scan whose worker's lease ran out ``seconds_ago`` while processing it."""
    return ScanFactory(
        state=Scan.State.PROCESSING,
        attempts=attempts,
        lease_expires_at=timezone.now() - timedelta(seconds=seconds_ago),
    )


def expire_lease(scan: Scan) -> None:
    Scan.objects.filter(pk=scan.pk).update(lease_expires_at=timezone.now() - timedelta(seconds=1))


def poster_file(tmp_path: Path, name: str = "poster-512.webp") -> DerivativeFile:
    path = tmp_path / name
    path.write_bytes(b"RIFF----WEBPVP8 " + name.encode())
    return DerivativeFile(
        kind="poster", path=path, content_type="image/webp", width=512, height=512
    )


def test_a_queued_scan_is_claimed_once():
    scan = queued_scan()
    claim = scan_processing.scan_claim(scan_id=scan.pk)
    assert claim is not None and claim.attempt == 1
    assert scan_processing.scan_claim(scan_id=scan.pk) is None
    scan.refresh_from_db()
    assert scan.state == Scan.State.PROCESSING
    assert scan.lease_expires_at > timezone.now()


@pytest.mark.parametrize("state", [Scan.State.READY, Scan.State.UPLOADED])
def test_only_queued_or_abandoned_scans_can_be_claimed(state):
    scan = ScanFactory(state=state)
    assert scan_processing.scan_claim(scan_id=scan.pk) is None


def test_a_scan_whose_lease_ran_out_can_be_claimed_again():
    scan = queued_scan()
    first = scan_processing.scan_claim(scan_id=scan.pk)
    expire_lease(scan)
    second = scan_processing.scan_claim(scan_id=scan.pk)
    assert second.attempt == first.attempt + 1


def test_the_last_allowed_attempt_ends_failed_with_a_reason(settings):
    settings.SCAN_MAX_ATTEMPTS = 2
    scan = abandoned_scan(attempts=2)
    assert scan_processing.scan_claim(scan_id=scan.pk) is None
    scan.refresh_from_db()
    assert scan.state == Scan.State.FAILED
    assert "stopped before it finished, 2 times" in scan.failure_reason


def test_a_worker_that_lost_its_lease_cannot_publish(tmp_path):
    scan = queued_scan()
    stale = scan_processing.scan_claim(scan_id=scan.pk)
    expire_lease(scan)
    fresh = scan_processing.scan_claim(scan_id=scan.pk)
    assert not scan_processing.scan_renew_lease(claim=stale)
    assert (
        scan_processing.scan_publish(claim=stale, report={}, files=[poster_file(tmp_path)]) is None
    )
    assert scan_processing.scan_fail(claim=stale, reason="late", report={}) is None
    scan.refresh_from_db()
    assert scan.state == Scan.State.PROCESSING and scan.attempts == fresh.attempt
    assert not Derivative.objects.exists()


def test_publishing_swaps_the_derivatives_and_removes_the_old_files(
    tmp_path, django_capture_on_commit_callbacks
):
    old = DerivativeFactory()
    scan = old.scan
    Scan.objects.filter(pk=scan.pk).update(state=Scan.State.QUEUED)
    old_path = Path(old.file.path)
    assert old_path.exists()
    claim = scan_processing.scan_claim(scan_id=scan.pk)
    files = [poster_file(tmp_path, "poster-512.webp"), poster_file(tmp_path, "poster-1024.png")]
    with_report = {"faces": 4}
    with django_capture_on_commit_callbacks(execute=True):
        outcome = scan_processing.scan_publish(claim=claim, report=with_report, files=files)
    assert outcome == "ready"
    scan.refresh_from_db()
    assert scan.state == Scan.State.READY and scan.report == with_report
    new = list(scan.derivatives.all())
    assert len(new) == 2 and old.pk not in {d.pk for d in new}
    assert not old_path.exists()
    for derivative in new:
        assert Path(derivative.file.path).read_bytes().startswith(b"RIFF")
        assert derivative.byte_size == Path(derivative.file.path).stat().st_size


def test_a_failed_attempt_keeps_the_reason_and_the_report():
    scan = queued_scan()
    claim = scan_processing.scan_claim(scan_id=scan.pk)
    reason = "The OBJ names texture ../../etc/passwd, outside the upload."
    assert scan_processing.scan_fail(claim=claim, reason=reason, report={"errors": ["x"]})
    scan.refresh_from_db()
    assert scan.state == Scan.State.FAILED and scan.failure_reason == reason
    assert scan.report == {"errors": ["x"]} and scan.lease_expires_at is None


def test_the_reaper_requeues_an_abandoned_scan(django_capture_on_commit_callbacks):
    scan = abandoned_scan(attempts=1, seconds_ago=5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = scan_processing.scan_reap()
    assert counts["requeued"] == 1 and len(callbacks) == 1
    scan.refresh_from_db()
    assert scan.state == Scan.State.QUEUED


def test_the_reaper_fails_a_scan_that_used_up_its_attempts(settings):
    settings.SCAN_MAX_ATTEMPTS = 3
    scan = abandoned_scan(attempts=3, seconds_ago=5)
    assert scan_processing.scan_reap()["failed"] == 1
    scan.refresh_from_db()
    assert scan.state == Scan.State.FAILED and "3 times" in scan.failure_reason


def test_the_reaper_leaves_live_leases_alone():
    scan = ScanFactory(
        state=Scan.State.PROCESSING,
        attempts=1,
        lease_expires_at=timezone.now() + timedelta(seconds=60),
    )
    assert scan_processing.scan_reap() == {"requeued": 0, "failed": 0, "resent": 0}
    scan.refresh_from_db()
    assert scan.state == Scan.State.PROCESSING


def test_the_reaper_resends_scans_queued_for_too_long(django_capture_on_commit_callbacks):
    stale = ScanFactory(state=Scan.State.QUEUED, queued_at=timezone.now() - timedelta(hours=1))
    fresh = queued_scan()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = scan_processing.scan_reap(stale_queued_after=timedelta(minutes=10))
    assert counts["resent"] == 1 and len(callbacks) == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.queued_at > timezone.now() - timedelta(minutes=1)
