"""Exhibitions (sections, items, hotspots on 3D models) and relic journeys (provenance events).

Imported by models.py; translated fields are registered in translation.py. Hotspot geometry
is in the scan ORIGINAL's coordinates: see heritage_sites/processing/hotspots.py.
"""

from __future__ import annotations

import math
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# models.py imports this module at its end, once these exist.
from heritage_sites.models.core import YEAR_VALIDATORS, PublicationState
from heritage_sites.models.workflow import Reviewable
from heritage_sites.querysets import ExhibitionQuerySet


class Exhibition(Reviewable):
    """A curated narrative in sections, made by one or more institutions.

    Drafted, reviewed and published like sites and artefacts (heritage_sites/services/
    workflow.py); the curators and reviewers of any of its institutions move it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    introduction = models.TextField(_("introduction"), blank=True)
    institutions = models.ManyToManyField(
        "heritage_sites.Institution", related_name="exhibitions", verbose_name=_("made by")
    )
    cover = models.ForeignKey(
        "heritage_sites.Derivative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "poster"},
        verbose_name=_("cover poster"),
    )
    state = models.CharField(
        max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExhibitionQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.title

    def publication_problems(self) -> list[str]:
        if ExhibitionItem.objects.filter(section__exhibition=self).exists():
            return []
        return [
            str(
                _(
                    "An exhibition needs at least one section with at least one item (an "
                    "artefact, a site or a scan) before it can be published."
                )
            )
        ]


class ExhibitionSection(models.Model):
    exhibition = models.ForeignKey(Exhibition, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)

    class Meta:
        ordering = ["exhibition", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["exhibition", "position"], name="exhibition_section_unique_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class ExhibitionItem(models.Model):
    """One thing shown in a section: an artefact, a site, or one specific scan."""

    section = models.ForeignKey(ExhibitionSection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    artefact = models.ForeignKey(
        "heritage_sites.Artefact", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        "heritage_sites.HeritageSite",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    scan = models.ForeignKey(
        "heritage_sites.Scan", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    caption = models.TextField(_("caption"), blank=True)

    class Meta:
        ordering = ["section", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"], name="exhibition_item_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(artefact__isnull=False, site__isnull=True, scan__isnull=True)
                | Q(artefact__isnull=True, site__isnull=False, scan__isnull=True)
                | Q(artefact__isnull=True, site__isnull=True, scan__isnull=False),
                name="exhibition_item_one_subject",
                violation_error_message=_("An item shows one artefact, one site or one scan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.artefact or self.site or self.scan}"


def _check_vector(value, name: str, *, unit: bool = False) -> None:
    if value is None:
        return
    if (
        not isinstance(value, list)
        or len(value) != 3
        or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        )
    ):
        raise ValidationError({name: _("Give three finite numbers [x, y, z].")})
    if unit and math.hypot(*value) == 0:
        raise ValidationError({name: _("A normal cannot be [0, 0, 0].")})


class Hotspot(models.Model):
    """An annotation on a scan's model, in the ORIGINAL's coordinates and units."""

    item = models.ForeignKey(ExhibitionItem, on_delete=models.CASCADE, related_name="hotspots")
    scan = models.ForeignKey(
        "heritage_sites.Scan",
        on_delete=models.CASCADE,
        related_name="hotspots",
        help_text=_("The model the hotspot is placed on."),
    )
    position = models.PositiveSmallIntegerField(help_text=_("Its place in the guided tour."))
    label = models.CharField(_("label"), max_length=200)
    text = models.TextField(_("text"), blank=True)
    point = models.JSONField(help_text=_("[x, y, z] on the surface, in the original's units."))
    normal = models.JSONField(help_text=_("The surface normal there, [x, y, z]."))
    camera_target = models.JSONField(null=True, blank=True)
    camera_position = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["item", "position"]
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="hotspot_unique_position")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        _check_vector(self.point, "point")
        _check_vector(self.normal, "normal", unit=True)
        _check_vector(self.camera_target, "camera_target")
        _check_vector(self.camera_position, "camera_position")
        if (self.camera_target is None) != (self.camera_position is None):
            raise ValidationError(_("Give the camera's target and position together, or neither."))


class ProvenanceEvent(models.Model):
    """One step of a relic's journey: where it was made, traded, excavated, now held."""

    class Kind(models.TextChoices):
        MADE = "made", _("Made at")
        TRADED = "traded", _("Traded through")
        EXCAVATED = "excavated", _("Excavated at")
        HELD = "held", _("Now held by")

    artefact = models.ForeignKey(
        "heritage_sites.Artefact", on_delete=models.CASCADE, related_name="journey"
    )
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    site = models.ForeignKey(
        "heritage_sites.HeritageSite",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    place_name = models.CharField(_("place"), max_length=300, blank=True)
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    date_earliest = models.SmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Negative for BCE.")
    )
    date_latest = models.SmallIntegerField(
        null=True, blank=True, validators=YEAR_VALIDATORS, help_text=_("Negative for BCE.")
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["artefact", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["artefact", "position"], name="provenance_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(site__isnull=False, latitude__isnull=True, longitude__isnull=True)
                | Q(site__isnull=True, latitude__isnull=False, longitude__isnull=False),
                name="provenance_at_a_site_or_a_place",
                violation_error_message=_(
                    "Give a site, or a place with its latitude and longitude, not both."
                ),
            ),
            models.CheckConstraint(
                condition=Q(date_earliest__isnull=True)
                | Q(date_latest__isnull=True)
                | Q(date_latest__gte=models.F("date_earliest")),
                name="provenance_latest_after_earliest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.site or self.place_name}"

    @property
    def lat(self) -> float:
        return float(self.site.latitude if self.site_id else self.latitude)

    @property
    def lon(self) -> float:
        return float(self.site.longitude if self.site_id else self.longitude)
