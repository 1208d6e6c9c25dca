"""Fields that carry one value per language (django-modeltranslation)."""

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
