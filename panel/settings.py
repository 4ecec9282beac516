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

from panel.core.client_address import parse_trusted_proxies
from panel.core.logging_config import logging_config
from panel.core.secrets import dev_secret, env_list, secret_list
from panel.core.settings_env import env_bool, env_int, env_networks

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PANEL_VAR_DIR", BASE_DIR / "var"))

PANEL_ENV = os.environ.get("PANEL_ENV", "development")
PRODUCTION = PANEL_ENV == "production"
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

# --- BigV ----------------------------------------------------------------------------------
# The embedded simulator serves the brain at / and the auth service under /auth on one port.
BIGV_API_URL = os.environ.get("BIGV_API_URL", "http://127.0.0.1:8765")
BIGV_AUTH_URL = os.environ.get("BIGV_AUTH_URL", "http://127.0.0.1:8765/auth")
BIGV_CONNECT_TIMEOUT = float(os.environ.get("BIGV_CONNECT_TIMEOUT", "3.05"))
BIGV_READ_TIMEOUT = float(os.environ.get("BIGV_READ_TIMEOUT", "20"))
BIGV_DEADLINE = float(os.environ.get("BIGV_DEADLINE", "30"))
# The only hosts credentials may be sent to (panel.core.checks). Loopback (the simulator of
# `make run`) is allowed outside production without being listed.
BIGV_ALLOWED_HOSTS = env_list("BIGV_ALLOWED_HOSTS", default=["uk0.bigv.io", "auth.bytemark.co.uk"])
# The VM tables' per-user read cache (panel.core.read_cache): how long a listing is reused
# while nobody writes through the panel (0 turns it off), and how many VMs one process holds.
READ_CACHE_SECONDS = float(os.environ.get("PANEL_READ_CACHE_SECONDS", "10"))
# A person's BigV access (privileges and what they can see, panel.access) is read when they
# connect, on demand, and again when older than this.
PANEL_SCOPE_SECONDS = float(os.environ.get("PANEL_SCOPE_SECONDS", "900"))
READ_CACHE_MAX_VMS = int(os.environ.get("PANEL_READ_CACHE_MAX_VMS", "20000"))

# --- The serial console in the browser (panel.console; README "The console") ---------------
# How a VM's console is reached. Empty: BigV's own way, ssh <bigv-user>@<management address>
# on port 22. "NETWORK=HOST:PORT" (comma-separated): management addresses in NETWORK go
# through a console gateway at HOST:PORT with the address in the login name
# (<bigv-user>+<address>) — what `make run` sets for the simulator (docs/bigv-api.md C80).
BIGV_CONSOLE_ADDRESSES = os.environ.get("BIGV_CONSOLE_ADDRESSES", "")
# The consoles' SSH host keys (an OpenSSH known_hosts file): the panel connects to no other.
BIGV_CONSOLE_KNOWN_HOSTS = os.environ.get(
    "BIGV_CONSOLE_KNOWN_HOSTS", str(VAR_DIR / "console-known-hosts")
)
PANEL_CONSOLE_MAX_PER_PERSON = env_int("PANEL_CONSOLE_MAX_PER_PERSON", 3)
# A console nobody types into for this long is closed.
PANEL_CONSOLE_IDLE_SECONDS = env_int("PANEL_CONSOLE_IDLE_SECONDS", 15 * 60)
# How often an open console checks that its person may still use it (logged in, active,
# connected to BigV, level high enough); a log-out in the same process closes it at once.
PANEL_CONSOLE_CHECK_SECONDS = float(os.environ.get("PANEL_CONSOLE_CHECK_SECONDS", "5"))

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
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    # A Redis that vanished without closing its connections (a killed server, a network
    # partition) is noticed: no socket operation waits forever, half-open connections are
    # checked and replaced (kombu's health checks), and a timeout is retried once.
    "socket_timeout": 10,
    "socket_connect_timeout": 3,
    "socket_keepalive": True,
    "health_check_interval": 10,
    "retry_on_timeout": True,
}
# Sending a task while Redis is down gives up after one quick retry (about a second): the
# page answers, the operation row is already saved, and the reconciler sends it later.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker that loses Redis keeps trying to reconnect — forever, not 100 times — with Celery's
# growing back-off. (Where a Celery/kombu bug still kills it, it is started again: the
# supervisor of `make run`, compose's restart policy.)
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
# Workers log through LOGGING below (JSON lines, redaction) instead of Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# On losing the broker, stop acks_late tasks: their messages go back to the queue, and the
# operation's lease/epoch (panel.operations) keeps a redelivered copy from doing any harm.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
# Tests give every session (and xdist worker) a queue of its own so that parallel runs and
# the developer's `make run` worker never take each other's tasks.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("PANEL_CELERY_QUEUE", "celery")

