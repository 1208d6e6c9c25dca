"""Imports through the API, run by the worker: a dry run reports every problem by row and
column and changes nothing; the fixed file imports; the curator polls the progress."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from heritage_sites.models import Artefact, HeritageSite, ImportJob
from heritage_sites.services import bulk
from tests.factories import HeritageSiteFactory
from tests.importers import whc_samples
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


def send_whc(client, data: bytes, *, dry_run: bool, name="whc-sites.csv", **extra):
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    return client.post(
        "/api/v1/imports/",
        {"file": upload, "kind": "whc", "dry_run": dry_run, **extra},
        format="multipart",
    )


def test_staff_import_the_world_heritage_list_in_the_worker(
    people, eager_tasks, django_capture_on_commit_callbacks
):
    staff = api_as(people["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_whc(staff, whc_samples.whc_csv(*whc_samples.WITH_ERRORS), dry_run=True)
    assert sent.status_code == 202, sent.content
    assert sent.json()["kind"] == "whc" and sent.json()["institution"] is None
    job = staff.get(f"/api/v1/imports/{sent.json()['id']}/").json()
    assert job["state"] == "done", job
    assert job["progress"] == {"done": 4, "total": 4}
    problems = {(p["row"], p["line"], p["column"]) for p in job["report"]["problems"]}
    assert problems == {
        (1, 2, "latitude"),
        (2, 4, "id_no"),
        (4, 8, "date_inscribed"),
        (4, 8, "category"),
    }
    assert (job["report"]["created"], job["report"]["refused_rows"]) == (1, 3)
    assert not HeritageSite.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        sent = send_whc(staff, whc_samples.whc_csv(*whc_samples.FIXED), dry_run=False)
    job = staff.get(f"/api/v1/imports/{sent.json()['id']}/").json()
    assert job["state"] == "done", job
    assert job["report"]["problems"] == [] and job["report"]["created"] == 4
    assert HeritageSite.objects.published().count() == 4
    samarkand = HeritageSite.objects.get(unesco_id=603)
    assert samarkand.history.get().history_user == people["staff"]
    # A second run finds every property as it left it.
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_whc(staff, whc_samples.whc_csv(*whc_samples.FIXED), dry_run=False)
    job = staff.get(f"/api/v1/imports/{sent.json()['id']}/").json()
    assert (job["report"]["unchanged"], job["report"]["created"]) == (4, 0)


def test_only_staff_import_the_world_heritage_list(people):
    anonymous = send_whc(api_as(None), whc_samples.whc_csv(*whc_samples.FIXED), dry_run=True)
    assert anonymous.status_code == 401
    for role in ("curator", "administrator"):
        refused = send_whc(
            api_as(people[role]), whc_samples.whc_csv(*whc_samples.FIXED), dry_run=True
        )
        assert refused.status_code == 403, refused.content
        assert refused["Content-Type"] == "application/problem+json"
        assert (
            "Only the museum's staff import the UNESCO World Heritage List"
            in (refused.json()["detail"])
        )
    # Said in the caller's language (Accept-Language).
    upload = SimpleUploadedFile("whc.csv", whc_samples.whc_csv(*whc_samples.FIXED))
    in_french = api_as(people["curator"]).post(
        "/api/v1/imports/",
        {"file": upload, "kind": "whc"},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert in_french.json()["detail"].startswith("Seul le personnel du musée importe la Liste")
    staff = api_as(people["staff"])
    mine = send_whc(
        staff, whc_samples.whc_csv(*whc_samples.FIXED), dry_run=True, institution="home-museum"
    )
    assert mine.status_code == 400
    assert "Leave out the institution" in mine.json()["errors"]["institution"][0]
    as_json = send_whc(staff, b"[]", dry_run=True, name="whc.json")
    assert as_json.status_code == 400 and ".csv" in as_json.json()["detail"]
    other = send_whc(staff, b"name,latitude\nSamarkand,39\n", dry_run=True)
    assert other.status_code == 400
    assert "the header has no column id_no" in other.json()["detail"]
    assert send_whc(staff, whc_samples.whc_csv(), dry_run=True).status_code == 400
    assert not ImportJob.objects.exists()


def test_sites_and_artefacts_still_need_an_institution(people):
    upload = SimpleUploadedFile("artefacts.csv", FIXED.encode(), content_type="text/csv")
    response = api_as(people["curator"]).post(
        "/api/v1/imports/", {"file": upload, "kind": "artefact"}, format="multipart"
    )
    assert response.status_code == 400
    assert "Name the institution" in response.json()["errors"]["institution"][0]


def test_world_heritage_jobs_are_seen_by_staff_only(people):
    job = bulk.import_job_create(
        data=whc_samples.whc_csv(*whc_samples.FIXED),
        filename="whc.csv",
        kind="whc",
        institution=None,
        dry_run=True,
        by=people["staff"],
    )
    url = f"/api/v1/imports/{job.public_id}/"
    assert api_as(people["staff"]).get(url).status_code == 200
    assert api_as(people["administrator"]).get(url).status_code == 404
    assert api_as(people["administrator"]).get("/api/v1/imports/").json()["results"] == []
