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
    "AXES_USERNAME_FAILURE_LIMIT", "AXES_USERNAME_COOLOFF_HOURS", "PORTAL_BASE_URL", "DEFAULT_FROM_EMAIL",
    "ADMINS", "SERVER_EMAIL",
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
    return {
        "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "shnor.example.ru",
        # Read, never connected to: the commands here only load the settings.
        "REDIS_URL": "redis://127.0.0.1:6379/14", "PORTAL_BASE_URL": "https://shnor.example.ru",
        "DEFAULT_FROM_EMAIL": "Портал ШНОР <noreply@example.ru>", **extra,
    }


SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
    "('DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_PROXY_SSL_HEADER')}))"
)


def test_check_deploy_reports_nothing_with_production_settings():
    # The two silenced: HSTS for subdomains and preload, off unless opted in (next test).
    done = manage("check", "--deploy", "--fail-level", "DEBUG", **production())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (2 silenced)." in done.stdout


def test_check_deploy_silences_nothing_when_hsts_is_opted_in():
    env = production(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1")
    done = manage("check", "--deploy", "--fail-level", "DEBUG", **env)
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
        # Opt-in (README «Безопасность»): other hosts of a municipal domain may still be plain HTTP.
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
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
    "'idle': s.SESSION_COOKIE_AGE, 'renew': s.SESSION_RENEW_SECONDS, 'close': s.SESSION_EXPIRE_AT_BROWSER_CLOSE, "
    "'pair': [s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds()], "
    "'name': [s.AXES_USERNAME_FAILURE_LIMIT, s.AXES_USERNAME_COOLOFF_TIME.total_seconds()], "
    "'script': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src']}))"
)


def test_sessions_and_lockouts_default_to_the_shared_computer_values():
    done = manage("shell", "-c", SESSION_AND_LOGIN, **production())
    assert done.returncode == 0, done.stderr
    values = json.loads(done.stdout.strip().splitlines()[-1])
    assert values == {
        "idle": 8 * 3600, "renew": 60, "close": True,
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


# What a server needs beside the key (schnor_portal/checks.py): without it the portal would start
# and fail later, silently (no digests, links to 127.0.0.1, letters refused by the mail server).
MISSING = [
    ({"REDIS_URL": ""}, "schnor.E001", "REDIS_URL не задан"),
    ({"PORTAL_BASE_URL": ""}, "schnor.E002", "PORTAL_BASE_URL"),
    ({"PORTAL_BASE_URL": "http://127.0.0.1:8000"}, "schnor.E002", "указывает на этот компьютер"),
    # What `export $(cat .env | xargs)` leaves of «Портал ШНОР <noreply@example.ru>».
    ({"DEFAULT_FROM_EMAIL": "Портал"}, "schnor.E003", "не адрес электронной почты"),
    ({"ADMINS": "Иван Петров"}, "schnor.E005", "ADMINS"),
]


@pytest.mark.parametrize(("change", "check_id", "words"), MISSING)
def test_a_server_missing_a_setting_does_not_start(change, check_id, words):
    done = manage("shell", "-c", "print('started')", **production(**change))
    assert done.returncode != 0 and "started" not in done.stdout
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: Портал не запущен:")
    assert check_id in last and words in last


@pytest.mark.parametrize(("change", "check_id", "words"), MISSING)
def test_check_deploy_names_the_missing_setting(change, check_id, words):
    done = manage("check", "--deploy", **production(**change))
    assert done.returncode != 0
    assert f"({check_id})" in done.stderr and words in done.stderr


def test_check_deploy_lists_every_problem_at_once():
    done = manage("check", "--deploy", **production(REDIS_URL="", PORTAL_BASE_URL="", DEFAULT_FROM_EMAIL="x"))
    assert all(f"(schnor.E00{n})" in done.stderr for n in (1, 2, 3)), done.stderr


def test_a_local_run_needs_none_of_them():
    done = manage("shell", "-c", "print('started')", DEBUG="1")
    assert done.returncode == 0 and "started" in done.stdout, done.stderr


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("Портал ШНОР <noreply@example.ru>", True),
        ("noreply@example.ru", True),
        ('"Портал ШНОР" <noreply@example.ru>', True),
        ("Портал", False),
        ("Портал ШНОР <noreply>", False),
        ("", False),
    ],
)
def test_from_addresses(value, valid):
    from schnor_portal.checks import from_address_is_valid

    assert from_address_is_valid(value) is valid


def test_env_example_loads_whole_in_a_shell(tmp_path):
    # The way README documents (set -a; . file; set +a): every variable arrives, quoted ones whole.
    script = "set -a; . ./.env.example; set +a; env -0"
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, env={"PATH": os.environ["PATH"]},
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    loaded = dict(item.split("=", 1) for item in done.stdout.split("\0") if "=" in item)
    example = (ROOT / ".env.example").read_text()
    names = [line.split("=", 1)[0] for line in example.splitlines() if line and not line.startswith("#")]
    assert names and all(name in loaded for name in names)
    assert loaded["DEFAULT_FROM_EMAIL"] == "Портал ШНОР <noreply@example.ru>"
    assert loaded["LOG_LEVEL"] == "INFO"  # the last line too
    # No apostrophes: one in a comment is what broke the old `export $(cat … | xargs)`.
    assert "'" not in example


def test_env_example_with_a_real_key_passes_check_deploy(tmp_path):
    def run(extra):
        script = f"set -a; . ./.env.example; {extra} set +a; exec \"$PYTHON\" manage.py check --deploy"
        env = {"PATH": os.environ["PATH"], "PYTHON": sys.executable, "HOME": str(tmp_path)}
        return subprocess.run(["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)

    # The placeholder key is refused: the one value an admin must change before anything else.
    done = run("")
    assert done.returncode != 0 and "SECRET_KEY слишком слабый" in done.stderr
    done = run(f"SECRET_KEY={secrets.token_urlsafe(50)};")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues (2 silenced)" in done.stdout


def test_admins_come_from_the_environment():
    show = "import json; from django.conf import settings as s; print(json.dumps(s.ADMINS))"
    done = manage("shell", "-c", show, **production(ADMINS="Иван Петров <it@example.ru>,anna@example.ru"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == [["Иван Петров", "it@example.ru"], ["", "anna@example.ru"]]


def test_demo_data_is_refused_on_a_server(db):
    # settings_test runs with DEBUG off, as a server does: the demo accounts share the password «demo».
    from django.core.management import CommandError, call_command

    from accounts.models import User

    with pytest.raises(CommandError, match="не загружаются при DEBUG=0.*--allow-production"):
        call_command("load_demo")
    assert not User.objects.exists()
