"""Chibo settings, read from environment variables through small typed helpers.

Safe defaults: DEBUG is off unless asked for, and outside development the
server refuses to start without a real SECRET_KEY.
"""

import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def envbool(name: str, default: str = "False") -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def envint(name: str, default: str) -> int:
    value = os.environ.get(name, default)
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", "False")
# CHIBO_DEV is set by the README's development command and by the test runner.
DEVELOPMENT = envbool("CHIBO_DEV", "False") or "pytest" in sys.modules
_DEV_SECRET = "chibo-development-only-secret-key-not-for-production"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
# Outside development a real key is required: `chibo serve` and the WSGI application refuse to
# start without one (commands such as migrate or audit do not need it).
SECRET_KEY_MISSING = not SECRET_KEY
if SECRET_KEY_MISSING and (DEVELOPMENT or DEBUG):
    SECRET_KEY, SECRET_KEY_MISSING = _DEV_SECRET, False

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if (DEBUG or DEVELOPMENT) else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "chibo.orgs",
    "chibo.rules",
    "chibo.meetings",
    "chibo.supervision",
    "chibo.notices",
    "chibo.fees",  # party fees: the ledger, reliefs, the calculator
    "chibo.reports",
    "chibo.results",
    "chibo.interchange",
    "chibo.jobs",  # background jobs (Celery): see the CELERY block below
    "chibo.api",
    "ninja",  # serves /api/docs from its own static files (no CDN, no inline script: the CSP holds)
    "auditlog",
    "chibo.changelog",
    "chibo.accounts",
    "chibo.home",  # the start page of each role
    "chibo.reminders",  # the daily reminders and the notifications of the top bar
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "chibo.requestlog.RequestLogMiddleware",  # first: one line per request with its time (LOGGING below)
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files under `chibo serve` (STORAGES below)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "chibo.changelog.middleware.ChangeLogMiddleware",  # django-auditlog: who and from where
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends sessions of deactivated users / removed roles; asks for the second factor.
    "chibo.accounts.middleware.AccountSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

# The change log (chibo.changelog): django-auditlog with Chibo's entry model (organisation paths).
AUDITLOG_LOGENTRY_MODEL = "changelog.LogEntry"
# auditlog's own LogEntry is swapped for ours; without its migrations its table is never created
# (a leftover table with foreign keys to the users would stop PostgreSQL from truncating them).
MIGRATION_MODULES = {"auditlog": None}

ROOT_URLCONF = "chibo.urls"
WSGI_APPLICATION = "chibo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chibo.orgs.context.nav",
                "chibo.reminders.context.topbar",  # the top bar's counts, in one query
            ],
        },
    },
]

