from django.apps import AppConfig


class HeritageSitesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "heritage_sites"
    verbose_name = "Silk Road heritage"
