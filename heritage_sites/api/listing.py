"""Extras a list answers on request: ``?total=true`` (how many match), ``?facets=`` (counts
per value of the main filters, over everything that matches), and, with ``?updated_since=``,
``tombstones``: records deleted or withdrawn since then, so a mirror can drop them.
"""

from __future__ import annotations

import hashlib
import time

from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Exists, OuterRef
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from heritage_sites import changes
from heritage_sites.models import (
    Artefact,
    DeletedRecord,
    HeritageSite,
    PublicationState,
    Scan,
)
from heritage_sites.services.records import KINDS

# Public facet name -> the path counted (None: has_3d, counted from ready scans).
FACETS = {
    HeritageSite: {
        "country": "countries__iso2",
        "corridor": "corridors__slug",
        "category": "category",
        "has_3d": None,
    },
    Artefact: {
        "country": "site__countries__iso2",
        "corridor": "site__corridors__slug",
        "material": "materials__slug",
        "object_type": "object_type",
        "has_3d": None,
    },
}
# Tombstones are listed whole on the first page; a mirror that fell further behind than
# this many removals starts again from a full walk (the answer says so).
MAX_TOMBSTONES = 10_000
# Facet counts are kept while nothing they counted has changed (heritage_sites/changes.py),
# for at most changes.KEEP_SECONDS from the moment noted before counting: the log is pruned
# of what older notes would need, and a restored database backup leaves nothing behind longer.


def parameters_for(model) -> set[str]:
    names = {"total"}
    if model in FACETS:
        names.add("facets")
    return names


def _flag(request, name: str) -> bool:
    value = request.query_params.get(name)
    if value is None:
        return False
    if value.lower() not in ("true", "false"):
        raise ValidationError({name: [f"Give `true` or `false`, not '{value[:20]}'."]})
    return value.lower() == "true"


def _facet_names(request, model) -> list[str]:
    value = request.query_params.get("facets")
    if value is None:
        return []
    known = FACETS.get(model, {})
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise ValidationError(
            {"facets": [f"Facets of this list: {', '.join(known)} (comma-separated)."]}
        )
    return list(dict.fromkeys(names))


def _matching(queryset):
    # order_by(): the model's default ordering would split each GROUP BY value.
    return queryset.model._base_manager.filter(pk__in=queryset.order_by().values("pk")).order_by()


def facet_counts(queryset, names: list[str]) -> dict[str, dict[str, int]]:
    """Counts per value of each named facet over the rows that match.

    Counting reads every matching row, so an answer is kept and given again while the change
    log says no committed write has touched the tables it read since it was counted."""
    sql, params = _matching(queryset).query.sql_with_params()
    if not changes.reads_only_watched_tables(sql):
        return _counted(queryset, names)
    text = repr((connection.vendor, connection.settings_dict["NAME"], sql, params, names))
    key = "facets:" + hashlib.sha256(text.encode()).hexdigest()
    kept = caches["facets"].get(key)
    if (
        kept is not None
        and time.time() - kept["noted_at"] < changes.KEEP_SECONDS
        and changes.unchanged_since(kept["moment"])
    ):
        return kept["counts"]
    noted_at = time.time()
    moment = changes.moment()  # before counting: a write committed meanwhile is seen as new
    counts = _counted(queryset, names)
    if moment is not None:
        kept = {"moment": moment, "noted_at": noted_at, "counts": counts}
        caches["facets"].set(key, kept, changes.KEEP_SECONDS)
    return counts


def _counted(queryset, names: list[str]) -> dict[str, dict[str, int]]:
    model = queryset.model
    matching = _matching(queryset)
    counts = {}
    for name in names:
        path = FACETS[model][name]
        if path is None:
            subject = "artefact" if model is Artefact else "site"
            ready = Scan.objects.filter(**{subject: OuterRef("pk")}, state=Scan.State.READY)
            rows = (
                matching.annotate(value=Exists(ready))
                .values("value")
                .annotate(n=Count("pk"))
                .values_list("value", "n")
            )
            counts[name] = {"true": 0, "false": 0} | {
                ("true" if value else "false"): n for value, n in rows
            }
            continue
        # Count, not count distinct: every path is a column, a foreign key or a many-to-many
        # whose pairs are unique, so a record comes once per value (a DISTINCT would sort
        # every matching row).
        rows = (
            matching.values(path)
            .annotate(n=Count("pk"))
            .order_by("-n", path)
            .values_list(path, "n")
        )
        counts[name] = {value: n for value, n in rows if value not in (None, "")}
    return counts


def tombstones(model, since) -> list[dict]:
    kind = KINDS[model]
    stones = [
        {"kind": kind, "id": str(public_id), "slug": slug, "reason": "deleted", "at": at}
        for public_id, slug, at in DeletedRecord.objects.filter(kind=kind, deleted_at__gte=since)
        .order_by("deleted_at")
        .values_list("public_id", "slug", "deleted_at")[:MAX_TOMBSTONES]
    ]
    if model is not Scan:
        # Withdrawn records were public once: a mirror must take them down. Drafts that were
        # never published are not listed (their ids and slugs are nobody's business).
        withdrawn = (
            model._base_manager.filter(state=PublicationState.WITHDRAWN, updated_at__gte=since)
            .order_by("updated_at")
            .values_list("public_id", "slug", "updated_at")[:MAX_TOMBSTONES]
        )
        stones += [
            {"kind": kind, "id": str(public_id), "slug": slug, "reason": "withdrawn", "at": at}
            for public_id, slug, at in withdrawn
        ]
    for stone in stones:
        stone["at"] = serializers.DateTimeField().to_representation(stone["at"])
    return stones


def extras(request, queryset, cursor_param: str) -> dict:
    """The extras this request asked for, computed on the filtered (unpaginated) queryset."""
    found = {}
    model = queryset.model
    if _flag(request, "total"):
        found["total"] = queryset.order_by().count()
    names = _facet_names(request, model)
    if names:
        found["facets"] = facet_counts(queryset, names)
    since = getattr(request, "updated_since", None)
    if since is not None and cursor_param not in request.query_params:
        found["tombstones"] = tombstones(model, since)
    return found
