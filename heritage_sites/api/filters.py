"""Query parameters of the list endpoints. Each bad value answers 400 naming the parameter."""

from __future__ import annotations

import datetime
import uuid

import django_filters as df
from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

from heritage_sites.api import geo
from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    Exhibition,
    HeritageSite,
    Institution,
    Material,
    PublicationState,
    Route,
    Scan,
)
from heritage_sites.rights import OPEN_LICENCES, SHORT_CODES, licence_uri
from heritage_sites.search import query


class StrictBooleanField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value.lower() if isinstance(value, str) else value)
        return {"true": True, "false": False}.get(value)


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(df.Filter):
    """``true`` or ``false``; anything else is a 400, not silently ignored."""

    field_class = StrictBooleanField


@extend_schema_field(OpenApiTypes.STR)
class BBoxFilter(df.Filter):
    field_class = geo.BBoxField

    def filter(self, qs, value):
        return qs if value is None else qs.filter(geo.in_bbox(*value))


@extend_schema_field(OpenApiTypes.STR)
class PointFilter(df.Filter):
    field_class = geo.PointField


@extend_schema_field(OpenApiTypes.STR)
class CodeListFilter(df.ModelMultipleChoiceFilter):
    """A code or slug from a vocabulary; repeat the parameter for several (any of them)."""


def ref_condition(prefix: str, value: str) -> Q:
    """Match a public id (UUID) or a slug: the two stable identifiers of the API."""
    try:
        return Q(**{f"{prefix}public_id": uuid.UUID(value)})
    except ValueError:
        return Q(**{f"{prefix}slug": value})


def _empty(value) -> bool:
    # An absent multiple-choice parameter arrives as `queryset.none()`; asking it for its
    # truth would run it through the SQL compiler on every request.
    if isinstance(value, QuerySet):
        return value.query.is_empty()
    return not value


def _through_ids(relation, values):
    # A subquery instead of a join on the many-to-many table, so no row comes back twice
    # and no DISTINCT is needed (DISTINCT clashes with ordering on annotations).
    owner = relation.field.m2m_field_name() + "_id"
    target = relation.field.m2m_reverse_field_name() + "_id"
    return relation.through.objects.filter(**{f"{target}__in": values}).values(owner)


