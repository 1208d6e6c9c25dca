"""Access requests for originals: what a requester sends, and what requester and reviewer see."""

from __future__ import annotations

from rest_framework import serializers

from heritage_sites.models import AccessRequest


class ProfileSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=255)
    affiliation = serializers.CharField(max_length=255)
    purpose = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AccessRequestCreateSerializer(serializers.Serializer):
    scan = serializers.UUIDField(help_text="Public id of a published scan 'on request'.")
    intended_use = serializers.CharField(max_length=5000)
    accept_terms = serializers.BooleanField(help_text="true: you accept the terms of use.")
    profile = ProfileSerializer(
        required=False, help_text="Your name and affiliation (required with the first request)."
    )


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class AccessRequestSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    scan = serializers.UUIDField(source="scan.public_id", read_only=True)
    requester = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()
    downloads = serializers.SerializerMethodField()

    class Meta:
        model = AccessRequest
        fields = [
            "id",
            "scan",
            "requester",
            "intended_use",
            "terms_accepted_at",
            "status",
            "decided_by",
            "decided_at",
            "decision_note",
            "expires_at",
            "revoked_at",
            "created_at",
            "downloads",
        ]
        read_only_fields = fields

    def get_requester(self, request) -> dict:
        profile = getattr(request.requester, "requester_profile", None)
        return {
            "username": request.requester.get_username(),
            "full_name": profile.full_name if profile else "",
            "affiliation": profile.affiliation if profile else "",
            "purpose": profile.purpose if profile else "",
        }

    def get_decided_by(self, request) -> str | None:
        return request.decided_by.get_username() if request.decided_by else None

    def get_downloads(self, request) -> list[dict]:
        return [
            {"at": log.downloaded_at.isoformat(), "file": log.filename, "bytes": log.byte_size}
            for log in request.downloads.all()
        ]
