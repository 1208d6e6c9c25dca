"""Exhibitions: read for everyone (drafts for the institutions that made them), write for
their curators. Items whose artefact, site or scan the caller may not see are left out."""

from __future__ import annotations

from heritage_sites.api.base import CuratedRecordViewSet, curated_record_schema
from heritage_sites.api.filters import ExhibitionFilter
from heritage_sites.api.serializers.exhibitions import (
    ExhibitionDetailSerializer,
    ExhibitionListSerializer,
    ExhibitionWriteSerializer,
)
from heritage_sites.api.views.workflow import WorkflowActionsMixin
from heritage_sites.models import Derivative, Exhibition, Scan
from heritage_sites.services import exhibitions as service


@curated_record_schema(
    listing={"summary": "List exhibitions"},
    retrieve={
        "summary": "An exhibition with its sections, items, models, hotspots and guided tours",
        "description": "Hotspots are stored in the scan original's coordinates and given here "
        "both as stored and mapped onto the current web model (metres, Y up), with "
        "model-viewer's attribute strings. Drafts answer 404 to everyone but the members of "
        "the institutions that made them; a withdrawn exhibition answers 410 with its "
        "tombstone.",
    },
    write=ExhibitionWriteSerializer,
    detail=ExhibitionDetailSerializer,
    create="Create an exhibition (curators)",
    replace="Replace an exhibition your institution made",
    change="Change fields of an exhibition your institution made",
    tags=["exhibitions"],
)
class ExhibitionViewSet(WorkflowActionsMixin, CuratedRecordViewSet):
    filterset_class = ExhibitionFilter
    ordering_fields = {"slug": "slug", "created": "created_at", "updated": "updated_at"}
    default_ordering = "slug"
    list_serializer_class = ExhibitionListSerializer
    detail_serializer_class = ExhibitionDetailSerializer
    write_serializer_class = ExhibitionWriteSerializer

    def get_queryset(self):
        exhibitions = self.records_for(Exhibition)
        if self.action == "list":
            # The cover and institutions of each row: one query each, not one per row.
            return exhibitions.select_related("cover").prefetch_related("institutions")
        return service.exhibitions_with_content(exhibitions)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        user = self.request.user
        # Covers whose scans the caller may see (a draft artefact's poster stays hidden).
        context["visible_cover_ids"] = set(
            Derivative.objects.filter(
                pk__in=Exhibition.objects.visible_to(user).values("cover"),
                scan__in=Scan.objects.visible_to(user).values("pk"),
            ).values_list("pk", flat=True)
        )
        return context
