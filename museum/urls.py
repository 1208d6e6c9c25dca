from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from heritage_sites.pages import seo
from heritage_sites.pages.downloads import download_by_request, download_original

# Problem details for the API's own 400s and 500s (HTML pages elsewhere).
handler400 = "heritage_sites.api.errors.bad_request"
handler500 = "heritage_sites.api.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Signed, expiring links to originals on local storage (the stand-in for presigned URLs).
    path("originals/<str:token>/", download_original, name="original-download"),
    # An approved access request's personal, expiring, revocable link (every download logged).
    path("originals/requested/<str:token>/", download_by_request, name="original-by-request"),
    path("api/", include("heritage_sites.api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": seo.SITEMAPS}, name="sitemap"),
    path("robots.txt", seo.robots_txt),
    path("favicon.ico", seo.favicon),
]
# The visitor pages under every language: /en/, /ar/, /zh-hans/... ; "/" redirects to the
# language of Accept-Language (LocaleMiddleware).
urlpatterns += i18n_patterns(path("", include("heritage_sites.pages.urls")))

if settings.STORAGE_BACKEND == "local":
    # The embedded default serves uploads itself; production serves them from object storage.
    from heritage_sites.pages.media_files import serve_media

    urlpatterns += [path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve_media)]
