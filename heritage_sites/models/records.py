"""What stays of a record after it is renamed or deleted, so third parties can follow it.

- ``SlugHistory``: every slug a site, artefact, route or exhibition had; an old slug answers
  301 to the current one, so links made before a rename keep working. Public ids never change.
- ``DeletedRecord``: a tombstone per deleted site, artefact, scan, route or exhibition; the
  lists' ``?updated_since=`` (of each of these kinds) gives them, so a mirror can remove what
  the museum removed.

Part of the models package (``heritage_sites.models``).
"""

from __future__ import annotations

from django.db import models


class RecordKind(models.TextChoices):
    SITE = "site", "site"
    ARTEFACT = "artefact", "artefact"
    SCAN = "scan", "scan"
    ROUTE = "route", "route"
    EXHIBITION = "exhibition", "exhibition"


class SlugHistory(models.Model):
    kind = models.CharField(max_length=16, choices=RecordKind.choices)
    slug = models.SlugField(max_length=200)
    public_id = models.UUIDField(help_text="The record the slug named.")
    retired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "slug history"
        constraints = [
            models.UniqueConstraint(fields=["kind", "slug"], name="slug_history_unique_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.slug} -> {self.public_id}"


class DeletedRecord(models.Model):
    kind = models.CharField(max_length=16, choices=RecordKind.choices)
    public_id = models.UUIDField()
    slug = models.CharField(max_length=200, blank=True)
    deleted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "deleted_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.public_id} deleted {self.deleted_at:%Y-%m-%d}"
