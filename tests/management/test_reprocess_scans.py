"""reprocess_scans: queue scans again, leave those already waiting alone."""

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from heritage_sites.models import Scan
from tests.factories import DerivativeFactory, ScanFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("reprocess_scans", *args, stdout=out)
    return out.getvalue()


def test_failed_scans_are_queued_again_and_a_second_run_changes_nothing():
    failed = ScanFactory(state=Scan.State.FAILED, failure_reason="No faces.", attempts=3)
    ready = ScanFactory(state=Scan.State.READY)
    assert "Queued 1 scan(s)" in run("--failed")
    failed.refresh_from_db()
    ready.refresh_from_db()
    assert failed.state == Scan.State.QUEUED and failed.attempts == 0
    assert failed.failure_reason == ""
    assert ready.state == Scan.State.READY
    assert "Queued 0 scan(s)" in run("--failed")


def test_a_ready_scan_keeps_its_derivatives_while_it_waits():
    derivative = DerivativeFactory()
    assert "Queued 1 scan(s)" in run(str(derivative.scan.public_id))
    derivative.scan.refresh_from_db()
    assert derivative.scan.state == Scan.State.QUEUED
    assert derivative.scan.derivatives.count() == 1


def test_all_skips_scans_already_processing():
    ScanFactory(state=Scan.State.PROCESSING)
    ScanFactory(state=Scan.State.READY)
    assert "Queued 1 scan(s) for processing; 1 already queued or processing." in run("--all")


def test_it_says_which_ids_do_not_exist():
    missing = uuid.uuid4()
    with pytest.raises(CommandError, match=str(missing)):
        run(str(missing))
    with pytest.raises(CommandError, match="not a scan id"):
        run("42")
    with pytest.raises(CommandError, match="one of them"):
        run()
