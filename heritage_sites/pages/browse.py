"""Filters and pages of the browse lists: the API's FilterSets, read from a plain form."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from rest_framework.exceptions import ValidationError

PAGE_SIZE = 24


def filtered(filterset_class, request: HttpRequest, queryset: QuerySet):
    """Apply the API's FilterSet to ``request.GET``; return (rows, form, errors)."""
    # Empty fields of the form mean "no filter", as an absent API parameter does.
    data = request.GET.copy()
    for key in list(data):
        values = [value for value in data.getlist(key) if value.strip()]
        if values:
            data.setlist(key, values)
        else:
            del data[key]
    data.pop("page", None)
    filterset = filterset_class(data, queryset=queryset, request=request)
    errors: list[str] = []
    if not filterset.is_valid():
        for messages in filterset.errors.values():
            errors.extend(str(message) for message in messages)
        return queryset.none(), filterset.form, errors
    try:
        rows = filterset.qs
    except ValidationError:
        # The period check (end before start) is raised while filtering, DRF-style.
        errors.append(gettext("The end year is before the start year: swap them."))
        return queryset.none(), filterset.form, errors
    return rows, filterset.form, errors


def paginate(request: HttpRequest, rows: QuerySet) -> Page:
    """A page of rows; a page number out of range or not a number gives the nearest page."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
