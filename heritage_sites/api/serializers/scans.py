"""Scans: state and validation report, derivative files with sizes, and the upload form."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from heritage_sites.api.serializers.common import RefField, public_url
from heritage_sites.api.serializers.rights import RightsSerializer, rights_block
from heritage_sites.models import Artefact, Derivative, HeritageSite, Scan
from heritage_sites.services import derivatives as derivative_access


class DerivativeSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Derivative
        fields = ["kind", "url", "content_type", "byte_size", "face_count", "width", "height"]
        read_only_fields = fields

    def get_url(self, derivative) -> str:
        # The scan itself is only serialized for callers who may see it; a draft's files get
        # short-lived links (their plain URLs answer 404), a published subject's plain ones.
        url = derivative_access.derivative_url(derivative=derivative)
        return self.context["request"].build_absolute_uri(url)


class SubjectSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["artefact", "site"])
    id = serializers.UUIDField()
    slug = serializers.SlugField()


# The curator's up axis; empty: guessed from the file when processed.
UP_AXIS_CHOICES = [("", "guess from the file"), *Scan.UpAxis.choices]


class UsedPoseSerializer(serializers.Serializer):
    up_axis = serializers.ChoiceField(choices=Scan.UpAxis.choices)
    quarter_turns = serializers.IntegerField(min_value=0, max_value=3)
    source = serializers.ChoiceField(
        choices=["file", "curator"], help_text="`file`: guessed from the file; `curator`: set."
    )
    reason = serializers.CharField(help_text="Why this pose, in words for a curator.")


class ScanPoseSerializer(serializers.Serializer):
    """A curator's pose: the file's up axis (empty: guess it) and quarter turns about it."""

    up_axis = serializers.ChoiceField(
        choices=UP_AXIS_CHOICES,
        allow_blank=True,
        help_text="Which axis of the original file points up; empty to let the pipeline guess.",
    )
    quarter_turns = serializers.IntegerField(
        min_value=0, max_value=3, default=0, help_text="Turns of 90 degrees about the up axis."
    )


class ScanSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    url = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    derivatives = DerivativeSerializer(many=True, read_only=True)
    report = serializers.JSONField(
        read_only=True, help_text="The validation report of the processing pipeline."
    )
    rights = serializers.SerializerMethodField()

    up_axis = serializers.ChoiceField(
        choices=UP_AXIS_CHOICES,
        read_only=True,
        help_text="The up axis a curator set (PUT .../pose/); empty: guessed from the file.",
    )
    pose = serializers.SerializerMethodField()

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
            "publication_state",
            "rights",
            "download_policy",
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
            "up_axis",
            "quarter_turns",
            "pose",
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

    @extend_schema_field(UsedPoseSerializer(allow_null=True))
    def get_pose(self, scan):
        # The pose the current derivatives were made with (from the last report).
        pose = (scan.report or {}).get("pose")
        if not isinstance(pose, dict):
            return None
        return {key: pose.get(key) for key in ("up_axis", "quarter_turns", "source", "reason")}

    @extend_schema_field(RightsSerializer)
    def get_rights(self, scan):
        return rights_block(
            licence=scan.effective_licence,
            rights_holder=scan.effective_rights_holder,
            attribution=scan.attribution_line,
        )

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
        help_text="The 3D file: GLB, PLY, STL, OFF, OBJ, a .gltf with embedded buffers, or a "
        "zip of OBJ+MTL+textures or of glTF with its files.",
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
