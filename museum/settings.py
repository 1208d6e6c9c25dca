"""Settings for the Silk Road virtual museum.

One file, driven by environment variables. With no variable set the museum runs
embedded: SQLite, local ``media/``, and a Celery worker that talks to the web
process through folders on disk (no broker server). Every variable is read and
checked here, once; a bad value stops the start with a message naming it.
"""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from museum.csp import origin, public_media_origins
from museum.env import Env
from museum.secret_key import installation_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
env = Env()

# Where the embedded default keeps its database, broker folders and scratch files.
DATA_DIR = env.path("MUSEUM_DATA_DIR", BASE_DIR / "var")
# The one write at start-up: the embedded default needs this folder before anything opens it.
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DJANGO_DEBUG", False)
# Signs sessions, download links to originals and upload tokens. Production passes it in
# DJANGO_SECRET_KEY or in a file (DJANGO_SECRET_KEY_FILE); the embedded default makes its own
# on first start, kept in the data folder (museum/secret_key.py).
SECRET_KEY = env.secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env.is_set("DJANGO_ALLOWED_HOSTS"):
        env.fail(
            "DJANGO_SECRET_KEY",
            "must be set when DJANGO_ALLOWED_HOSTS is set (production); "
            "or set DJANGO_SECRET_KEY_FILE to a file holding the key",
        )
    SECRET_KEY = installation_secret_key(DATA_DIR)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # modeltranslation must come before the admin so it can patch model admins.
    "modeltranslation",
    # Django's admin with a site that lets curators in too (museum/admin_site.py).
    "museum.admin_config.MuseumAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework.authtoken",
    "rest_framework_api_key",
    "django_filters",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # History of sites, artefacts and scans (registered in heritage_sites/translation.py).
    "simple_history",
    "heritage_sites",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses HTML and JSON answers; whitenoise serves static files precompressed itself.
    "django.middleware.gzip.GZipMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Compressed API answers (gzip, Vary: Accept-Encoding); after CORS so its headers stay.
    "heritage_sites.api.compression.APICompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Records who made each change in the history (admin and pages; the API sets it itself).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "museum.urls"
WSGI_APPLICATION = "museum.wsgi.application"
ASGI_APPLICATION = "museum.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide overrides of third-party templates (DRF's, for the CSP): looked up
        # before the apps' own templates.
        "DIRS": [BASE_DIR / "museum" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.csp",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.database(
        "DATABASE_URL", f"sqlite:///{DATA_DIR / 'museum.sqlite3'}", parse=dj_database_url.parse
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while the web process reads; the timeout rides out short locks.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", 60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages ------------------------------------------------------------------------------
# The museum speaks these languages. Adding one is adding a line here and running
# makemigrations: modeltranslation then gives every translated field a column for it.
# Uzbek, Kazakh, Kyrgyz, Tajik and Urdu are next.
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("zh-hans", "简体中文"),
    ("ar", "العربية"),
    ("ru", "Русский"),
    ("fa", "فارسی"),
    ("tr", "Türkçe"),
    ("fr", "Français"),
]
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ps", "ug", "ur"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# Embedded default: whitenoise serves static files straight from the apps, no collectstatic.
# Production images run collectstatic and set STATIC_USE_FINDERS=false.
WHITENOISE_USE_FINDERS = env.bool("STATIC_USE_FINDERS", True)
# The browser libraries, fonts and map data, built from frontend/ by `manage.py build_frontend`
# (runmuseum, the Dockerfile and the test suite run it) and served as static/vendor/.
FRONTEND_BUILD_DIR = BASE_DIR / "frontend" / "build"
FRONTEND_BUILD_DIR.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [("vendor", FRONTEND_BUILD_DIR)]
# modeltranslation's tabbed admin fields: jQuery from the museum, not from a CDN.
JQUERY_URL = "vendor/jquery/jquery.min.js"
JQUERY_UI_URL = "vendor/jquery-ui/jquery-ui.min.js"
MEDIA_URL = env.str("MEDIA_URL", "/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", BASE_DIR / "media")