# Operations (panel.operations). Every wait is a re-enqueued task, never a sleep; a run's
# lease is renewed on each step write and must outlast one API call (BIGV_DEADLINE).
OPERATIONS_LEASE_SECONDS = float(os.environ.get("PANEL_OPERATIONS_LEASE_SECONDS", "90"))
OPERATIONS_RECONCILE_SECONDS = float(os.environ.get("PANEL_OPERATIONS_RECONCILE_SECONDS", "30"))
OPERATIONS_POLL_SECONDS = float(os.environ.get("PANEL_OPERATIONS_POLL_SECONDS", "2"))
OPERATIONS_POWER_OFF_WAIT_SECONDS = float(
    os.environ.get("PANEL_OPERATIONS_POWER_OFF_WAIT_SECONDS", "60")
)
OPERATIONS_BOOT_WAIT_SECONDS = float(os.environ.get("PANEL_OPERATIONS_BOOT_WAIT_SECONDS", "300"))
OPERATIONS_PROVISION_WAIT_SECONDS = float(
    os.environ.get("PANEL_OPERATIONS_PROVISION_WAIT_SECONDS", "1200")
)
OPERATIONS_STEP_RETRIES = int(os.environ.get("PANEL_OPERATIONS_STEP_RETRIES", "3"))
OPERATIONS_RETRY_SECONDS = float(os.environ.get("PANEL_OPERATIONS_RETRY_SECONDS", "5"))
# A step keeps trying through a BigV outage this long (and at least STEP_RETRIES times).
OPERATIONS_OUTAGE_SECONDS = float(os.environ.get("PANEL_OPERATIONS_OUTAGE_SECONDS", "300"))
# Written by `make run`'s supervisor (panel.runtime.supervisor); /healthz shows its processes.
PANEL_STACK_STATUS = os.environ.get("PANEL_STACK_STATUS", "")
# How often a live page's stream re-reads its rows even when nothing was announced (a lost
# message, an operation no worker looks after any more), and sends a keep-alive.
PANEL_LIVE_HEARTBEAT_SECONDS = float(os.environ.get("PANEL_LIVE_HEARTBEAT_SECONDS", "15"))
OPERATIONS_COMPENSATION_GRACE_SECONDS = float(
    os.environ.get("PANEL_OPERATIONS_COMPENSATION_GRACE_SECONDS", "60")
)
# Audit intents (panel.audit.intents): a write's audit entry is started before the BigV call
# and completed after it. One left without a result (its process died in between) shows as
# "outcome unknown" and is sealed into the chain as such once older than the grace period:
# well past the longest a call may take (BIGV_DEADLINE bounds one, retries included).
# Both can be shortened from the environment for drills and trials; the default grace is
# the safe one.
PANEL_AUDIT_INTENT_GRACE_SECONDS = float(
    os.environ.get("PANEL_AUDIT_INTENT_GRACE_SECONDS", max(300.0, 4 * BIGV_DEADLINE))
)
PANEL_AUDIT_SEAL_SECONDS = float(os.environ.get("PANEL_AUDIT_SEAL_SECONDS", "60"))
# Celery beat (started by `make run`): resume operations whose lease expired; seal audit
# intents left by a crash. In-memory schedule with a heartbeat file (see panel/core/beat.py).
CELERY_BEAT_SCHEDULER = "panel.runtime.beat:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "reconcile-operations": {
        "task": "panel.operations.reconcile_operations",
        "schedule": OPERATIONS_RECONCILE_SECONDS,
        # A tick that waited longer than one interval is superseded by the next one.
        "options": {"expires": OPERATIONS_RECONCILE_SECONDS},
    },
    "seal-audit-intents": {
        "task": "panel.audit.seal_intents",
        "schedule": PANEL_AUDIT_SEAL_SECONDS,
        "options": {"expires": PANEL_AUDIT_SEAL_SECONDS},
    },
    # Notifications whose task the broker lost, or whose worker died mid-send.
    "resend-notifications": {
        "task": "panel.notifications.resend",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
}

# --- Notifications (panel.notifications; docs/notifications.md) ------------------------------
# E-mail goes through Django's e-mail framework (its MAILERS): SMTP from the EMAIL_*
# variables in production or once EMAIL_HOST is given, otherwise printed by the worker (the
# console backend: `make run`). Tests get Django's in-memory backend.
_email_host = os.environ.get("EMAIL_HOST", "")
_smtp = {
    "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "OPTIONS": {
        "host": _email_host or "localhost",
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "use_ssl": env_bool("EMAIL_USE_SSL", False),
        "timeout": env_int("EMAIL_TIMEOUT", 10),
    },
}
_console = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {"default": _smtp if PRODUCTION or _email_host else _console}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "BigV Panel <panel@localhost>")
# Where links in messages point (e.g. https://panel.example.com); `make run` sets its own.
PANEL_BASE_URL = os.environ.get("PANEL_BASE_URL", "")
# Tries per message, and the first wait between them (doubling, capped at an hour).
PANEL_NOTIFY_ATTEMPTS = env_int("PANEL_NOTIFY_ATTEMPTS", 6)
PANEL_NOTIFY_RETRY_SECONDS = float(os.environ.get("PANEL_NOTIFY_RETRY_SECONDS", "30"))
# Seconds a webhook receiver has to answer.
PANEL_WEBHOOK_TIMEOUT = float(os.environ.get("PANEL_WEBHOOK_TIMEOUT", "10"))
# In production webhooks reach public addresses only, and these private networks besides
# (comma-separated, e.g. "10.20.0.0/16"): see panel/bigv/outbound.py.
PANEL_WEBHOOK_PRIVATE_NETWORKS = env_networks("PANEL_WEBHOOK_PRIVATE_NETWORKS")

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
