"""Country and language names in the visitor's language, from pycountry's translations."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

# Django language code -> pycountry's locale folder and the ISO 639-3 code of the language.
_LOCALES = {"zh-hans": "zh_CN", "zh-hant": "zh_TW", "pt-br": "pt_BR"}
_ISO639_3 = {"zh-hans": "zho", "zh-hant": "zho"}


@cache
def _catalog(domain: str, language: str) -> gettext.NullTranslations:
    locale = _LOCALES.get(language, language.split("-")[0])
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def _first(name: str) -> str:
    # Some catalogs list synonyms ("中文; 汉语; 华语"): the first is the usual name.
    return name.split(";")[0].strip()


@cache
def country_name(iso2: str, language: str) -> str | None:
    """The country's short name in ``language``, or None when pycountry does not know it."""
    country = pycountry.countries.get(alpha_2=iso2)
    if country is None:
        return None
    name = getattr(country, "common_name", None) or country.name
    translated = _catalog("iso3166-1", language).gettext(name)
    if translated == name and hasattr(country, "common_name"):
        translated = _catalog("iso3166-1", language).gettext(country.name)
    return _first(translated)


@cache
def language_name(code: str, in_language: str | None = None) -> str:
    """The name of the language ``code`` in ``in_language`` (by default: in itself)."""
    base = code.split("-")[0]
    iso = _ISO639_3.get(code)
    record = pycountry.languages.get(alpha_3=iso) if iso else pycountry.languages.get(alpha_2=base)
    if record is None:
        return code
    return _first(_catalog("iso639-3", in_language or code).gettext(record.name))


def country_label(country, language: str) -> dict[str, str]:
    """A country's name for a page: the museum's own name in ``language`` when it has one,
    else pycountry's translation, else the English name; with its language and direction."""
    from heritage_sites.pages import text

    own = getattr(country, f"name_{language.replace('-', '_')}", None)
    if own:
        value, lang = own, language
    else:
        value = country_name(country.iso2, language) if language != "en" else None
        lang = language
        if not value:
            value, lang = country.name_en or country.name, "en"
    return {"value": value, "lang": text.html_lang(lang), "dir": text.direction(lang)}
