"""Imports through the API, run by the worker: a dry run reports every problem by row and
column and changes nothing; the fixed file imports; the curator polls the progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage_sites.models import Artefact, ImportJob
from heritage_sites.services import bulk
from tests.factories import HeritageSiteFactory
from tests.workflow.conftest import api_as
from tests.workflow.test_bulk import BROKEN, FIXED

pytestmark = pytest.mark.django_db


def send(client, text: str, *, dry_run: bool, name="artefacts.csv", institution="home-museum"):
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(
        "/api/v1/imports/",
        {"file": upload, "kind": "artefact", "institution": institution, "dry_run": dry_run},
        format="multipart",
    )


def test_a_dry_run_in_the_worker_lists_every_problem_and_changes_nothing(
    people, home, eager_tasks, django_capture_on_commit_callbacks
):
    HeritageSiteFactory(slug="merv")
    curator = api_as(people["curator"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = send(curator, BROKEN, dry_run=True)
    assert sent.status_code == 202, sent.content
    job = curator.get(f"/api/v1/imports/{sent.json()['id']}/").json()
    assert job["state"] == "done" and job["dry_run"] is True
    assert job["progress"] == {"done": 4, "total": 4}
    problems = {(p["row"], p["column"]) for p in job["report"]["problems"]}
    assert {(2, "object_type"), (3, "licence"), (3, "site"), (4, "slug"), (4, "title")} <= problems
    assert (4, "rights_holder") in problems and (4, "date_earliest") in problems
    assert not Artefact.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = send(curator, FIXED, dry_run=False)
    job = curator.get(f"/api/v1/imports/{sent.json()['id']}/").json()
    assert job["state"] == "done", job
    assert job["report"]["problems"] == [] and job["report"]["created"] == 4
    assert Artefact.objects.filter(institution=home).count() == 4
    assert {a.state for a in Artefact.objects.all()} == {"draft"}


def _queued_job(people, home) -> ImportJob:
    """A dry run of the fixed file by the home curator, queued (the worker has not run it)."""
    return bulk.import_job_create(
        data=FIXED.encode(),
        filename="artefacts.csv",
        kind="artefact",
        institution=home,
        dry_run=True,
        by=people["curator"],
    )


def test_progress_is_written_as_the_rows_are_checked(people, home):
    job = _queued_job(people, home)
    seen = []
    original = bulk.records_import

    def watching(**kwargs):
        given = kwargs["progress"]

        def progress(done, total):
            given(done, total)
            seen.append(ImportJob.objects.get(pk=job.pk).rows_done)

        return original(**{**kwargs, "progress": progress})

    bulk.records_import = watching
    try:
        assert bulk.import_job_run(job_id=job.pk) == ImportJob.State.DONE
    finally:
        bulk.records_import = original
    assert seen == [1, 2, 3, 4]
    # A message delivered twice runs the job once.
    assert bulk.import_job_run(job_id=job.pk) is None


def test_refusals_say_what_to_do(people, home, other):
    curator = api_as(people["curator"])
    refused = send(curator, "not,a,real\n", dry_run=True, name="artefacts.txt")
    assert refused.status_code == 400
    assert "Give a .csv, .json or .jsonl file." in refused.json()["detail"]
    empty = send(curator, HEADER_ONLY, dry_run=True)
    assert empty.status_code == 400 and "no rows" in empty.json()["detail"]
    broken = send(curator, "[{", dry_run=True, name="artefacts.json")
    assert broken.status_code == 400 and "does not parse" in broken.json()["detail"]
    # Another institution's records: not this curator's to import.
    elsewhere = send(curator, FIXED, dry_run=True, institution="other-museum")
    assert elsewhere.status_code == 403
    assert send(curator, FIXED, dry_run=True, institution="atlantis").status_code == 400
    assert api_as(None).get("/api/v1/imports/").status_code == 401
    assert not ImportJob.objects.exists()


def test_jobs_are_seen_by_the_institutions_curators_only(people, home):
    job = _queued_job(people, home)
    url = f"/api/v1/imports/{job.public_id}/"
    assert api_as(people["reviewer"]).get(url).status_code == 200
    assert api_as(people["other_reviewer"]).get(url).status_code == 404
    assert api_as(people["visitor"]).get(url).status_code == 404
    listed = api_as(people["curator"]).get("/api/v1/imports/").json()["results"]
    assert [j["id"] for j in listed] == [str(job.public_id)]
    assert api_as(people["other_reviewer"]).get("/api/v1/imports/").json()["results"] == []


HEADER_ONLY = FIXED.splitlines()[0] + "\n"
