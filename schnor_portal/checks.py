"""What a server must have before it starts: refused at startup, reported by `manage.py check --deploy`.

Each of these would otherwise fail silently later: without REDIS_URL tasks run inside the web
request and beat never fires (no digests), without PORTAL_BASE_URL the links in letters and the QR
code of signed orders point at 127.0.0.1, and a DEFAULT_FROM_EMAIL that is not an address has every
letter refused by the mail server, or cut at the first space by a shell that loaded the settings.

`production_problems` is plain Python over the values, so settings.py, the system check and the
startup refusal (apps.py) read one list.
"""

from email.utils import parseaddr
from urllib.parse import urlsplit

from django.core import checks
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# The placeholder of .env.example: a server set up by copying the file must not start with it.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"
# PORTAL_BASE_URL's default is `make run`'s address: on a server it means the variable was not set.
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


def secret_key_is_weak(key: str) -> bool:
    # The rule of Django's deploy check (security.W009), made fatal: a warning nobody reads would
    # leave sessions, password-reset links and signed files forgeable.
    return len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-") or key == EXAMPLE_SECRET_KEY


def from_address_is_valid(value: str) -> bool:
    """«Портал ШНОР <noreply@example.ru>» or a bare address; «Портал» (what a shell left of it) is not."""
    name, address = parseaddr(value)
    if not address or "@" not in address:
        return False
    try:
        validate_email(address)
    except ValidationError:
        return False
    return True


def production_problems(*, secret_key, redis_url, portal_base_url, default_from_email, admins=()):
    """(check id, Russian message) for each setting a server (DEBUG off) cannot run without."""
    problems = []
    if not redis_url:
        problems.append((
            "schnor.E001",
            "REDIS_URL не задан: без Redis фоновые задачи выполняются внутри запроса, а рассылки по "
            "расписанию не уходят. Задайте REDIS_URL=redis://127.0.0.1:6379/0.",
        ))
    parts = urlsplit(portal_base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.hostname in LOCAL_HOSTS:
        problems.append((
            "schnor.E002",
            f"PORTAL_BASE_URL «{portal_base_url}» не задан или указывает на этот компьютер: ссылки в "
            "письмах и QR-код подписанных приказов поведут не туда. Задайте "
            "PORTAL_BASE_URL=https://<адрес портала>.",
        ))
    if not from_address_is_valid(default_from_email):
        problems.append((
            "schnor.E003",
            f"DEFAULT_FROM_EMAIL «{default_from_email}» — не адрес электронной почты: почтовый сервер "
            "отвергнет письма. Пример: DEFAULT_FROM_EMAIL=\"Портал ШНОР <noreply@example.ru>\" (в кавычках).",
        ))
    wrong_admins = [address or name for name, address in admins if not from_address_is_valid(address)]
    if wrong_admins:
        problems.append((
            "schnor.E005",
            f"ADMINS: не адрес электронной почты: {', '.join(wrong_admins)}. Пример: "
            "ADMINS=\"Иван Петров <it@example.ru>,Анна Смирнова <anna@example.ru>\" (в кавычках).",
        ))
    if secret_key_is_weak(secret_key):
        problems.append((
            "schnor.E004",
            "SECRET_KEY слишком слабый: нужна случайная строка не короче 50 знаков, не меньше 5 разных "
            "символов, без приставки «django-insecure-» и не пример из .env.example.",
        ))
    return problems


def _settings_problems(settings):
    return production_problems(
        secret_key=settings.SECRET_KEY,
        redis_url=settings.REDIS_URL,
        portal_base_url=settings.PORTAL_BASE_URL,
        default_from_email=settings.DEFAULT_FROM_EMAIL,
        admins=settings.ADMINS,
    )


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs):
    from django.conf import settings

    if settings.DEBUG:
        return []
    return [checks.Error(message, id=check_id) for check_id, message in _settings_problems(settings)]


def startup_refusal(settings) -> str:
    """One Russian line naming every missing setting, or '' when the server may start."""
    if settings.DEBUG or not settings.STARTUP_CHECKS:
        return ""
    problems = _settings_problems(settings)
    if not problems:
        return ""
    return "Портал не запущен: " + " ".join(f"[{check_id}] {message}" for check_id, message in problems)
