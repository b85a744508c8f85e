"""Settings of the ШНОР portal.

Every deployable value comes from the environment (see .env.example); the defaults
run `make run` on one machine: SQLite, eager Celery, e-mail to the console.
"""

import datetime
import logging
import time
from email.utils import parseaddr
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

from schnor_portal.checks import secret_key_is_weak

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Only for a local run: a fixed key would let anyone forge sessions in production.
    SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"
# Refused here, before anything else is read: the rule lives in checks.py (schnor.E004) beside
# the other settings a server cannot run without.
if not DEBUG and secret_key_is_weak(SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY слишком слабый: нужна случайная строка не короче 50 знаков, не меньше 5 разных "
        "символов, без приставки «django-insecure-» и не пример из .env.example. Создайте ключ: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'. "
        "SECRET_KEY is weak: use a random string of at least 50 characters with at least 5 distinct "
        "characters, not starting with 'django-insecure-' and not the example from .env.example."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "schnor_portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Before accounts: its signal receivers run first, so the login audit sees a lockout flagged.
    "axes",
    # Its system checks refuse the pre-4.0 CSP_* settings that would silently do nothing.
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "template_partials",
    "simple_history",
    "schnor_portal",
    "accounts",
    "schools",
    "clusters",
    "roadmaps",
    "monitoring",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files need no policy), before everything that may answer instead of
    # the view (the lockout page, error pages): they get the policy too.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionRenewalMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "schools.clock.MunicipalityTimezoneMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Under DEBUG only: a wrong address gets templates/404.html, not Django's English debug page.
    "schnor_portal.errors.DebugNotFoundMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "schnor_portal.urls"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "schnor_portal.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# A kept connection is tested before each request reuses it: after PostgreSQL restarts, the
# first request of each process gets a fresh connection instead of an error.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Choice lists are read with .iterator(): on PostgreSQL each would declare, fetch and close a
# server-side cursor (three round trips for thirty schools), and server-side cursors do not
# survive a transaction-pooling PgBouncer either.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
# Parameters bound on the server, and a query a connection has run five times prepared: PostgreSQL
# then plans it once per connection instead of on every run. Planning was two thirds of the
# database's work for a page (bench/README.md «сессия 11»). PgBouncer keeps prepared statements in
# transaction mode from 1.21 on (max_prepared_statements); DATABASE_PREPARED_STATEMENTS=0 behind an
# older one.
PREPARED_STATEMENTS = {"server_side_binding": True, "prepare_threshold": 5}
USE_PREPARED_STATEMENTS = env.bool("DATABASE_PREPARED_STATEMENTS", default=True)
# A streaming read replica (README «Реплика для чтения», schnor_portal/db_router.py): the heavy reads
# of dashboards, registers, overviews and exports go there; writes, and the reads of a browser that
# wrote in the last REPLICA_STICKY_SECONDS, stay on the primary; a replica that is down or more than
# REPLICA_MAX_LAG_SECONDS behind (checked every REPLICA_CHECK_SECONDS) is skipped.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
REPLICA_STICKY_SECONDS = env.int("REPLICA_STICKY_SECONDS", default=10)
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
REPLICA_CHECK_SECONDS = env.float("REPLICA_CHECK_SECONDS", default=2.0)
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {
        **env.db_url_config(DATABASE_REPLICA_URL),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": True,
        # A replica that does not answer is skipped after two seconds, not waited for.
        "OPTIONS": {"connect_timeout": 2},
        # The tests have one database: the replica's alias reads the test database of "default".
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["schnor_portal.db_router.ReplicaRouter"]
    # Inside the session middleware: saving the session on every request is not a write of the user's.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
        "schnor_portal.db_router.ReplicaStickinessMiddleware",
    )
