"""Settings for the test suite: the production settings with test-only shortcuts."""

import os
import tempfile

# Long enough for the weak-key refusal of settings.py (DEBUG is off here, as on a server).
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment-3f9a1c7e5b")

from .settings import *  # noqa: E402,F403

# Tests run with DEBUG off but are no server: Celery is eager without Redis and letters link to
# the test address on purpose. The refusal itself is tested in tests/faults/test_check_deploy.py.
STARTUP_CHECKS = False
# A fast hasher: hashing strength is not what the tests measure.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; tests render templates without it.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
MEDIA_ROOT = tempfile.mkdtemp(prefix="schnor-test-media-")
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STATIC_ROOT = tempfile.mkdtemp(prefix="schnor-test-static-")
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not shared-cache memory: the live server's threads (browser tests) then wait for
    # each other's locks instead of failing with «database table is locked».
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"schnor-test-{os.getpid()}.sqlite3")}  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20  # noqa: F405
# The test client speaks plain HTTP: no redirect to HTTPS and no HSTS in tests (production
# defaults are checked by tests/faults/test_check_deploy.py in a subprocess).
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Renewing the session is one UPDATE of its row, at most once a minute (measured by
# tests/accounts/test_session_timeout.py); off here, so the query counts of the page tests count
# the page, and those tests need not each add a write that depends on the clock.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = None
