"""Filters for routes and exhibitions, on the pattern of querysets.py (the same rule set)."""

from __future__ import annotations

from django.db import models

from heritage_sites.permissions import curated_institution_ids
from heritage_sites.querysets import PUBLISHED


class RouteQuerySet(models.QuerySet):
    """Routes belong to one institution, as artefacts do."""

    def published(self) -> RouteQuerySet:
        return self.filter(state=PUBLISHED)

    def visible_to(self, user) -> RouteQuerySet:
        """Published routes, plus the drafts of the user's own institutions (all for staff)."""
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        return self.filter(models.Q(state=PUBLISHED) | models.Q(institution__in=institution_ids))

    def editable_by(self, user) -> RouteQuerySet:
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        return self.filter(institution__in=institution_ids)


class ExhibitionQuerySet(models.QuerySet):
    """Exhibitions are made by one or more institutions, as sites are stewarded."""

    def published(self) -> ExhibitionQuerySet:
        return self.filter(state=PUBLISHED)

    def visible_to(self, user) -> ExhibitionQuerySet:
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        if not institution_ids:
            return self.published()
        return self.filter(
            models.Q(state=PUBLISHED) | models.Q(pk__in=self._made_by(institution_ids))
        )

    def editable_by(self, user) -> ExhibitionQuerySet:
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        return self.filter(pk__in=self._made_by(institution_ids))

    def _made_by(self, institution_ids: list[int]) -> models.QuerySet:
        # A subquery, not a join: an exhibition made by two institutions must not come back twice.
        through = self.model.institutions.through
        return through.objects.filter(institution_id__in=institution_ids).values("exhibition_id")
