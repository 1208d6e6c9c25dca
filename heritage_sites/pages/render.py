"""Render a visitor page with what every page needs: languages, alternates, canonical URL."""

from __future__ import annotations

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import translate_url
from django.utils import translation
from django.utils.csp import CSP
from django.utils.translation import pgettext

from heritage_sites.pages import names, text


def _languages(request: HttpRequest) -> list[dict]:
    path = request.get_full_path()
    current = text.current_language()
    return [
        {
            "code": code,
            "tag": text.html_lang(code),
            "dir": text.direction(code),
            "name": names.language_name(code),
            "url": translate_url(path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


def map_settings() -> dict:
    """What the map script needs besides the rows: tiles (or the offline basemap)."""
    return {
        "tiles": settings.MUSEUM_MAP_TILES_URL,
        "attribution": settings.MUSEUM_MAP_TILES_ATTRIBUTION,
    }


def viewer_csp() -> dict:
    """The policy of a page with the 3D viewer.

    model-viewer's shadow-DOM template carries its own ``<style>`` element, which cannot take
    the request's nonce. On these pages ``<style>`` elements may be inline (``style-src-elem``);
    style attributes and every script stay as strict as everywhere else.
    """
    return {**settings.SECURE_CSP, "style-src-elem": [CSP.SELF, CSP.UNSAFE_INLINE]}


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    status: int = 200,
    viewer: bool = False,
) -> HttpResponse:
    languages = _languages(request)
    language = text.current_language()
    context = {
        "languages": languages,
        # Django's code ("zh-hans"): HTML's lang is case-insensitive.
        "page_lang": language,
        "page_dir": text.direction(language),
        "og_locale": text.html_lang(language).replace("-", "_"),
        # Between the items of a list: "، " in Arabic and Persian, "、" in Chinese.
        "list_separator": pgettext("between the items of a list", ", "),
        "canonical_url": request.build_absolute_uri(request.path),
        "alternates": [
            {"tag": item["tag"], "url": request.build_absolute_uri(item["url"])}
            for item in languages
        ],
        "default_url": request.build_absolute_uri(
            translate_url(request.get_full_path(), settings.LANGUAGE_CODE)
        ),
        **context,
    }
    response = render(request, template, context, status=status)
    if viewer:
        response._csp_config = viewer_csp()  # read by Django's CSP middleware
    return response


def ld_json(data: dict) -> str:
    """JSON for a ``<script type="application/ld+json">``, safe inside HTML."""
    dumped = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def absolute(request: HttpRequest, url: str) -> str:
    return request.build_absolute_uri(url)


def bcp47_current() -> str:
    return text.html_lang(translation.get_language() or settings.LANGUAGE_CODE)
