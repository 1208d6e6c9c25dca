"""The publication workflow in the API: transition endpoints on sites, artefacts, scans,
routes and exhibitions, 410 tombstones for withdrawn records, and the reviewers' queue.

``POST /api/v1/<records>/{ref}/submit/`` (and ``reject``, ``publish``, ``withdraw``,
``reinstate``) replace changing ``state`` by PATCH: each is one fenced service call.
"""

from __future__ import annotations

import contextlib
import uuid

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from heritage_sites import permissions
from heritage_sites.api.base import MuseumAPIMixin
from heritage_sites.api.errors import Gone
from heritage_sites.api.schema import ProblemSerializer
from heritage_sites.api.serializers.workflow import (
    QueueEntrySerializer,
    TransitionSerializer,
    queue_entry,
)
from heritage_sites.models import Artefact, Exhibition, HeritageSite, Institution, Route, Scan
from heritage_sites.services import tombstones
from heritage_sites.services.workflow import TransitionRefused, record_transition

# JSON or a form, whatever the viewset's own parsers (scans take multipart uploads only).
PARSERS = [JSONParser, FormParser, MultiPartParser]
HISTORY_LIMIT = 200
WORKFLOW_ACTIONS = ("submit", "reject", "publish", "withdraw", "reinstate")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def refusal(exc: TransitionRefused) -> exceptions.APIException:
    """A refused transition in the API's terms: 403, 400 (a note is missing) or 409."""
    message = " ".join(exc.messages)
    if exc.status == 403:
        return exceptions.PermissionDenied(message)
    if exc.status == 400:
        return exceptions.ValidationError({"note": exc.messages})
    return Conflict(message)


class WorkflowActionsMixin:
    """Mixed into the viewsets of records with a publication workflow. The viewset answers
    ``respond_with_record(record)`` with the record as its detail view shows it."""

    editing_actions = (*WORKFLOW_ACTIONS, "history")

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            if self.action != "retrieve":
                raise
            withdrawn = self._withdrawn_record()
            if withdrawn is None:
                raise
            raise Gone(
                f"This {tombstones.tombstone(withdrawn)['kind']} was withdrawn: "
                f"{withdrawn.withdrawal_reason}",
                extra={"tombstone": tombstones.tombstone(withdrawn)},
            ) from None

    def _withdrawn_record(self):
        ref = self.kwargs[self.lookup_url_kwarg]
        lookup = {self.slug_lookup: ref} if self.slug_lookup else None
        if self.uuid_lookup:
            with contextlib.suppress(ValueError):
                lookup = {self.uuid_lookup: uuid.UUID(ref)}
        if lookup is None:
            return None
        return self.get_queryset().model.objects.withdrawn().filter(**lookup).first()

    def _transition(self, request, name: str):
        record = self.get_object()
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            record = record_transition(
                record=record,
                action=name,
                by=request.user,
                note=serializer.validated_data.get("note", ""),
            )
        except TransitionRefused as exc:
            raise refusal(exc) from None
        return self.respond_with_record(record)

    @extend_schema(
        summary="The record's history (its institution's members)",
        description="Every change: who, when, which fields, old and new values, newest first.",
        responses=inline_serializer(
            "History",
            {"results": serializers.ListField(child=serializers.DictField())},
        ),
    )
    @action(detail=True, methods=["get"])
    def history(self, request, ref=None):
        record = self.get_object()
        if not permissions.may_see_history(request.user, record):
            raise exceptions.PermissionDenied("Only the institution's members see its history.")
        response = Response({"results": history_entries(record)})
        response["Cache-Control"] = "private, no-store"
        return response

    @extend_schema(summary="Submit a draft for review (curators)", request=TransitionSerializer)
    @action(detail=True, methods=["post"], parser_classes=PARSERS)
    def submit(self, request, ref=None):
        return self._transition(request, "submit")

    @extend_schema(
        summary="Send a record in review back to draft, with a comment (reviewers)",
        request=TransitionSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=PARSERS)
    def reject(self, request, ref=None):
        return self._transition(request, "reject")

    @extend_schema(
        summary="Publish a record in review (reviewers)",
        description="409 with what is missing when a publication gate is closed: a scan must "
        "be ready, have a licence and a poster; an artefact a licence and a rights holder; a "
        "route two stops at published sites; an exhibition a section with an item.",
        request=TransitionSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=PARSERS)
    def publish(self, request, ref=None):
        return self._transition(request, "publish")

    @extend_schema(
        summary="Withdraw a published record, with a reason (reviewers)",
        description="Visitors then get 410 with the reason and a citation.",
        request=TransitionSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=PARSERS)
    def withdraw(self, request, ref=None):
        return self._transition(request, "withdraw")

    @extend_schema(
        summary="Bring a withdrawn record back as a draft (reviewers)",
        request=TransitionSerializer,
    )
    @action(detail=True, methods=["post"], parser_classes=PARSERS)
    def reinstate(self, request, ref=None):
        return self._transition(request, "reinstate")


