"""3D captures and what the pipeline makes of them: scans (the private original, its state,
its report, its pose and rights) and their derivatives (web models, LODs, posters).

Translated fields are registered in ``translation.py``, as for the rest of the domain.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heritage_sites.models.core import Artefact, HeritageSite, Institution, TimeStamped
from heritage_sites.models.workflow import Reviewable, publication_state_field
from heritage_sites.querysets import ScanQuerySet
from heritage_sites.rights import ScanRights
from heritage_sites.storage import public_storage


def scan_original_path(scan: "Scan", filename: str) -> str:
    # The stored name never comes from the client: a fresh UUID folder per scan.
    return f"scans/{scan.public_id}/original/{scan.stored_name()}"


def derivative_path(derivative: "Derivative", filename: str) -> str:
    # Unguessable and immutable: a new generation of derivatives gets new keys.
    return f"derivatives/{derivative.scan.public_id}/{uuid.uuid4().hex}/{filename}"


class Scan(Reviewable, ScanRights, TimeStamped):
    """One uploaded 3D capture of an artefact or of a site. The original is never changed."""

    class Format(models.TextChoices):
        OBJ_ZIP = "obj_zip", _("OBJ with MTL and textures (zip)")
        STL = "stl", "STL"
        PLY = "ply", "PLY"
        GLB = "glb", _("glTF 2.0 binary (GLB)")
        GLTF_ZIP = "gltf_zip", _("glTF 2.0 with buffers and textures (zip)")
        OFF = "off", "OFF"
        OBJ = "obj", _("OBJ on its own (no materials or textures)")
        GLTF = "gltf", _("glTF 2.0 (.gltf with embedded buffers)")

    class CaptureMethod(models.TextChoices):
        PHOTOGRAMMETRY = "photogrammetry", _("Photogrammetry")
        LASER = "laser", _("Laser scanning")
        STRUCTURED_LIGHT = "structured_light", _("Structured light")
        CT = "ct", _("Computed tomography")
        MODELLED = "modelled", _("Modelled")

    class Kind(models.TextChoices):
        AS_FOUND = "as_found", _("As-found scan")
        VIRTUAL_RESTORATION = "virtual_restoration", _("Virtual restoration")
        HYPOTHETICAL_RECONSTRUCTION = "hypothetical", _("Hypothetical reconstruction")

    class Unit(models.TextChoices):
        MM = "mm", _("millimetres")
        CM = "cm", _("centimetres")
        M = "m", _("metres")

    class UpAxis(models.TextChoices):
        # Values are processing.pose.UP_AXES.
        PLUS_Y = "+y", _("+Y (glTF, most OBJ)")
        MINUS_Y = "-y", "-Y"
        PLUS_Z = "+z", _("+Z (CAD, many scanners)")
        MINUS_Z = "-z", "-Z"
        PLUS_X = "+x", "+X"
        MINUS_X = "-x", "-X"

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        QUEUED = "queued", _("Queued")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    artefact = models.ForeignKey(
        Artefact, on_delete=models.CASCADE, null=True, blank=True, related_name="scans"
    )
    site = models.ForeignKey(
        HeritageSite, on_delete=models.CASCADE, null=True, blank=True, related_name="scans"
    )
    title = models.CharField(max_length=255, blank=True)
    original = models.FileField(upload_to=scan_original_path, max_length=500)
    original_filename = models.CharField(max_length=255)
    format = models.CharField(max_length=16, choices=Format.choices, blank=True)
    byte_size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    capture_method = models.CharField(max_length=32, choices=CaptureMethod.choices)
    device = models.CharField(max_length=255, blank=True)
    capture_date = models.DateField(null=True, blank=True)
    operator = models.CharField(max_length=255, blank=True)
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.AS_FOUND)
    derived_from = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="derivations",
        help_text=_("For a restoration or reconstruction: the scan it is based on."),
    )
    procedural = models.BooleanField(
        default=False,
        help_text=_("A generated stand-in, not a capture of the real object."),
    )
    unit = models.CharField(
        _("declared unit"),
        max_length=2,
        choices=Unit.choices,
        blank=True,
        help_text=_("Leave empty when unknown: the pipeline then guesses and says why."),
    )
    # The pose: which of the file's axes is up, and quarter turns about it (see
    # processing/pose.py). Empty up_axis: guessed from the file at processing.
    up_axis = models.CharField(
        _("up axis"),
        max_length=2,
        choices=UpAxis.choices,
        blank=True,
        help_text=_(
            "Which axis of the file points up. Leave empty to let the pipeline guess; the "
            "report says which it used and why. Changing it rebuilds the web model and posters."
        ),
    )
    quarter_turns = models.PositiveSmallIntegerField(
        _("quarter turns"),
        default=0,
        validators=[MaxValueValidator(3)],
        help_text=_("Turns of 90 degrees about the up axis (0 to 3), to face the camera."),
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.UPLOADED)
    failure_reason = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A worker holds a scan in processing only until this moment; the reaper takes it back after.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    report = models.JSONField(default=dict, blank=True)
    # Publication, apart from processing: a scan shows when it is ready, published and its
    # subject is published.
    publication_state = publication_state_field()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ScanQuerySet.as_manager()
    publication_field = "publication_state"

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(artefact__isnull=False, site__isnull=True)
                | Q(artefact__isnull=True, site__isnull=False),
                name="scan_of_artefact_or_site",
                violation_error_message=_("A scan belongs to an artefact or to a site, not both."),
            ),
            models.UniqueConstraint(
                fields=["artefact", "sha256"],
                condition=Q(artefact__isnull=False),
                name="scan_unique_bytes_per_artefact",
                violation_error_message=_("This exact file was already uploaded for the artefact."),
            ),
            models.UniqueConstraint(
                fields=["site", "sha256"],
                condition=Q(site__isnull=False),
                name="scan_unique_bytes_per_site",
                violation_error_message=_("This exact file was already uploaded for the site."),
            ),
            models.CheckConstraint(
                condition=~Q(state="failed") | ~Q(failure_reason=""),
                name="scan_failed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(quarter_turns__lte=3), name="scan_quarter_turns_at_most_3"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "lease_expires_at"]),
            models.Index(fields=["publication_state"]),
        ]

    def __str__(self) -> str:
        return self.title or self.original_filename

    def publication_problems(self) -> list[str]:
        problems = []
        if self.state != self.State.READY:
            problems.append(str(_("The scan is not processed yet (it must be ready).")))
        if not self.effective_licence:
            problems.append(str(_("Choose a licence or rights statement for the scan.")))
        if not self.derivatives.filter(kind=Derivative.Kind.POSTER).exists():
            problems.append(str(_("The scan has no poster image yet.")))
        return problems

    def clean(self) -> None:
        # "Artefact or site, not both" is a CheckConstraint, validated by full_clean() too.
        if self.kind != self.Kind.AS_FOUND and self.derived_from_id is None:
            raise ValidationError(
                {"derived_from": _("A restoration or reconstruction must name the scan it uses.")}
            )
        if self.derived_from_id and self.derived_from_id == self.pk:
            raise ValidationError({"derived_from": _("A scan cannot be derived from itself.")})

    def stored_name(self) -> str:
        """The key name of the original: a fixed name plus the detected extension."""
        extension = {
            self.Format.OBJ_ZIP: "zip",
            self.Format.GLTF_ZIP: "zip",
            self.Format.STL: "stl",
            self.Format.PLY: "ply",
            self.Format.GLB: "glb",
            self.Format.OFF: "off",
            self.Format.OBJ: "obj",
            self.Format.GLTF: "gltf",
        }.get(self.format, "bin")
        return f"original.{extension}"

    @property
    def owner_institution(self) -> Institution | None:
        return self.artefact.institution if self.artefact_id else None


class Derivative(models.Model):
    """A file made from a scan: a web model, a level of detail, a poster or a turntable."""

    class Kind(models.TextChoices):
        WEB = "web", _("Web model (GLB)")
        LOD = "lod", _("Level of detail (GLB)")
        POSTER = "poster", _("Poster image")
        TURNTABLE = "turntable", _("Turntable animation")

    scan = models.ForeignKey(Scan, on_delete=models.CASCADE, related_name="derivatives")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The name is the same in both storages; ``is_public`` says which one holds the bytes
    # (heritage_sites/derivative_access.py moves them when the subject's state changes).
    file = models.FileField(upload_to=derivative_path, storage=public_storage, max_length=500)
    is_public = models.BooleanField(
        default=False,
        help_text="Whether the file is in the public storage now (its subject is published).",
    )
    content_type = models.CharField(max_length=64)
    byte_size = models.PositiveBigIntegerField()
    face_count = models.PositiveIntegerField(null=True, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "-face_count", "-width"]
        indexes = [models.Index(fields=["scan", "kind"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.scan}"
