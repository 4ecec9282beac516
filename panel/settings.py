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
from django.core.exceptions import ImproperlyConfigured

# Each part of the panel with knobs of its own has them in panel/conf/ (its names are
# settings as if written here): BigV, its read caches and the console; notifications; Redis,
# Celery, the operations engine and the beat schedule.
from panel.conf.bigv import *  # noqa: F403
from panel.conf.environment import BASE_DIR, PANEL_ENV, PRODUCTION, VAR_DIR  # noqa: F401
from panel.conf.notifications import *  # noqa: F403
from panel.conf.workers import *  # noqa: F403
from panel.core.client_address import parse_trusted_proxies
from panel.core.logging_config import logging_config
from panel.core.secrets import dev_secret, env_list, secret_list
from panel.core.settings_env import env_bool, env_int

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
# The bundled BigV simulator stands in for BigV (compose's "demo" profile): http allowed.
PANEL_DEMO = env_bool("PANEL_DEMO", False)

SECRET_KEY = dev_secret("DJANGO_SECRET_KEY", VAR_DIR, production=PRODUCTION)
# Keys of their own, never SECRET_KEY: rotating the session key must not orphan stored
# credentials, and the audit key must not be readable by whoever reads the database.
PANEL_CREDENTIAL_KEYS = secret_list(
    "PANEL_CREDENTIAL_KEYS", VAR_DIR, production=PRODUCTION, dev_name="PANEL_CREDENTIAL_KEY"
)
PANEL_AUDIT_KEY = dev_secret("PANEL_AUDIT_KEY", VAR_DIR, production=PRODUCTION)
PANEL_AUDIT_CHECKPOINT = Path(
    os.environ.get("PANEL_AUDIT_CHECKPOINT", VAR_DIR / "audit-checkpoint.log")
)

# In production the host names must be given: a default would either refuse every request
# or accept any Host header (and with it poisoned password-reset and redirect links).
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must be set when PANEL_ENV=production")
# Only needed when the browser's origin differs from the Host the proxy passes on.
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
    "panel.runtime",
    "panel.audit",
    "panel.people",
    "panel.credentials",
    "panel.access",
    "panel.inventory",
    "panel.vms",
    "panel.grants",
    "panel.operations",
    "panel.vm_changes",
    "panel.activity",
    "panel.notifications",
    "panel.console",
]

MIDDLEWARE = [
    # Before anything reads the scheme: X-Forwarded-Proto only from PANEL_TRUSTED_PROXIES.
    "panel.core.client_address.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "panel.runtime.static_files.StaticFilesMiddleware",  # WhiteNoise, sync and async
    # request.htmx for every later middleware and view (panel.web.htmx.wants_fragment).
    "django_htmx.middleware.HtmxMiddleware",
    "panel.web.middleware.VaryOnHtmxMiddleware",
    "panel.core.request_id.RequestIdMiddleware",
    "panel.core.request_log.RequestLogMiddleware",
    # Rows a page asks for several times (the person's credential) are read once per page.
    "panel.core.request_memo.RequestMemoMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "panel.people.idle.IdleSessionMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After MessageMiddleware: its notices are read into htmx answers before it stores them.
    "panel.web.middleware.HtmxMessagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # BigV errors that escape a view become the page (or fragment) a person should see.
    "panel.web.middleware.BigVErrorMiddleware",
]

ROOT_URLCONF = "panel.urls"
WSGI_APPLICATION = "panel.wsgi.application"
ASGI_APPLICATION = "panel.asgi.application"

# Selects are written in Python, the rest as Django does (see panel.core.form_renderer).
FORM_RENDERER = "panel.core.form_renderer.PanelFormRenderer"

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
                "panel.web.frame_urls.frame_urls",
            ],
        },
    },
]

