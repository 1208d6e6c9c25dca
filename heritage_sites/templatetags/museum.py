"""Template helpers of the visitor pages: texts with their own language and direction."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, linebreaks, strip_tags
from django.utils.safestring import mark_safe

from heritage_sites.pages import text

register = template.Library()


def _bdi(value: dict) -> str:
    return format_html(
        '<bdi lang="{}" dir="{}">{}</bdi>', value["lang"], value["dir"], value["value"]
    )


@register.simple_tag
def tr(obj, field: str):
    """An inline translated text in ``<bdi lang dir>``, so mixed directions never garble."""
    value = text.localized(obj, field)
    return _bdi(value)


@register.simple_tag
def tr_block(obj, field: str):
    """A translated text of paragraphs, in a ``<div lang dir>``."""
    value = text.localized(obj, field)
    if not value["value"]:
        return ""
    return format_html(
        '<div class="prose" lang="{}" dir="{}">{}</div>',
        value["lang"],
        value["dir"],
        # Some imported texts still carry HTML paragraphs: plain text, then our paragraphs.
        # linebreaks escapes the text itself (autoescape=True); its <p> and <br> are ours.
        mark_safe(linebreaks(strip_tags(value["value"]).strip(), autoescape=True)),
    )


@register.simple_tag
def tr_text(obj, field: str) -> str:
    """The plain translated value (for attributes: alt, title, meta tags)."""
    return text.localized(obj, field)["value"]


@register.filter
def label(obj, field: str):
    """A choice's label in the visitor's language: ``{{ artefact|label:"licence" }}`` gives
    what ``artefact.get_licence_display`` does, without rebuilding the table of choices."""
    from heritage_sites.pages.labels import choice_label

    return choice_label(obj, field)


@register.filter
def year(value: int | None) -> str:
    """A year for people: negative years are BCE."""
    from heritage_sites.pages.labels import year_label

    return year_label(value)


@register.simple_tag
def country(obj):
    """A country's name in the visitor's language (pycountry fills the museum's gaps)."""
    from heritage_sites.pages import names

    value = names.country_label(obj, text.current_language())
    return _bdi(value)


@register.filter
def ld_json(data: dict):
    """A schema.org block as JSON-LD, escaped so it cannot end its script element."""
    from heritage_sites.pages.render import ld_json as dumps

    return mark_safe(dumps(data))
