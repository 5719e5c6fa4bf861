"""Settings shared by every environment.

Configuration comes from environment variables (see README); each environment's module
(dev, test, production) starts from here and overrides what differs.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# --- Core -------------------------------------------------------------------------------

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_forms_gds",
    "django_tables2",
    "django_filters",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "wsoa",
    "governance",
    "actions",
    "kpis",
    # On top of the others: every file format (plans, meetings, KPIs).
    "formats",
    # On top of everything: generated data for benchmarks and demos.
    "sampledata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before anything reads the body (CSRF reads the form): refuses what is too large at once.
    "wsoa.request_limits.RequestSizeLimitMiddleware",
    "wsoa.sessions.RenewIdleSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wsoa.urls"
WSGI_APPLICATION = "wsoa.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wsoa.context_processors.service",
                "wsoa.context_processors.navigation",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
# SQLite is the embedded default; PostgreSQL is the real deployment database (DATABASE_URL).

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep connections between requests, and check one before reusing it: a database restart then
# costs no more than the requests in flight.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------

AUTH_USER_MODEL = "wsoa.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A password reset link works once (Django's tokens change with the password) for 3 days.
PASSWORD_RESET_TIMEOUT = 3 * 24 * 60 * 60
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out sign-in before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Sign-in throttling (django-axes; docs/security.md) ---------------------------------
# After AXES_FAILURE_LIMIT wrong passwords for one username from one IP address, that
# username is refused from that address until the cool-off ends or an administrator
# unlocks it (admin "Access attempts", or `manage.py axes_reset_username <username>`).

AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The address is REMOTE_ADDR (django-ipware is not installed), never a spoofable
# X-Forwarded-For: behind a reverse proxy every sign-in shares the proxy's address, so the
# lockout is then per username, which is stricter, not weaker.

# --- Sessions ---------------------------------------------------------------------------
# A session ends after SESSION_IDLE_MINUTES without a request and, by default, when the
# browser closes. Use renews it (wsoa.sessions.RenewIdleSessionMiddleware) at most once every
# SESSION_RENEW_AFTER_SECONDS, rather than writing it on every request.

SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_RENEW_AFTER_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# --- Content Security Policy (django-csp 4; docs/security.md) ---------------------------
# Scripts and styles only from our own origin or inline with this response's nonce
# (`nonce="{{ request.csp_nonce }}"`); no inline style attributes, no plugins, no framing.

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Internationalisation ---------------------------------------------------------------

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"

# --- Static files and uploads -----------------------------------------------------------

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Evidence files and rendered board packs go through Django's storage API. Local files under
# MEDIA_ROOT by default (one machine, or a shared volume); with several app servers, an object
# store every server shares, through django-storages (docs/operations.md):
# FILE_STORAGE=s3 (S3-compatible: AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL, …) or
# FILE_STORAGE=azure (AZURE_CONTAINER, AZURE_CONNECTION_STRING).
FILE_STORAGE_BACKENDS = {
    "local": "django.core.files.storage.FileSystemStorage",
    "s3": "storages.backends.s3.S3Storage",
    "azure": "storages.backends.azure_storage.AzureStorage",
}
FILE_STORAGE = env("FILE_STORAGE", default="local")
STORAGES = {
    "default": {"BACKEND": FILE_STORAGE_BACKENDS[FILE_STORAGE]},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if FILE_STORAGE == "s3":
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
        "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
elif FILE_STORAGE == "azure":
    STORAGES["default"]["OPTIONS"] = {
        "azure_container": env("AZURE_CONTAINER"),
        "connection_string": env("AZURE_CONNECTION_STRING"),
        "overwrite_files": False,
    }
# Evidence files live outside the web root and are served only through a permission check.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "uploads")

# --- Forms and tables -------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
DJANGO_TABLES2_TEMPLATE = "tables/govuk_table.html"

# --- Service ----------------------------------------------------------------------------

SERVICE_NAME = env("SERVICE_NAME", default="SEND WSOA tracker")
# No request body larger than this is read (wsoa.request_limits); each upload form then has
# its own limit below it. Non-file form fields are bounded by Django's own settings.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=11 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # 2.5 MB of form fields (Django's default, stated)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files are spooled to a temporary file
# A plan file larger than this is refused before it is parsed.
PLAN_UPLOAD_MAX_BYTES = env.int("PLAN_UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)

# The address people reach the service at: links in reminder emails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Days before a board meeting that leads are reminded of actions with no update.
GOVERNANCE_REMINDER_LEAD_DAYS = env.int("GOVERNANCE_REMINDER_LEAD_DAYS", default=7)

# --- Background work (Django's Tasks framework, the django-tasks backport) ----------------
# The embedded default runs each task at once, in the request that asked for it (no worker to
# start). A real deployment uses the database backend, so PostgreSQL is the only moving part,
# and runs `manage.py db_worker` beside the app servers (see docs/operations.md).

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"),
    }
}
# A queued task older than this means the worker is not keeping up (the health check says so).
TASKS_HEALTHY_WAIT_SECONDS = env.int("TASKS_HEALTHY_WAIT_SECONDS", default=300)

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="wsoa-tracker@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}
