"""Model rules that curators run into in the admin and the API."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from heritage_sites.models import Artefact, HeritageSite, Scan
from tests.factories import (
    ArtefactFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    ScanFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("latitude", Decimal("90.5"), "Latitude must be between -90 and 90"),
        ("latitude", Decimal("-91"), "Latitude must be between -90 and 90"),
        ("longitude", Decimal("180.1"), "Longitude must be between -180 and 180"),
        ("longitude", Decimal("-200"), "Longitude must be between -180 and 180"),
    ],
)
def test_it_rejects_out_of_range_coordinates(field, value, message):
    site = HeritageSiteFactory.build(**{field: value})
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert message in str(error.value.message_dict[field])


def test_the_database_refuses_out_of_range_coordinates_too():
    with pytest.raises(IntegrityError), transaction.atomic():
        HeritageSiteFactory(latitude=Decimal("95"))


def test_it_rejects_a_period_that_ends_before_it_starts():
    site = HeritageSiteFactory.build(period_start=200, period_end=-100)
    with pytest.raises(ValidationError) as error:
        site.full_clean()
    assert "before the start year" in error.value.message_dict["period_end"][0]
    with pytest.raises(IntegrityError), transaction.atomic():
        site.save()


def test_bce_periods_are_negative_years_and_valid():
    site = HeritageSiteFactory.build(period_start=-206, period_end=220)
    site.full_clean()


def test_it_rejects_a_duplicate_accession_number_within_an_institution():
    first = ArtefactFactory(accession_number="KM-1")
    duplicate = ArtefactFactory.build(
        accession_number="KM-1", institution=first.institution, slug="another"
    )
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has an artefact with this accession number" in str(error.value)


def test_the_same_accession_number_is_fine_in_another_institution():
    ArtefactFactory(accession_number="KM-1")
    other = ArtefactFactory.build(accession_number="KM-1", institution=InstitutionFactory())
    other.full_clean()


def test_it_rejects_an_unknown_licence():
    artefact = ArtefactFactory.build(licence="WTFPL", institution=InstitutionFactory())
    with pytest.raises(ValidationError) as error:
        artefact.full_clean()
    assert "licence" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        artefact.save()


def test_it_rejects_dating_that_ends_before_it_begins():
    artefact = ArtefactFactory.build(date_earliest=800, date_latest=700)
    with pytest.raises(ValidationError) as error:
        artefact.full_clean()
    assert "before the start year" in error.value.message_dict["date_latest"][0]


def test_it_rejects_non_positive_dimensions():
    artefact = ArtefactFactory.build(height_mm=Decimal("0"))
    with pytest.raises(ValidationError) as error:
        artefact.full_clean()
    assert "greater than zero" in error.value.message_dict["height_mm"][0]


def test_a_site_cannot_be_its_own_ancestor():
    serial = HeritageSiteFactory()
    component = HeritageSiteFactory(parent=serial)
    serial.parent = component
    with pytest.raises(ValidationError) as error:
        serial.full_clean()
    assert "component of itself" in error.value.message_dict["parent"][0]


def test_components_hang_under_their_serial_property():
    serial = HeritageSiteFactory(unesco_id=1442)
    HeritageSiteFactory.create_batch(3, parent=serial, unesco_id=1442)
    assert serial.components.count() == 3
    assert HeritageSite.objects.properties().get() == serial


def test_a_scan_belongs_to_an_artefact_or_a_site_not_both():
    scan = ScanFactory.build(artefact=ArtefactFactory(), site=HeritageSiteFactory())
    with pytest.raises(ValidationError, match="not both"):
        scan.full_clean()


def test_a_restoration_must_name_the_scan_it_restores():
    scan = ScanFactory.build(artefact=ArtefactFactory(), kind=Scan.Kind.VIRTUAL_RESTORATION)
    with pytest.raises(ValidationError) as error:
        scan.full_clean()
    assert "derived_from" in error.value.message_dict


def test_identical_bytes_for_the_same_artefact_are_refused():
    scan = ScanFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanFactory(artefact=scan.artefact)


def test_a_failed_scan_always_carries_a_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        ScanFactory(state=Scan.State.FAILED, failure_reason="")


def test_the_original_is_stored_under_a_uuid_key_not_the_client_name():
    scan = ScanFactory(original_filename="../../etc/passwd.off")
    assert scan.original.name == f"scans/{scan.public_id}/original/original.off"


def test_derivatives_get_unguessable_keys():
    first, second = DerivativeFactory.create_batch(2)
    assert first.file.name != second.file.name
    assert str(first.scan.public_id) in first.file.name


def test_translated_title_falls_back_to_english(settings):
    from django.utils import translation

    artefact = ArtefactFactory(title_en="Sogdian coin", title_zh_hans="粟特钱币")
    with translation.override("zh-hans"):
        assert Artefact.objects.get(pk=artefact.pk).title == "粟特钱币"
    with translation.override("fa"):
        assert Artefact.objects.get(pk=artefact.pk).title == "Sogdian coin"
