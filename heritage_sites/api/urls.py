"""URLs of the API: /api/v1/ (versioned resources), /api/schema/ and /api/docs/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from heritage_sites.api.errors import NOT_FOUND_NAME, api_not_found
from heritage_sites.api.views import catalogue, direct_upload, workflow
from heritage_sites.api.views.access_requests import AccessRequestViewSet
from heritage_sites.api.views.artefacts import ArtefactViewSet
from heritage_sites.api.views.exhibitions import ExhibitionViewSet
from heritage_sites.api.views.imports import ImportJobViewSet
from heritage_sites.api.views.journeys import JourneyView
from heritage_sites.api.views.routes import RouteViewSet
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
router.register("routes", RouteViewSet, basename="route")
router.register("exhibitions", ExhibitionViewSet, basename="exhibition")
router.register("access-requests", AccessRequestViewSet, basename="access-request")
router.register("imports", ImportJobViewSet, basename="import")

v1 = [
    path("", catalogue.IndexView.as_view(), name="index"),
    # Before the router, so "sites.geojson" is not read as a site slug.
    path("sites.geojson", SiteViewSet.as_view({"get": "geojson"}), name="site-geojson"),
    # The reviewers' queue of their institutions.
    path("review-queue/", workflow.ReviewQueueView.as_view(), name="review-queue"),
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
    path("artefacts/<str:ref>/journey/", JourneyView.as_view(), name="artefact-journey"),
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
    re_path(r"^[\s\S]*$", api_not_found, name=NOT_FOUND_NAME),  # [\s\S]: newlines too
]
