"""Original links honour the download policy, carry the rights, and every download is logged."""

import pytest

from heritage_sites.models import DownloadLog, Scan
from heritage_sites.rights import DownloadPolicy, Licence
from tests.factories import ArtefactFactory, ScanFactory
from tests.workflow.conftest import api_as

pytestmark = pytest.mark.django_db


def _link(client, scan):
    return client.get(f"/api/v1/scan-originals/{scan.public_id}/")


def test_open_originals_are_for_everyone_signed_in_and_logged(people, home, client):
    scan = ScanFactory(
        artefact=ArtefactFactory(institution=home, licence=Licence.CC0),
        state=Scan.State.READY,
        download_policy=DownloadPolicy.OPEN,
    )
    response = _link(api_as(people["visitor"]), scan)
    assert response.status_code == 200, response.content
    download = client.get(response.json()["url"])
    assert download.status_code == 200
    assert download["Link"] == f'<{Licence.CC0}>; rel="license"'
    assert scan.artefact.rights_holder in download["Content-Description"]
    [log] = DownloadLog.objects.all()
    assert (log.user, log.route, log.byte_size) == (people["visitor"], "open", scan.byte_size)


@pytest.mark.parametrize(
    "policy", [DownloadPolicy.NONE, DownloadPolicy.DERIVATIVES, DownloadPolicy.ON_REQUEST]
)
def test_other_policies_keep_originals_for_the_institution(people, home, policy):
    scan = ScanFactory(
        artefact=ArtefactFactory(institution=home), state=Scan.State.READY, download_policy=policy
    )
    assert _link(api_as(people["visitor"]), scan).status_code == 403
    assert _link(api_as(people["other_reviewer"]), scan).status_code == 403
    assert _link(api_as(people["curator"]), scan).status_code == 200
    assert not DownloadLog.objects.exists()  # a link handed out is not a download


def test_a_curators_download_is_logged_as_theirs(people, home, client):
    scan = ScanFactory(artefact=ArtefactFactory(institution=home), state=Scan.State.READY)
    url = _link(api_as(people["curator"]), scan).json()["url"]
    assert client.get(url).status_code == 200
    [log] = DownloadLog.objects.all()
    assert (log.user, log.route, log.filename) == (people["curator"], "curator", "tetrahedron.off")
