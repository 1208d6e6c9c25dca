"""Celery configuration, derived from the Django settings (read lazily by Celery)."""

from django.conf import settings
from kombu import Exchange, Queue

from heritage_sites import changes

broker_url = settings.CELERY_BROKER_URL
task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER
task_eager_propagates = True

if broker_url.startswith("filesystem://"):
    # The embedded default: messages are files in folders, no broker server. Our subclass of
    # kombu's transport writes each message whole and sets unreadable ones aside (rejected/)
    # instead of letting one broken file stop the worker (museum/broker.py).
    broker_transport = "museum.broker:Transport"
    _folder = settings.CELERY_BROKER_FOLDER
    for _sub in ("in", "processed", "claimed", "rejected"):
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
    broker_transport_options = {
        "visibility_timeout": settings.SCAN_HARD_TIME_LIMIT + 300,
        # A broker that drops packets must not hold a web request for minutes: the upload
        # still succeeds and the reaper sends the message later.
        "socket_connect_timeout": 5,
    }
    # RabbitMQ closes a channel whose message stays unacknowledged past its consumer_timeout
    # (30 min by default); settings.py refuses a hard limit that would reach it.

# Publishing gives up after about two seconds; the scan row is already committed as queued.
task_publish_retry_policy = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}

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

# Two queues: heavy scans, and light upkeep (the reaper). A worker started without -Q takes
# both (the embedded default); in production a small worker serves "maintenance" alone, so the
# reaper runs even while every scan worker is busy for many minutes.
task_queues = tuple(
    Queue(name, Exchange(name), routing_key=name) for name in ("scans", "maintenance")
)
task_default_queue = "scans"
# Imports and route packs go to the default queue (the scan workers): a long import must not
# hold up the reaper on the small maintenance worker.
task_routes = {
    "heritage_sites.tasks.reap_scans": {"queue": "maintenance"},
    "heritage_sites.tasks.prune_change_log": {"queue": "maintenance"},
    "heritage_sites.tasks.send_mail": {"queue": "maintenance"},
}

# The reaper takes back scans whose worker vanished and re-sends lost messages. A run that
# could not start before the next one is due is dropped, so they never pile up.
beat_schedule = {
    "reap-scans": {
        "task": "heritage_sites.tasks.reap_scans",
        "schedule": float(settings.SCAN_REAPER_INTERVAL),
        "options": {"expires": float(settings.SCAN_REAPER_INTERVAL)},
    },
    # The PostgreSQL change log behind kept facet counts gains a row per writing transaction;
    # this drops the rows no kept count can still need (heritage_sites/changes.py).
    "prune-change-log": {
        "task": "heritage_sites.tasks.prune_change_log",
        "schedule": float(changes.KEEP_SECONDS),
        "options": {"expires": float(changes.KEEP_SECONDS)},
    },
}
beat_schedule_filename = str(settings.DATA_DIR / "celerybeat-schedule")
