"""The cards of the lists: an artefact with its poster, read with the columns a card shows."""

from __future__ import annotations

from django.db.models import QuerySet

from heritage_sites.models import Artefact
from heritage_sites.pages import media, text


def artefact_cards(artefacts: QuerySet) -> QuerySet:
    """``artefacts`` with what includes/artefact_card.html shows, in the visitor's language."""
    # select_related: each card names its institution (one query per card otherwise).
    return artefacts.select_related("institution").only(
        "slug", "object_type", "institution", *text.columns("title", "institution__name")
    )


def with_posters(artefacts: list[Artefact]) -> list[Artefact]:
    """Each artefact's poster (or None) in ``poster``, in one query for all of them."""
    posters = media.posters_for("artefact", [artefact.pk for artefact in artefacts])
    for artefact in artefacts:
        artefact.poster = posters.get(artefact.pk)
    return artefacts
