"""Database texts in the visitor's language, each with the language it is really in."""

from __future__ import annotations

from django.utils import translation
from django.utils.html import strip_tags

from heritage_sites.api import languages


def current_language() -> str:
    return translation.get_language() or "en"


def localized(obj, field: str, language: str | None = None) -> dict[str, str]:
    """``{"value", "lang", "dir"}`` of a translated field, following the fallback chain."""
    return languages.localized(obj, field, language or current_language())


def columns(*fields: str) -> list[str]:
    """The columns a page reads for translated ``fields`` ("name", or across a relation
    "institution__name"): the visitor's language and its fallbacks, for ``.only()``.

    A row with every language's column costs the ORM time for each of them (the selected
    columns are hashed to resolve the ordering), though a page shows one.
    """
    language = current_language()
    loaded = []
    for path in fields:
        prefix, _, field = path.rpartition("__")
        loaded += [
            f"{prefix}__{column}" if prefix else column
            for column in languages.columns(field, language)
        ]
    return loaded


def html_lang(code: str) -> str:
    """'zh-hans' -> 'zh-Hans' (BCP 47, as HTML wants it)."""
    return languages.bcp47(code)


def direction(code: str) -> str:
    return languages.direction(code)


def plain(obj, field: str) -> str:
    """A translated text as plain text (meta tags, JSON-LD): HTML left by imports removed."""
    return strip_tags(localized(obj, field)["value"]).strip()
