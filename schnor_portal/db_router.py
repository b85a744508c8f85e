"""Heavy reads on a streaming read replica, everything else on the primary.

Configured by DATABASE_REPLICA_URL (settings.py adds DATABASES["replica"] only then); without it
every query goes to "default", as before. README «Реплика для чтения» explains the settings.

Who reads where:

- A view marked with ``use_replica`` (the dashboards, registers, overviews and exports: pages that
  read many rows and write none) reads from the replica. Everything else — other pages, forms,
  Celery tasks, management commands — reads from the primary. Writes always go to the primary.
- Read your own writes: a request that is not GET/HEAD/OPTIONS, or that wrote anything, leaves a
  cookie (``ReplicaStickinessMiddleware``); for REPLICA_STICKY_SECONDS that browser's requests read
  from the primary, so a report saved a moment ago is on the next page even though the replica
  replays it a little later. Inside a request, a read after a write, or inside a transaction, goes
  to the primary as well.
- A replica that is down or replays more than REPLICA_MAX_LAG_SECONDS behind the primary is not
  used: the state is checked once per REPLICA_CHECK_SECONDS and kept in Django's cache (shared by
  the gunicorn workers of a machine through Redis), and a failed check marks it down for the same
  time. The decision is taken once when a marked view starts, not per query.
"""

import contextvars
import logging
import time
from contextlib import ContextDecorator

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError

logger = logging.getLogger(__name__)

REPLICA = "replica"
STICKY_COOKIE = "schnor_primary_until"
HEALTH_CACHE_KEY = "schnor:replica:health"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# The alias the reads of the current marked view go to (None: the primary, Django's default).
_read_alias = contextvars.ContextVar("schnor_read_alias", default=None)
# This request (or task) must read from the primary: its browser wrote a moment ago, or it writes.
_pinned = contextvars.ContextVar("schnor_pinned_to_primary", default=False)
# Something was written in this request: the reads after it see it only on the primary.
_wrote = contextvars.ContextVar("schnor_wrote", default=False)

# The replica's state read by the last check in this process: (checked at, usable), so that a cache
# miss in Redis is not a query per view either.
_local_health = {"at": float("-inf"), "usable": False}


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _max_lag() -> float:
    return float(getattr(settings, "REPLICA_MAX_LAG_SECONDS", 5))


def _check_interval() -> float:
    return float(getattr(settings, "REPLICA_CHECK_SECONDS", 2))


def sticky_seconds() -> int:
    return int(getattr(settings, "REPLICA_STICKY_SECONDS", 10))


def replica_lag_seconds():
    """Seconds the replica's replay is behind, measured on the replica; None when it is unreachable.

    A replica that has replayed everything it received reports 0 even when the primary has been
    idle for an hour (pg_last_xact_replay_timestamp is then old, but nothing is missing). A
    database that is not in recovery (a promoted replica, or the mirror of the tests) reports 0.
    """
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 "
                "WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
            )
            return float(cursor.fetchone()[0])
    except DatabaseError as error:
        logger.warning("Реплика для чтения недоступна, чтение идёт с основного сервера: %s", error)
        # The broken connection is not reused by the next check.
        connections[REPLICA].close()
        return None


def replica_usable() -> bool:
    """Is the replica up and no more than REPLICA_MAX_LAG_SECONDS behind? Checked at most every
    REPLICA_CHECK_SECONDS per process and per cache."""
    now = time.monotonic()
    if now - _local_health["at"] < _check_interval():
        return _local_health["usable"]
    usable = cache.get(HEALTH_CACHE_KEY)
    if usable is None:
        lag = replica_lag_seconds()
        usable = lag is not None and lag <= _max_lag()
        if lag is not None and not usable:
            logger.warning("Реплика для чтения отстаёт на %.1f с (предел %s с): чтение идёт с основного сервера", lag, _max_lag())
        cache.set(HEALTH_CACHE_KEY, usable, _check_interval())
    _local_health.update(at=now, usable=usable)
    return usable


def forget_replica_health():
    """Drop what is known of the replica's state (after a failover, and in tests)."""
    _local_health.update(at=float("-inf"), usable=False)
    cache.delete(HEALTH_CACHE_KEY)


class _ReplicaReads(ContextDecorator):
    """The reads inside go to the replica when it is configured, healthy and this request has not
    written; a new instance for every call of a decorated view (the tokens are per call)."""

    def __init__(self):
        self._tokens = []

    def _recreate_cm(self):
        return _ReplicaReads()

    def __enter__(self):
        alias = REPLICA if replica_configured() and not _pinned.get() and replica_usable() else None
        self._tokens.append(_read_alias.set(alias))
        return alias

    def __exit__(self, *exc):
        _read_alias.reset(self._tokens.pop())
        return False


def use_replica(func=None):
    """Mark a view's reads for the replica: ``@use_replica`` on a view, or ``with use_replica():``."""
    if func is None:
        return _ReplicaReads()
    return _ReplicaReads()(func)


def reading_from() -> str:
    """The alias a read would go to now (for the tests and the bench's report)."""
    return ReplicaRouter().db_for_read(None) or DEFAULT_DB_ALIAS


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: reads of marked views to the replica, the rest to the primary."""

    def db_for_read(self, model, **hints):
        alias = _read_alias.get()
        if alias is None:
            return DEFAULT_DB_ALIAS
        if _pinned.get() or _wrote.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        _wrote.set(True)
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object read from either relates to the other's.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica receives the schema by streaming replication, never by migrate.
        return db != REPLICA


class ReplicaStickinessMiddleware:
    """Read your own writes: a browser that wrote reads from the primary for REPLICA_STICKY_SECONDS.

    The cookie holds the moment until which it is pinned; forging it only sends one's own reads to
    the primary. Without a replica configured the middleware does nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        pinned = writes or _pinned_by_cookie(request.COOKIES.get(STICKY_COOKIE))
        pinned_token, wrote_token = _pinned.set(pinned), _wrote.set(False)
        try:
            response = self.get_response(request)
            wrote = writes or _wrote.get()
        finally:
            _pinned.reset(pinned_token)
            _wrote.reset(wrote_token)
        if wrote:
            seconds = sticky_seconds()
            response.set_cookie(
                STICKY_COOKIE,
                f"{time.time() + seconds:.0f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _pinned_by_cookie(value) -> bool:
    try:
        return float(value) > time.time()
    except (TypeError, ValueError):
        return False
