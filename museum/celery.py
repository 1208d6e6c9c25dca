"""The Celery application: the same tasks run on the filesystem transport, Redis or RabbitMQ."""

import os

from celery import Celery
from celery.signals import worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum.settings")

app = Celery("museum")
app.config_from_object("museum.celery_config")
app.autodiscover_tasks()


@worker_ready.connect
def _end_orphaned_sandboxes(**kwargs) -> None:
    # A worker that was killed mid-scan left its sandbox and temporary folders behind.
    from heritage_sites.services.scan_processing import scan_sandboxes_sweep

    scan_sandboxes_sweep()