STORAGE_BACKEND = env.choice("STORAGE_BACKEND", "local", ["local", "s3"])
if STORAGE_BACKEND == "s3":
    _s3_common = {
        "bucket_name": env.str("S3_BUCKET", required=True),
        "endpoint_url": env.str("S3_ENDPOINT_URL", "") or None,
        "region_name": env.str("S3_REGION", "us-east-1"),
        "access_key": env.str("S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env.str("S3_SECRET_ACCESS_KEY", "") or None,
        "addressing_style": env.choice("S3_ADDRESSING_STYLE", "path", ["path", "virtual"]),
        "signature_version": "s3v4",
        # Never overwrite an existing key: a new file gets a new name.
        "file_overwrite": False,
    }
    if _s3_common["endpoint_url"] and not _s3_common["endpoint_url"].startswith(
        ("http://", "https://")
    ):
        env.fail("S3_ENDPOINT_URL", "must start with http:// or https://")
    # The address browsers use for the S3 server, when it differs from the one the servers
    # use (docker-compose: http://minio:9000 inside, http://localhost:9000 outside). Presigned
    # URLs are signed for this host.
    S3_PUBLIC_ENDPOINT_URL = env.str("S3_PUBLIC_ENDPOINT_URL", "") or _s3_common["endpoint_url"]
    if S3_PUBLIC_ENDPOINT_URL and not S3_PUBLIC_ENDPOINT_URL.startswith(("http://", "https://")):
        env.fail("S3_PUBLIC_ENDPOINT_URL", "must start with http:// or https://")
    S3_PRESIGNED_EXPIRY_SECONDS = env.int("S3_PRESIGNED_EXPIRY_SECONDS", 600, minimum=1)
    # How long a client has to send the parts of a direct (presigned multipart) upload.
    S3_UPLOAD_EXPIRY_SECONDS = env.int("S3_UPLOAD_EXPIRY_SECONDS", 4 * 3600, minimum=60)
    # Derivatives are public: their URLs carry no signature. A CDN host (S3_PUBLIC_DOMAIN)
    # wins; otherwise they point at the public endpoint, path-style.
    _public_domain = env.str("S3_PUBLIC_DOMAIN", "") or None
    _public_protocol = "https:"
    if _public_domain is None and env.is_set("S3_PUBLIC_ENDPOINT_URL"):
        _scheme, _, _host = S3_PUBLIC_ENDPOINT_URL.partition("://")
        _public_domain = f"{_host.rstrip('/')}/{_s3_common['bucket_name']}"
        _public_protocol = f"{_scheme}:"
    _public_media_origins = public_media_origins(
        public_domain=_public_domain,
        public_protocol=_public_protocol,
        public_endpoint_url=S3_PUBLIC_ENDPOINT_URL,
        bucket=_s3_common["bucket_name"],
        region=_s3_common["region_name"],
        addressing_style=_s3_common["addressing_style"],
    )
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3_common,
                "location": "private",
                "default_acl": None,
                "querystring_auth": True,
                "querystring_expire": S3_PRESIGNED_EXPIRY_SECONDS,
            },
        },
        "public": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3_common,
                "location": "public",
                "querystring_auth": False,
                "custom_domain": _public_domain,
                "url_protocol": _public_protocol,
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
    }
else:
    # The site serves its own media (or MEDIA_URL names another host, absolute).
    _public_media_origins = [origin(MEDIA_URL)] if "://" in MEDIA_URL else []
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "public": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
# Static files are the app's own, whichever storage holds the media: straight from the apps
# (no collectstatic) unless the image collected them.
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
    if DEBUG
    else "whitenoise.storage.CompressedStaticFilesStorage"
}
if not WHITENOISE_USE_FINDERS:
    # Collected static files (the image): hashed names, so whitenoise caches them for a year.
    # whitenoise's manifest storage, each URL worked out once (heritage_sites/storage/static.py).
    STORAGES["staticfiles"] = {
        "BACKEND": "heritage_sites.storage.static.ManifestStaticFilesStorage"
    }

