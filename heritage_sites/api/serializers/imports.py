"""Bulk imports: what a curator sends, and the job they poll."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.models import ImportJob


class ImportJobCreateSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="A .csv, .json (a list of objects) or .jsonl file, one record per row."
    )
    kind = serializers.ChoiceField(choices=ImportJob.Kind.choices)
    institution = serializers.SlugField(
        max_length=200, help_text="Slug of the institution you curate (owner or steward)."
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
    column = serializers.CharField()
    message = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    summary = serializers.CharField()
    total = serializers.IntegerField()
    created = serializers.IntegerField(help_text="Rows created (or that would be, dry run).")
    updated = serializers.IntegerField(help_text="Rows updated (or that would be, dry run).")
    refused_rows = serializers.IntegerField()
    problems = RowProblemSerializer(many=True)


class ImportJobSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    institution = serializers.SlugRelatedField(slug_field="slug", read_only=True)
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
