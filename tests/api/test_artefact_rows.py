"""The artefact list's fast path (plain rows) says exactly what the generic serializer says."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from heritage_sites.api.serializers.artefacts import ArtefactListSerializer
from heritage_sites.models import Artefact, HeritageSite, Material, PublicationState, Scan
from tests.factories import ArtefactFactory, HeritageSiteFactory, MaterialFactory, ScanFactory

pytestmark = pytest.mark.django_db


def generic_rows(language: str) -> list[dict]:
    """Field-by-field DRF output over real instances, prefetched as the detail view does."""
    request = Request(APIRequestFactory().get("/api/v1/artefacts/"))
    request.user = AnonymousUser()
    serializer = ArtefactListSerializer(context={"request": request, "language": language})
    ready = Scan.objects.filter(artefact=OuterRef("pk"), state=Scan.State.READY)
    artefacts = (
        Artefact.objects.published()
        .annotate(has_3d=Exists(ready))
        .prefetch_related(
            Prefetch("site", HeritageSite.objects.published(), to_attr="visible_site"),
            Prefetch("materials", Material.objects.order_by("slug"), to_attr="material_list"),
        )
        .order_by("title_en", "id")
    )
    return [serializers.Serializer.to_representation(serializer, a) for a in artefacts]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_list_rows_match_the_field_by_field_serializer(anon, home, language):
    site = HeritageSiteFactory(name_en="Samarkand", name_fa="سمرقند")
    draft_site = HeritageSiteFactory(state=PublicationState.DRAFT)
    home.name_fa = "موزه"
    home.save()
    first = ArtefactFactory(
        institution=home,
        site=site,
        title_fa="کاسه",
        materials=[MaterialFactory(slug="b"), MaterialFactory(slug="a")],
    )
    ArtefactFactory(institution=home, site=draft_site, date_earliest=None, date_latest=None)
    ArtefactFactory(institution=home, site=None)
    ScanFactory(artefact=first, state=Scan.State.READY)

    listed = anon.get(f"/api/v1/artefacts/?lang={language}").json()["results"]

    assert listed == generic_rows(language)
    assert listed[0]["materials"] == ["a", "b"]
    assert sum(row["has_3d"] for row in listed) == 1
    assert sum(row["site"] is None for row in listed) == 2
