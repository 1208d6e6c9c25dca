"""Visitor pages, mounted under every language prefix by museum/urls.py (i18n_patterns)."""

from django.urls import path

from heritage_sites.pages import artefacts, home, journeys, search_views, sites, tombstones

app_name = "pages"

urlpatterns = [
    path("", home.home, name="home"),
    path("sites/", sites.site_list, name="sites"),
    path("sites/<slug:slug>/", sites.site_detail, name="site"),
    path("artefacts/", artefacts.artefact_list, name="artefacts"),
    path("artefacts/<slug:slug>/", artefacts.artefact_detail, name="artefact"),
    path("search/", search_views.search_page, name="search"),
    path("routes/", journeys.route_list, name="routes"),
    path("routes/<slug:slug>/", journeys.route_detail, name="route"),
    path("exhibitions/", journeys.exhibition_list, name="exhibitions"),
    path("exhibitions/<slug:slug>/", journeys.exhibition_detail, name="exhibition"),
    path("withdrawn/<str:kind>/<uuid:public_id>/", tombstones.withdrawn, name="withdrawn"),
]
