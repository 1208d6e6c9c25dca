"""Data migrations: what they fill in on rows made before them."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from heritage_sites.models import Exhibition, PublicationState, Route
from tests.factories import RouteFactory

pytestmark = pytest.mark.django_db

backfill = importlib.import_module(
    "heritage_sites.migrations.0017_publication_dates_of_routes_and_exhibitions"
)


def _aged(record, *, days: int):
    """The record as if last changed ``days`` ago (before the workflow existed)."""
    stamp = timezone.now() - timedelta(days=days)
    type(record).objects.filter(pk=record.pk).update(
        created_at=stamp - timedelta(days=30), updated_at=stamp
    )
    record.refresh_from_db()
    return record


def test_routes_and_exhibitions_published_before_the_workflow_get_a_publication_date():
    published = _aged(RouteFactory(slug="published", state=PublicationState.PUBLISHED), days=90)
    draft = _aged(RouteFactory(slug="draft", state=PublicationState.DRAFT), days=90)
    dated_at = timezone.now() - timedelta(days=7)
    dated = RouteFactory(slug="dated", state=PublicationState.PUBLISHED, published_at=dated_at)
    withdrawn = _aged(
        Exhibition.objects.create(slug="off", title_en="Off", state=PublicationState.WITHDRAWN),
        days=10,
    )

    backfill.fill_publication_dates(apps, schema_editor=None)

    for record in (published, draft, dated, withdrawn):
        record.refresh_from_db()
    assert published.published_at == published.updated_at
    assert withdrawn.published_at == withdrawn.created_at
    assert draft.published_at is None
    assert dated.published_at == dated_at
    # The updated_at stamps a mirror follows have not moved.
    assert published.updated_at < timezone.now() - timedelta(days=89)
    entry = published.history.order_by("history_date").last()
    assert (entry.published_at, entry.history_change_reason) == (
        published.published_at,
        backfill.REASON,
    )
    assert withdrawn.history.order_by("history_date").last().state == PublicationState.WITHDRAWN
    assert draft.history.filter(history_change_reason=backfill.REASON).count() == 0
    # Run again, it finds nothing left to fill.
    backfill.fill_publication_dates(apps, schema_editor=None)
    assert Route.history.filter(history_change_reason=backfill.REASON).count() == 1