class LicenceFilter(df.CharFilter):
    """``?licence=`` by URI or short code, repeatable (any of them); ``field`` may be a
    list of columns tried in turn (a scan's own licence, then its artefact's)."""

    def __init__(self, *args, fields: tuple[str, ...] = ("licence",), **kwargs):
        self.fields = fields
        kwargs.setdefault(
            "help_text",
            "Licence or rights statement, by URI or short code ("
            + ", ".join(SHORT_CODES)
            + "); repeat for several.",
        )
        super().__init__(*args, max_length=200, **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        values = (
            self.parent.data.getlist(self.field_name)
            if hasattr(self.parent.data, "getlist")
            else [value]
        )
        uris = []
        for given in values:
            uri = licence_uri(given)
            if uri is None:
                raise ValidationError(
                    {
                        self.field_name: [
                            f"'{given[:100]}' is not a licence the museum knows. Give a URI or "
                            f"one of: {', '.join(SHORT_CODES)}."
                        ]
                    }
                )
            uris.append(uri)
        return queryset.filter(licence_condition(self.fields, uris))


def licence_condition(fields: tuple[str, ...], uris) -> Q:
    """Rows whose effective licence (the first non-empty of ``fields``) is one of ``uris``."""
    condition = Q(**{f"{fields[0]}__in": uris})
    for fallback in fields[1:]:
        condition |= Q(**{fields[0]: ""}) & Q(**{f"{fallback}__in": uris})
    return condition


class ReusabilityFilter(df.ChoiceFilter):
    """``?reusability=open`` (CC0, CC BY, CC BY-SA: reuse, commercial and derived, allowed)
    or ``restricted`` (every other licence or statement)."""

    def __init__(self, *args, fields: tuple[str, ...] = ("licence",), **kwargs):
        self.fields = fields
        kwargs.setdefault("help_text", "`open`: CC0, CC BY, CC BY-SA. `restricted`: the rest.")
        super().__init__(*args, choices=[("open", "open"), ("restricted", "restricted")], **kwargs)

    def filter(self, queryset, value):
        if not value:
            return queryset
        condition = licence_condition(self.fields, list(OPEN_LICENCES))
        return queryset.filter(condition) if value == "open" else queryset.exclude(condition)


SEARCH_HELP = (
    "Words to find in names, titles and descriptions, in any language the museum speaks "
    "(every word must match). Words of one or two characters are matched as substrings. "
    "Unless `ordering` is given, results come by relevance: a match on the name or title "
    "first (exact, then prefix, then anywhere), then matches in the description."
)


@extend_schema_field({"type": "string", "maxLength": query.MAX_QUERY_LENGTH})
class SearchFilter(df.CharFilter):
    pass


class _Sync(df.FilterSet):
    """``?updated_since=``, which every list of workflow records takes (sites, artefacts,
    scans, routes, exhibitions): changed records, and on the first page their tombstones."""

    updated_since = df.IsoDateTimeFilter(
        method="filter_updated_since",
        help_text="ISO 8601 date-time: only records changed at or after it (for keeping a "
        "mirror in step). The first page then lists `tombstones`: records deleted or "
        "withdrawn since then.",
    )

    def filter_updated_since(self, queryset, name, value):
        # In UTC: ISO 8601 allows offsets PostgreSQL refuses (+16:19 was a 500), and the
        # instant is the same.
        try:
            value = value.astimezone(datetime.UTC)
        except OverflowError:
            raise ValidationError(
                {"updated_since": ["updated_since is before the year 1 in UTC: send a later time."]}
            ) from None
        self.request.updated_since = value
        return queryset.filter(updated_at__gte=value)


class _Base(_Sync):
    search = SearchFilter(
        method="filter_q", max_length=query.MAX_QUERY_LENGTH, help_text=SEARCH_HELP
    )
    q = SearchFilter(
        method="filter_q",
        max_length=query.MAX_QUERY_LENGTH,
        help_text="The same as `search` (kept for clients written against the first release).",
    )
    state = df.MultipleChoiceFilter(
        distinct=False,
        choices=PublicationState.choices,
        help_text="Publication state. Only curators see anything but `published`.",
    )

    def filter_q(self, queryset, name, value):
        return query.ranked(query.search(queryset, value), value, self.title_field)

    def filter_noop(self, queryset, name, value):
        return queryset  # applied together in filter_queryset


def _period_validation(form_data: dict, start: str, end: str) -> None:
    low, high = form_data.get(start), form_data.get(end)
    if low is not None and high is not None and low > high:
        raise ValidationError({end: [f"{end} ({high}) is before {start} ({low}): swap them."]})


def _overlapping(queryset, low, high, *, start: str, end: str):
    """Rows whose span [start, end] overlaps [low, high]; an open end is the other end.
    Rows with neither end are left out once either bound is given."""
    if low is None and high is None:
        return queryset
    queryset = queryset.exclude(**{f"{start}__isnull": True, f"{end}__isnull": True})
    if low is not None:
        queryset = queryset.filter(
            Q(**{f"{end}__gte": low}) | Q(**{f"{end}__isnull": True, f"{start}__gte": low})
        )
    if high is not None:
        queryset = queryset.filter(
            Q(**{f"{start}__lte": high}) | Q(**{f"{start}__isnull": True, f"{end}__lte": high})
        )
    return queryset


def _through(queryset, value, relation, lookup: str = "pk__in"):
    """Filter on a many-to-many code list; an absent parameter filters nothing."""
    if _empty(value):
        return queryset
    return queryset.filter(**{lookup: _through_ids(relation, value)})


def _with_ready_scan(queryset, value, subject: str):
    """``true``: rows with a scan ready to view; ``false``: rows without; absent: all."""
    if value is None:
        return queryset
    ready = Exists(Scan.objects.filter(**{subject: OuterRef("pk")}, state=Scan.State.READY))
    return queryset.filter(ready if value else ~ready)


class SiteFilter(_Base):
    title_field = "name"
    country = CodeListFilter(
        queryset=Country.objects.all(),
        to_field_name="iso2",
        method="filter_country",
        help_text="ISO 3166-1 alpha-2 code in capitals (repeat for several): ?country=UZ",
    )
    corridor = CodeListFilter(
        queryset=Corridor.objects.all(),
        to_field_name="slug",
        method="filter_corridor",
        help_text="Corridor slug (repeat for several).",
    )
    institution = CodeListFilter(
        queryset=Institution.objects.all(),
        to_field_name="slug",
        method="filter_institution",
        help_text="Slug of a steward institution (repeat for several).",
    )
    unesco_status = df.ChoiceFilter(
        choices=[
            ("inscribed", "inscribed"),
            ("in_danger", "in_danger"),
            ("not_inscribed", "not_inscribed"),
        ],
        method="filter_unesco_status",
        help_text="`inscribed` (on the World Heritage List, alone or as part of a serial "
        "property), `in_danger` (on the List of World Heritage in Danger) or `not_inscribed`.",
    )
    unesco_id = df.NumberFilter(min_value=1, help_text="World Heritage List number (id_no).")
    in_danger = StrictBooleanFilter(help_text="`true` or `false`.")
    category = df.MultipleChoiceFilter(distinct=False, choices=HeritageSite.Category.choices)
    period_from = df.NumberFilter(
        method="filter_noop",
        min_value=-10000,
        max_value=2100,
        help_text="Year (negative for BCE). Sites whose period overlaps "
        "[period_from, period_to]; undated sites are left out.",
    )
    period_to = df.NumberFilter(method="filter_noop", min_value=-10000, max_value=2100)
    has_3d = StrictBooleanFilter(
        method="filter_has_3d", help_text="`true`: only sites with a 3D scan ready to view."
    )
    level = df.ChoiceFilter(
        choices=[("property", "property"), ("component", "component")],
        method="filter_level",
        help_text="`property`: whole World Heritage properties; `component`: component sites "
        "of serial properties.",
    )
    component_of = df.CharFilter(
        method="filter_component_of",
        max_length=200,
        help_text="Public id or slug of a serial property: its component sites.",
    )
    bbox = BBoxFilter(
        help_text="minlon,minlat,maxlon,maxlat in degrees (WGS84). minlon > maxlon crosses "
        "the antimeridian."
    )
    near = PointFilter(
        method="filter_noop",
        help_text="lat,lon: sites within radius_km of this point, nearest first, each with "
        "`distance_km`.",
    )
    radius_km = df.NumberFilter(
        method="filter_noop",
        min_value=0,
        max_value=geo.MAX_RADIUS_KM,
        help_text="Radius for `near`, in km (default 50).",
    )

    class Meta:
        model = HeritageSite
        fields = []

    def filter_country(self, queryset, name, value):
        return _through(queryset, value, HeritageSite.countries)

    def filter_corridor(self, queryset, name, value):
        return _through(queryset, value, HeritageSite.corridors)

    def filter_institution(self, queryset, name, value):
        return _through(queryset, value, HeritageSite.stewards)

    def filter_unesco_status(self, queryset, name, value):
        inscribed = Q(unesco_id__isnull=False) | Q(parent__unesco_id__isnull=False)
        if value == "inscribed":
            return queryset.filter(inscribed)
        if value == "in_danger":
            return queryset.filter(Q(in_danger=True) | Q(parent__in_danger=True))
        return queryset.exclude(inscribed)

    def filter_has_3d(self, queryset, name, value):
        return _with_ready_scan(queryset, value, "site")

    def filter_level(self, queryset, name, value):
        return queryset.filter(parent__isnull=(value == "property"))

    def filter_component_of(self, queryset, name, value):
        return queryset.filter(ref_condition("parent__", value))

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        _period_validation(data, "period_from", "period_to")
        queryset = super().filter_queryset(queryset)
        queryset = _overlapping(
            queryset,
            data.get("period_from"),
            data.get("period_to"),
            start="period_start",
            end="period_end",
        )
        point = data.get("near")
        if point is not None:
            radius = data.get("radius_km")
            radius = 50.0 if radius is None else float(radius)
            lat, lon = point
            queryset = (
                queryset.filter(geo.around(lat, lon, radius))
                .annotate(distance_km=geo.distance_km(lat, lon))
                .filter(distance_km__lte=radius)
            )
        elif data.get("radius_km") is not None:
            raise ValidationError({"radius_km": ["radius_km needs near=lat,lon as well."]})
        return queryset


class ArtefactFilter(_Base):
    title_field = "title"
    institution = CodeListFilter(
        queryset=Institution.objects.all(),
        to_field_name="slug",
        field_name="institution__slug",
        distinct=False,
        help_text="Slug of the holding institution (repeat for several).",
    )
    site = df.CharFilter(
        method="filter_site", max_length=200, help_text="Public id or slug of the site of origin."
    )
    country = CodeListFilter(
        queryset=Country.objects.all(),
        to_field_name="iso2",
        method="filter_country",
        help_text="ISO alpha-2 code of a country of the site of origin (repeat for several).",
    )
    corridor = CodeListFilter(
        queryset=Corridor.objects.all(),
        to_field_name="slug",
        method="filter_corridor",
        help_text="Corridor slug of the site of origin (repeat for several).",
    )
    material = CodeListFilter(
        queryset=Material.objects.all(),
        to_field_name="slug",
        method="filter_material",
        help_text="Material slug (repeat for several: any of them).",
    )
    object_type = df.MultipleChoiceFilter(distinct=False, choices=Artefact.ObjectType.choices)
    date_from = df.NumberFilter(
        method="filter_noop",
        min_value=-10000,
        max_value=2100,
        help_text="Year (negative for BCE). Artefacts whose dating overlaps "
        "[date_from, date_to]; undated artefacts are left out.",
    )
    date_to = df.NumberFilter(method="filter_noop", min_value=-10000, max_value=2100)
    has_3d = StrictBooleanFilter(
        method="filter_has_3d", help_text="`true`: only artefacts with a 3D scan ready to view."
    )
    licence = LicenceFilter()
    reusability = ReusabilityFilter()

    class Meta:
        model = Artefact
        fields = []

    def filter_site(self, queryset, name, value):
        return queryset.filter(ref_condition("site__", value))

    def filter_country(self, queryset, name, value):
        return _through(queryset, value, HeritageSite.countries, "site__in")

    def filter_corridor(self, queryset, name, value):
        return _through(queryset, value, HeritageSite.corridors, "site__in")

    def filter_material(self, queryset, name, value):
        return _through(queryset, value, Artefact.materials)

    def filter_has_3d(self, queryset, name, value):
        return _with_ready_scan(queryset, value, "artefact")

    def filter_queryset(self, queryset):
        data = self.form.cleaned_data
        _period_validation(data, "date_from", "date_to")
        queryset = super().filter_queryset(queryset)
        return _overlapping(
            queryset,
            data.get("date_from"),
            data.get("date_to"),
            start="date_earliest",
            end="date_latest",
        )


class ScanFilter(_Sync):
    artefact = df.CharFilter(
        method="filter_artefact", max_length=200, help_text="Public id or slug of the artefact."
    )
    site = df.CharFilter(
        method="filter_site", max_length=200, help_text="Public id or slug of the site."
    )
    state = df.MultipleChoiceFilter(
        distinct=False,
        choices=Scan.State.choices,
        help_text="Processing state (repeat for several). Outsiders only ever see `ready` "
        "scans of published records; curators see every state of their own.",
    )
    # Not `format`: DRF reads ?format= to choose the renderer.
    file_format = df.MultipleChoiceFilter(
        field_name="format", distinct=False, choices=Scan.Format.choices
    )
    kind = df.MultipleChoiceFilter(distinct=False, choices=Scan.Kind.choices)
    licence = LicenceFilter(fields=("licence", "artefact__licence"))
    reusability = ReusabilityFilter(fields=("licence", "artefact__licence"))

    class Meta:
        model = Scan
        fields = []

    def filter_artefact(self, queryset, name, value):
        return queryset.filter(ref_condition("artefact__", value))

    def filter_site(self, queryset, name, value):
        return queryset.filter(ref_condition("site__", value))


class RouteFilter(_Sync):
    class Meta:
        model = Route
        fields = []


class ExhibitionFilter(_Sync):
    class Meta:
        model = Exhibition
        fields = []


class FilterBackend(DjangoFilterBackend):
    """django-filter, skipped when the request names none of the filters: building and
    validating a form of twenty fields was a tenth of an unfiltered list request."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not set(request.query_params) & set(
            filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)


class OrderingBackend(BaseFilterBackend):
    """``?ordering=name`` or ``-name`` among the view's ``ordering_fields`` (public name ->
    model field). A ``near`` search is always nearest first. A hidden tie-breaker on the
    primary key keeps the cursor walk exact when values repeat."""

    param = "ordering"

    def get_ordering(self, request, queryset, view) -> list[str]:
        if "distance_km" in queryset.query.annotations:
            return ["distance_km", "id"]
        explicit = request.query_params.get(self.param, "").strip()
        if not explicit and query.RANK in queryset.query.annotations:
            return [query.RANK, "id"]
        value = explicit or view.default_ordering
        descending = value.startswith("-")
        field = view.ordering_fields.get(value.lstrip("-"))
        if field is None:
            choices = ", ".join(f"{name}, -{name}" for name in view.ordering_fields)
            raise ValidationError(
                {self.param: [f"Cannot order by '{value[:40]}'. Use one of: {choices}."]}
            )
        sign = "-" if descending else ""
        return [sign + field, sign + "id"]

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view))

    def get_schema_operation_parameters(self, view):
        names = [n for name in view.ordering_fields for n in (name, f"-{name}")]
        return [
            {
                "name": self.param,
                "required": False,
                "in": "query",
                "description": "Sort order; `-` for descending. Default "
                f"`{view.default_ordering}`. Ignored by `near`, which sorts by distance.",
                "schema": {"type": "string", "enum": names},
            }
        ]