# Persistent connections default to off: under Django's stock ASGI handler each request
# runs on a new thread, and its docs advise against CONN_MAX_AGE there (connections would
# pile up). The panel's web process reuses its page threads and so sets 60 (panel/asgi.py).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'panel.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
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
# Production serves the files collectstatic wrote at image build time: hashed names (cached
# for ever by browsers) and pre-compressed copies.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Content Security Policy (Django 6 built-in) ---------------------------------------------
from django.utils.csp import CSP  # noqa: E402  (kept beside its only use)

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    # The nonce: the console's terminal (xterm.js) makes <style> elements, stamped with it.
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# --- Cookies, sessions, HTTPS (docs/architecture.md, People, credentials and audit) ------
# TLS ends at the reverse proxy. uvicorn runs with --no-proxy-headers, so REMOTE_ADDR is the
# connection's peer; the proxy's X-Forwarded-For and X-Forwarded-Proto are believed only when
# that peer is one of these addresses or networks (none by default: `make run` believes no
# header). One function says who the client is: panel.core.client_address.
PANEL_TRUSTED_PROXIES = parse_trusted_proxies(env_list("PANEL_TRUSTED_PROXIES", default=[]))
# Read only from a trusted proxy: TrustedProxyMiddleware drops the header from anyone else.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes come over plain http from inside
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
# "__Host-" cookies are only accepted over https, for this exact host, path "/": no
# subdomain can set or shadow them.
SESSION_COOKIE_NAME = "__Host-panel-session" if PRODUCTION else "panel-session"
CSRF_COOKIE_NAME = "__Host-panel-csrf" if PRODUCTION else "panel-csrf"
SESSION_COOKIE_HTTPONLY = True
# Pages carry the token themselves (forms, and hx-headers on <body>): no script reads it.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Django's database sessions, each page's read compiled once (panel/people/session_store.py).
SESSION_ENGINE = "panel.people.session_store"
# A session lives at most this long; with no click for PANEL_SESSION_IDLE_SECONDS it ends
# sooner (panel.people.idle).
SESSION_COOKIE_AGE = env_int("PANEL_SESSION_MAX_AGE_SECONDS", 12 * 60 * 60)
PANEL_SESSION_IDLE_SECONDS = env_int("PANEL_SESSION_IDLE_SECONDS", 30 * 60)
# Requests a page sends by itself (live status): they do not count as activity.
PANEL_SESSION_BACKGROUND_VIEWS = frozenset(
    {
        "operations:events",
        "operations:progress",
        "operations:team_events",
        "operations:running",
        "operations:list_table",
        "operations:batch_events",
        "operations:batch_progress",
    }
)

# Login throttling (panel.people.throttle): this many failures for one username from one
# address lock that pair for the cool-off period; this many from any addresses together lock
# the username everywhere. The same limits guard the password-change form and connecting
# BigV credentials (counted per panel user). `manage.py login_unlock USERNAME` lifts them.
PANEL_LOGIN_FAILURE_LIMIT = env_int("PANEL_LOGIN_FAILURE_LIMIT", 5)
PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
PANEL_LOGIN_COOLOFF_SECONDS = env_int("PANEL_LOGIN_COOLOFF_SECONDS", 15 * 60)
if min(PANEL_LOGIN_FAILURE_LIMIT, PANEL_LOGIN_ACCOUNT_FAILURE_LIMIT) < 1:
    raise ImproperlyConfigured("PANEL_LOGIN_*FAILURE_LIMIT must be at least 1")

# JSON lines in production (or PANEL_LOG_FORMAT=json), readable text otherwise; tokens are
# cut out of both (panel.core.log_redaction). PANEL_LOG_LEVELS sets single loggers, e.g.
# "urllib3=DEBUG,panel.request=WARNING".
LOGGING = logging_config(
    json_lines=os.environ.get("PANEL_LOG_FORMAT", "json" if PRODUCTION else "text") == "json",
    level=os.environ.get("PANEL_LOG_LEVEL", "INFO"),
    levels=os.environ.get("PANEL_LOG_LEVELS", ""),
)
# Error reports (the DEBUG 500 page, mailed or logged reports) with secrets cut out.
DEFAULT_EXCEPTION_REPORTER = "panel.core.error_reports.RedactingExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "panel.core.error_reports.RedactingExceptionReporterFilter"
