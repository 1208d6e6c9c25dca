"""Bulk imports run by the worker: the uploaded file, its progress and its report.

A curator posts a CSV, JSON or JSON Lines file of sites or artefacts (or the museum's staff the
UNESCO World Heritage List export, which belongs to no institution); the worker checks (and,
unless it is a dry run, writes) its rows with ``services/bulk.py`` or ``services/imports.py``
and counts them as it goes, so the curator can poll the job. Part of the models package
(``heritage_sites.models``).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def import_file_path(job: ImportJob, filename: str) -> str:
    # Never the client's name alone: a folder per job; the name is kept for the report.
    return f"imports/{job.public_id}/rows.{job.file_format}"


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        SITE = "site", _("sites")
        ARTEFACT = "artefact", _("artefacts")
        WHC = "whc", _("World Heritage List (UNESCO export)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    institution = models.ForeignKey(
        "heritage_sites.Institution",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="import_jobs",
        help_text=_("Whose records are imported (none for the World Heritage List)."),
    )
    dry_run = models.BooleanField(default=True)
    filename = models.CharField(max_length=255, help_text=_("The name the file was sent with."))
    file_format = models.CharField(max_length=8)  # csv, json or jsonl
    file = models.FileField(upload_to=import_file_path, max_length=500)
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    failure_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["institution", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="whc", institution__isnull=True)
                | (~models.Q(kind="whc") & models.Q(institution__isnull=False)),
                name="import_job_institution_unless_whc",
            )
        ]

    def __str__(self) -> str:
        return f"import of {self.filename} ({self.get_state_display()})"
