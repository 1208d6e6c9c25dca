"""A real Celery worker on the embedded filesystem broker: it processes scans, and a worker
killed mid-scan leaves no scan stuck and the original intact."""

import json
import signal
import subprocess
import sys
import time

import pytest

from tests.worker.harness import Museum, coloured_sphere_ply, sha256

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

UPLOAD = """
import json
from pathlib import Path
from heritage_sites.models import Artefact, Institution, Country
from heritage_sites.services.scans import scan_upload
country, _ = Country.objects.get_or_create(iso2="UZ", defaults={{"name_en": "Uzbekistan"}})
museum, _ = Institution.objects.get_or_create(
    slug="afrasiab", defaults={{"name_en": "Afrasiab Museum", "country": country}})
artefact, _ = Artefact.objects.get_or_create(
    institution=museum, accession_number={accession!r},
    defaults={{"slug": {accession!r}.lower(), "title_en": "Test sphere", "object_type": "other",
              "licence": "https://creativecommons.org/publicdomain/zero/1.0/",
              "rights_holder": "Afrasiab Museum"}})
with open({path!r}, "rb") as handle:
    result = scan_upload(file=handle, filename="sphere.ply", artefact=artefact,
                         capture_method="modelled", unit="mm")
print(json.dumps({{"id": str(result.scan.public_id)}}))
"""


@pytest.fixture
def museum(tmp_path):
    museum = Museum(
        tmp_path,
        SCAN_LEASE_SECONDS="6",
        SCAN_REAPER_INTERVAL="2",
        SCAN_REQUEUE_AFTER="60",
        SCAN_MAX_ATTEMPTS="3",
    )
    museum.manage("migrate", "--no-input")
    yield museum
    museum.stop_all()


def upload(museum: Museum, path, accession: str) -> str:
    return museum.python(UPLOAD.format(path=str(path), accession=accession))["id"]


def test_a_worker_process_turns_an_upload_into_a_ready_scan(museum, tmp_path):
    scan_id = upload(museum, coloured_sphere_ply(tmp_path / "small.ply", 40, 60), "T-1")
    museum.start_worker("w1")
    status = museum.wait_for(scan_id, {"ready", "failed"}, timeout=180)
    assert status["state"] == "ready", (status, (tmp_path / "w1.log").read_text()[-3000:])
    assert status["derivatives"] >= 3 and status["attempts"] == 1


def test_killing_the_worker_mid_scan_leaves_no_scan_stuck(museum, tmp_path):
    source = coloured_sphere_ply(tmp_path / "big.ply", 700, 1400)  # about 2M faces
    scan_id = upload(museum, source, "T-2")
    original_before = sha256(source)
    first = museum.start_worker("w1")
    status = museum.wait_for(scan_id, {"processing", "ready", "failed"}, timeout=120)
    assert status["state"] == "processing", "the scan finished before the kill could land"
    time.sleep(1.0)
    museum.kill(first)  # SIGKILL to the whole process group: worker, pool child, sandbox
    assert museum.scan_state(scan_id)["state"] == "processing"

    museum.start_worker("w2")
    status = museum.wait_for(scan_id, {"ready", "failed"}, timeout=400)
    report = {"status": status, "log": (tmp_path / "w2.log").read_text()[-3000:]}
    assert status["state"] in {"ready", "failed"}, json.dumps(report)
    assert status["attempts"] >= 2, "the second worker ran a new attempt"
    if status["state"] == "failed":
        assert status["reason"], "a failed scan always says why"
    assert sha256(tmp_path / "media" / status["original"]) == original_before


def test_an_empty_broker_message_is_set_aside_and_the_worker_goes_on(museum, tmp_path):
    # kombu's own writer creates the file before it writes it: a reader can find it empty.
    inbox = tmp_path / "var" / "broker" / "in"
    inbox.mkdir(parents=True, exist_ok=True)
    broken = inbox / "0_00000000-0000-0000-0000-000000000000.scans.msg"
    broken.write_bytes(b"")
    worker = museum.start_worker("w1")
    scan_id = upload(museum, coloured_sphere_ply(tmp_path / "small.ply", 40, 60), "T-3")
    status = museum.wait_for(scan_id, {"ready", "failed"}, timeout=180)
    log = (tmp_path / "w1.log").read_text()
    assert status["state"] == "ready", (status, log[-3000:])
    assert worker.poll() is None, "the worker is still running"
    assert "Unrecoverable error" not in log
    assert (
        f"WARNING museum.broker: Set aside a broker message that cannot be read ({broken.name}"
        in log
    )
    assert (tmp_path / "var" / "broker" / "rejected" / broken.name).read_bytes() == b""
    assert not broken.exists()


def test_a_starting_worker_ends_a_sandbox_left_by_a_dead_one(museum, tmp_path):
    from heritage_sites.processing.sandbox_registry import process_started, sandbox_record

    # A sandbox recorded by a worker that is gone, as run_pipeline_sandboxed records them.
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    folder = tmp_path / "scan-left-behind"
    folder.mkdir()
    (folder / "original.ply").write_bytes(b"\0" * (1 << 20))
    sandbox = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(600)"], start_new_session=True
    )
    try:
        runtime = tmp_path / "var" / "run" / "sandboxes"
        sandbox_record(runtime, pid=sandbox.pid, worker_pid=dead.pid, folders=[folder])
        museum.start_worker("w1")
        deadline = time.monotonic() + 120
        while folder.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        log = (tmp_path / "w1.log").read_text()
        assert not folder.exists(), log[-3000:]
        assert sandbox.wait(timeout=10) == -signal.SIGKILL
        assert process_started(sandbox.pid) is None
        assert not list(runtime.iterdir())
        assert f"Ended scan sandbox {sandbox.pid}" in log
    finally:
        sandbox.kill()
        sandbox.wait()
