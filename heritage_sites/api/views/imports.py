"""Bulk imports in the API: a curator posts a file, the worker checks (and writes) its rows,
and the curator polls the job for its progress and its report."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from heritage_sites import permissions
from heritage_sites.api.authentication import is_api_key
from heritage_sites.api.base import MuseumViewSetMixin
from heritage_sites.api.serializers.imports import ImportJobCreateSerializer, ImportJobSerializer
from heritage_sites.models import ImportJob, Institution
from heritage_sites.services.bulk import ImportRefused, import_job_create

# Files above this are refused before they are read (a museum's records, not its scans).
MAX_IMPORT_BYTES = 50 * 1024 * 1024


class Curator(drf_permissions.IsAuthenticated):
    message = "Sign in (or send your token) as a curator to import records."

    def has_permission(self, request, view) -> bool:
        if is_api_key(request):
            self.message = "API keys only read: a curator signs in to import records."
            return False
        return bool(request.user and request.user.is_authenticated)


@extend_schema_view(
    list=extend_schema(
        summary="Import jobs of the institutions you curate",
        description="Newest first.",
        tags=["imports"],
    ),
    retrieve=extend_schema(
        summary="An import job: its state, progress and, once done, its report",
        tags=["imports"],
    ),
)
class ImportJobViewSet(
    MuseumViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ImportJobSerializer
    permission_classes = [Curator]
    parser_classes = [MultiPartParser]
    slug_lookup = None
    ordering_fields = {"created": "created_at"}
    default_ordering = "-created"

    def get_queryset(self):
        user = self.request.user
        jobs = ImportJob.objects.select_related("institution")
        if not user.is_authenticated:
            return jobs.none()  # only the schema generator gets here anonymously
        # World Heritage imports (no institution) are the staff's, who see every job.
        curated = permissions.institution_ids_with(user, permissions.Role.CURATOR)
        return jobs if curated is None else jobs.filter(institution__in=curated)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise exceptions.NotFound("No import job with this id that you may see.") from None

    @extend_schema(
        summary="Import sites or artefacts from a CSV, JSON or JSON Lines file, or the UNESCO "
        "World Heritage List",
        description="Answers 202 at once; the worker checks every row (a dry run stops there "
        "and changes nothing) and, unless `dry_run` is false, writes each good row in a "
        "transaction of its own: sites and artefacts as drafts of the institution, World "
        "Heritage properties (`kind=whc`, the museum's staff only) as the `import_whc` "
        "command does. Poll the job for its progress and report.",
        request={"multipart/form-data": ImportJobCreateSerializer},
        responses={202: ImportJobSerializer},
        tags=["imports"],
    )
    def create(self, request, *args, **kwargs):
        serializer = ImportJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        upload = data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise exceptions.ValidationError(
                {"file": [f"The file is larger than {MAX_IMPORT_BYTES // 2**20} MB: split it."]}
            )
        institution = None
        if "institution" in data:
            institution = Institution.objects.filter(slug=data["institution"]).first()
            if institution is None:
                raise exceptions.ValidationError(
                    {"institution": [f"No institution with the slug '{data['institution']}'."]}
                )
        try:
            job = import_job_create(
                data=upload.read(),
                filename=upload.name or "rows",
                kind=data["kind"],
                institution=institution,
                dry_run=data["dry_run"],
                by=request.user,
            )
        except ImportRefused as exc:
            if exc.status == 403:
                raise exceptions.PermissionDenied(str(exc)) from None
            raise exceptions.ValidationError({exc.field: [str(exc)]}) from None
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
