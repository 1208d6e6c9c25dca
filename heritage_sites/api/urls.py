"""URLs of the API: /api/v1/ (versioned resources), /api/schema/ and /api/docs/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from heritage_sites.api import views
from heritage_sites.api.artefact_views import ArtefactViewSet
from heritage_sites.api.errors import api_not_found
from heritage_sites.api.scan_views import ScanViewSet
from heritage_sites.api.site_views import SiteViewSet

router = SimpleRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("corridors", views.CorridorViewSet, basename="corridor")
router.register("materials", views.MaterialViewSet, basename="material")
router.register("sites", SiteViewSet, basename="site")
router.register("artefacts", ArtefactViewSet, basename="artefact")
router.register("scans", ScanViewSet, basename="scan")

v1 = [
    path("", views.IndexView.as_view(), name="index"),
    # Before the router, so "sites.geojson" is not read as a site slug.
    path("sites.geojson", SiteViewSet.as_view({"get": "geojson"}), name="site-geojson"),
    *router.urls,
]

urlpatterns = [
    path("v1/", include((v1, "api-v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="heritage_sites/api_docs.html"
        ),
        name="api-docs",
    ),
    # Anything else under /api/ is a 404 in the API's error shape, not an HTML page.
    re_path(r"^.*$", api_not_found),
]