DATA_DIR = Path(os.environ.get("CHIBO_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'chibo.sqlite3'}"),
        conn_max_age=envint("DB_CONN_MAX_AGE", "0"),
        conn_health_checks=True,  # a kept connection (chibo serve: DB_CONN_MAX_AGE=60) is checked before reuse
    )
}
#: PostgreSQL plans a statement again on every execution unless it is prepared: for the small
#: queries of a page that planning is most of the database's work (bench/load/README.md). With
#: DB_PREPARE_THRESHOLD=N (chibo serve: 2, its connections are kept) a connection prepares a
#: statement once it has run it N times (0: at its first run; psycopg's prepared statements, which
#: need server-side binding). Unset or "off": Django's default, nothing prepared (for a pooler in
#: transaction mode without prepared-statement support, e.g. PgBouncer older than 1.21).
DB_PREPARE_THRESHOLD = os.environ.get("DB_PREPARE_THRESHOLD", "off").strip().lower()
#: Statements a connection keeps prepared (psycopg's prepared_max, 100 by default): the load
#: test's requests use about 140 different ones; beyond it the least recently used is dropped.
DB_PREPARED_MAX = 500
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DB_PREPARE_THRESHOLD not in ("", "off"):
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"server_side_binding": True, "prepare_threshold": envint("DB_PREPARE_THRESHOLD", DB_PREPARE_THRESHOLD)}
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL: readers go on while one request writes (chibo serve's workers and threads, the jobs run
    # in-process); NORMAL is safe with WAL (a power cut loses at most the last commits, never the file).
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("CHIBO_TEST_SQLITE") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Accounts (chibo/accounts): login throttling (django-axes), second factor (django-otp, TOTP).
AUTHENTICATION_BACKENDS = ["chibo.accounts.backends.ChiboBackend"]
# A login fails for 1 hour after 5 wrong passwords for the same account (from any address) or
# from the same address (for any account); an administrator lifts it in /quan-tri/ (Axes →
# access attempts: delete) or with `chibo axes_reset_username NAME` / `chibo axes_reset_ip IP`.
AXES_FAILURE_LIMIT = envint("CHIBO_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("CHIBO_LOGIN_LOCKOUT_MINUTES", "60") / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/lockout.html"
AXES_VERBOSE = False
# Behind N reverse proxies the client address is taken from X-Forwarded-For (only then).
_PROXY_COUNT = envint("CHIBO_PROXY_COUNT", "0")
if _PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = _PROXY_COUNT
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
OTP_TOTP_ISSUER = "Chibo"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt")]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
FORMAT_MODULE_PATH = ["chibo.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"  # filled by collectstatic (`chibo serve`), served by WhiteNoise
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
NODE_MODULES = BASE_DIR / "node_modules"
# Only what pages use is published from node_modules (never the whole tree, whose files include
# .package-lock.json): htmx, as /static/vendor/htmx/htmx.min.js, and Chart.js (the dashboard's
# charts) as /static/vendor/chartjs/chart.umd.min.js. The Tinos font of the documents
# is read from node_modules by chibo/meetings/documents/fonts.py and is not served.
VENDOR_STATIC = {"vendor/htmx": NODE_MODULES / "htmx.org" / "dist",
                 "vendor/chartjs": NODE_MODULES / "chart.js" / "dist"}
STATICFILES_DIRS += [(prefix, path) for prefix, path in VENDOR_STATIC.items() if path.is_dir()]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))
# Static files are served by WhiteNoise (`chibo serve` runs collectstatic into STATIC_ROOT before
# gunicorn starts): outside development with hashed names and gzip copies, cached for a year by
# browsers. Development and the tests keep Django's plain storage (no collectstatic needed).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if (DEBUG or DEVELOPMENT)
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# A file missing from the manifest (collectstatic not run after an upgrade) keeps its plain name
# instead of failing the page.
WHITENOISE_MANIFEST_STRICT = False
# scripts/start.sh runs the development server with DEBUG off (users see Chibo's error pages, not
# Django's technical ones; DEBUG=1 brings those back for developers): WhiteNoise then serves the
# static files straight from the apps and node_modules, as Django's own server does under DEBUG.
WHITENOISE_USE_FINDERS = DEBUG or DEVELOPMENT
WHITENOISE_AUTOREFRESH = DEBUG or DEVELOPMENT

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if (DEBUG or DEVELOPMENT) else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "chibo@localhost")
# The address put before the links of the reminder e-mails (chibo.reminders), e.g. https://chibo.example.vn
CHIBO_BASE_URL = os.environ.get("CHIBO_BASE_URL", "")

# --- CELERY: background jobs (chibo/jobs; README, "Background jobs") ----------------------------
# Production: a Redis broker (REDIS_URL or CELERY_BROKER_URL, e.g. redis://127.0.0.1:6379/0) and
# `celery -A chibo.jobs worker` / `celery -A chibo.jobs beat` beside the web server. Without a
# broker (development, scripts/start.sh) and under pytest, jobs run eagerly in-process right
# after the transaction that enqueued them commits (chibo.jobs.enqueue): nothing else runs.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or "memory://localhost/"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL.startswith("memory://") or "pytest" in sys.modules
CELERY_TASK_EAGER_PROPAGATES = False  # an eager job's failure is stored (JobFailure), not raised
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "chibo")
# Jobs sent to other queues than the default, for workers started with -Q: CELERY_ROUTES is a
# comma-separated list of TASK-PATTERN=QUEUE, e.g. "chibo.results.tasks.*=refresh".
CELERY_TASK_ROUTES = {pattern.strip(): {"queue": queue.strip()}
                      for pattern, _, queue in (item.partition("=") for item in envlist("CELERY_ROUTES"))}
