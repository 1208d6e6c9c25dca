"""Faults on the production stack (docs: /work/shared/HOSTILE-INPUTS.md, F1, F2, F6).

Each fault is injected at a randomised moment. The checker asserts the invariants after every
round: the scan ends ready (or failed with a reason once its attempts are used up), never
stuck; its original is intact (sha256 of the bytes in the bucket); one generation of
derivatives is published.
"""

import hashlib
import random
import time

import psutil
import pytest
from rest_framework.authtoken.models import Token

from heritage_sites.models import Scan
from tests.factories import ArtefactFactory, InstitutionFactory, UserFactory
from tests.integration.client import Curator, corpus_or_generated_mesh, wait_final
from tests.integration.conftest import FIGURES, REDIS_URL, needs_stack
from tests.integration.stack import descendants, kill_tree, wait_for
from tests.s3server import free_port

pytestmark = [
    pytest.mark.integration,
    needs_stack,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(900),
]


def sandbox_running(pid: int) -> bool:
    """True while a scan's sandbox process runs under the worker.

    The sandbox is forked from a multiprocessing fork server that the pool child starts on
    its first scan and keeps: a process under the fork server is a running sandbox.
    """
    for process in descendants(pid):
        try:
            if "forkserver" in " ".join(process.cmdline()) and process.children():
                return True
        except psutil.NoSuchProcess:
            continue
    return False


def check_outcome(stack, scan_id: int, sha256: str) -> Scan:
    """The invariants; updates the reliability figures and returns the final scan."""
    scan = wait_final(Scan, scan_id, timeout=240)
    if scan.state not in (Scan.State.READY, Scan.State.FAILED):
        FIGURES["scans_stuck"] += 1
    elif scan.state == Scan.State.READY:
        FIGURES["scans_processed"] += 1
    stored = stack.s3.get_object(Bucket=stack.bucket, Key=f"private/{scan.original.name}")
    if hashlib.sha256(stored["Body"].read()).hexdigest() != sha256:
        FIGURES["originals_lost"] += 1
    return scan


@pytest.fixture
def curator_and_artefact(stack):
    owner = UserFactory()
    artefact = ArtefactFactory(institution=InstitutionFactory(curators=[owner]))
    return Curator(stack.web_url, Token.objects.create(user=owner).key), artefact


@pytest.mark.parametrize(
    ("round_no", "victim"),
    [(1, "node"), (2, "child"), (3, "node"), (4, "child")],
)
def test_a_worker_killed_mid_scan_leaves_no_scan_stuck_and_no_original_lost(
    stack, curator_and_artefact, on_failure_print_logs, round_no, victim
):
    curator, artefact = curator_and_artefact
    filename, content = corpus_or_generated_mesh(seed=100 + round_no, subdivisions=7)
    sha256 = hashlib.sha256(content).hexdigest()
    done = curator.upload(artefact_id=artefact.public_id, filename=filename, content=content)
    assert done.status_code == 201, done.text
    scan_id = Scan.objects.get(public_id=done.json()["scan"]).pk

    worker = stack.worker
    wait_for(lambda: sandbox_running(worker.process.pid), timeout=120, what="scan in the sandbox")
    time.sleep(random.uniform(0.1, 1.5))  # a random moment inside the pipeline
    assert Scan.objects.get(pk=scan_id).state == Scan.State.PROCESSING
    started = time.monotonic()
    if victim == "node":
        # F2: the whole worker node dies: main process, pool child, sandbox, all at once.
        assert kill_tree(worker.process.pid) >= 3
        stack.start_worker()
    else:
        # F1: the pool child (and the sandbox under it) dies; the main process lives on.
        child = descendants(worker.process.pid)[0]
        assert kill_tree(child.pid) >= 2
    FIGURES["faults_injected"] += 1

    scan = check_outcome(stack, scan_id, sha256)
    recovery = time.monotonic() - started
    print(
        f"round {round_no} ({victim}): {scan.state} after {recovery:.1f} s,"
        f" attempts {scan.attempts}"
    )
    assert scan.state == Scan.State.READY, (scan.state, scan.failure_reason)
    assert scan.attempts >= 2, "the killed attempt counts"
    assert scan.derivatives.filter(kind="web").count() == 1, "one generation is published"
    assert FIGURES["scans_stuck"] == 0 and FIGURES["originals_lost"] == 0


def test_an_upload_while_the_broker_is_down_is_sent_again_by_the_reaper(
    stack, curator_and_artefact, on_failure_print_logs
):
    # F6: this web process cannot reach its broker (a closed port); the worker and beat can.
    closed = f"redis://127.0.0.1:{free_port()}/{REDIS_URL.rsplit('/', 1)[-1]}"
    env = {**stack.env, "CELERY_BROKER_URL": closed}
    cut_off = stack.start_web(free_port(), env=env, name="web-broker-down")
    curator, artefact = curator_and_artefact
    curator.web_url = cut_off
    filename, content = corpus_or_generated_mesh(seed=200)
    done = curator.upload(artefact_id=artefact.public_id, filename=filename, content=content)
    assert done.status_code == 201, done.text  # the upload itself succeeds
    scan = Scan.objects.get(public_id=done.json()["scan"])
    assert scan.state == Scan.State.QUEUED and scan.attempts == 0
    log = next(p for p in stack.processes if p.name == "web-broker-down").log
    assert "the reaper will retry" in log.read_text()
    FIGURES["faults_injected"] += 1

    started = time.monotonic()
    scan = check_outcome(stack, scan.pk, hashlib.sha256(content).hexdigest())
    print(f"broker down at enqueue: {scan.state} {time.monotonic() - started:.1f} s after upload")
    assert scan.state == Scan.State.READY, (scan.state, scan.failure_reason)


def test_queued_scans_lost_with_the_brokers_data_are_sent_again_by_the_reaper(
    stack, curator_and_artefact, on_failure_print_logs
):
    # F7: Redis loses every queued message (restarted without persistence, or flushed).
    import redis

    stack.worker.stop()  # nobody consumes: the messages wait in Redis
    curator, artefact = curator_and_artefact
    uploads = {}
    for seed in (300, 301):
        filename, content = corpus_or_generated_mesh(seed=seed)
        done = curator.upload(artefact_id=artefact.public_id, filename=filename, content=content)
        assert done.status_code == 201, done.text
        uploads[Scan.objects.get(public_id=done.json()["scan"]).pk] = content
    broker = redis.Redis.from_url(REDIS_URL)
    assert broker.llen("scans") >= len(uploads)
    broker.flushdb()
    FIGURES["faults_injected"] += 1
    started = time.monotonic()
    stack.start_worker()
    for scan_id, content in uploads.items():
        scan = check_outcome(stack, scan_id, hashlib.sha256(content).hexdigest())
        assert scan.state == Scan.State.READY, (scan.state, scan.failure_reason)
    print(f"broker data lost: {len(uploads)} scans ready {time.monotonic() - started:.1f} s later")
