"""The sitemap (every page in every language), robots.txt and the favicon."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import reverse

from heritage_sites.models import Artefact, HeritageSite


class _Localized(Sitemap):
    i18n = True
    alternates = True
    x_default = True


class StaticPages(_Localized):
    changefreq = "weekly"

    def items(self):
        return ["pages:home", "pages:sites", "pages:artefacts", "pages:search"]

    def location(self, item):
        return reverse(item)


class SitePages(_Localized):
    changefreq = "monthly"

    def items(self):
        return HeritageSite.objects.published().order_by("pk").only("slug", "updated_at")

    def location(self, item):
        return reverse("pages:site", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at


class ArtefactPages(_Localized):
    changefreq = "monthly"

    def items(self):
        return Artefact.objects.published().order_by("pk").only("slug", "updated_at")

    def location(self, item):
        return reverse("pages:artefact", kwargs={"slug": item.slug})

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"pages": StaticPages, "sites": SitePages, "artefacts": ArtefactPages}


def robots_txt(request: HttpRequest) -> HttpResponse:
    sitemap = request.build_absolute_uri("/sitemap.xml")
    body = f"User-agent: *\nDisallow: /admin/\nDisallow: /originals/\nSitemap: {sitemap}\n"
    return HttpResponse(body, content_type="text/plain; charset=utf-8")


def favicon(request: HttpRequest) -> HttpResponse:
    return redirect(static("museum/favicon.svg"), permanent=True)
