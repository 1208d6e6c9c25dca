"""Reusable filters. Views, the API and pages ask these, never spell the rules out again."""

from __future__ import annotations

from django.db import models

from heritage_sites.permissions import Role, curated_institution_ids, institution_ids_with

PUBLISHED = "published"
IN_REVIEW = "in_review"
WITHDRAWN = "withdrawn"


class WorkflowQuerySet(models.QuerySet):
    """Filters on the publication workflow, for any model with ``publication_field``."""

    def _state(self, value: str) -> models.Q:
        return models.Q(**{self.model.publication_field: value})

    def withdrawn(self) -> models.QuerySet:
        return self.filter(self._state(WITHDRAWN))

    def awaiting_review_by(self, user) -> models.QuerySet:
        """Records in review in the institutions where the user is a reviewer (all for staff):
        the user's review queue."""
        institution_ids = institution_ids_with(user, Role.REVIEWER)
        queue = self.filter(self._state(IN_REVIEW))
        if institution_ids is None:
            return queue
        return queue.filter(pk__in=self.editable_by_ids(institution_ids))


class HeritageSiteQuerySet(WorkflowQuerySet):
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

    def editable_by_ids(self, institution_ids: list[int]) -> HeritageSiteQuerySet:
        return self.filter(pk__in=self._stewarded(institution_ids)).values("pk")

    def _stewarded(self, institution_ids: list[int]) -> models.QuerySet:
        through = self.model.stewards.through
        return through.objects.filter(institution_id__in=institution_ids).values("heritagesite_id")


class InstitutionOwnedQuerySet(WorkflowQuerySet):
    """Records that belong to one institution (artefacts, routes): its curators see and edit
    its drafts."""

    def published(self) -> models.QuerySet:
        return self.filter(state=PUBLISHED)

    def visible_to(self, user) -> models.QuerySet:
        """Published records, plus the drafts of the user's own institutions (all for staff)."""
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        if not institution_ids:
            return self.published()
        return self.filter(models.Q(state=PUBLISHED) | models.Q(institution__in=institution_ids))

    def editable_by(self, user) -> models.QuerySet:
        institution_ids = curated_institution_ids(user)
        if institution_ids is None:
            return self
        return self.filter(institution__in=institution_ids)

    def editable_by_ids(self, institution_ids: list[int]) -> models.QuerySet:
        return self.filter(institution__in=institution_ids).values("pk")


class ArtefactQuerySet(InstitutionOwnedQuerySet):
    """Artefacts belong to the institution that holds them."""


class ScanQuerySet(WorkflowQuerySet):
    def ready(self) -> ScanQuerySet:
        return self.filter(state="ready")

    @staticmethod
    def _published_subject() -> models.Q:
        return models.Q(artefact__state=PUBLISHED) | models.Q(site__state=PUBLISHED)

    def with_published_subject(self) -> ScanQuerySet:
        """Scans (in any state) of published artefacts or published sites."""
        return self.filter(self._published_subject())

    def published(self) -> ScanQuerySet:
        """Ready, published scans of published artefacts or published sites."""
        # One filter() (each clones the query): a visitor's page asks this several times.
        ready = models.Q(state="ready", publication_state=PUBLISHED)
        return self.filter(ready, self._published_subject())

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

    def editable_by_ids(self, institution_ids: list[int]) -> ScanQuerySet:
        return self.filter(self._owned(institution_ids)).values("pk")

    def _owned(self, institution_ids: list[int]) -> models.Q:
        stewarded = self.model.site.field.related_model.stewards.through.objects.filter(
            institution_id__in=institution_ids
        ).values("heritagesite_id")
        return models.Q(artefact__institution__in=institution_ids) | models.Q(site__in=stewarded)


class RouteQuerySet(InstitutionOwnedQuerySet):
    """Routes belong to one institution, as artefacts do."""


class ExhibitionQuerySet(WorkflowQuerySet):
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

    def editable_by_ids(self, institution_ids: list[int]) -> ExhibitionQuerySet:
        return self.filter(pk__in=self._made_by(institution_ids)).values("pk")

    def _made_by(self, institution_ids: list[int]) -> models.QuerySet:
        # A subquery, not a join: an exhibition made by two institutions must not come back twice.
        through = self.model.institutions.through
        return through.objects.filter(institution_id__in=institution_ids).values("exhibition_id")


class AccessRequestQuerySet(models.QuerySet):
    def decidable_by(self, user) -> AccessRequestQuerySet:
        """Requests for the originals of scans whose institutions the user reviews (every
        request for staff): the ones the user approves, denies and revokes."""
        reviewed = institution_ids_with(user, Role.REVIEWER)
        if reviewed is None:
            return self
        if not reviewed:
            return self.none()
        scans = self.model.scan.field.related_model.objects.editable_by_ids(reviewed)
        return self.filter(scan__in=scans)

    def visible_to(self, user) -> AccessRequestQuerySet:
        """The user's own requests, and those the user decides."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(models.Q(requester=user) | models.Q(pk__in=self.decidable_by(user)))