# Scan uploads: refused above this size with a message that says the limit.
SCAN_UPLOAD_MAX_BYTES = env.int("SCAN_UPLOAD_MAX_BYTES", 1024**3)
# Bodies above this go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_TEMP_DIR = env.path("FILE_UPLOAD_TEMP_DIR", DATA_DIR / "uploads-tmp")
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)

# --- Background work ------------------------------------------------------------------------
# Embedded default: kombu's filesystem transport, a worker beside the web server, no server.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.split("://", 1)[0] not in {
    *("filesystem", "memory", "redis", "rediss", "amqp", "amqps", "pyamqp"),
}:
    env.fail("CELERY_BROKER_URL", "must be a redis://, amqp:// or filesystem:// URL")
CELERY_BROKER_FOLDER = DATA_DIR / "broker"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", False)
# A scan never runs longer than the hard limit; the soft limit lets it fail with a reason first.
SCAN_SOFT_TIME_LIMIT = env.int("SCAN_SOFT_TIME_LIMIT", 900)
SCAN_HARD_TIME_LIMIT = env.int("SCAN_HARD_TIME_LIMIT", 960)
SCAN_MAX_ATTEMPTS = env.int("SCAN_MAX_ATTEMPTS", 3, minimum=1)
# A worker renews its hold on a scan while it works; a scan whose hold lapsed (worker killed)
# is taken back by the reaper, which runs every SCAN_REAPER_INTERVAL seconds. A scan queued
# for SCAN_REQUEUE_AFTER without being picked up is enqueued again (lost message; the claim
# makes a duplicate harmless). The embedded default is one machine with one worker beside the
# web server: a lost message is sent again within a minute. A fleet of workers on a broker
# server loses messages rarely and sees long queues, so it waits longer before re-sending.
_EMBEDDED_BROKER = CELERY_BROKER_URL.startswith("filesystem")
SCAN_LEASE_SECONDS = env.int("SCAN_LEASE_SECONDS", 30 if _EMBEDDED_BROKER else 120, minimum=5)
SCAN_REAPER_INTERVAL = env.int("SCAN_REAPER_INTERVAL", 15 if _EMBEDDED_BROKER else 60, minimum=1)
SCAN_REQUEUE_AFTER = env.int("SCAN_REQUEUE_AFTER", 40 if _EMBEDDED_BROKER else 900, minimum=1)
# Records of running scan sandboxes, so one whose worker died is ended and cleaned up.
SCAN_RUNTIME_DIR = DATA_DIR / "run" / "sandboxes"
# Memory cap (bytes of address space) for the child process that parses one scan.
SCAN_PARSE_MEMORY_LIMIT = env.int("SCAN_PARSE_MEMORY_LIMIT", 8 * 1024**3)
if SCAN_SOFT_TIME_LIMIT >= SCAN_HARD_TIME_LIMIT:
    env.fail("SCAN_SOFT_TIME_LIMIT", "must be lower than SCAN_HARD_TIME_LIMIT")
# RabbitMQ drops a consumer that holds a message longer than its consumer_timeout (30 min by
# default): a scan must always end before that. Raise both together on the broker and here.
BROKER_CONSUMER_TIMEOUT = env.int("BROKER_CONSUMER_TIMEOUT", 1800, minimum=1)
if CELERY_BROKER_URL.startswith(("amqp", "pyamqp")) and (
    SCAN_HARD_TIME_LIMIT >= BROKER_CONSUMER_TIMEOUT
):
    env.fail("SCAN_HARD_TIME_LIMIT", "must be lower than RabbitMQ's BROKER_CONSUMER_TIMEOUT")

