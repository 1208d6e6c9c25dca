"""API endpoints for direct-to-S3 scan uploads and original downloads (thin: parse, call, format).

Mounted by heritage_sites/api/urls.py under /api/v1/:
    POST scan-uploads/                       start: part URLs and an upload token (201)
    POST scan-uploads/complete/              verify and ingest: the scan (201, or 200 if known)
    POST scan-uploads/abort/                 discard the parts (204)
    GET  scan-originals/<public_id>/         a short-lived link to the original (owners only)
"""

from __future__ import annotations

import contextlib
import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from heritage_sites.api.base import MuseumAPIMixin
from heritage_sites.api.schema import ProblemSerializer
from heritage_sites.models import Artefact, HeritageSite, Scan
from heritage_sites.services import direct_upload
from heritage_sites.services.originals import scan_original_url
from heritage_sites.services.scans import ScanRejected

logger = logging.getLogger(__name__)


class UploadRefused(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "upload_refused"


class StorageUnreachable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "storage_unavailable"
    default_detail = (
        "The file store did not answer. Nothing was lost: try again in a minute with the same "
        "upload token."
    )


class UploadUnavailable(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "direct_upload_unavailable"


def _refused(exc: ScanRejected) -> UploadRefused:
    return UploadRefused(detail=" ".join(exc.messages), code=exc.code or "upload_refused")


def _unreachable(exc: Exception) -> StorageUnreachable:
    # Storage trouble is ours, not the client's: a retryable 503, the details in the log.
    logger.warning("Object storage error during a direct upload: %s", exc)
    return StorageUnreachable()


class StartSerializer(serializers.Serializer):
    artefact = serializers.UUIDField(required=False)
    site = serializers.UUIDField(required=False)
    filename = serializers.CharField(max_length=1000)
    size = serializers.IntegerField(min_value=1)
    sha256 = serializers.RegexField(r"^[0-9a-fA-F]{64}$", max_length=64)
    capture_method = serializers.ChoiceField(choices=Scan.CaptureMethod.choices)
    unit = serializers.ChoiceField(choices=Scan.Unit.choices, required=False, allow_blank=True)
    title = serializers.CharField(max_length=255, required=False, allow_blank=True)

    def validate(self, attrs):
        if ("artefact" in attrs) == ("site" in attrs):
            raise serializers.ValidationError("Give either an artefact or a site.")
        return attrs


class TokenSerializer(serializers.Serializer):
    upload_token = serializers.CharField(max_length=20_000)


class PartSerializer(serializers.Serializer):
    part_number = serializers.IntegerField()
    url = serializers.URLField()


class StartedSerializer(serializers.Serializer):
    upload_token = serializers.CharField()
    part_size = serializers.IntegerField()
    parts = PartSerializer(many=True)
    expires_at = serializers.DateTimeField()


class IngestedSerializer(serializers.Serializer):
    scan = serializers.UUIDField()
    state = serializers.CharField()
    sha256 = serializers.CharField()


class OriginalLinkSerializer(serializers.Serializer):
    url = serializers.URLField()
    filename = serializers.CharField()
    sha256 = serializers.CharField()


class _View(MuseumAPIMixin, APIView):
    """Signed-in curators only; authentication, throttling, problem details, language and
    schema as in the rest of API v1 (the shared base)."""

    permission_classes = [IsAuthenticated]


@contextlib.contextmanager
def _service_errors():
    """Turn the direct-upload services' refusals into the API's problem responses."""
    try:
        yield
    except ScanRejected as exc:
        raise _refused(exc) from exc
    except direct_upload.DirectUploadUnavailable as exc:
        raise UploadUnavailable(detail=str(exc)) from exc
    except (BotoCoreError, ClientError) as exc:
        raise _unreachable(exc) from exc


def _scan_body(scan: Scan) -> dict:
    return {"scan": str(scan.public_id), "state": scan.state, "sha256": scan.sha256}


class DirectUploadStartView(_View):
    @extend_schema(
        request=StartSerializer,
        responses={201: StartedSerializer, 409: ProblemSerializer, 503: ProblemSerializer},
        tags=["scans"],
    )
    def post(self, request):
        data = StartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        subject = {}
        if "artefact" in fields:
            # Unknown and invisible artefacts look the same: no probing other institutions.
            artefact = Artefact.objects.visible_to(request.user).filter(
                public_id=fields.pop("artefact")
            )
            subject["artefact"] = _get_or_404(artefact)
        else:
            subject["site"] = _get_or_404(
                HeritageSite.objects.visible_to(request.user).filter(public_id=fields.pop("site"))
            )
        with _service_errors():
            upload = direct_upload.scan_direct_upload_start(user=request.user, **subject, **fields)
        body = {
            "upload_token": upload.token,
            "part_size": upload.part_size,
            "parts": [{"part_number": p.part_number, "url": p.url} for p in upload.parts],
            "expires_at": upload.expires_at.isoformat(),
        }
        return Response(body, status=status.HTTP_201_CREATED)


class DirectUploadCompleteView(_View):
    @extend_schema(
        request=TokenSerializer,
        responses={
            200: IngestedSerializer,
            201: IngestedSerializer,
            409: ProblemSerializer,
            503: ProblemSerializer,
        },
        tags=["scans"],
    )
    def post(self, request):
        data = TokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_errors():
            result = direct_upload.scan_direct_upload_complete(
                user=request.user, token=data.validated_data["upload_token"]
            )
        code = status.HTTP_201_CREATED if result.created else status.HTTP_200_OK
        return Response(_scan_body(result.scan), status=code)


class DirectUploadAbortView(_View):
    @extend_schema(
        request=TokenSerializer,
        responses={204: None, 409: ProblemSerializer, 503: ProblemSerializer},
        tags=["scans"],
    )
    def post(self, request):
        data = TokenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with _service_errors():
            direct_upload.scan_direct_upload_abort(
                user=request.user, token=data.validated_data["upload_token"]
            )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ScanOriginalView(_View):
    @extend_schema(responses={200: OriginalLinkSerializer, 403: ProblemSerializer}, tags=["scans"])
    def get(self, request, public_id):
        # select_related: the permission check reads the artefact's institution.
        scans = Scan.objects.visible_to(request.user).select_related("artefact__institution")
        scan = _get_or_404(scans.filter(public_id=public_id))
        try:
            url = scan_original_url(scan=scan, user=request.user)
        except PermissionDenied as exc:
            raise exceptions.PermissionDenied(str(exc)) from exc
        return Response(
            {"url": url, "filename": scan.original_filename, "sha256": scan.sha256},
            headers={"Cache-Control": "private, no-store"},
        )


def _get_or_404(queryset):
    found = queryset.first()
    if found is None:
        raise exceptions.NotFound("Not found, or not visible to you.")
    return found
