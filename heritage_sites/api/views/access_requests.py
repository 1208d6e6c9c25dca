"""Access requests for originals in the API: requesters ask and follow their requests;
reviewers of the owning institution approve, deny and revoke."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.response import Response

from heritage_sites.api.authentication import is_api_key
from heritage_sites.api.base import MuseumViewSetMixin
from heritage_sites.api.serializers.access_requests import (
    AccessRequestCreateSerializer,
    AccessRequestSerializer,
    DecisionSerializer,
)
from heritage_sites.api.views.workflow import Conflict
from heritage_sites.models import AccessRequest, Scan
from heritage_sites.services.access_requests import (
    AccessRefused,
    access_request_approve,
    access_request_create,
    access_request_deny,
    access_request_revoke,
)


def _api_error(exc: AccessRefused) -> exceptions.APIException:
    if exc.status == 403:
        return exceptions.PermissionDenied(str(exc))
    if exc.status == 404:
        return exceptions.NotFound(str(exc))
    if exc.status == 409:
        return Conflict(str(exc))
    return exceptions.ValidationError({"non_field_errors": [str(exc)]})


class SignedIn(drf_permissions.IsAuthenticated):
    message = "Sign in (or send your token) to ask for originals."

    def has_permission(self, request, view) -> bool:
        if is_api_key(request):
            self.message = "API keys cannot ask for originals: a person signs in and asks."
            return False
        return bool(request.user and request.user.is_authenticated)


class AccessRequestViewSet(
    MuseumViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AccessRequestSerializer
    permission_classes = [SignedIn]
    slug_lookup = None
    ordering_fields = {"created": "created_at"}
    default_ordering = "-created"

    def get_queryset(self):
        # Mine, and those of the scans whose institutions I review (all for staff). Anonymous:
        # only the schema generator gets here (the view needs a signed-in user).
        return (
            AccessRequest.objects.visible_to(self.request.user)
            .select_related("scan", "requester__requester_profile", "decided_by")
            .prefetch_related("downloads")
        )

    def get_serializer_class(self):
        return AccessRequestCreateSerializer if self.action == "create" else AccessRequestSerializer

    @extend_schema(
        summary="Ask for the original of a published scan",
        request=AccessRequestCreateSerializer,
        responses={201: AccessRequestSerializer},
    )
    def create(self, request, *args, **kwargs):
        serializer = AccessRequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        scan = Scan.objects.published().filter(public_id=data["scan"]).first()
        if scan is None:
            raise exceptions.ValidationError({"scan": ["No published scan with this id."]})
        try:
            created = access_request_create(
                scan=scan,
                requester=request.user,
                intended_use=data["intended_use"],
                terms_accepted=data["accept_terms"],
                profile=data.get("profile"),
            )
        except AccessRefused as exc:
            raise _api_error(exc) from None
        created = self.get_queryset().get(pk=created.pk)
        return Response(AccessRequestSerializer(created).data, status=status.HTTP_201_CREATED)

    def _decision(self, request, decide):
        access_request = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decide(access_request, request.user, serializer.validated_data.get("note", ""))
        except AccessRefused as exc:
            raise _api_error(exc) from None
        fresh = self.get_queryset().get(pk=access_request.pk)
        return Response(AccessRequestSerializer(fresh).data)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise exceptions.NotFound("No access request with this id that you may see.") from None

    @extend_schema(summary="Approve (reviewers): the requester gets a personal link by e-mail")
    @action(detail=True, methods=["post"])
    def approve(self, request, ref=None):
        return self._decision(
            request, lambda r, by, note: access_request_approve(access_request=r, by=by, note=note)
        )

    @extend_schema(summary="Deny with a note (reviewers)")
    @action(detail=True, methods=["post"])
    def deny(self, request, ref=None):
        return self._decision(
            request, lambda r, by, note: access_request_deny(access_request=r, by=by, note=note)
        )

    @extend_schema(summary="Revoke an approved request's link (reviewers)")
    @action(detail=True, methods=["post"])
    def revoke(self, request, ref=None):
        return self._decision(
            request, lambda r, by, note: access_request_revoke(access_request=r, by=by)
        )
