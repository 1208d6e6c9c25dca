"""What every API v1 view shares: language, conditional GET, auth, throttling, errors."""

from __future__ import annotations

import contextlib
import hashlib
import uuid

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, quote_etag
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from heritage_sites import permissions
from heritage_sites.api import languages, listing, parameters
from heritage_sites.api.authentication import authenticate_header, refuse_unrecognised_scheme
from heritage_sites.api.errors import PROBLEM_CONTENT_TYPE
from heritage_sites.services.records import record_slug_changed, slug_successor

# Filters whose schema is a plain string (see filters.py).
TEXT_FILTERS = {"CharFilter", "SearchFilter", "CodeListFilter", "BBoxFilter", "PointFilter"}


def body_etag(content: bytes) -> str:
    return quote_etag(hashlib.blake2b(content, digest_size=16).hexdigest())


class MuseumAPIMixin:
    """Mixed into every API v1 view."""

    # Authentication, permissions, throttling, schema, pagination and filters come from
    # settings.REST_FRAMEWORK, the one place they are said.
    language = settings.LANGUAGE_CODE
    last_modified = None
    content_negotiation_class = parameters.AcceptHeaderNegotiation

    # Query parameters of the view's own (beyond ``lang`` and the filters), per action for
    # viewsets ({"next_stop": {"lat", "lon"}}) or under "" for a plain view.
    action_parameters: dict[str, set[str]] = {}

    def known_parameters(self) -> set[str]:
        """The query parameters this request may carry; any other is a 400."""
        action = getattr(self, "action", None) or ""
        return {"lang", *self.action_parameters.get(action, ())}

    def text_parameters(self) -> frozenset[str]:
        """Parameters whose schema is free text, where an empty value means no filter."""
        filterset = getattr(self, "filterset_class", None)
        names = {"cursor"}
        if filterset is not None:
            names |= {
                name
                for name, field in filterset.base_filters.items()
                if type(field).__name__ in TEXT_FILTERS
            }
        return frozenset(names)

    def initial(self, request, *args, **kwargs):
        refuse_unrecognised_scheme(request)
        # Before authentication: a bad ?lang= or an unknown parameter is a 400 for everybody.
        self.language = languages.negotiate(request)
        translation.activate(self.language)
        method = request.method.lower()
        # An unsupported method is a 405 (from dispatch), whatever its parameters.
        handled = method in self.http_method_names and hasattr(self, method)
        if handled and not self.detail_view():
            parameters.refuse_unknown(request, self.known_parameters(), self.text_parameters())
        super().initial(request, *args, **kwargs)

    def detail_view(self) -> bool:
        """Views of one record check their parameters once the record is found (get_object),
        so a record the caller may not see is a 404 whatever the query string says."""
        return False

    def get_authenticate_header(self, request):
        return authenticate_header(request)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": self.language}

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = languages.bcp47(self.language)
        patch_vary_headers(response, ["Accept-Language", "Authorization", "Cookie"])
        rate_limit = getattr(request, "rate_limit", None)
        if rate_limit is not None:
            limit, remaining, reset = rate_limit
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
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
        response["ETag"] = body_etag(response.content)
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
    # Parameters of list views besides the filters (heritage_sites/api/listing.py adds its own).
    list_parameters = {"cursor", "page_size", "ordering"}

    def detail_view(self) -> bool:
        return self.lookup_url_kwarg in self.kwargs

    def queryset_model(self):
        serializer = self.get_serializer_class()
        return getattr(getattr(serializer, "Meta", None), "model", None)

    def known_parameters(self) -> set[str]:
        known = super().known_parameters()
        if getattr(self, "action", None) in ("list", "geojson"):
            filterset = getattr(self, "filterset_class", None)
            if filterset is not None:
                known |= set(filterset.base_filters)
            if self.action == "list":
                known |= self.list_parameters | listing.parameters_for(self.queryset_model())
            else:
                known.add("ordering")  # GeoJSON is filtered and ordered like the list
        return known

    def get_object(self):
        queryset = self.get_queryset()
        ref = self.kwargs[self.lookup_url_kwarg]
        lookup = {self.slug_lookup: ref} if self.slug_lookup else None
        if self.uuid_lookup:
            with contextlib.suppress(ValueError):
                lookup = {self.uuid_lookup: uuid.UUID(ref)}
        if lookup is None:
            raise Http404
        obj = queryset.filter(**lookup).first()
        if obj is None:
            self._follow_old_slug(queryset, lookup)
            raise Http404
        parameters.refuse_unknown(self.request, self.known_parameters(), self.text_parameters())
        self.check_object_permissions(self.request, obj)
        self.last_modified = getattr(obj, "updated_at", None)
        return obj

    def _follow_old_slug(self, queryset, lookup: dict) -> None:
        """An old slug of a renamed record answers 301 (308 for writes) to its current URL."""
        if self.slug_lookup != "slug" or "slug" not in lookup:
            return
        record = slug_successor(model=queryset.model, slug=lookup["slug"])
        if record is None or not queryset.filter(pk=record.pk).exists():
            return
        path = self.request.path.replace(f"/{lookup['slug']}/", f"/{record.slug}/", 1)
        raise MovedPermanently(self.request, path, record.slug)

    def paginate_queryset(self, queryset):
        if self.paginator is not None:
            self.paginator.extras = listing.extras(
                self.request, queryset, self.paginator.cursor_query_param
            )
        page = super().paginate_queryset(queryset)
        if page:
            stamps = [
                row.get("updated_at") if isinstance(row, dict) else getattr(row, "updated_at", None)
                for row in page
            ]
            stamps = [stamp for stamp in stamps if stamp is not None]
            self.last_modified = max(stamps, default=None)
        return page


