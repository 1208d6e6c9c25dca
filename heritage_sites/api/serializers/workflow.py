"""The workflow's request and response shapes: a transition's note, a record's review trail,
a review-queue entry."""

from __future__ import annotations

from rest_framework import serializers

from heritage_sites.api.serializers.common import public_url
from heritage_sites.models.workflow import PublicationState


class TransitionSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="The reviewer's comment (reject: required) or the reason (withdraw: "
        "required, shown on the tombstone). Ignored by the other transitions.",
    )


def _who(user) -> str | None:
    return user.get_username() if user is not None else None


class ReviewTrailSerializer(serializers.Serializer):
    """Who moved the record at each step, and when (read only)."""

    state = serializers.ChoiceField(choices=PublicationState.choices, read_only=True)
    submitted_at = serializers.DateTimeField(read_only=True, allow_null=True)
    submitted_by = serializers.SerializerMethodField()
    reviewed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    reviewed_by = serializers.SerializerMethodField()
    review_comment = serializers.CharField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True, allow_null=True)
    published_by = serializers.SerializerMethodField()
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)
    withdrawn_by = serializers.SerializerMethodField()
    withdrawal_reason = serializers.CharField(read_only=True)

    def to_representation(self, record):
        data = super().to_representation(record)
        data["state"] = getattr(record, type(record).publication_field)
        return data

    def get_submitted_by(self, record) -> str | None:
        return _who(record.submitted_by)

    def get_reviewed_by(self, record) -> str | None:
        return _who(record.reviewed_by)

    def get_published_by(self, record) -> str | None:
        return _who(record.published_by)

    def get_withdrawn_by(self, record) -> str | None:
        return _who(record.withdrawn_by)


class QueueEntrySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["site", "artefact", "scan", "route", "exhibition"])
    id = serializers.UUIDField()
    title = serializers.CharField()
    url = serializers.URLField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    submitted_by = serializers.CharField(allow_null=True)
    problems = serializers.ListField(
        child=serializers.CharField(), help_text="What stops publication now (gates)."
    )


def queue_entry(record, kind: str, request) -> dict:
    return {
        "kind": kind,
        "id": str(record.public_id),
        "title": str(record),
        "url": public_url(request, f"{kind}-detail", ref=record.public_id),
        "submitted_at": serializers.DateTimeField().to_representation(record.submitted_at)
        if record.submitted_at
        else None,
        "submitted_by": _who(record.submitted_by),
        "problems": record.publication_problems(),
    }
