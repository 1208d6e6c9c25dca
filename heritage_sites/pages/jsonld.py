"""schema.org descriptions of the pages (JSON-LD), for search engines and link previews."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext

from heritage_sites.pages import text


def museum(request: HttpRequest) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "Museum",
        "name": gettext("Silk Road Virtual Museum"),
        "url": request.build_absolute_uri(reverse("pages:home")),
        "description": gettext(
            "Heritage sites and relics of the overland and maritime Silk Roads, in 3D."
        ),
        "inLanguage": text.html_lang(text.current_language()),
    }


def site(request: HttpRequest, site, poster_url: str | None) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "LandmarksOrHistoricalBuildings",
        "name": text.localized(site, "name")["value"],
        "url": request.build_absolute_uri(request.path),
        "geo": {
            "@type": "GeoCoordinates",
            "latitude": float(site.latitude),
            "longitude": float(site.longitude),
        },
    }
    description = text.plain(site, "description")
    if description:
        data["description"] = description[:500]
    if poster_url:
        data["image"] = request.build_absolute_uri(poster_url)
    return data


def artefact(request: HttpRequest, artefact, viewable) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "3DModel" if viewable is not None else "CreativeWork",
        "name": text.localized(artefact, "title")["value"],
        "url": request.build_absolute_uri(request.path),
        "identifier": artefact.accession_number,
        "copyrightHolder": {"@type": "Organization", "name": artefact.rights_holder},
        "provider": {
            "@type": "Museum",
            "name": text.localized(artefact.institution, "name")["value"],
        },
    }
    if artefact.licence:
        # Licences are stored as their URIs (Creative Commons, RightsStatements.org).
        data["license"] = artefact.licence
    if artefact.attribution:
        data["creditText"] = artefact.attribution
    if viewable is not None:
        if viewable.poster is not None:
            data["image"] = request.build_absolute_uri(viewable.poster.file.url)
        if viewable.full_model is not None:
            data["encoding"] = {
                "@type": "MediaObject",
                "contentUrl": request.build_absolute_uri(viewable.full_model.file.url),
                "encodingFormat": "model/gltf-binary",
            }
    return data
