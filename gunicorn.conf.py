"""gunicorn settings for the web process in production (``gunicorn -c gunicorn.conf.py``).

Every value can be changed with an environment variable, so the same image fits a small and
a large machine. Large scans do not pass through here when clients upload them straight to
S3; form uploads are streamed to a temporary file by Django.
"""

import os

wsgi_app = "museum.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Django views are synchronous; threads overlap the waits on the database and S3.
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# Completing a direct upload streams the object once to check its checksum: give it time.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow forever; jitter avoids a stampede.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Request line and headers are capped; bodies are capped by Django and by the proxy in front.
limit_request_line = 8190
limit_request_fields = 100
# A reverse proxy (or the platform's load balancer) terminates TLS in front of gunicorn.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Temporary worker heartbeat files in memory, not on a possibly slow container disk.
worker_tmp_dir = os.environ.get(
    "GUNICORN_WORKER_TMP_DIR", "/dev/shm" if os.path.isdir("/dev/shm") else None
)
