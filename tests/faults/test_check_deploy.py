"""`manage.py check --deploy` with production settings reports nothing; a local run stays plain HTTP.

Each case runs manage.py in a subprocess with only the environment a server (or `make run`) has:
settings are read once per process, so this is the only honest way to see their defaults.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What the test process may carry over from CI or a developer's shell and must not leak in.
PORTAL_VARIABLES = {
    "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "DATABASE_URL", "REDIS_URL",
    "DJANGO_SETTINGS_MODULE", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "TRUSTED_PROXY_COUNT",
    "SESSION_IDLE_MINUTES", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "AXES_FAILURE_LIMIT", "AXES_COOLOFF_MINUTES",
    "AXES_USERNAME_FAILURE_LIMIT", "AXES_USERNAME_COOLOFF_HOURS",
    # Set by the browser tests' fixtures (Playwright runs an event loop) for this process only.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if k not in PORTAL_VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="schnor_portal.settings", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def production(**extra):
    return {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "shnor.example.ru", **extra}


SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
    "('DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER')}))"
)


def test_check_deploy_reports_nothing_with_production_settings():
    done = manage("check", "--deploy", "--fail-level", "DEBUG", **production())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout


def test_production_defaults_are_the_secure_ones():
    done = manage("shell", "-c", SHOW, **production())
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_a_local_run_stays_plain_http():
    # `make run`: DEBUG=1 and nothing else, on http://127.0.0.1:8000.
    done = manage("shell", "-c", SHOW, DEBUG="1")
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values["SECURE_SSL_REDIRECT"] is False and values["SECURE_HSTS_SECONDS"] == 0
    assert values["SESSION_COOKIE_SECURE"] is False and values["CSRF_COOKIE_SECURE"] is False


def test_a_server_without_a_secret_key_does_not_start():
    done = manage("check", DEBUG="0", ALLOWED_HOSTS="shnor.example.ru")
    assert done.returncode != 0 and "SECRET_KEY must be set" in done.stderr


@pytest.mark.parametrize(
    "key",
    [
        "short-but-random-9f3c1e7a2b",  # under 50 characters
        "ab" * 40,  # long, but two distinct characters
        "django-insecure-" + secrets.token_urlsafe(50),  # what startproject writes
        "change-me-to-a-long-random-string",  # the placeholder of .env.example
    ],
)
def test_a_server_with_a_weak_secret_key_does_not_start(key):
    done = manage("check", **production(SECRET_KEY=key))
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "SECRET_KEY слишком слабый" in done.stderr and "SECRET_KEY is weak" in done.stderr


def test_the_example_key_is_the_one_refused():
    example = (ROOT / ".env.example").read_text()
    assert "SECRET_KEY=change-me-to-a-long-random-string\n" in example


def test_a_local_run_may_keep_a_short_key():
    done = manage("check", DEBUG="1", SECRET_KEY="local")
    assert done.returncode == 0, done.stderr


SESSION_AND_LOGIN = (
    "import json; from django.conf import settings as s; print(json.dumps({"
    "'idle': s.SESSION_COOKIE_AGE, 'renew': s.SESSION_SAVE_EVERY_REQUEST, 'close': s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
    "'pair': [s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds()], "
    "'name': [s.AXES_USERNAME_FAILURE_LIMIT, s.AXES_USERNAME_COOLOFF_TIME.total_seconds()], "
    "'script': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']}))"
)


def test_sessions_and_lockouts_default_to_the_shared_computer_values():
    done = manage("shell", "-c", SESSION_AND_LOGIN, **production())
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values == {
        "idle": 8 * 3600, "renew": True, "close": True,
        "pair": [5, 15 * 60], "name": [20, 24 * 3600], "script": ["'self'"],
    }


def test_sessions_and_lockouts_follow_the_environment():
    env = production(
        SESSION_IDLE_MINUTES="30", SESSION_EXPIRE_AT_BROWSER_CLOSE="0",
        AXES_USERNAME_FAILURE_LIMIT="10", AXES_USERNAME_COOLOFF_HOURS="12",
    )
    done = manage("shell", "-c", SESSION_AND_LOGIN, **env)
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert (values["idle"], values["close"], values["name"]) == (30 * 60, False, [10, 12 * 3600])
