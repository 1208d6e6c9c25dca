"""The publication workflow's fields, for any record that is drafted, reviewed and published.

draft -> in review -> published -> withdrawn (and back to draft on a rejection or a
reinstatement). A model mixes in ``Reviewable``, names its state column in
``publication_field`` and may refuse publication in ``publication_problems()``; the services in
``heritage_sites/services/workflow.py`` move it from state to state.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


def _who(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )


def publication_state_field():
    return models.CharField(
        max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT
    )


class Reviewable(models.Model):
    """Who moved the record at each step, and when; the reviewer's comment on a rejection and
    the reason for a withdrawal (shown on the tombstone)."""

    # The name of the model's publication-state column.
    publication_field = "state"

    submitted_at = models.DateTimeField(_("submitted for review at"), null=True, blank=True)
    submitted_by = _who(_("submitted for review by"))
    reviewed_at = models.DateTimeField(_("last rejected at"), null=True, blank=True)
    reviewed_by = _who(_("last rejected by"))
    review_comment = models.TextField(
        _("reviewer's comment"), blank=True, help_text=_("Why the last review sent it back.")
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = _who(_("published by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = _who(_("withdrawn by"))
    withdrawal_reason = models.TextField(
        _("reason for the withdrawal"),
        blank=True,
        help_text=_("Shown to visitors in place of the record."),
    )

    class Meta:
        abstract = True

    @property
    def workflow_state(self) -> str:
        return getattr(self, type(self).publication_field)

    def publication_problems(self) -> list[str]:
        """What stops the record from being published (empty when nothing does)."""
        return []
