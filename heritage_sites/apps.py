from django.apps import AppConfig


class HeritageSitesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "heritage_sites"
    verbose_name = "Silk Road heritage"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        # Register the Celery tasks in every process: services send them by name (the tasks
        # call the services, never the other way), and eager mode needs them registered.
        from heritage_sites import tasks  # noqa: F401
        from heritage_sites.search.query import configure_postgres

        # Search settings every PostgreSQL connection needs before its first query.
        connection_created.connect(configure_postgres, dispatch_uid="heritage-sites-search")
