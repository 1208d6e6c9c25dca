"""load_demo builds the whole demo museum from the repository alone, and only once."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Max

from heritage_sites.demo.fixtures import load_fixtures
from heritage_sites.demo.load import demo_load
from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    HeritageSite,
    Institution,
    Material,
    PublicationState,
    Scan,
)
from heritage_sites.rights import Licence
from tests.factories import HeritageSiteFactory

pytestmark = pytest.mark.django_db

MODELS = [Country, Corridor, HeritageSite, Institution, Material, Artefact, Scan]
SILK_ROAD_LIST = load_fixtures().properties


def _snapshot():
    return {
        model.__name__: (model.objects.count(), model.objects.aggregate(Max("pk"))["pk__max"])
        for model in MODELS
    } | {
        "last_update": max(
            model.objects.aggregate(Max("updated_at"))["updated_at__max"]
            for model in (HeritageSite, Institution, Artefact, Scan)
        )
    }


def test_it_creates_the_44_properties_published_with_components_under_1442():
    demo_load()
    properties = HeritageSite.objects.properties()
    assert properties.count() == 44
    assert set(properties.values_list("unesco_id", flat=True)) == {
        site["unesco_id"] for site in SILK_ROAD_LIST
    }
    assert not HeritageSite.objects.exclude(state=PublicationState.PUBLISHED).exists()
    tianshan = properties.get(unesco_id=1442)
    components = tianshan.components.all()
    assert components.count() >= 8
    assert {c.iso2 for c in tianshan.countries.all()} == {"CN", "KZ", "KG"}
    assert {country.iso2 for c in components for country in c.countries.all()} >= {"CN", "KG"}
    assert all(c.name_zh_hans for c in components)


def test_every_property_has_facts_and_names_in_english_and_chinese():
    demo_load()
    for site in HeritageSite.objects.properties():
        assert site.name_en and site.name_zh_hans, site.unesco_id
        assert site.description_en and site.description_zh_hans, site.unesco_id
        assert site.inscription_year and site.criteria.startswith("(")
        assert site.countries.exists() and site.corridors.exists()
        assert site.period_start is not None and site.period_end >= site.period_start
    samarkand = HeritageSite.objects.get(unesco_id=603)
    assert samarkand.name_en == "Samarkand \u2013 Crossroad of Cultures"
    assert samarkand.name_fr == "Samarkand \u2013 carrefour de cultures"
    assert HeritageSite.objects.get(unesco_id=1398).name_en == "Gonbad-e Qābus"
    assert HeritageSite.objects.get(unesco_id=208).in_danger
    assert HeritageSite.objects.get(unesco_id=1443).corridors.filter(maritime=True).exists()


def test_the_fixture_names_are_cleanly_decoded():
    for site in SILK_ROAD_LIST:
        for text in site["name"].values():
            assert not any(bad in text for bad in ("Ã", "â€", "Â", "\ufffd", "?", "&amp;"))
            assert "  " not in text


def test_each_artefact_is_published_with_one_procedural_scan_queued():
    demo_load()
    artefacts = Artefact.objects.all()
    assert artefacts.count() >= 6
    for artefact in artefacts:
        assert artefact.state == PublicationState.PUBLISHED
        assert artefact.accession_number and artefact.rights_holder and artefact.attribution
        assert artefact.dimensions_mm is not None and artefact.materials.exists()
        assert artefact.title_zh_hans
        (scan,) = artefact.scans.all()
        assert scan.procedural and scan.capture_method == Scan.CaptureMethod.MODELLED
        assert scan.unit == Scan.Unit.MM
        assert "Procedural stand-in" in scan.title
        assert scan.state == Scan.State.QUEUED
        assert scan.original.storage.exists(scan.original.name)
    formats = set(Scan.objects.values_list("format", flat=True))
    assert formats >= {"ply", "stl", "glb", "obj_zip", "off"}
    # Stored as URIs since licences became URIs (the demo file still names them by code).
    assert {a.licence for a in artefacts} >= {Licence.CC0, Licence.CC_BY, Licence.IN_COPYRIGHT}


def test_a_second_load_changes_nothing_and_says_so():
    first = demo_load()
    assert first.changed
    before = _snapshot()
    second = demo_load()
    assert not second.changed
    assert second.total("unchanged") == first.total("created")
    assert _snapshot() == before


def test_the_command_reports_counts_then_that_nothing_changed():
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "properties: 44 created" in out.getvalue()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already up to date: nothing changed" in out.getvalue()
    assert "properties: 0 created, 0 updated, 44 unchanged" in out.getvalue()


def test_a_record_edited_since_is_put_back_and_counted_as_updated():
    demo_load()
    HeritageSite.objects.filter(unesco_id=440).update(name_en="Mogao", in_danger=True)
    Artefact.objects.get(accession_number="RC-DEMO-0017").materials.clear()
    report = demo_load()
    assert report.counts["properties"]["updated"] == 1
    assert report.counts["artefacts"]["updated"] == 1
    mogao = HeritageSite.objects.get(unesco_id=440)
    assert (mogao.name_en, mogao.in_danger) == ("Mogao Caves", False)
    assert Scan.objects.count() == 6


def test_a_property_already_imported_is_taken_over_not_duplicated():
    imported = HeritageSiteFactory(
        unesco_id=440,
        slug="mogao-caves-440",
        name_en="Mogao Caves",
        description_fr="Texte venu d'ailleurs.",
        text_source="UNESCO World Heritage Centre (CC BY-SA 3.0 IGO)",
    )
    demo_load()
    assert HeritageSite.objects.filter(unesco_id=440, parent=None).count() == 1
    imported.refresh_from_db()
    assert imported.slug == "mogao-caves-440"
    assert imported.name_zh_hans == "莫高窟"
    # The descriptions are now all the demo's own, so nothing is left to credit.
    assert imported.description_fr is None
    assert imported.text_source == ""


def test_loading_again_republishes_a_withdrawn_artefact_and_opens_its_files(
    django_capture_on_commit_callbacks,
):
    from heritage_sites.models import Derivative
    from tests.factories import DerivativeFactory

    demo_load()
    scan = Scan.objects.filter(artefact__isnull=False).select_related("artefact").first()
    Artefact.objects.filter(pk=scan.artefact_id).update(state=PublicationState.WITHDRAWN)
    poster = DerivativeFactory(scan=Scan.objects.get(pk=scan.pk))
    assert not poster.is_public
    with django_capture_on_commit_callbacks(execute=True):
        demo_load()
    assert Artefact.objects.get(pk=scan.artefact_id).state == PublicationState.PUBLISHED
    assert Derivative.objects.get(pk=poster.pk).is_public
