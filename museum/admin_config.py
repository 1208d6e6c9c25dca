"""Django's admin app with the museum's site (museum/admin_site.py). Imports nothing
else: INSTALLED_APPS loads it before the models."""

from django.contrib.admin.apps import AdminConfig


class MuseumAdminConfig(AdminConfig):
    default_site = "museum.admin_site.MuseumAdminSite"
