"""URLs of the API: /api/v1/ (versioned resources), /api/schema/ and /api/docs/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import SimpleRouter

from heritage_sites.api.errors import NOT_FOUND_NAME, api_not_found
from heritage_sites.api.views import catalogue, direct_upload
from heritage_sites.api.views.artefacts import ArtefactViewSet
from heritage_sites.api.views.scans import ScanViewSet
from heritage_sites.api.views.sites import SiteViewSet

router = SimpleRouter()
router.register("countries", catalogue.CountryViewSet, basename="country")
router.register("institutions", catalogue.InstitutionViewSet, basename="institution")
router.register("corridors", catalogue.CorridorViewSet, basename="corridor")
router.register("materials", catalogue.MaterialViewSet, basename="material")
router.register("sites", SiteViewSet, basename="site")
router.register("artefacts", ArtefactViewSet, basename="artefact")
router.register("scans", ScanViewSet, basename="scan")

v1 = [
    path("", catalogue.IndexView.as_view(), name="index"),
    # Before the router, so "sites.geojson" is not read as a site slug.
    path("sites.geojson", SiteViewSet.as_view({"get": "geojson"}), name="site-geojson"),
    # Direct-to-S3 uploads and original downloads (production stack).
    path("scan-uploads/", direct_upload.DirectUploadStartView.as_view(), name="scan-upload-start"),
    path(
        "scan-uploads/complete/",
        direct_upload.DirectUploadCompleteView.as_view(),
        name="scan-upload-complete",
    ),
    path(
        "scan-uploads/abort/",
        direct_upload.DirectUploadAbortView.as_view(),
        name="scan-upload-abort",
    ),
    path(
        "scan-originals/<uuid:public_id>/",
        direct_upload.ScanOriginalView.as_view(),
        name="scan-original",
    ),
    *router.urls,
]

urlpatterns = [
    path("v1/", include((v1, "api-v1"))),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ is a 404 in the API's error shape, not an HTML page.
    re_path(r"^.*$", api_not_found, name=NOT_FOUND_NAME),
]
