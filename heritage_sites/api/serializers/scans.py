"""Scans: state and validation report, derivative files with sizes, and the upload form."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.api.serializers.common import RefField, public_url
from heritage_sites.models import Artefact, Derivative, HeritageSite, Scan


class DerivativeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Derivative
        fields = ["kind", "url", "content_type", "byte_size", "face_count", "width", "height"]
        read_only_fields = fields

    def get_url(self, derivative) -> str:
        # Keys are unguessable (a UUID per generation); the scan itself is only serialized
        # for callers who may see it, so a draft's files are never linked.
        return self.context["request"].build_absolute_uri(derivative.file.url)


class SubjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["artefact", "site"])
    id = serializers.UUIDField()
    slug = serializers.SlugField()


class ScanSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    derivatives = DerivativeSerializer(many=True, read_only=True)
    report = serializers.JSONField(
        read_only=True, help_text="The validation report of the processing pipeline."
    )
    # Blank when the curator did not say (the pipeline then guesses): the schema allows "".
    unit = serializers.ChoiceField(
        choices=Scan.Unit.choices, allow_blank=True, read_only=True, help_text="Declared unit."
    )

    class Meta:
        model = Scan
        fields = [
            "id",
            "url",
            "subject",
            "title",
            "state",
            "failure_reason",
            "format",
            "byte_size",
            "original_filename",
            "capture_method",
            "device",
            "capture_date",
            "operator",
            "kind",
            "procedural",
            "unit",
            "report",
            "derivatives",
            "attempts",
            "queued_at",
            "started_at",
            "finished_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_url(self, scan) -> str:
        return public_url(self.context["request"], "scan-detail", ref=scan.public_id)

    @extend_schema_field(SubjectSerializer)
    def get_subject(self, scan):
        # artefact and site come from select_related; only their public ids are shown.
        if scan.artefact_id:
            return {"type": "artefact", "id": scan.artefact.public_id, "slug": scan.artefact.slug}
        return {"type": "site", "id": scan.site.public_id, "slug": scan.site.slug}


def _editable_artefacts(request):
    return Artefact.objects.editable_by(request.user)


def _editable_sites(request):
    return HeritageSite.objects.editable_by(request.user)


def _editable_scans(request):
    return Scan.objects.editable_by(request.user)


class ScanUploadSerializer(serializers.Serializer):
    """A multipart upload: the 3D file plus what the curator knows about the capture."""

    file = serializers.FileField(
        allow_empty_file=True,
        use_url=False,
        help_text="The 3D file: GLB, PLY, STL, OFF, or a zip of OBJ+MTL+textures or glTF.",
    )
    artefact = RefField(
        _editable_artefacts,
        "artefact of your institution",
        required=False,
        help_text="Public id or slug of the artefact scanned (or give `site`).",
    )
    site = RefField(
        _editable_sites,
        "site your institution stewards",
        required=False,
        help_text="Public id or slug of the site scanned (or give `artefact`).",
    )
    capture_method = serializers.ChoiceField(choices=Scan.CaptureMethod.choices)
    kind = serializers.ChoiceField(choices=Scan.Kind.choices, default=Scan.Kind.AS_FOUND)
    derived_from = RefField(
        _editable_scans,
        "scan of your institution",
        uuid_only=True,
        required=False,
        help_text="For a restoration or reconstruction: public id of the scan it is based on.",
    )
    # No defaults here: an absent field takes the service's default (unit unknown, no title),
    # and the schema never advertises a default that is not one of the field's values.
    unit = serializers.ChoiceField(
        choices=Scan.Unit.choices,
        required=False,
        allow_blank=True,
        help_text="Unit of the file's coordinates; leave out when unknown (the pipeline then "
        "guesses and says why).",
    )
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)
    device = serializers.CharField(max_length=255, required=False, allow_blank=True)
    operator = serializers.CharField(max_length=255, required=False, allow_blank=True)
    capture_date = serializers.DateField(required=False, allow_null=True)
    procedural = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if attrs.get("capture_date", "") is None:
            del attrs["capture_date"]
        if ("artefact" in attrs) == ("site" in attrs):
            raise serializers.ValidationError(
                {"artefact": ["Give either `artefact` or `site`: the scan belongs to one of them."]}
            )
        return attrs
