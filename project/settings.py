"""Settings for the statements project, read from the environment.

Development defaults are safe to run locally: SQLite in the project folder, DEBUG on.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL; with DEBUG=0 every security
setting defaults to its production value (see the README's Deploy section).
"""

import datetime
import os
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean from the environment ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list from the environment."""
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

#: Published with the code, so it protects nothing: refused when DEBUG is off.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key"  # noqa: S105 - development default
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a secret of your own when DEBUG is off (not the development key); "
        "make one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_countries",
    "simple_history",
    "axes",
    "csp",
    "statements",
    "api",
]

MIDDLEWARE = [
    # First: every line logged while a request is answered carries its id, and so does the response.
    "project.middleware.RequestIdMiddleware",
    "project.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins and refuses a locked-out address or account before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "project.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Overrides of third-party templates (ReDoc without its web fonts), found before the apps' own.
        "DIRS": [BASE_DIR / "project" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Every write starts by raising the record's version. Taking SQLite's write lock when the transaction
    # begins makes concurrent writers wait their turn (up to the timeout) instead of failing with
    # "database is locked" when a reading transaction tries to start writing.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A parallel plan spreads one query over several processes: quicker on an idle server, but an API
    # answering many requests at once already keeps every core busy, and there the extra processes cost
    # more than they gain (two participants' calls at 8 clients: 36 requests/s with PostgreSQL's default
    # of 2 workers per query, 91 without; the whole archive's facets are counted about as fast either way).
    # Likewise JIT compilation: it starts for any query estimated costly, and took 20-30 ms to compile the
    # seven facets of a month (45 ms of work) and 200 ms for the whole archive's places.
    workers = int(os.environ.get("DATABASE_PARALLEL_WORKERS", "0"))
    jit = "on" if env_bool("DATABASE_JIT", False) else "off"
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = (
        f"{options.get('options', '')} -c max_parallel_workers_per_gather={workers} -c jit={jit}".strip()
    )

# Each process keeps its own cache unless CACHE_URL names a Redis server (redis://host:port/db): then
# every worker shares the throttles' counts and the counts facets keep, and they outlive a restart.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("CACHE_URL must be a Redis URL (redis://, rediss:// or unix://).")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "statements"),
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# One date style on every page (project/formats/en/formats.py).
FORMAT_MODULE_PATH = ["project.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
# Served by WhiteNoise from STATIC_ROOT after `collectstatic`: compressed, with hashed names cached for a
# year. In development (DEBUG on) files are served from the apps as they are.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
if DEBUG:
    # Development serves files from the apps; STATIC_ROOT exists only once collectstatic has run.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)


# HTTPS and cookies: production values whenever DEBUG is off, each one overridable from the environment.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers and orchestrators probe these over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# The header only allows submitting the domain to the browsers' preload list; nothing is submitted.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Behind a proxy that ends TLS: the header it sets and the value meaning HTTPS, as "HTTP_X_FORWARDED_PROTO,https".
_proxy_ssl_header = env_list("SECURE_PROXY_SSL_HEADER", [])
SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header) if len(_proxy_ssl_header) == 2 else None
if _proxy_ssl_header and SECURE_PROXY_SSL_HEADER is None:
    raise ImproperlyConfigured('SECURE_PROXY_SSL_HEADER is a header and a value, as "HTTP_X_FORWARDED_PROTO,https".')
#: How many proxies in front of the server append to X-Forwarded-For; 0 trusts no such header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
X_FRAME_OPTIONS = "DENY"

# A Content-Security-Policy the admin, the browsable API, Swagger UI and ReDoc work under: nothing is
# loaded from elsewhere and no inline script runs. Styles may be inline (ReDoc writes its own); ReDoc
# searches in a worker it starts from a blob; Swagger UI draws its icons from data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Logins: after AXES_FAILURE_LIMIT wrong passwords from one address, or for one account, logins from it are
# refused with 429 for AXES_COOLOFF_MINUTES; a curator lifts a lockout in the admin (Axes › Access attempts)
# or with `manage.py axes_reset_username <name>` / `axes_reset_ip <address>`.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "project.logins.lockout_response"
AXES_CLIENT_IP_CALLABLE = "project.logins.client_ip"
AXES_USERNAME_CALLABLE = "project.logins.login_username"

# One JSON object per line on stdout, each with the id of the request it was written for; errors with
# their traceback.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "project.middleware.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["stdout"], "level": LOG_LEVEL, "propagate": False},
        # Django logs 4xx answers as warnings; the access log has them.
        "django.request": {"handlers": ["stdout"], "level": "ERROR", "propagate": False},
        # Lockouts and their lifting are warnings; each failed login and the start-up banner are not news.
        "axes": {"handlers": ["stdout"], "level": "WARNING", "propagate": False},
    },
}


# The API. Every knob an operator may turn is read from the environment here, in one place.
API_ANONYMOUS_READ = env_bool("API_ANONYMOUS_READ", True)
API_DEFAULT_PAGE_SIZE = int(os.environ.get("API_DEFAULT_PAGE_SIZE", "50"))
API_MAX_PAGE_SIZE = int(os.environ.get("API_MAX_PAGE_SIZE", "500"))
# Searches ordered by relevance rank the newest this many matches (ranking reads every match ranked).
API_SEARCH_RANK_WINDOW = int(os.environ.get("API_SEARCH_RANK_WINDOW", "10000"))
# Facets that take long to count (the whole archive's) may be this many seconds behind the archive, so
# that they are counted afresh once in that time rather than after every change; 0: always current.
API_FACETS_STALE_SECONDS = float(os.environ.get("API_FACETS_STALE_SECONDS", "60"))
# The most items any list in a request may have (aliases, topics, addressees, participants, filter values…).
API_MAX_LIST_ITEMS = int(os.environ.get("API_MAX_LIST_ITEMS", "100"))
API_MAX_REQUEST_BYTES = int(os.environ.get("API_MAX_REQUEST_BYTES", str(2 * 1024 * 1024)))
API_THROTTLE_RATES = {
    "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
    "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
}
# Django refuses larger bodies before the API sees them; keep it above the API's own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_REQUEST_BYTES + 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenOrBearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ModelPermissionsOrConfiguredAnonymousRead"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonymousThrottle", "api.throttling.UserThrottle"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": [
        # orjson writes JSON several times faster than the standard library, the same bytes for the same data.
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend", "api.filters.OrderingFilter"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": API_DEFAULT_PAGE_SIZE,
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

_ERROR_RESPONSE = "api.serializers.errors.ErrorResponseSerializer"
_ERROR_STATUS_CODES = ["400", "401", "403", "404", "405", "406", "409", "412", "413", "414", "415", "429"]
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "api.exceptions.ExceptionHandler",
    # Unhandled exceptions keep the API's error shape in development too.
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": True,
    "ALLOWED_ERROR_STATUS_CODES": _ERROR_STATUS_CODES,
    # One shared error component rather than one per operation: smaller schema, simpler SDKs.
    "ERROR_SCHEMAS": dict.fromkeys(_ERROR_STATUS_CODES, _ERROR_RESPONSE),
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Statement data API",
    "DESCRIPTION": (
        "Who said what, to whom, when, in which communication, as reported by which source: "
        "actors, communications and statements, each statement anchored to the exact words of its source."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its pages are read as the API is: by anyone, or with API_ANONYMOUS_READ=0 by signed-in users.
    "SERVE_PERMISSIONS": ["api.permissions.ConfiguredAnonymousRead"],
    "SERVE_AUTHENTICATION": [
        "api.authentication.TokenOrBearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    "ENFORCE_NON_BLANK_FIELDS": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.postprocess_parameter_enums",
        "api.schema.postprocess_list_limits",
        "api.schema.postprocess_page_examples",
    ],
    # In the order a reader wants them: what was said first, the records it refers to after.
    "TAGS": [
        {
            "name": "statements",
            "description": "Direct quotes and paraphrases, each anchored to its source: who said "
            "what, to whom, when, in which communication, as reported by whom. Lists, facets, CSV, history.",
        },
        {
            "name": "communications",
            "description": "Calls, meetings, readouts, briefings, negotiations: their "
            "participants and roles, dates, places and the sources reporting them.",
        },
        {
            "name": "actors",
            "description": "People, organisations, government bodies, outlets and unnamed sources, "
            "with aliases; merging duplicates.",
        },
        {"name": "actor-merges", "description": "Merges of duplicate actors, and undoing them."},
        {"name": "sources", "description": "The documents statements are anchored to; extracting draft statements."},
        {"name": "topics", "description": "Subjects, in a tree."},
        {"name": "places", "description": "Countries, regions, cities and sites."},
        {"name": "positions", "description": "Titles actors held, and when."},
        {"name": "export", "description": "The dataset as JSON Lines, whole or as a list's filters select it."},
        {"name": "auth", "description": "API tokens, sent as `Authorization: Bearer <token>` or `Token <token>`."},
    ],
    "ENUM_NAME_OVERRIDES": {
        "ActorKindEnum": "statements.choices.ActorKind",
        "PlaceKindEnum": "statements.choices.PlaceKind",
        "SourceKindEnum": "statements.choices.SourceKind",
        "DatePrecisionEnum": "statements.choices.DatePrecision",
        "CommunicationKindEnum": "statements.choices.CommunicationKind",
        "ParticipantRoleEnum": "statements.choices.ParticipantRole",
        "StatementKindEnum": "statements.choices.StatementKind",
        "CurationStatusEnum": "statements.choices.CurationStatus",
        "ErrorTypeEnum": "api.serializers.errors.ERROR_TYPES",
        "TextPositionSelectorTypeEnum": "api.serializers.statements.TEXT_POSITION_SELECTOR",
        "TextQuoteSelectorTypeEnum": "api.serializers.statements.TEXT_QUOTE_SELECTOR",
    },
}
