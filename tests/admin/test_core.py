"""The curators' admin: every model listed, searchable and editable."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from heritage_sites.models import Artefact, HeritageSite, Scan
from tests.factories import (
    ArtefactFactory,
    CorridorFactory,
    CountryFactory,
    DerivativeFactory,
    HeritageSiteFactory,
    InstitutionFactory,
    MaterialFactory,
    ScanFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = UserFactory(username="keeper", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "factory",
    [
        CountryFactory,
        InstitutionFactory,
        CorridorFactory,
        MaterialFactory,
        HeritageSiteFactory,
        ArtefactFactory,
        DerivativeFactory,
    ],
)
def test_every_model_has_a_list_and_a_change_page(staff_client, factory):
    obj = factory()
    opts = obj._meta
    listing = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert listing.status_code == 200
    change = staff_client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    )
    assert change.status_code == 200
    add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in {200, 403}


def test_scans_show_state_report_and_poster(staff_client):
    poster = DerivativeFactory()
    scan = poster.scan
    Scan.objects.filter(pk=scan.pk).update(report={"faces": 1234, "warnings": ["open mesh"]})
    page = staff_client.get(reverse("admin:heritage_sites_scan_change", args=[scan.pk]))
    html = page.content.decode()
    assert "Ready" in html
    assert "&quot;faces&quot;: 1234" in html and "open mesh" in html
    assert poster.file.url in html
    listing = staff_client.get(reverse("admin:heritage_sites_scan_changelist"))
    assert poster.file.url in listing.content.decode()


def test_artefacts_are_found_by_accession_number(staff_client):
    ArtefactFactory(accession_number="KZ-2024-017", title_en="Bronze mirror")
    ArtefactFactory(accession_number="UZ-1999-003", title_en="Ossuary")
    url = reverse("admin:heritage_sites_artefact_changelist")
    html = staff_client.get(url, {"q": "KZ-2024"}).content.decode()
    assert "Bronze mirror" in html and "Ossuary" not in html


def test_sites_are_found_by_name_and_filtered_by_country(staff_client):
    uz = CountryFactory(iso2="UZ", name_en="Uzbekistan")
    tm = CountryFactory(iso2="TM", name_en="Turkmenistan")
    HeritageSiteFactory(name_en="Ancient Merv", countries=[tm])
    HeritageSiteFactory(name_en="Itchan Kala", countries=[uz])
    url = reverse("admin:heritage_sites_heritagesite_changelist")
    assert "Itchan Kala" in staff_client.get(url, {"q": "Itchan"}).content.decode()
    by_country = staff_client.get(url, {"countries__id__exact": tm.pk}).content.decode()
    assert "Ancient Merv" in by_country and "Itchan Kala" not in by_country


def test_scans_filter_by_state_and_institution(staff_client):
    ready = DerivativeFactory().scan
    other = ArtefactFactory()
    url = reverse("admin:heritage_sites_scan_changelist")
    response = staff_client.get(url, {"artefact__institution__id__exact": other.institution.pk})
    assert response.status_code == 200
    assert str(ready) not in response.content.decode().split("result_list")[-1]
    assert staff_client.get(url, {"state__exact": "ready"}).status_code == 200


def test_the_admin_action_queues_scans_again(staff_client):
    scan = DerivativeFactory().scan
    url = reverse("admin:heritage_sites_scan_changelist")
    response = staff_client.post(
        url, {"action": "reprocess", "_selected_action": [scan.pk]}, follow=True
    )
    assert "1 scan(s) queued" in response.content.decode()
    scan.refresh_from_db()
    assert scan.state == Scan.State.QUEUED


def test_a_new_site_records_its_author(staff_client):
    url = reverse("admin:heritage_sites_heritagesite_add")
    response = staff_client.post(
        url,
        {
            "name_en": "Site of Suyab",
            "slug": "suyab",
            "latitude": "42.8",
            "longitude": "75.2",
            "state": "draft",
            "components-TOTAL_FORMS": "0",
            "components-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    site = HeritageSite.objects.get(slug="suyab")
    assert site.created_by.username == "keeper"
    assert Artefact.objects.count() == 0


@pytest.fixture
def curator_client(client):
    user = UserFactory(username="curator")
    InstitutionFactory(slug="holder", curators=[user])
    client.force_login(user)
    return client, user


@pytest.mark.parametrize("who", ["curator", "superuser"])
def test_the_scan_pages_open_for_a_curator_and_a_superuser(client, who):
    if who == "curator":
        user = UserFactory(username="curator")
        holder = InstitutionFactory(slug="holder", curators=[user])
    else:
        user = UserFactory(username="keeper", is_staff=True, is_superuser=True)
        holder = InstitutionFactory(slug="holder")
    client.force_login(user)
    scan = DerivativeFactory(scan__artefact=ArtefactFactory(institution=holder)).scan
    for name, args in [("changelist", []), ("add", []), ("change", [scan.pk])]:
        page = client.get(reverse(f"admin:heritage_sites_scan_{name}", args=args))
        assert page.status_code == 200, name
    change = client.get(reverse("admin:heritage_sites_scan_change", args=[scan.pk]))
    assert reverse("admin:heritage_sites_scan_original", args=[scan.pk]) in change.content.decode()


def test_adding_a_scan_in_the_admin_uploads_it_through_the_service(curator_client):
    client, user = curator_client
    artefact = ArtefactFactory(institution=user.institutions.get())
    off = b"OFF\n4 4 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 1 2\n3 0 1 3\n3 0 2 3\n3 1 2 3\n"
    response = client.post(
        reverse("admin:heritage_sites_scan_add"),
        {
            "artefact": artefact.pk,
            "capture_method": "laser",
            "kind": Scan.Kind.AS_FOUND,
            "file": SimpleUploadedFile("pot.off", off),
        },
    )
    assert response.status_code == 302
    scan = Scan.objects.get(artefact=artefact)
    assert scan.state == Scan.State.QUEUED
    assert scan.sha256 == hashlib.sha256(off).hexdigest()
    assert scan.uploaded_by == user and scan.original_filename == "pot.off"


def test_a_bad_file_added_in_the_admin_is_refused_on_the_form(curator_client):
    client, user = curator_client
    artefact = ArtefactFactory(institution=user.institutions.get())
    response = client.post(
        reverse("admin:heritage_sites_scan_add"),
        {
            "artefact": artefact.pk,
            "capture_method": "laser",
            "kind": Scan.Kind.AS_FOUND,
            "file": SimpleUploadedFile("empty.ply", b""),
        },
    )
    assert response.status_code == 200
    assert "The file is empty" in response.content.decode()
    assert not Scan.objects.exists()


def test_a_curator_sees_only_the_scans_of_their_institution_in_the_admin(curator_client):
    client, user = curator_client
    mine = ScanFactory(artefact=ArtefactFactory(institution=user.institutions.get()))
    theirs = ScanFactory()
    listing = client.get(reverse("admin:heritage_sites_scan_changelist")).content.decode()
    assert reverse("admin:heritage_sites_scan_change", args=[mine.pk]) in listing
    assert reverse("admin:heritage_sites_scan_change", args=[theirs.pk]) not in listing
    other = client.get(reverse("admin:heritage_sites_scan_change", args=[theirs.pk]))
    assert other.status_code == 302  # the admin sends you home: no such scan for you


def test_the_original_cannot_be_replaced_in_the_admin(staff_client):
    scan = ScanFactory()
    page = staff_client.get(reverse("admin:heritage_sites_scan_change", args=[scan.pk]))
    assert 'name="original"' not in page.content.decode()


def change_form_data(response) -> dict:
    """What the browser would post back from a change page: every field as shown."""
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        data[name] = value.pk if hasattr(value, "pk") else value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, 0)
        for index, inline in enumerate(formset.formset.forms):
            for name in inline.fields:
                value = inline.initial.get(name)
                if value is not None:
                    data[f"{inline.prefix}-{name}"] = getattr(value, "pk", value)
            data[f"{formset.formset.prefix}-{index}-id"] = inline.instance.pk
    return data


def test_a_curator_sets_the_pose_in_the_admin_and_the_scan_is_processed_again(
    staff_client, django_capture_on_commit_callbacks
):
    scan = DerivativeFactory().scan
    url = reverse("admin:heritage_sites_scan_change", args=[scan.pk])
    page = staff_client.get(url)
    assert 'name="up_axis"' in page.content.decode()
    data = change_form_data(page)
    data.update(up_axis="+z", quarter_turns=1)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = staff_client.post(url, data, follow=True)
    assert response.status_code == 200
    assert "being rebuilt" in response.content.decode()
    scan.refresh_from_db()
    assert (scan.up_axis, scan.quarter_turns, scan.state) == ("+z", 1, Scan.State.QUEUED)
    assert len(callbacks) == 1
