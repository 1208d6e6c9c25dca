"""Reusable filters. Views, the API and pages ask these, never spell the rules out again."""

from __future__ import annotations

from django.db import models

from heritage_sites.permissions import curated_institution_ids

PUBLISHED = "published"


class HeritageSiteQuerySet(models.QuerySet):
    def published(self) -> HeritageSiteQuerySet:
        return self.filter(state=PUBLISHED)

    def properties(self) -> HeritageSiteQuerySet:
        """Whole World Heritage properties, not their component sites."""
        return self.filter(parent__isnull=True)

    def visible_to(self, user) -> HeritageSiteQuerySet:
        """Published sites, plus the drafts stewarded by the user's institutions (all for staff)."""
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        if not institution_ids:
            return self.published()
        # A subquery, not a join: a site with two stewards must not come back twice.
        return self.filter(
            models.Q(state=PUBLISHED) | models.Q(pk__in=self._stewarded(institution_ids))
        )

    def editable_by(self, user) -> HeritageSiteQuerySet:
        """Sites the user may change: those their institutions steward (every site for staff)."""
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        return self.filter(pk__in=self._stewarded(institution_ids))

    def _stewarded(self, institution_ids: list[int]) -> models.QuerySet:
        through = self.model.stewards.through
        return through.objects.filter(institution_id__in=institution_ids).values("heritagesite_id")


class ArtefactQuerySet(models.QuerySet):
    def published(self) -> ArtefactQuerySet:
        return self.filter(state=PUBLISHED)

    def visible_to(self, user) -> ArtefactQuerySet:
        """Published artefacts, plus the drafts of the user's own institutions."""
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        return self.filter(models.Q(state=PUBLISHED) | models.Q(institution__in=institution_ids))

    def editable_by(self, user) -> ArtefactQuerySet:
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        return self.filter(institution__in=institution_ids)


class ScanQuerySet(models.QuerySet):
    def ready(self) -> ScanQuerySet:
        return self.filter(state="ready")

    def with_published_subject(self) -> ScanQuerySet:
        """Scans (in any state) of published artefacts or published sites."""
        return self.filter(models.Q(artefact__state=PUBLISHED) | models.Q(site__state=PUBLISHED))

    def published(self) -> ScanQuerySet:
        """Ready scans of published artefacts or published sites."""
        return self.ready().with_published_subject()

    def visible_to(self, user) -> ScanQuerySet:
        """Published scans, the scans of the user's institutions' records, and their uploads."""
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        visible = models.Q(pk__in=self.published().values("pk")) | self._owned(institution_ids)
        if user.is_authenticated:
            visible |= models.Q(uploaded_by=user)
        return self.filter(visible)

    def editable_by(self, user) -> ScanQuerySet:
        """Scans of the artefacts and sites the user's institutions hold or steward."""
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        return self.filter(self._owned(institution_ids))

    def _owned(self, institution_ids: list[int]) -> models.Q:
        stewarded = self.model.site.field.related_model.stewards.through.objects.filter(
            institution_id__in=institution_ids
        ).values("heritagesite_id")
        return models.Q(artefact__institution__in=institution_ids) | models.Q(site__in=stewarded)


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
