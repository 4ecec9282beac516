"""Django settings, read from the environment.

Every knob an operator may need is an environment variable; the defaults give the embedded
demo (SQLite, a local Redis, the bundled BigV simulator) so that ``make run`` needs no set-up.
Production is selected with ``PANEL_ENV=production`` and then refuses to start without the
secrets it needs (see ``panel.core.secrets``).
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from panel.core.secrets import dev_secret, env_list

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PANEL_VAR_DIR", BASE_DIR / "var"))

PANEL_ENV = os.environ.get("PANEL_ENV", "development")
PRODUCTION = PANEL_ENV == "production"
DEBUG = os.environ.get("DJANGO_DEBUG", "0" if PRODUCTION else "1") == "1"

SECRET_KEY = dev_secret("DJANGO_SECRET_KEY", VAR_DIR, production=PRODUCTION)
# Keys of their own, never SECRET_KEY: rotating the session key must not orphan stored
# credentials, and the audit key must not be readable by whoever reads the database.
PANEL_CREDENTIAL_KEYS = env_list(
    "PANEL_CREDENTIAL_KEYS",
    default=[dev_secret("PANEL_CREDENTIAL_KEY", VAR_DIR, production=PRODUCTION, fernet=True)],
)
PANEL_AUDIT_KEY = dev_secret("PANEL_AUDIT_KEY", VAR_DIR, production=PRODUCTION)
PANEL_AUDIT_CHECKPOINT = Path(
    os.environ.get("PANEL_AUDIT_CHECKPOINT", VAR_DIR / "audit-checkpoint.log")
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "panel.core",
    "panel.audit",
    "panel.team",
    "panel.credentials",
    "panel.accounts",
    "panel.vms",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "panel.core.request_id.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "panel.urls"
WSGI_APPLICATION = "panel.wsgi.application"
ASGI_APPLICATION = "panel.asgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'panel.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web process and the workers write without "database is
    # locked"; IMMEDIATE transactions take the write lock up front (no upgrade deadlocks).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not shared-cache memory: worker processes and threads must see the
    # same database as the test that started them (pytest-xdist adds a per-worker suffix).
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-panel.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("PANEL_TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# In development WhiteNoise serves straight from static/ and the apps (no collectstatic).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "static_root"))

# --- BigV ----------------------------------------------------------------------------------
# The embedded simulator serves the brain at / and the auth service under /auth on one port.
BIGV_API_URL = os.environ.get("BIGV_API_URL", "http://127.0.0.1:8765")
BIGV_AUTH_URL = os.environ.get("BIGV_AUTH_URL", "http://127.0.0.1:8765/auth")
BIGV_CONNECT_TIMEOUT = float(os.environ.get("BIGV_CONNECT_TIMEOUT", "3.05"))
BIGV_READ_TIMEOUT = float(os.environ.get("BIGV_READ_TIMEOUT", "20"))
BIGV_DEADLINE = float(os.environ.get("BIGV_DEADLINE", "30"))

# --- Redis and Celery ----------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits stay well below the broker's visibility timeout so that a task is never
# redelivered while its first run may still be alive.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- Content Security Policy (Django 6 built-in) ---------------------------------------------
from django.utils.csp import CSP  # noqa: E402  (kept beside its only use)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "panel.core.request_id.RequestIdLogFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("PANEL_LOG_LEVEL", "INFO")},
    "loggers": {
        # urllib3 logs full URLs at DEBUG, and the auth service carries tokens in URLs.
        "urllib3": {"level": "WARNING"},
    },
}
