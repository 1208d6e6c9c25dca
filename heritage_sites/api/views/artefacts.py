"""Artefacts: read for everyone (drafts for their institution), write for its curators."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch

from heritage_sites.api import artefact_rows, previews
from heritage_sites.api.base import CuratedRecordViewSet, curated_record_schema
from heritage_sites.api.filters import ArtefactFilter
from heritage_sites.api.serializers.artefacts import (
    ArtefactDetailSerializer,
    ArtefactListSerializer,
    ArtefactWriteSerializer,
)
from heritage_sites.api.views.workflow import WorkflowActionsMixin
from heritage_sites.models import Artefact, HeritageSite, Material, Scan
from heritage_sites.services import derivatives as derivative_access


@curated_record_schema(
    listing={
        "summary": "List artefacts",
        "description": "Published artefacts (and, for curators, their institutions' drafts), "
        "filtered, searched and paginated by cursor.",
    },
    retrieve={
        "summary": "An artefact, by public id or slug",
        "description": "With its scans and their derivative files. Drafts answer 404 to "
        "everyone but the curators of the holding institution.",
    },
    write=ArtefactWriteSerializer,
    detail=ArtefactDetailSerializer,
    create="Create an artefact of your institution",
    replace="Replace an artefact of your institution",
    change="Change fields of an artefact of your institution",
)
class ArtefactViewSet(WorkflowActionsMixin, CuratedRecordViewSet):
    filterset_class = ArtefactFilter
    ordering_fields = {
        "title": "title_en",
        "accession_number": "accession_number",
        "created": "created_at",
        "updated": "updated_at",
    }
    default_ordering = "title"
    list_serializer_class = ArtefactListSerializer
    detail_serializer_class = ArtefactDetailSerializer
    write_serializer_class = ArtefactWriteSerializer

    def written(self, record) -> None:
        # Publishing makes the scans' files public, withdrawing makes them private again.
        derivative_access.subject_derivatives_sync_visibility_on_commit(subject=record)

    def get_queryset(self):
        user = self.request.user
        artefacts = self.records_for(Artefact)
        if self.action == "list":
            # Read as plain rows in list(): the materials, sites of origin and has_3d of a
            # page come in one query each (artefact_rows.dress), never one per row.
            return artefacts
        ready = Scan.objects.filter(artefact=OuterRef("pk"), state=Scan.State.READY)
        artefacts = (
            artefacts.annotate(has_3d=Exists(ready))
            # select_related: each row shows its institution's slug and name (N+1 otherwise).
            .select_related("institution")
            # The site of origin through visible_to(user), so a draft site is None for
            # outsiders; and the material slugs. Each would be one query per row otherwise.
            .prefetch_related(
                Prefetch(
                    "site", queryset=HeritageSite.objects.visible_to(user), to_attr="visible_site"
                ),
                # A plain list per row: cheaper than a related manager per row.
                Prefetch(
                    "materials", queryset=Material.objects.order_by("slug"), to_attr="material_list"
                ),
            )
        )
        if self.action == "retrieve":
            # The scans the caller may see, each with its subject and derivative files.
            scans = (
                Scan.objects.visible_to(user)
                .select_related("artefact", "site")
                .prefetch_related("derivatives")
            )
            artefacts = artefacts.prefetch_related(
                Prefetch("scans", queryset=scans, to_attr="visible_scans")
            )
        return artefacts

    def list(self, request, *args, **kwargs):
        """Published artefacts (and the caller's drafts), as plain rows: see artefact_rows."""
        queryset = self.filter_queryset(self.get_queryset())
        # The cursor reads its position from the row: the columns and annotations it orders
        # by come along (created_at only when asked for: a converted column per row).
        columns = artefact_rows.list_columns(self.language)
        ordered_by = [name.lstrip("-") for name in queryset.query.order_by if isinstance(name, str)]
        columns += [name for name in ordered_by if name not in columns]
        columns += [name for name in queryset.query.annotations if name not in columns]
        # raw_values: the columns are named per language already, so modeltranslation's
        # fallback pass over each row has nothing to do but copy it.
        page = self.paginate_queryset(queryset.raw_values(*columns))
        found = previews.previews(request, "artefact", [row["id"] for row in page])
        rows = artefact_rows.dress(page, request.user, self.language, with_3d=found.with_3d)
        context = self.get_serializer_context()
        context["posters"] = found.posters
        serializer = ArtefactListSerializer(rows, many=True, context=context)
        return self.get_paginated_response(serializer.data)
