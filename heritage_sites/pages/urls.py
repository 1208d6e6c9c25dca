from django.urls import path

from heritage_sites.pages import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
]