# --- Cache ------------------------------------------------------------------------------------
# API throttling counts in the cache. One process (the embedded default) can keep it in memory;
# several web processes need a shared cache, or each counts alone.
CACHE_REDIS_URL = env.str("CACHE_REDIS_URL", "")
if CACHE_REDIS_URL and not CACHE_REDIS_URL.startswith(("redis://", "rediss://")):
    env.fail("CACHE_REDIS_URL", f"must start with redis:// or rediss://, not {CACHE_REDIS_URL!r}")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_REDIS_URL,
    }
    if CACHE_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Facet counts kept by each process (exact in each: heritage_sites/changes.py says when
    # they are stale), apart from the throttling counts so they never push those out.
    "facets": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "facets",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}

# --- API ------------------------------------------------------------------------------------
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", [])
CORS_URLS_REGEX = r"^/api/.*$"
# The read API is public: with no origin list, any browser app may read it. No cookies are
# sent cross-origin (CORS_ALLOW_CREDENTIALS stays False): browser apps write with a token.
CORS_ALLOW_ALL_ORIGINS = env.bool("CORS_ALLOW_ALL_ORIGINS", not CORS_ALLOWED_ORIGINS)
CORS_ALLOW_HEADERS = [
    *("accept", "authorization", "content-type", "user-agent", "x-csrftoken"),
    *("x-requested-with", "accept-language", "if-none-match", "if-modified-since"),
    "if-match",
]
CORS_EXPOSE_HEADERS = [
    *("ETag", "Last-Modified", "Content-Language", "Location", "Retry-After"),
    *("RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"),
]

# API v1's defaults, said once: every API view (viewsets and the direct-upload views) uses them.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "heritage_sites.api.schema.MuseumAutoSchema",
    # Token first: its WWW-Authenticate header makes a missing login a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "heritage_sites.api.authentication.APIKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["heritage_sites.api.permissions.ReadOrCuratorWrite"],
    "DEFAULT_THROTTLE_CLASSES": ["heritage_sites.api.authentication.MuseumRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "heritage_sites.api.pagination.MuseumCursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "heritage_sites.api.filters.FilterBackend",
        "heritage_sites.api.filters.OrderingBackend",
    ],
    "EXCEPTION_HANDLER": "heritage_sites.api.errors.problem_exception_handler",
    # How many proxies in front of Django append to X-Forwarded-For. 0: the client address is
    # REMOTE_ADDR, and a forged X-Forwarded-For cannot dodge the anonymous rate limit.
    "NUM_PROXIES": env.int("API_NUM_PROXIES", 0, minimum=0),
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", "120/min"),
        "user": env.str("API_THROTTLE_USER", "600/min"),
        "api_key": env.str("API_THROTTLE_KEY", "1200/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Silk Road Virtual Museum API",
    "DESCRIPTION": "Heritage sites, artefacts and 3D scans along the overland and maritime "
    "Silk Roads, in many languages.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PublicationStateEnum": "heritage_sites.models.PublicationState",
        "LicenceEnum": "heritage_sites.rights.Licence",
        "DownloadPolicyEnum": "heritage_sites.rights.DownloadPolicy",
        "ScanStateEnum": "heritage_sites.models.Scan.State",
        "ScanKindEnum": "heritage_sites.models.Scan.Kind",
        "InstitutionKindEnum": "heritage_sites.models.Institution.Kind",
        "DerivativeKindEnum": "heritage_sites.models.Derivative.Kind",
        "TextDirectionEnum": [("ltr", "ltr"), ("rtl", "rtl")],
        "ImportKindEnum": "heritage_sites.models.ImportJob.Kind",
        "ImportStateEnum": "heritage_sites.models.ImportJob.State",
    },
    "TAGS": [
        {"name": "sites", "description": "World Heritage properties and component sites."},
        {"name": "artefacts", "description": "Relics held by institutions."},
        {"name": "scans", "description": "3D scans, their processing state and files."},
        {"name": "routes", "description": "Routes over the sites, navigation, offline packs."},
        {"name": "exhibitions", "description": "Curated exhibitions with 3D hotspots."},
        {"name": "imports", "description": "Bulk imports of sites and artefacts (curators)."},
    ],
}

