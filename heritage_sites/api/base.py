"""What every API v1 view shares: language, conditional GET, auth, throttling, errors."""

from __future__ import annotations

import contextlib
import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.response import Response

from heritage_sites import permissions
from heritage_sites.api import languages
from heritage_sites.api.errors import PROBLEM_CONTENT_TYPE


class MuseumAPIMixin:
    """Mixed into every API v1 view."""

    # Authentication, permissions, throttling, schema, pagination and filters come from
    # settings.REST_FRAMEWORK, the one place they are said.
    language = settings.LANGUAGE_CODE
    last_modified = None

    def initial(self, request, *args, **kwargs):
        # Before authentication: a bad ?lang= is a 400 for everybody.
        self.language = languages.negotiate(request)
        translation.activate(self.language)
        super().initial(request, *args, **kwargs)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": self.language}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = languages.bcp47(self.language)
        patch_vary_headers(response, ["Accept-Language", "Authorization", "Cookie"])
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and getattr(renderer, "format", "json") == "json":
            response.content_type = PROBLEM_CONTENT_TYPE
        if request.method in ("GET", "HEAD") and response.status_code == 200:
            return self._conditional(request, response)
        return response

    def _conditional(self, request, response):
        """ETag from the rendered body, Last-Modified from the rows; 304 when they match."""
        if isinstance(response, Response):
            response.render()
        digest = hashlib.blake2b(response.content, digest_size=16).hexdigest()
        response["ETag"] = quote_etag(digest)
        timestamp = None
        if self.last_modified is not None:
            timestamp = int(self.last_modified.timestamp())
            response["Last-Modified"] = http_date(timestamp)
        private = request.user.is_authenticated or request.auth is not None
        if "no-store" not in response.get("Cache-Control", ""):
            response["Cache-Control"] = "private, no-cache" if private else "public, max-age=60"
        conditional = get_conditional_response(
            request, etag=response["ETag"], last_modified=timestamp, response=response
        )
        if conditional is not response:
            conditional["Content-Language"] = response["Content-Language"]
        return conditional


class MuseumViewSetMixin(MuseumAPIMixin):
    """ViewSets: cursor pagination, filters, lookups by public id or slug."""

    lookup_url_kwarg = "ref"
    lookup_value_regex = r"[^/]+"
    # Fields a URL may name a record by, besides its UUID public id.
    slug_lookup: str | None = "slug"
    uuid_lookup: str | None = "public_id"
    ordering_fields: dict[str, str] = {}
    default_ordering = ""

    def get_object(self):
        queryset = self.get_queryset()
        ref = self.kwargs[self.lookup_url_kwarg]
        lookup = {self.slug_lookup: ref} if self.slug_lookup else None
        if self.uuid_lookup:
            with contextlib.suppress(ValueError):
                lookup = {self.uuid_lookup: uuid.UUID(ref)}
        if lookup is None:
            raise Http404
        obj = get_object_or_404(queryset, **lookup)
        self.check_object_permissions(self.request, obj)
        self.last_modified = getattr(obj, "updated_at", None)
        return obj

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page:
            stamps = [
                row.get("updated_at") if isinstance(row, dict) else getattr(row, "updated_at", None)
                for row in page
            ]
            stamps = [stamp for stamp in stamps if stamp is not None]
            self.last_modified = max(stamps, default=None)
        return page


class CuratedRecordViewSet(
    MuseumViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Records curators create and change: a serializer per action, and every write answered
    with the record as the detail view shows it (read back through ``get_queryset``)."""

    write_actions = ("update", "partial_update")
    # Actions on a record of the caller's institutions that are not field writes (workflow
    # transitions, history): the queryset is editable_by(user) for them too.
    editing_actions: tuple[str, ...] = ()
    list_serializer_class: type[serializers.Serializer]
    detail_serializer_class: type[serializers.Serializer]
    write_serializer_class: type[serializers.Serializer]

    def get_serializer_class(self):
        if self.action == "list":
            return self.list_serializer_class
        if self.action in ("create", *self.write_actions):
            return self.write_serializer_class
        return self.detail_serializer_class

    def written(self, record) -> None:
        """Hook: called inside the transaction of a create or an update, after the save."""

    def _detail(self, record, status_code):
        self.action = "retrieve"
        fresh = self.get_queryset().get(pk=record.pk)
        data = self.detail_serializer_class(fresh, context=self.get_serializer_context()).data
        return Response(data, status=status_code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save(created_by=request.user)
            self.written(serializer.instance)
        response = self._detail(serializer.instance, status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def records_for(self, model):
        """The queryset an action starts from: what the caller may change, or may see."""
        if self.action in (*self.write_actions, *self.editing_actions):
            return model.objects.editable_by(self.request.user)
        return model.objects.visible_to(self.request.user)

    def respond_with_record(self, record, status_code=status.HTTP_200_OK):
        return self._detail(record, status_code)

    def update(self, request, *args, **kwargs):
        record = self.get_object()
        if not permissions.may_edit(request.user, record):
            raise exceptions.PermissionDenied(
                f"This record is {record.get_state_display().lower()}: only its institution's "
                "reviewers may change it now. Curators change drafts (a reviewer can reinstate "
                "or send a record back to draft)."
            )
        serializer = self.get_serializer(
            record, data=request.data, partial=kwargs.pop("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()
            self.written(record)
        return self._detail(record, status.HTTP_200_OK)