def history_entries(record) -> list[dict]:
    """Each recorded change, newest first: who, when, why, and which fields went from what
    to what (simple-history's diff against the version before)."""
    versions = list(
        record.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : HISTORY_LIMIT + 1
        ]
    )
    entries = []
    for index, version in enumerate(versions[:HISTORY_LIMIT]):
        before = versions[index + 1] if index + 1 < len(versions) else None
        changes = []
        if before is not None:
            delta = version.diff_against(before)
            changes = [
                {"field": change.field, "old": _plain(change.old), "new": _plain(change.new)}
                for change in delta.changes
            ]
        entries.append(
            {
                "version": version.history_id,
                "at": version.history_date.isoformat(),
                "by": version.history_user.get_username() if version.history_user else None,
                "type": {"+": "created", "~": "changed", "-": "deleted"}[version.history_type],
                "reason": version.history_change_reason or "",
                "changes": changes,
            }
        )
    return entries


def _plain(value):
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


class ReviewQueueView(MuseumAPIMixin, APIView):
    """What waits for the caller's review, per kind of record (reviewers and staff)."""

    action_parameters = {"": {"institution"}}

    @extend_schema(
        summary="The review queue of your institutions",
        parameters=[
            OpenApiParameter("institution", str, description="Only this institution (slug).")
        ],
        responses={
            200: inline_serializer(
                "ReviewQueue",
                {
                    "sites": QueueEntrySerializer(many=True),
                    "artefacts": QueueEntrySerializer(many=True),
                    "scans": QueueEntrySerializer(many=True),
                    "routes": QueueEntrySerializer(many=True),
                    "exhibitions": QueueEntrySerializer(many=True),
                },
            ),
            401: ProblemSerializer,
            403: ProblemSerializer,
        },
    )
    def get(self, request):
        user = request.user
        if not user.is_authenticated:
            raise exceptions.NotAuthenticated(
                "The review queue is for reviewers: sign in, or send your token "
                "(Authorization: Token ...)."
            )
        if not permissions.is_reviewer(user):
            raise exceptions.PermissionDenied(
                "The review queue is for the reviewers of an institution. Ask your "
                "institution's administrator for the reviewer role."
            )
        sites = HeritageSite.objects.awaiting_review_by(user).select_related("submitted_by")
        artefacts = Artefact.objects.awaiting_review_by(user).select_related("submitted_by")
        scans = Scan.objects.awaiting_review_by(user).select_related(
            "submitted_by", "artefact", "site"
        )
        routes = Route.objects.awaiting_review_by(user).select_related("submitted_by")
        exhibitions = Exhibition.objects.awaiting_review_by(user).select_related("submitted_by")
        slug = request.query_params.get("institution")
        if slug:
            institution = Institution.objects.filter(slug=slug).first()
            if institution is None:
                raise exceptions.ValidationError(
                    {"institution": [f"No institution '{slug[:80]}'."]}
                )
            sites = sites.filter(stewards=institution)
            artefacts = artefacts.filter(institution=institution)
            scans = scans.filter(artefact__institution=institution) | scans.filter(
                site__stewards=institution
            )
            routes = routes.filter(institution=institution)
            exhibitions = exhibitions.filter(institutions=institution)
        limit = 200
        body = {
            "sites": [
                queue_entry(s, "site", request) for s in sites.order_by("submitted_at")[:limit]
            ],
            "artefacts": [
                queue_entry(a, "artefact", request)
                for a in artefacts.order_by("submitted_at")[:limit]
            ],
            "scans": [
                queue_entry(s, "scan", request)
                for s in scans.distinct().order_by("submitted_at")[:limit]
            ],
            "routes": [
                queue_entry(r, "route", request) for r in routes.order_by("submitted_at")[:limit]
            ],
            "exhibitions": [
                queue_entry(e, "exhibition", request)
                for e in exhibitions.order_by("submitted_at")[:limit]
            ],
        }
        response = Response(body)
        response["Cache-Control"] = "private, no-store"
        return response