# --- Visitor pages -------------------------------------------------------------------------
# Maps draw the Natural Earth countries served by the museum itself unless a tile server is
# given: a raster URL template such as https://tile.example.org/{z}/{x}/{y}.png.
MUSEUM_MAP_TILES_URL = env.str("MUSEUM_MAP_TILES_URL", "")
if MUSEUM_MAP_TILES_URL and not (
    MUSEUM_MAP_TILES_URL.startswith(("http://", "https://", "/"))
    and all(part in MUSEUM_MAP_TILES_URL for part in ("{z}", "{x}", "{y}"))
):
    env.fail(
        "MUSEUM_MAP_TILES_URL",
        "must be an http(s):// or /path URL template with {z}, {x} and {y}",
    )
MUSEUM_MAP_TILES_ATTRIBUTION = env.str("MUSEUM_MAP_TILES_ATTRIBUTION", "")
if MUSEUM_MAP_TILES_URL and not MUSEUM_MAP_TILES_ATTRIBUTION:
    env.fail("MUSEUM_MAP_TILES_ATTRIBUTION", "must credit the tiles of MUSEUM_MAP_TILES_URL")

# --- Access requests for originals, mail ----------------------------------------------------
# How long an approved request's personal download link lives.
ACCESS_REQUEST_LINK_DAYS = env.int("ACCESS_REQUEST_LINK_DAYS", 7, minimum=1)
# The embedded default writes mail to the console; a production start (DJANGO_ALLOWED_HOSTS
# set) sends it through an SMTP server, so access requests and their links reach people.
_MAIL = env.choice(
    "MUSEUM_EMAIL",
    "smtp" if env.is_set("DJANGO_ALLOWED_HOSTS") else "console",
    ["console", "file", "smtp"],
)
MAILERS = {
    "default": {
        "BACKEND": f"django.core.mail.backends.{'filebased' if _MAIL == 'file' else _MAIL}"
        ".EmailBackend",
        "OPTIONS": {
            "console": {},
            "file": {"file_path": str(env.path("MUSEUM_EMAIL_FILE_PATH", DATA_DIR / "mail"))},
            "smtp": {
                "host": env.str("MUSEUM_EMAIL_HOST", "localhost"),
                "port": env.int("MUSEUM_EMAIL_PORT", 25),
                "username": env.str("MUSEUM_EMAIL_USER", ""),
                "password": env.secret("MUSEUM_EMAIL_PASSWORD"),
                "use_tls": env.bool("MUSEUM_EMAIL_STARTTLS", False),
                "timeout": 30,
            },
        }[_MAIL],
    }
}
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", "museum@localhost")
# Where reviewers are told about new requests when the owning institution has no reviewer
# with an e-mail address.
MUSEUM_ADMIN_EMAIL = env.str("MUSEUM_ADMIN_EMAIL", "")

# --- Security in production -----------------------------------------------------------------
if not DEBUG and env.bool("DJANGO_SECURE", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Content-Security-Policy ------------------------------------------------------------------
# On every page and API response (Django's own middleware). No inline script or style runs
# without the request's nonce ({{ csp_nonce }} in templates); the visitor pages use the same
# policy. 'wasm-unsafe-eval' lets WebAssembly decoders (meshopt, Draco) compile, nothing else.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.WASM_UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", "blob:", *_public_media_origins],
    "connect-src": [CSP.SELF, "data:", "blob:", *_public_media_origins],
    "worker-src": [CSP.SELF, "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
if MUSEUM_MAP_TILES_URL.startswith(("http://", "https://")):
    # Map tiles from another host are images: img-src only, and only when one is configured.
    _scheme, _, _rest = MUSEUM_MAP_TILES_URL.partition("://")
    SECURE_CSP["img-src"].append(f"{_scheme}://{_rest.split('/', 1)[0].replace('{s}', '*')}")


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
