"""Fields that carry one value per language (django-modeltranslation)."""

import simple_history
from modeltranslation.translator import TranslationOptions, register

from heritage_sites.models import (
    Artefact,
    Corridor,
    Country,
    Exhibition,
    ExhibitionItem,
    ExhibitionSection,
    HeritageSite,
    Hotspot,
    Institution,
    Material,
    ProvenanceEvent,
    Route,
    RouteStop,
    RouteTheme,
    Scan,
)


@register(Country)
class CountryTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Corridor)
class CorridorTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Material)
class MaterialTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(HeritageSite)
class HeritageSiteTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)


@register(Artefact)
class ArtefactTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("en",)


@register(RouteTheme)
class RouteThemeTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


@register(Route)
class RouteTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("en",)


@register(RouteStop)
class RouteStopTranslation(TranslationOptions):
    fields = ("visit_note",)


@register(Exhibition)
class ExhibitionTranslation(TranslationOptions):
    fields = ("title", "introduction")
    required_languages = ("en",)


@register(ExhibitionSection)
class ExhibitionSectionTranslation(TranslationOptions):
    fields = ("title", "text")
    required_languages = ("en",)


@register(ExhibitionItem)
class ExhibitionItemTranslation(TranslationOptions):
    fields = ("caption",)


@register(Hotspot)
class HotspotTranslation(TranslationOptions):
    fields = ("label", "text")
    required_languages = ("en",)


@register(ProvenanceEvent)
class ProvenanceEventTranslation(TranslationOptions):
    fields = ("place_name", "note")


# History after translation: simple-history copies the fields as they are once
# modeltranslation has added the per-language columns (../shared/FIELD-NOTES.md). One history
# table per record type; the admin and the API show it, and the admin reverts to it.
simple_history.register(HeritageSite, app=__package__)
simple_history.register(Artefact, app=__package__)
# A scan's pipeline report is large and the pipeline's own record: not kept per version.
simple_history.register(Scan, app=__package__, excluded_fields=["report"])
simple_history.register(Route, app=__package__)
simple_history.register(Exhibition, app=__package__)
