"""Settings for bench/api.py: the museum's own settings, plus the floor view's URL and no
rate limits (a benchmark is one client hammering the server on purpose)."""

from museum.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "api_key": None},
}
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405
