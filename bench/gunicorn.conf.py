"""Gunicorn for the bench: the production configuration (schnor_portal/gunicorn_config.py) on the bench's port.

Sync workers, two per core (BENCH_WORKERS overrides it to try other counts), the app loaded once
and the workers forked warm, as in production; no access log, whose lines would cost the cores
the load test is measuring.
"""

import gc
import multiprocessing
import os

try:
    from schnor_portal.gunicorn_config import pre_fork, when_ready  # noqa: F401 — gunicorn's hooks
except ImportError:
    # An earlier checkout served for a «before» figure (BENCH_APP_DIR) may predate them.
    def pre_fork(server, worker):
        gc.freeze()


bind = f"127.0.0.1:{os.environ.get('BENCH_PORT', '8765')}"
workers = int(os.environ.get("BENCH_WORKERS") or 2 * multiprocessing.cpu_count())
worker_class = "sync"
preload_app = True
timeout = 60
graceful_timeout = 10
accesslog = None
errorlog = "-"
loglevel = "warning"
proc_name = "schnor-bench"
