"""The heritage domain: where things are and who holds them (3D captures are in scans.py).

Translated fields (names, titles, descriptions) are registered in ``translation.py``;
django-modeltranslation adds one column per language in ``settings.LANGUAGES``.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heritage_sites.models.workflow import PublicationState, Reviewable
from heritage_sites.querysets import ArtefactQuerySet, HeritageSiteQuerySet
from heritage_sites.rights import DownloadPolicy, Licence, attribution_text

__all__ = ["DownloadPolicy", "Licence", "PublicationState"]

# Years are astronomical-ish: negative for BCE (-200 is 200 BCE). No year 0 check: dating
# ranges in catalogues use it loosely and nothing here depends on it.
YEAR_VALIDATORS = [MinValueValidator(-10000), MaxValueValidator(2100)]


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


def _check_year_range(start: int | None, end: int | None, start_field: str, end_field: str):
    if start is not None and end is not None and end < start:
        raise ValidationError(
            {end_field: _("The end year (%(end)s) is before the start year (%(start)s).")},
            params={"end": end, "start": start},
        )


class Country(models.Model):
    """A state party on the routes, identified by its ISO 3166-1 codes."""

    iso2 = models.CharField(
        _("ISO 3166-1 alpha-2 code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}$", _("Use two capital letters, e.g. UZ."))],
    )
    iso3 = models.CharField(
        _("ISO 3166-1 alpha-3 code"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use three capital letters, e.g. UZB."))],
    )
    name = models.CharField(_("name"), max_length=128)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return f"{self.name} ({self.iso2})"


class Institution(TimeStamped):
    """A museum, university or heritage authority. Curators belong to institutions."""

    class Kind(models.TextChoices):
        MUSEUM = "museum", _("Museum")
        UNIVERSITY = "university", _("University or research institute")
        HERITAGE_AUTHORITY = "heritage_authority", _("Heritage authority")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=120, unique=True, allow_unicode=False)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.MUSEUM)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="institutions")
    city = models.CharField(max_length=128, blank=True)
    website = models.URLField(blank=True)
    # Everyone with a role here (curator, reviewer, administrator: InstitutionRole.role).
    curators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="institutions",
        through="InstitutionRole",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Corridor(models.Model):
    """A named route of the Silk Roads, used to tag sites (and, later, to build routes)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    maritime = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    """A material an artefact is made of (bronze, silk, glazed earthenware...)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HeritageSite(Reviewable, TimeStamped):
    """A World Heritage property or one component site of a serial property."""

    class Category(models.TextChoices):
        CULTURAL = "cultural", _("Cultural")
        NATURAL = "natural", _("Natural")
        MIXED = "mixed", _("Mixed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=200, unique=True)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    # Credit for texts written elsewhere (e.g. the UNESCO World Heritage Centre, whose texts are
    # CC BY-SA 3.0 IGO): pages and the API show it next to the name and description.
    text_source = models.CharField(
        _("source of the text"),
        max_length=255,
        blank=True,
        help_text=_("Who wrote the name and description, when it was not the museum."),
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        validators=[
            MinValueValidator(-90, _("Latitude must be between -90 and 90 degrees.")),
            MaxValueValidator(90, _("Latitude must be between -90 and 90 degrees.")),
        ],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        validators=[
            MinValueValidator(-180, _("Longitude must be between -180 and 180 degrees.")),
            MaxValueValidator(180, _("Longitude must be between -180 and 180 degrees.")),
        ],
    )
    countries = models.ManyToManyField(Country, related_name="sites", blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="components",
        help_text=_("For a component site: the serial property it belongs to."),
    )
    unesco_id = models.PositiveIntegerField(
        _("UNESCO id_no"), null=True, blank=True, help_text=_("The World Heritage List number.")
    )
    unesco_component_ref = models.CharField(
        _("UNESCO component reference"), max_length=32, blank=True, help_text="e.g. 1442-001"
    )
    inscription_year = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1978), MaxValueValidator(2100)]
    )
    criteria = models.CharField(max_length=64, blank=True, help_text="e.g. (ii)(iii)(v)(vi)")
    category = models.CharField(max_length=16, choices=Category.choices, blank=True)
    in_danger = models.BooleanField(default=False)
    area_hectares = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    period_start = models.SmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Negative for BCE.")
    )
    period_end = models.SmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Negative for BCE.")
    )
    corridors = models.ManyToManyField(Corridor, related_name="sites", blank=True)
    # The institutions whose curators may edit the site and see it while it is a draft
    # (a transnational serial property can have several). Staff edit every site.
    stewards = models.ManyToManyField(
        Institution, related_name="stewarded_sites", blank=True, verbose_name=_("stewards")
    )
    state = models.CharField(
        max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = HeritageSiteQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unesco_id"],
                condition=Q(parent__isnull=True, unesco_id__isnull=False),
                name="site_unique_unesco_id_for_properties",
            ),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90),
                name="site_latitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180),
                name="site_longitude_in_range",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=models.F("period_start")),
                name="site_period_end_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="site_not_its_own_parent"
            ),
        ]
        indexes = [
            # No (latitude, longitude) index: bbox and near read the spatial index of migration
            # 0019 (api/geo.py); a B-tree on latitude read a whole band of the Earth.
            models.Index(fields=["state"]),
            # The API's default list order and cursor walks (name, then id), and sync.
            models.Index(fields=["name_en", "id"], name="site_name_en_id"),
            # The same walk over published sites only (what every visitor asks): SQLite would
            # otherwise take the state index and sort every published row for each page.
            models.Index(fields=["state", "name_en", "id"], name="site_state_name_en_id"),
            models.Index(fields=["updated_at", "id"], name="site_updated_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        _check_year_range(self.period_start, self.period_end, "period_start", "period_end")
        if self.parent_id and self.pk:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("A site cannot be a component of itself.")})
                ancestor = ancestor.parent


class Artefact(Reviewable, TimeStamped):
    """A relic held by an institution, optionally tied to the site it came from."""

    class ObjectType(models.TextChoices):
        VESSEL = "vessel", _("Vessel")
        COIN = "coin", _("Coin")
        STELE = "stele", _("Stele or inscription")
        SCULPTURE = "sculpture", _("Sculpture")
        FIGURINE = "figurine", _("Figurine")
        TEXTILE = "textile", _("Textile")
        MANUSCRIPT = "manuscript", _("Manuscript")
        PAINTING = "painting", _("Painting or mural")
        TILE = "tile", _("Tile")
        JEWELLERY = "jewellery", _("Jewellery")
        WEAPON = "weapon", _("Weapon")
        TOOL = "tool", _("Tool or instrument")
        ARCHITECTURAL = "architectural", _("Architectural element")
        OTHER = "other", _("Other")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    accession_number = models.CharField(max_length=100)
    institution = models.ForeignKey(Institution, on_delete=models.PROTECT, related_name="artefacts")
    site = models.ForeignKey(
        HeritageSite,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="artefacts",
        verbose_name=_("site of origin"),
    )
    materials = models.ManyToManyField(Material, related_name="artefacts", blank=True)
    object_type = models.CharField(max_length=32, choices=ObjectType.choices)
    date_earliest = models.SmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Negative for BCE.")
    )
    date_latest = models.SmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Negative for BCE.")
    )
    height_mm = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    width_mm = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    depth_mm = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    weight_g = models.DecimalField(max_digits=11, decimal_places=2, null=True, blank=True)
    provenance = models.TextField(blank=True)
    licence = models.CharField(max_length=100, choices=Licence.choices)
    rights_holder = models.CharField(max_length=255)
    attribution = models.CharField(max_length=500, blank=True)
    state = models.CharField(
        max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ArtefactQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "accession_number"],
                name="artefact_unique_accession_per_institution",
                violation_error_message=_(
                    "This institution already has an artefact with this accession number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_earliest__isnull=True)
                | Q(date_latest__isnull=True)
                | Q(date_latest__gte=models.F("date_earliest")),
                name="artefact_dating_latest_after_earliest",
            ),
            models.CheckConstraint(
                condition=Q(licence__in=Licence.values), name="artefact_licence_known"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gt": 0}),
                    name=f"artefact_{field}_positive",
                )
                for field in ("height_mm", "width_mm", "depth_mm", "weight_g")
            ],
        ]
        indexes = [
            models.Index(fields=["state"]),
            # The API's default list order and cursor walks (title, then id), and sync.
            models.Index(fields=["title_en", "id"], name="artefact_title_en_id"),
            # The same walk over published artefacts only (see HeritageSite's).
            models.Index(fields=["state", "title_en", "id"], name="artefact_state_title_en_id"),
            models.Index(fields=["updated_at", "id"], name="artefact_updated_id"),
            models.Index(fields=["created_at", "id"], name="artefact_created_id"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.accession_number})"

    def clean(self) -> None:
        _check_year_range(self.date_earliest, self.date_latest, "date_earliest", "date_latest")
        for field in ("height_mm", "width_mm", "depth_mm", "weight_g"):
            value = getattr(self, field)
            if value is not None and value <= 0:
                raise ValidationError({field: _("Must be greater than zero.")})

    def publication_problems(self) -> list[str]:
        problems = []
        if not self.licence:
            problems.append(str(_("Choose a licence or rights statement.")))
        if not self.rights_holder.strip():
            problems.append(str(_("Name the rights holder.")))
        return problems

    @property
    def attribution_line(self) -> str:
        return attribution_text(
            title=self.title,
            rights_holder=self.rights_holder,
            licence=self.licence,
            attribution=self.attribution,
        )

    @property
    def dimensions_mm(self) -> tuple[float, float, float] | None:
        """Catalogued height, width, depth in millimetres, when all three are known."""
        values = (self.height_mm, self.width_mm, self.depth_mm)
        if any(value is None for value in values):
            return None
        return tuple(float(value) for value in values)
