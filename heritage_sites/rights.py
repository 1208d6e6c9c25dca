"""Rights: machine-readable licences and rights statements, and who may download what.

A licence is stored as its URI (Europeana's ``edm:rights``): Creative Commons licences and
RightsStatements.org statements. The short codes the museum used before (``CC-BY-4.0``,
``InC``) are still accepted on input and turned into URIs; nothing stores them any more.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

CC = "https://creativecommons.org/"
RS = "http://rightsstatements.org/vocab/"


class Licence(models.TextChoices):
    CC0 = f"{CC}publicdomain/zero/1.0/", "CC0 1.0"
    CC_BY = f"{CC}licenses/by/4.0/", "CC BY 4.0"
    CC_BY_SA = f"{CC}licenses/by-sa/4.0/", "CC BY-SA 4.0"
    CC_BY_NC = f"{CC}licenses/by-nc/4.0/", "CC BY-NC 4.0"
    CC_BY_NC_SA = f"{CC}licenses/by-nc-sa/4.0/", "CC BY-NC-SA 4.0"
    CC_BY_ND = f"{CC}licenses/by-nd/4.0/", "CC BY-ND 4.0"
    IN_COPYRIGHT = f"{RS}InC/1.0/", _("In Copyright")
    IN_COPYRIGHT_EDU = f"{RS}InC-EDU/1.0/", _("In Copyright - Educational Use Permitted")
    IN_COPYRIGHT_NC = f"{RS}InC-NC/1.0/", _("In Copyright - Non-Commercial Use Permitted")
    NO_COPYRIGHT_NC = f"{RS}NoC-NC/1.0/", _("No Copyright - Non-Commercial Use Only")
    NOT_EVALUATED = f"{RS}CNE/1.0/", _("Copyright Not Evaluated")
    UNDETERMINED = f"{RS}UND/1.0/", _("Copyright Undetermined")


# Short names, for people and for ?licence= (and the codes stored before licences were URIs).
SHORT_CODES: dict[str, str] = {
    "CC0-1.0": Licence.CC0,
    "CC-BY-4.0": Licence.CC_BY,
    "CC-BY-SA-4.0": Licence.CC_BY_SA,
    "CC-BY-NC-4.0": Licence.CC_BY_NC,
    "CC-BY-NC-SA-4.0": Licence.CC_BY_NC_SA,
    "CC-BY-ND-4.0": Licence.CC_BY_ND,
    "InC": Licence.IN_COPYRIGHT,
    "InC-EDU": Licence.IN_COPYRIGHT_EDU,
    "InC-NC": Licence.IN_COPYRIGHT_NC,
    "NoC-NC": Licence.NO_COPYRIGHT_NC,
    "CNE": Licence.NOT_EVALUATED,
    "UND": Licence.UNDETERMINED,
}

# Open: anyone may reuse, commercially too, and make derivatives (the Open Definition).
OPEN_LICENCES = frozenset({Licence.CC0, Licence.CC_BY, Licence.CC_BY_SA})


def licence_uri(value: str) -> str | None:
    """The URI of a licence given as its URI (with or without the final slash, http or https)
    or its short code; None when it is neither."""
    value = (value or "").strip()
    if value in SHORT_CODES:
        return str(SHORT_CODES[value])
    lowered = {code.lower(): uri for code, uri in SHORT_CODES.items()}
    if value.lower() in lowered:
        return str(lowered[value.lower()])
    candidate = value if value.endswith("/") else value + "/"
    for uri in Licence.values:
        if candidate == uri or candidate.split("://", 1)[-1] == uri.split("://", 1)[-1]:
            return uri
    return None


def licence_code(uri: str) -> str:
    """The short code of a licence URI ('' for an empty or unknown one)."""
    for code, known in SHORT_CODES.items():
        if known == uri:
            return code
    return ""


def licence_label(uri: str) -> str:
    return str(dict(Licence.choices).get(uri, "")) if uri else ""


def is_open(uri: str) -> bool:
    return uri in OPEN_LICENCES


def attribution_text(*, title: str, rights_holder: str, licence: str, attribution: str) -> str:
    """The line to show beside an asset: the curator's own text, or one made from its rights."""
    if attribution:
        return attribution
    parts = [part for part in (title, rights_holder and f"© {rights_holder}") if part]
    label = licence_label(licence)
    if label:
        parts.append(f"{label} ({licence})")
    return ", ".join(parts)


class DownloadPolicy(models.TextChoices):
    NONE = "none", _("No downloads")
    DERIVATIVES = "derivatives", _("Derivatives only")
    ON_REQUEST = "on_request", _("Originals on request")
    OPEN = "open", _("Originals open to everyone")


class ScanRights(models.Model):
    """A scan's own rights (falling back to its artefact's) and its download policy."""

    licence = models.CharField(
        max_length=100,
        choices=Licence.choices,
        blank=True,
        help_text=_("Empty: the artefact's licence."),
    )
    rights_holder = models.CharField(
        max_length=255, blank=True, help_text=_("Empty: the artefact's rights holder.")
    )
    attribution = models.CharField(max_length=500, blank=True)
    download_policy = models.CharField(
        max_length=16, choices=DownloadPolicy.choices, default=DownloadPolicy.DERIVATIVES
    )

    class Meta:
        abstract = True

    @property
    def effective_licence(self) -> str:
        return self.licence or (self.artefact.licence if self.artefact_id else "")

    @property
    def effective_rights_holder(self) -> str:
        return self.rights_holder or (self.artefact.rights_holder if self.artefact_id else "")

    @property
    def attribution_line(self) -> str:
        subject = self.artefact if self.artefact_id else self.site
        return attribution_text(
            title=self.title or (str(subject) if subject else ""),
            rights_holder=self.effective_rights_holder,
            licence=self.effective_licence,
            attribution=self.attribution or (self.artefact.attribution if self.artefact_id else ""),
        )
