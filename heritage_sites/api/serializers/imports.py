"""Bulk imports: what a curator sends, and the job they poll."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.models import ImportJob


class ImportJobCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A .csv, .json (a list of objects) or .jsonl file, one record per row."
    )
    kind = serializers.ChoiceField(
        choices=ImportJob.Kind.choices,
        help_text="`site` or `artefact` (into an institution you curate), or `whc`: the UNESCO "
        "World Heritage List export as a CSV (the museum's staff only; no institution).",
    )
    institution = serializers.SlugField(
        max_length=200,
        required=False,
        help_text="Slug of the institution you curate (owner or steward). Required for sites "
        "and artefacts; left out for `whc`.",
    )
    dry_run = serializers.BooleanField(
        default=True,
        help_text="true (the default): check every row and change nothing. false: write.",
    )


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Rows checked so far.")
    total = serializers.IntegerField(help_text="Rows in the file.")


class RowProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="1 is the first record (the CSV header is 0).")
    line = serializers.IntegerField(
        allow_null=True,
        required=False,
        help_text="The line of the file the record starts on, where records span lines (the "
        "World Heritage export); null otherwise.",
    )
    column = serializers.CharField(help_text="A column of the file, or `row` for the whole row.")
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    summary = serializers.CharField()
    total = serializers.IntegerField()
    created = serializers.IntegerField(help_text="Rows created (or that would be, dry run).")
    updated = serializers.IntegerField(help_text="Rows updated (or that would be, dry run).")
    unchanged = serializers.IntegerField(
        required=False,
        help_text="Rows that match their record already (World Heritage imports); 0 otherwise.",
    )
    refused_rows = serializers.IntegerField()
    problems = RowProblemSerializer(many=True)


class ImportJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    progress = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "kind",
            "institution",
            "dry_run",
            "filename",
            "state",
            "progress",
            "report",
            "failure_reason",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, job: ImportJob) -> dict:
        return {"done": job.rows_done, "total": job.rows_total}

    @extend_schema_field(ImportReportSerializer(allow_null=True))
    def get_report(self, job: ImportJob) -> dict | None:
        """Once the job is done: every problem by row and column, and the counts."""
        return job.report or None
