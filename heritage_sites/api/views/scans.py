"""Scans: read (ready scans of published records; every state for their curators), upload
and reprocess for curators of the artefact's institution or the site's stewards."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.template.defaultfilters import filesizeformat
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from heritage_sites.api.base import MuseumViewSetMixin
from heritage_sites.api.errors import PayloadTooLarge
from heritage_sites.api.filters import ScanFilter
from heritage_sites.api.schema import ProblemSerializer
from heritage_sites.api.serializers.scans import (
    ScanPoseSerializer,
    ScanSerializer,
    ScanUploadSerializer,
)
from heritage_sites.api.views.workflow import WorkflowActionsMixin
from heritage_sites.models import Scan
from heritage_sites.services.scans import (
    ScanBusy,
    ScanRejected,
    scan_reprocess,
    scan_set_pose,
    scan_upload,
)

# Room for the form fields and multipart boundaries around the file itself.
MULTIPART_OVERHEAD = 1024 * 1024


@extend_schema_view(
    list=extend_schema(
        summary="List scans",
        description="Ready scans of published artefacts and sites; curators also see every "
        "state of their own institution's scans (filter with `state`).",
    ),
    retrieve=extend_schema(
        summary="A scan: its state, validation report and derivative files",
        description="Poll this after an upload or a reprocess until `state` is `ready` or "
        "`failed` (`failure_reason` then says what to fix).",
    ),
    create=extend_schema(
        summary="Upload a 3D scan (multipart)",
        description="201 with the new scan, queued for processing; 200 with the existing scan "
        "when the same bytes were already uploaded for the same artefact or site.",
        request={"multipart/form-data": ScanUploadSerializer},
        responses={201: ScanSerializer, 200: ScanSerializer},
    ),
)
class ScanViewSet(
    WorkflowActionsMixin,
    MuseumViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ScanSerializer
    filterset_class = ScanFilter
    parser_classes = [MultiPartParser, FormParser]
    slug_lookup = None  # scans have no slug: only the public id names them
    ordering_fields = {"created": "created_at", "updated": "updated_at"}
    default_ordering = "-created"

    def get_serializer_class(self):
        return ScanUploadSerializer if self.action == "create" else ScanSerializer

    def get_queryset(self):
        user = self.request.user
        if self.action in ("reprocess", "pose", *self.editing_actions):
            scans = Scan.objects.editable_by(user)
        else:
            scans = Scan.objects.visible_to(user)
        # select_related: each scan names its artefact or site by public id (N+1 otherwise);
        # prefetch derivatives: each lists its files (one query per scan otherwise).
        return scans.select_related("artefact", "site").prefetch_related("derivatives")

    def create(self, request, *args, **kwargs):
        self._refuse_oversize(request)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        upload = fields.pop("file")
        try:
            result = scan_upload(
                file=upload, filename=upload.name or "upload", uploaded_by=request.user, **fields
            )
        except ScanRejected as exc:
            if getattr(exc, "code", None) == "too_large":
                raise PayloadTooLarge(" ".join(exc.messages)) from None
            raise ValidationError({"file": exc.messages}) from None
        except DjangoValidationError as exc:
            # The model's own checks (e.g. a restoration must name the scan it is based on).
            raise ValidationError(serializers.as_serializer_error(exc)) from None
        finally:
            upload.close()
        scan = self.get_queryset().get(pk=result.scan.pk)
        data = ScanSerializer(scan, context=self.get_serializer_context()).data
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(data, status=code, headers={"Location": data["url"]})

    def _refuse_oversize(self, request) -> None:
        # Refuse on the declared length, before a byte of the body is spooled to disk.
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.SCAN_UPLOAD_MAX_BYTES
        if declared > limit + MULTIPART_OVERHEAD:
            raise PayloadTooLarge(
                f"The upload is {filesizeformat(declared)}, above the limit of "
                f"{filesizeformat(limit)}. Reduce the scan (fewer faces, smaller textures) or "
                "ask an administrator to raise SCAN_UPLOAD_MAX_BYTES."
            )

    def respond_with_record(self, record, status_code=status.HTTP_200_OK):
        scan = self.get_queryset().get(pk=record.pk)
        data = ScanSerializer(scan, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="Process a scan again",
        description="Queues the scan for processing and answers 202 with its current state; "
        "poll the scan until it is `ready` or `failed`. A scan already queued or processing "
        "stays as it is.",
        request=None,
        responses={202: ScanSerializer},
    )
    @action(detail=True, methods=["post"])
    def reprocess(self, request, ref=None):
        scan = self.get_object()
        scan_reprocess(scan=scan)
        scan = self.get_queryset().get(pk=scan.pk)
        data = ScanSerializer(scan, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(
        summary="Set the scan's pose and rebuild its derivatives",
        description="Which axis of the original file points up (empty: guess it from the "
        "file) and quarter turns about it. The original never changes; the web model, levels "
        "of detail and posters are rebuilt from it. Answers 202 with the scan, queued, or "
        "its current state when the pose was already that; 409 while it is being processed.",
        request=ScanPoseSerializer,
        responses={202: ScanSerializer, 409: ProblemSerializer},
    )
    @action(
        detail=True,
        methods=["put"],
        parser_classes=[JSONParser, FormParser, MultiPartParser],
    )
    def pose(self, request, ref=None):
        scan = self.get_object()
        serializer = ScanPoseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            scan_set_pose(scan=scan, **serializer.validated_data)
        except ScanBusy as exc:
            raise ScanConflict(" ".join(exc.messages)) from None
        except ScanRejected as exc:
            raise ValidationError({"up_axis": exc.messages}) from None
        scan = self.get_queryset().get(pk=scan.pk)
        data = ScanSerializer(scan, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})


class ScanConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The scan is busy; try again when it is ready or failed."
    default_code = "busy"
