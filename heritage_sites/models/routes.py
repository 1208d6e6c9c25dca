"""Routes over the sites (ordered stops with trigger zones) and their offline packs.

Imported by models.py; translated fields are registered in translation.py.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heritage_sites import geodesy

# models.py imports this module at its end, once PublicationState exists.
from heritage_sites.models.core import PublicationState
from heritage_sites.models.workflow import Reviewable
from heritage_sites.querysets import RouteQuerySet

# A route is a journey: fewer stops than this is a place, not a route.
MIN_PUBLISHED_STOPS = 2

# A zone is where a visitor "has arrived": fifty kilometres is more than any property needs.
MAX_ZONE_RADIUS_M = 50_000


class RouteTheme(models.Model):
    """What a route is about: Buddhist route, maritime route, caravan cities..."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class Route(Reviewable):
    """An ordered journey over heritage sites, for visitors on the road with a phone.

    Drafted, reviewed and published like sites and artefacts (heritage_sites/services/
    workflow.py); its institution's curators and reviewers move it."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    institution = models.ForeignKey(
        "heritage_sites.Institution", on_delete=models.PROTECT, related_name="routes"
    )
    themes = models.ManyToManyField(RouteTheme, related_name="routes", blank=True)
    state = models.CharField(
        max_length=16, choices=PublicationState.choices, default=PublicationState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RouteQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return self.title

    def publication_problems(self) -> list[str]:
        problems = []
        shown = self.stops.filter(site__state=PublicationState.PUBLISHED).count()
        if shown < MIN_PUBLISHED_STOPS:
            problems.append(
                str(
                    _(
                        "A route needs at least two stops at published sites; this one has "
                        "%(count)d. Add stops, or have their sites published first."
                    )
                    % {"count": shown}
                )
            )
        return problems


class RouteStop(models.Model):
    """One stop of a route: a site, what to see there, how long, and where it begins."""

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveSmallIntegerField(help_text=_("1 for the first stop."))
    site = models.ForeignKey(
        "heritage_sites.HeritageSite", on_delete=models.PROTECT, related_name="route_stops"
    )
    visit_note = models.TextField(_("visit note"), blank=True)
    suggested_minutes = models.PositiveIntegerField(
        _("suggested duration (minutes)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(7 * 24 * 60)],
    )
    zone_radius_m = models.PositiveIntegerField(
        _("trigger zone radius (metres)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(10), MaxValueValidator(MAX_ZONE_RADIUS_M)],
        help_text=_("A circle around the site. Leave empty when the zone is a polygon."),
    )
    zone_polygon = models.JSONField(
        _("trigger zone polygon"),
        null=True,
        blank=True,
        help_text=_("A ring of [longitude, latitude] points. Leave empty for a circle."),
    )

    class Meta:
        ordering = ["route", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["route", "position"], name="route_stop_unique_position"
            ),
            models.CheckConstraint(
                condition=Q(zone_radius_m__isnull=False, zone_polygon__isnull=True)
                | Q(zone_radius_m__isnull=True, zone_polygon__isnull=False),
                name="route_stop_one_zone",
                violation_error_message=_(
                    "Give the trigger zone as a radius or as a polygon, not both or neither."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.site}"

    def clean(self) -> None:
        if self.zone_polygon is not None:
            try:
                self.zone_polygon = geodesy.check_ring(self.zone_polygon)
            except ValueError as exc:
                raise ValidationError({"zone_polygon": str(exc)}) from None

    @property
    def lat(self) -> float:
        return float(self.site.latitude)

    @property
    def lon(self) -> float:
        return float(self.site.longitude)

    def contains(self, lat: float, lon: float) -> bool:
        """Whether the point is inside this stop's trigger zone."""
        if self.zone_polygon:
            return geodesy.in_polygon(lat, lon, self.zone_polygon)
        return geodesy.in_circle(lat, lon, self.lat, self.lon, self.zone_radius_m or 0)


def route_pack_path(pack: RoutePack, filename: str) -> str:
    return f"route-packs/{pack.route.public_id}/{uuid.uuid4().hex}/{filename}"


class RoutePack(models.Model):
    """A zip for a phone with no network, built by the worker once per route version."""

    class State(models.TextChoices):
        BUILDING = "building", _("Building")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    route = models.ForeignKey(Route, on_delete=models.CASCADE, related_name="packs")
    language = models.CharField(max_length=16)
    device = models.CharField(max_length=16)
    # A digest of everything that goes in: a changed stop, text or model gives a new pack.
    fingerprint = models.CharField(max_length=64)
    budget_bytes = models.PositiveBigIntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.BUILDING)
    file = models.FileField(upload_to=route_pack_path, max_length=500, blank=True)
    byte_size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    manifest = models.JSONField(default=dict, blank=True)
    failure_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["route", "language", "device", "fingerprint", "budget_bytes"],
                name="route_pack_one_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"Pack of {self.route} ({self.language}, {self.device})"
