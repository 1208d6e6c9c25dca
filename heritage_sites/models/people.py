"""People around the collection: roles in institutions, requesters of originals, their
requests and every download of an original."""

from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from heritage_sites.permissions import Role
from heritage_sites.querysets import AccessRequestQuerySet


class InstitutionRole(models.Model):
    """A user's role in one institution (the rows behind ``Institution.curators``)."""

    institution = models.ForeignKey("heritage_sites.Institution", on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CURATOR)

    class Meta:
        # The table Django made for the plain many-to-many before roles existed.
        db_table = "heritage_sites_institution_curators"
        verbose_name = _("role in an institution")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.institution}"


class RequesterProfile(models.Model):
    """Who asks for originals: shown to the reviewer who decides."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="requester_profile"
    )
    full_name = models.CharField(_("full name"), max_length=255)
    affiliation = models.CharField(_("affiliation"), max_length=255)
    purpose = models.TextField(
        _("usual purpose"), blank=True, help_text=_("Research, teaching, a film, a game...")
    )

    def __str__(self) -> str:
        return f"{self.full_name} ({self.affiliation})"


class AccessRequest(models.Model):
    """A request for the original of one scan, and, once approved, a personal expiring link."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        REVOKED = "revoked", _("Revoked")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    scan = models.ForeignKey("heritage_sites.Scan", on_delete=models.CASCADE, related_name="+")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_requests"
    )
    intended_use = models.TextField(_("intended use"))
    terms_accepted_at = models.DateTimeField(_("terms accepted at"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("reviewer's note"), blank=True)
    # Only a digest of the link's secret is kept: the secret itself is in the e-mail alone.
    token_digest = models.CharField(max_length=64, blank=True, db_index=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AccessRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="approved")
                | models.Q(expires_at__isnull=False, decided_at__isnull=False),
                name="access_request_approved_has_expiry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.requester} → {self.scan} ({self.get_status_display()})"

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def link_is_live(self) -> bool:
        return (
            self.status == self.Status.APPROVED
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class DownloadLog(models.Model):
    """One download of an original: who, when, which file, how many bytes."""

    class Route(models.TextChoices):
        CURATOR = "curator", _("Curator or uploader")
        OPEN = "open", _("Open original")
        ACCESS_REQUEST = "access_request", _("Approved access request")

    scan = models.ForeignKey("heritage_sites.Scan", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    access_request = models.ForeignKey(
        AccessRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="downloads"
    )
    route = models.CharField(max_length=16, choices=Route.choices)
    filename = models.CharField(max_length=500)
    byte_size = models.PositiveBigIntegerField()
    downloaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-downloaded_at"]

    def __str__(self) -> str:
        who = self.user or "anonymous"
        return f"{self.filename} by {who} at {self.downloaded_at:%Y-%m-%d %H:%M}"
