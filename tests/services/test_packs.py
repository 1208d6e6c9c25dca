"""asset_may_go_in_pack: the one rule for what an offline pack may copy."""

import pytest

from heritage_sites.models import Licence, PublicationState, Scan
from heritage_sites.services.packs import asset_may_go_in_pack
from tests.factories import ArtefactFactory, HeritageSiteFactory, ScanFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("licence", "allowed"),
    [
        (Licence.CC0, True),
        (Licence.CC_BY, True),
        (Licence.CC_BY_SA, True),
        (Licence.CC_BY_NC, True),
        (Licence.IN_COPYRIGHT, False),
    ],
)
def test_the_artefacts_licence_decides(licence, allowed):
    scan = ScanFactory(state=Scan.State.READY, artefact=ArtefactFactory(licence=licence))
    assert asset_may_go_in_pack(scan=scan, artefact=scan.artefact)[0] is allowed


def test_a_download_policy_of_none_keeps_a_scan_out():
    scan = ScanFactory(state=Scan.State.READY)
    scan.download_policy = "none"  # the rights workflow's per-scan field (issue 14)
    allowed, reason = asset_may_go_in_pack(scan=scan, artefact=scan.artefact)
    assert not allowed and "download policy" in reason


def test_unprocessed_draft_and_site_scans_stay_out_with_a_reason():
    waiting = ScanFactory(state=Scan.State.QUEUED)
    assert asset_may_go_in_pack(scan=waiting, artefact=waiting.artefact) == (
        False,
        "the scan is not processed yet",
    )
    draft = ScanFactory(
        state=Scan.State.READY, artefact=ArtefactFactory(state=PublicationState.DRAFT)
    )
    assert "not published" in asset_may_go_in_pack(scan=draft, artefact=draft.artefact)[1]
    site_scan = ScanFactory(state=Scan.State.READY, artefact=None, site=HeritageSiteFactory())
    assert "sites" in asset_may_go_in_pack(scan=site_scan, artefact=None)[1]