for _database in DATABASES.values():
    if USE_PREPARED_STATEMENTS and _database["ENGINE"].endswith("postgresql"):
        _database.setdefault("OPTIONS", {}).update(PREPARED_STATEMENTS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.LoginThrottleBackend", "accounts.backends.PortalBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
USE_I18N = True
# The server clock is UTC; each request is shown in its municipality's zone (accounts.middleware).
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_TZ = True
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Evidence and signed PDFs are private: they live outside the static tree and are never
# served by URL, only through views that check access (monitoring, reports).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media-not-served/"
# Evidence and signed PDFs readable by the service user and its group only (nginx is not in it).
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# A mail server that stops answering must not hold a worker (and the digest row it locked) forever.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Портал ШНОР <noreply@localhost>")
# Invitation and «Забыли пароль?» links work once and expire after this many seconds (3 days: an
# invitation sent on Friday is still good on Monday).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=3 * 24 * 60 * 60)

REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
# Without Redis nothing else has to run: tasks execute in-process, right away.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "UTC"
# The worker and beat log through LOGGING below (times in UTC, said so on each line) instead of
# Celery's own format in the process's local time: one journal, one clock.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A task taken by a worker that died (acks_late) goes back to the queue after this many
    # seconds; every task that acks late is idempotent, so a redelivery while it still runs is safe.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # With Redis down, a page that queues work must learn it in a second or two, not hang.
    "socket_connect_timeout": 2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
# The result backend is the same Redis: the same short wait, and a dead pooled connection noticed.
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_REDIS_BACKEND_HEALTH_CHECK_INTERVAL = 30

REDIS_CACHE_OPTIONS = {
    # The cache only saves work: with Redis down a read is a miss and a write is skipped (and
    # logged), and every page is computed from PostgreSQL instead of failing.
    "IGNORE_EXCEPTIONS": True,
    "SOCKET_CONNECT_TIMEOUT": 0.5,
    "SOCKET_TIMEOUT": 0.5,
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_URL, "OPTIONS": REDIS_CACHE_OPTIONS}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions (and the messages that fall back to them) live in PostgreSQL, never in the cache:
# with Redis stopped nobody is logged out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# School staff share computers: a session ends after SESSION_IDLE_MINUTES without a request (a
# request moves the end forward, writing the session row at most once a SESSION_RENEW_SECONDS:
# accounts.middleware.SessionRenewalMiddleware), and its cookie dies with the browser, so the next
# person at the computer does not find someone else logged in.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=8 * 60) * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = env.int("SESSION_RENEW_SECONDS", default=60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", default=True)

# Production is HTTPS behind a proxy (nginx) that sets X-Forwarded-Proto; `make run` (DEBUG=1)
# is plain HTTP on 127.0.0.1, so every default below follows DEBUG and each can be overridden.
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A year; the portal is one host name of its own, served only over HTTPS.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
# Subdomains and preload are opt-in: the portal is often a subdomain of a municipal domain whose
# other hosts (mail webmail, old sites) may still be plain HTTP, and a browser that once saw
# includeSubDomains on the parent would refuse them for a year; preload cannot be taken back soon.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
# The header alone enrols nothing: only a submission at hstspreload.org does.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Left off on purpose (above), so Django's deploy check need not warn of it: the silenced ids are
# the decision, visible in `check --deploy`'s «silenced» count.
SILENCED_SYSTEM_CHECKS = [
    *(["security.W005"] if not SECURE_HSTS_INCLUDE_SUBDOMAINS else []),
    *(["security.W021"] if not SECURE_HSTS_PRELOAD else []),
]
# Health checks of the proxy and the load balancer come over plain HTTP to these paths.
# /health/ too: a monitoring probe on the server itself asks gunicorn directly, without TLS.
SECURE_REDIRECT_EXEMPT = env.list("SECURE_REDIRECT_EXEMPT", default=[r"^health/$"])
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Django's default, stated: a link out of the portal sends no Referer, so no page address leaves it.
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4) of every page and htmx fragment; downloads of evidence
# keep their own stricter one (monitoring/control/views/files.py). Scripts only from static files:
# no inline <script>, no on…= handlers (tests/test_security_headers.py scans the templates), and
# htmx runs without eval (base.html sets allowEval: false).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # Style sheets and <style> elements only from static files. Style *attributes* stay allowed:
        # progress bars and report progress set their width from data (style="width: 40%"), tables
        # set column widths, and htmx fragments bring the same markup. An attribute can only restyle
        # the element that carries it (no selectors, no url() fetch beyond img-src), and Django
        # escapes every value put into one, so this is the least that lets the pages look right.
        # Browsers without style-src-attr (Firefox < 108) fall back to style-src and drop them.
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        # data: for Bootstrap's own SVG icons (select arrows, check marks, the menu button) inside
        # its CSS; charts and QR codes are server-side SVG in the page.
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# How many proxies of ours stand before gunicorn (nginx: 1); the client's address is then taken
# from X-Forwarded-For as they wrote it (accounts.audit.client_ip), for lockouts and the login log.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Login protection (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one user name from
# one address, that pair is locked for AXES_COOLOFF_MINUTES, and each further try during the lock
# starts the wait again; a correct password before the limit resets the count. Locking the pair,
# not the address alone: a school's staff share one address behind the municipal NAT.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.audit.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
# And a second rule axes cannot express (one limit, one cool-off for all its parameters): after
# AXES_USERNAME_FAILURE_LIMIT failures for one user name from any addresses within
# AXES_USERNAME_COOLOFF_HOURS (since its last successful login), the name is locked, so guessing
# from many addresses gains nothing. Counted on axes' failure log (accounts.lockout.LockoutHandler).
AXES_USERNAME_FAILURE_LIMIT = env.int("AXES_USERNAME_FAILURE_LIMIT", default=20)
AXES_USERNAME_COOLOFF_TIME = datetime.timedelta(hours=env.int("AXES_USERNAME_COOLOFF_HOURS", default=24))
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The login audit (accounts.LoginEvent) is the log; axes keeps its counters and the failure log
# the rule above counts on.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Who gets a letter with the traceback of each server error (500): ADMINS="Имя <a@b.ru>,Имя <c@d.ru>".
ADMINS = [parseaddr(entry) for entry in env.list("ADMINS", default=[])]
SERVER_EMAIL = env.str("SERVER_EMAIL", default="") or DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = "[Портал ШНОР] "


