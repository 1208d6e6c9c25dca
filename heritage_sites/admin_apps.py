"""Django's admin app with the museum's site (heritage_sites/admin_site.py). Imports nothing
else: INSTALLED_APPS loads it before the models."""

from django.contrib.admin.apps import AdminConfig
from django.utils.module_loading import autodiscover_modules

# Model admins beyond admin.py, in modules of their own (they import admin.py's CuratedAdmin,
# so admin.py cannot import them without a cycle).
EXTRA_ADMIN_MODULES = ("admin_routes", "admin_exhibitions")


class MuseumAdminConfig(AdminConfig):
    default_site = "heritage_sites.admin_site.MuseumAdminSite"

    def ready(self) -> None:
        super().ready()
        autodiscover_modules(*EXTRA_ADMIN_MODULES)
