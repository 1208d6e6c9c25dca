"""The Celery application: the same tasks run on the filesystem transport, Redis or RabbitMQ."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "museum.settings")

app = Celery("museum")
app.config_from_object("museum.celery_config")
app.autodiscover_tasks()