class _UTCFormatter(logging.Formatter):
    # The log says «UTC» beside each time: the server clock may be set to any zone, and the
    # portal's own times (TIME_ZONE, per municipality) are not the journal's.
    converter = time.gmtime


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "utc": {
            "()": _UTCFormatter,
            "format": "%(asctime)s UTC %(levelname)s %(name)s %(process)d: %(message)s",
            "datefmt": "%Y-%m-%d %H:%M:%S",
        },
    },
    "handlers": {
        # stderr: under systemd it goes to the journal (journalctl -u schnor-web), see deploy/.
        "console": {"class": "logging.StreamHandler", "formatter": "utc"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # axes tells at INFO of every login («deleted 0 failed attempts»); failures and lockouts are WARNING.
        "axes": {"level": "WARNING"},
        # A letter to ADMINS for each 500 comes from Django's default logging (its "django" logger's
        # mail_admins handler, DEBUG off), which this configuration keeps: not added twice here.
    },
}

# Execution tracking (monitoring): evidence uploads, reminders.
# Evidence files: at most this size, kept under PRIVATE_MEDIA_ROOT (default MEDIA_ROOT/private), never served by URL.
EVIDENCE_MAX_BYTES = env.int("EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default="")
# Links in e-mails are absolute: letters are read outside the portal.
# The default is `make run`'s; a server left with it (or any local address) refuses to start (schnor.E002).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Only for EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (a worker writing letters to files).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / "artifacts" / "mail"))

# With DEBUG off every process (gunicorn, Celery worker and beat, manage.py) refuses to start, in one
# Russian line, when a setting it needs is missing or malformed (schnor_portal/checks.py, run from
# apps.py); `manage.py check --deploy` lists the same as schnor.E001–E004.
STARTUP_CHECKS = not DEBUG
