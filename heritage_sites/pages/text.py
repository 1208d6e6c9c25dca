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


def html_lang(code: str) -> str:
    """'zh-hans' -> 'zh-Hans' (BCP 47, as HTML wants it)."""
    return languages.bcp47(code)


def direction(code: str) -> str:
    return languages.direction(code)


def plain(obj, field: str) -> str:
    """A translated text as plain text (meta tags, JSON-LD): HTML left by imports removed."""
    return strip_tags(localized(obj, field)["value"]).strip()
