"""factory_boy factories, one per model. Tests build the data they need with these."""

import hashlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    Derivative,
    HeritageSite,
    Institution,
    Licence,
    Material,
    PublicationState,
    Route,
    RouteStop,
    Scan,
)

# A closed tetrahedron in OFF: the smallest honest mesh a scan can hold.
TETRAHEDRON_OFF = b"OFF\n4 4 0\n0 0 0\n1 0 0\n0 1 0\n0 0 1\n3 0 2 1\n3 0 1 3\n3 0 3 2\n3 1 2 3\n"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"curator{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery")


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["iso2"]

    iso2 = factory.Sequence(lambda n: f"{chr(65 + (n // 26) % 26)}{chr(65 + n % 26)}")
    iso3 = factory.LazyAttribute(lambda country: f"{country.iso2}X")
    name_en = factory.Sequence(lambda n: f"Country {n}")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"institution-{n}")
    name_en = factory.Sequence(lambda n: f"Museum {n}")
    kind = Institution.Kind.MUSEUM
    country = factory.SubFactory(CountryFactory)
    city = "Samarkand"

    @factory.post_generation
    def curators(self, create, extracted, **kwargs):
        if create and extracted:
            self.curators.add(*extracted)


class CorridorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Corridor
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"corridor-{n}")
    name_en = factory.Sequence(lambda n: f"Corridor {n}")


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"material-{n}")
    name_en = factory.Sequence(lambda n: f"Material {n}")


class HeritageSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HeritageSite
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"site-{n}")
    name_en = factory.Sequence(lambda n: f"Caravanserai {n}")
    description_en = "A stop for caravans on the road between two oases."
    latitude = Decimal("39.654")
    longitude = Decimal("66.975")
    category = HeritageSite.Category.CULTURAL
    state = PublicationState.PUBLISHED

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.add(*extracted)

    @factory.post_generation
    def corridors(self, create, extracted, **kwargs):
        if create and extracted:
            self.corridors.add(*extracted)


class ArtefactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Artefact
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"artefact-{n}")
    title_en = factory.Sequence(lambda n: f"Glazed bowl {n}")
    description_en = "A bowl with a painted rim."
    accession_number = factory.Sequence(lambda n: f"INV-{n:05d}")
    institution = factory.SubFactory(InstitutionFactory)
    object_type = Artefact.ObjectType.VESSEL
    date_earliest = 900
    date_latest = 1000
    licence = Licence.CC_BY
    rights_holder = factory.LazyAttribute(lambda artefact: artefact.institution.name_en)
    state = PublicationState.PUBLISHED

    @factory.post_generation
    def materials(self, create, extracted, **kwargs):
        if create and extracted:
            self.materials.add(*extracted)


class ScanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Scan
        exclude = ["content"]

    content = TETRAHEDRON_OFF
    artefact = factory.SubFactory(ArtefactFactory)
    format = Scan.Format.OFF
    original = factory.LazyAttribute(lambda scan: ContentFile(scan.content, name="upload.off"))
    original_filename = "tetrahedron.off"
    byte_size = factory.LazyAttribute(lambda scan: len(scan.content))
    sha256 = factory.LazyAttribute(lambda scan: hashlib.sha256(scan.content).hexdigest())
    capture_method = Scan.CaptureMethod.MODELLED
    unit = Scan.Unit.MM
    # Published, as every scan was before scans had a workflow: it shows once it is ready and
    # its subject is published. Workflow tests ask for drafts.
    publication_state = PublicationState.PUBLISHED


class DerivativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Derivative
        exclude = ["content"]

    content = b"RIFF\x00\x00\x00\x00WEBP"
    scan = factory.SubFactory(ScanFactory, state=Scan.State.READY)
    kind = Derivative.Kind.POSTER
    file = factory.LazyAttribute(lambda d: ContentFile(d.content, name="poster-512.webp"))
    content_type = "image/webp"
    byte_size = factory.LazyAttribute(lambda d: len(d.content))
    width = 512
    height = 512
    # The file is written to the public storage; say so only when the subject is published
    # (the embedded default keeps both in one folder, so a draft's row is still truthful).
    is_public = factory.LazyAttribute(
        lambda d: (d.scan.artefact or d.scan.site).state == PublicationState.PUBLISHED
    )


class RouteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Route
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"route-{n}")
    title_en = factory.Sequence(lambda n: f"Caravan route {n}")
    description_en = "From oasis to oasis."
    institution = factory.SubFactory(InstitutionFactory)
    state = PublicationState.PUBLISHED


class RouteStopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RouteStop

    route = factory.SubFactory(RouteFactory)
    position = factory.Sequence(lambda n: n + 1)
    site = factory.SubFactory(HeritageSiteFactory)
    visit_note_en = "Walk through the gate and look up."
    suggested_minutes = 60
    zone_radius_m = 500