if not all(CELERY_TASK_ROUTES) or not all(r["queue"] for r in CELERY_TASK_ROUTES.values()):
    raise ImproperlyConfigured("CELERY_ROUTES must be TASK-PATTERN=QUEUE, ..., e.g. chibo.results.tasks.*=refresh")
CELERY_TASK_ACKS_LATE = True  # a job is acknowledged when done: a worker lost hands it on
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True  # no result backend: failures are stored by chibo.jobs
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", "3600")}
CELERY_TIMEZONE = TIME_ZONE
# A save's re-audit (chibo.results) waits this many seconds on a worker, and the saves of those
# seconds to the same cell-year share one job: a meeting recorded tap by tap is re-audited a few
# times, not once per tap. 0 re-audits after every save. Eager jobs (no broker) never wait.
RESULTS_REFRESH_DELAY = envint("RESULTS_REFRESH_DELAY", "20")
# The same for the saves of a meeting's live recording (the recording page's autosaves): a cell
# meeting for two hours is re-audited every few minutes, not every 20 seconds (chibo.results.signals).
RESULTS_RECORDING_DELAY = envint("RESULTS_RECORDING_DELAY", "300")
# With a Redis broker the cache is on the same Redis, shared by the web and worker processes (the
# cell-years waiting for their re-audit are kept there); otherwise each process has its own.
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": os.environ.get("CACHE_URL") or CELERY_BROKER_URL, "KEY_PREFIX": "chibo"}}
    # Sessions read from that cache (written through to the database): one query less per request.
    # Ending a session does not rely on deleting its row: the user's session epoch (chibo.accounts).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Production security defaults: outside development (DEBUG off, no CHIBO_DEV) HTTPS is required:
# HSTS for a year (subdomains included), secure cookies, and plain HTTP redirected to HTTPS.
# Behind a TLS proxy that redirects itself set SECURE_SSL_REDIRECT=0, and let Django trust the
# proxy's scheme header with SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https. The health
# check /healthz is never redirected.
_PRODUCTION = not (DEBUG or DEVELOPMENT)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", str(_PRODUCTION))
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000" if _PRODUCTION else "0")
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "True")
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "True")
_PROXY_SSL_HEADER = envlist("SECURE_PROXY_SSL_HEADER")
if _PROXY_SSL_HEADER:
    if len(_PROXY_SSL_HEADER) != 2:
        raise ImproperlyConfigured("SECURE_PROXY_SSL_HEADER must be HEADER,VALUE, e.g. HTTP_X_FORWARDED_PROTO,https")
    SECURE_PROXY_SSL_HEADER = tuple(_PROXY_SSL_HEADER)
SECURE_CONTENT_TYPE_NOSNIFF = True
CSRF_FAILURE_VIEW = "chibo.views.csrf_failure"  # Vietnamese, with a way back (Django's page is English)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", str(_PRODUCTION))
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", str(_PRODUCTION))
X_FRAME_OPTIONS = "DENY"

# Uploads (chibo.limits): a file is streamed to a temporary file and stops being stored past
# 20 MB, so an oversized upload is refused by its form without filling the disk; other request
# bodies (form fields) stay within Django's 2.5 MB.
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "chibo.uploads.CappedTemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no inline
# <script>, no on*= handlers, no style="" attributes (tests/test_csp.py checks every page).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# Logs go to stderr: one line per request from chibo.requestlog (logger chibo.requests, INFO;
# CHIBO_REQUEST_LOG=0 turns it off), the rest from LOG_LEVEL up. LOG_FORMAT=json writes every
# line as a JSON object (for a log collector); the default is plain text.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, got {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "chibo.requestlog.JsonFormatter"},
    },
    "filters": {"mask_secrets": {"()": "chibo.requestlog.MaskSecrets"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT,
                             "filters": ["mask_secrets"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "chibo.requests": {"handlers": ["console"], "propagate": False,
                           "level": "INFO" if envbool("CHIBO_REQUEST_LOG", "True") else "WARNING"},
    },
}
