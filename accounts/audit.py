"""The login audit log: Django's auth signals write a LoginEvent for every sign-in, sign-out and refusal.

Receivers are connected in AccountsConfig.ready(), after django-axes (INSTALLED_APPS order), so a
refusal that axes turned into a lockout is already flagged on the request when it is recorded.
"""

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from .models import LoginEvent

USER_AGENT_LENGTH = LoginEvent._meta.get_field("user_agent").max_length
USERNAME_LENGTH = LoginEvent._meta.get_field("username").max_length


def client_ip(request) -> str | None:
    """The address the request came from; behind N proxies (TRUSTED_PROXY_COUNT), the one they saw.

    Each proxy appends the address it received the request from to X-Forwarded-For, so the N-th
    entry from the right was written by our own proxy; anything left of it is the client's to forge.
    Also axes' AXES_CLIENT_IP_CALLABLE: lockouts and this log count the same address.
    """
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _where(request) -> dict:
    """IP and browser of the request; a login without a request (a shell, a test) has neither."""
    if request is None:
        return {"ip_address": None, "user_agent": ""}
    ip = client_ip(request)
    agent = request.META.get("HTTP_USER_AGENT", "")
    # Control characters in a header must not end up in an admin page or an exported log.
    agent = "".join(ch for ch in agent if ch.isprintable())[:USER_AGENT_LENGTH]
    return {"ip_address": ip, "user_agent": agent}


def _record(kind, *, request, user=None, username=""):
    LoginEvent.objects.create(
        kind=kind, user=user, username=(username or "")[:USERNAME_LENGTH], **_where(request)
    )


def on_logged_in(sender, request, user, **kwargs):
    _record(LoginEvent.Kind.LOGIN, request=request, user=user, username=user.get_username())


def on_logged_out(sender, request, user, **kwargs):
    # user is None when the session had already expired: there is still a logout to record.
    _record(
        LoginEvent.Kind.LOGOUT, request=request, user=user, username=user.get_username() if user else ""
    )


def on_login_failed(sender, credentials, request=None, **kwargs):
    locked = bool(request is not None and getattr(request, "axes_locked_out", False))
    _record(
        LoginEvent.Kind.LOCKED_OUT if locked else LoginEvent.Kind.FAILED,
        request=request,
        username=str(credentials.get("username", "") or ""),
    )


def connect():
    user_logged_in.connect(on_logged_in, dispatch_uid="accounts.audit.logged_in")
    user_logged_out.connect(on_logged_out, dispatch_uid="accounts.audit.logged_out")
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts.audit.login_failed")
