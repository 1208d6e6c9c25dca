"""Database texts in the visitor's language, each with the language it is really in."""

from __future__ import annotations

from django.utils import translation

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
