"""Which language a response speaks, and which language each translated text is really in.

The client asks with ``?lang=`` (wins) or ``Accept-Language``. Every translated field then
falls back along a chain (the asked language, then English) and says which language it used
and its writing direction, because a Persian client shown English text must lay it out
left to right.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.utils import translation
from django.utils.translation import trans_real
from modeltranslation.utils import build_localized_fieldname
from rest_framework.exceptions import ValidationError

RTL_LANGUAGES = frozenset(settings.LANGUAGES_BIDI)


def supported_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def parse_lang_param(value: str) -> str:
    """Map ``?lang=`` to a supported language code, or raise a 400 naming the choices."""
    try:
        return translation.get_supported_language_variant(value.strip().lower())
    except LookupError:
        choices = ", ".join(supported_codes())
        raise ValidationError(
            {"lang": [f"'{value[:20]}' is not a language of the museum. Use one of: {choices}."]}
        ) from None


def negotiate(request) -> str:
    """The language the client asked for, as a code from settings.LANGUAGES."""
    value = request.query_params.get("lang")
    if value is not None:  # an empty ?lang= is a 400 too, as the schema says
        return parse_lang_param(value)
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in trans_real.parse_accept_lang_header(header):
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


@lru_cache(maxsize=64)
def fallback_chain(language: str) -> tuple[str, ...]:
    chain = [language, *getattr(settings, "MODELTRANSLATION_FALLBACK_LANGUAGES", ("en",))]
    chain.append(settings.LANGUAGE_CODE)
    return tuple(dict.fromkeys(chain))


@lru_cache(maxsize=64)
def bcp47(code: str) -> str:
    """'zh-hans' -> 'zh-Hans': the spelling HTTP and HTML expect."""
    parts = code.split("-")
    return "-".join([parts[0], *(p.title() if len(p) == 4 else p.upper() for p in parts[1:])])


@lru_cache(maxsize=64)
def direction(code: str) -> str:
    return "rtl" if code.split("-")[0] in RTL_LANGUAGES else "ltr"


@lru_cache(maxsize=256)
def _lookups(field: str, language: str) -> tuple[tuple[str, str, str], ...]:
    # (column, BCP 47 tag, direction) along the fallback chain, worked out once per pair.
    return tuple(
        (column(field, code), bcp47(code), direction(code)) for code in fallback_chain(language)
    )


def columns(field: str, language: str) -> list[str]:
    """The columns of a translated field its fallback chain can show (for English: one, not
    seven): what a query needs to load for ``localized``."""
    return [name for name, _tag, _writing in _lookups(field, language)]


def localized(obj, field: str, language: str) -> dict[str, str]:
    """``{"value", "lang", "dir"}`` for a translated field, following the fallback chain."""
    for name, tag, writing in _lookups(field, language):
        value = getattr(obj, name, None)
        if value:
            return {"value": value, "lang": tag, "dir": writing}
    return {"value": "", "lang": bcp47(language), "dir": direction(language)}


@lru_cache(maxsize=256)
def column(field: str, code: str) -> str:
    return build_localized_fieldname(field, code)