def curated_record_schema(
    *,
    listing: dict,
    retrieve: dict,
    write,
    detail,
    create: str,
    replace: str,
    change: str,
    tags: list[str] | None = None,
):
    """The schema of a CuratedRecordViewSet: the list and detail summaries as given, and the
    three writes, each taking ``write`` and answering ``detail``."""
    common = {"tags": tags} if tags else {}
    return extend_schema_view(
        list=extend_schema(**listing, **common),
        retrieve=extend_schema(**retrieve, **common),
        create=extend_schema(summary=create, request=write, responses={201: detail}, **common),
        update=extend_schema(summary=replace, request=write, responses={200: detail}, **common),
        partial_update=extend_schema(
            summary=change, request=write, responses={200: detail}, **common
        ),
    )


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
    # Nested values (translations per language, lists of materials) need JSON; form bodies
    # cannot carry them, so the schema and the server offer JSON only.
    parser_classes = [JSONParser]
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

    def _etag_of(self, request, record) -> str:
        """The ETag a GET of the record's detail gives this caller (same language, same
        representation)."""
        self.action = "retrieve"
        try:
            fresh = self.get_queryset().get(pk=record.pk)
            data = self.detail_serializer_class(fresh, context=self.get_serializer_context()).data
        finally:
            self.action = self.request_action
        renderer = request.accepted_renderer
        content = renderer.render(data, request.accepted_media_type, self.get_renderer_context())
        return body_etag(content)

    def _check_if_match(self, request, record) -> None:
        header = request.META.get("HTTP_IF_MATCH")
        if header is None or header.strip() == "*":
            return
        current = self._etag_of(request, record)
        # Compression middleware may have weakened the ETag the client holds: compare opaque tags.
        offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
        if current not in offered:
            raise PreconditionFailed()

    def update(self, request, *args, **kwargs):
        self.request_action = self.action
        record = self.get_object()
        if not permissions.may_edit(request.user, record):
            raise exceptions.PermissionDenied(
                f"This record is {record.get_state_display().lower()}: only its institution's "
                "reviewers may change it now. Curators change drafts (a reviewer can reinstate "
                "or send a record back to draft)."
            )
        self._check_if_match(request, record)
        serializer = self.get_serializer(
            record, data=request.data, partial=kwargs.pop("partial", False)
        )
        # Before validation: it sets the new values on the instance to run the model's checks.
        old_slug = record.slug
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            serializer.save()
            self.written(record)
            record_slug_changed(instance=record, old_slug=old_slug)
        response = self._detail(record, status.HTTP_200_OK)
        renderer = request.accepted_renderer
        response["ETag"] = body_etag(
            renderer.render(response.data, request.accepted_media_type, self.get_renderer_context())
        )
        return response


class MovedPermanently(exceptions.APIException):
    status_code = status.HTTP_301_MOVED_PERMANENTLY
    default_code = "moved"

    def __init__(self, request, path: str, slug: str):
        if request.method not in ("GET", "HEAD"):
            self.status_code = status.HTTP_308_PERMANENT_REDIRECT
        query = request.META.get("QUERY_STRING", "")
        self.location = request.build_absolute_uri(path) + (f"?{query}" if query else "")
        super().__init__(
            f"This record was renamed: it is now '{slug}', at {self.location}. Its public id "
            "never changes; link to it by id to be safe from renames."
        )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"
    default_detail = (
        "The record changed since you read it (If-Match does not match its ETag). GET it "
        "again, reapply your change, and send it with the new ETag."
    )
