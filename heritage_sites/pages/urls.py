from django.urls import path

from heritage_sites.pages import tombstones, views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("withdrawn/<str:kind>/<uuid:public_id>/", tombstones.withdrawn, name="withdrawn"),
]
