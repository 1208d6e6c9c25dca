"""scan_process hands the stored original to the sandboxed pipeline and records the outcome."""

from __future__ import annotations

import pytest

from heritage_sites.models import Scan
from heritage_sites.services.scan_processing import scan_process
from tests.factories import ScanFactory

pytestmark = pytest.mark.django_db


def test_a_valid_scan_ends_ready_with_its_report_and_derivatives():
    scan = ScanFactory(state=Scan.State.QUEUED)
    assert scan_process(scan_id=scan.pk) == Scan.State.READY
    scan.refresh_from_db()
    assert scan.report["faces"] == 4
    assert scan.report["unit"] == "mm" and scan.report["unit_source"] == "declared"
    kinds = set(scan.derivatives.values_list("kind", flat=True))
    assert {"web", "poster"} <= kinds


def test_a_lying_header_ends_failed_with_the_reason_and_the_report():
    scan = ScanFactory(state=Scan.State.QUEUED, content=b"OFF\n4000000000 4 0\n0 0 0\n")
    assert scan_process(scan_id=scan.pk) == Scan.State.FAILED
    scan.refresh_from_db()
    assert "4,000,000,000 vertices" in scan.failure_reason
    assert scan.report["errors"][0]["code"] == "header_mismatch"
    assert not scan.derivatives.exists()
