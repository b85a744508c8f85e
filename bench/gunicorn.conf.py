"""Gunicorn as the portal runs in production, sized for this 2-core machine.

Sync workers: every request is CPU work in Python or a wait on PostgreSQL, which runs on the same
two cores. Two workers per core keep both cores busy while one worker waits on the database,
without so many that they only fight over the cores (LIBRARIES.md: 3–4 sync workers on 2 cores
beside PostgreSQL, Redis and Celery). BENCH_WORKERS overrides it to try other counts.
"""

import gc
import multiprocessing
import os

bind = f"127.0.0.1:{os.environ.get('BENCH_PORT', '8765')}"
workers = int(os.environ.get("BENCH_WORKERS") or 2 * multiprocessing.cpu_count())
worker_class = "sync"
# The app (settings, URLconf, templates' loaders) is loaded once and forked: workers start warm.
preload_app = True
timeout = 60
graceful_timeout = 10
# Per-request access lines would cost the cores the load test is measuring.
accesslog = None
errorlog = "-"
loglevel = "warning"
proc_name = "schnor-bench"


def pre_fork(server, worker):
    # The app is loaded once (preload_app) and lives as long as the worker: frozen, its objects are
    # not walked by every full garbage collection in every worker, nor copied on write by it.
    gc.freeze()
