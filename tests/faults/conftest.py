"""Helpers of the fault tests: PostgreSQL-only cases and threads with connections of their own."""

import threading

import pytest
from django.db import connection, connections


@pytest.fixture
def postgres(transactional_db):
    """Committed rows that other connections (threads, processes) can see; PostgreSQL only."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "База — SQLite: этот случай (блокировки строк, одновременные соединения, pg_dump) "
            "проверяется на PostgreSQL — задайте DATABASE_URL=postgres://…, как в .ci/run"
        )


def run_together(*functions):
    """Run each function in its own thread with its own database connection, all released at once.

    Returns what each returned or raised, in order. Every thread closes its connection, so no
    session outlives the test.
    """
    start = threading.Barrier(len(functions))
    results = [None] * len(functions)

    def runner(index, function):
        try:
            start.wait()
            results[index] = ("ok", function())
        except BaseException as error:  # noqa: BLE001 — the caller asserts on it
            results[index] = ("error", error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
