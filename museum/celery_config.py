"""Celery configuration, derived from the Django settings (read lazily by Celery)."""

from django.conf import settings

broker_url = settings.CELERY_BROKER_URL
task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
task_eager_propagates = True

if broker_url.startswith("filesystem://"):
    # The embedded default: messages are files in folders, no broker server.
    _folder = settings.CELERY_BROKER_FOLDER
    for _sub in ("in", "processed"):
        (_folder / _sub).mkdir(parents=True, exist_ok=True)
    broker_transport_options = {
        "data_folder_in": str(_folder / "in"),
        "data_folder_out": str(_folder / "in"),
        "processed_folder": str(_folder / "processed"),
        # Exchange tables; kombu's default is a "control" folder in the working directory.
        "control_folder": str(_folder / "control"),
        "store_processed": False,
    }
else:
    # Redis: a message unacknowledged for this long is redelivered. It must outlive the
    # hard time limit, or a long scan would be started twice.
    broker_transport_options = {"visibility_timeout": settings.SCAN_HARD_TIME_LIMIT + 300}

# Acknowledge after the task ran, so a worker that dies mid-scan leaves the message for another.
task_acks_late = True
task_reject_on_worker_lost = True
# One heavy scan per worker process at a time.
worker_prefetch_multiplier = 1
task_soft_time_limit = settings.SCAN_SOFT_TIME_LIMIT
task_time_limit = settings.SCAN_HARD_TIME_LIMIT
task_ignore_result = True
worker_hijack_root_logger = False
broker_connection_retry_on_startup = True

# The reaper takes back scans whose worker vanished and re-sends lost messages.
beat_schedule = {
    "reap-scans": {
        "task": "heritage_sites.tasks.reap_scans",
        "schedule": float(settings.SCAN_REAPER_INTERVAL),
    }
}
beat_schedule_filename = str(settings.DATA_DIR / "celerybeat-schedule")
