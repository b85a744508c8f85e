"""Gunicorn as the portal runs in production: `gunicorn -c schnor_portal/gunicorn_config.py schnor_portal.wsgi`.

Sync workers, two per core: every request is CPU work in Python or a wait on PostgreSQL, and two
per core keep the cores busy while one worker waits on the database (LIBRARIES.md). More machines
take more gunicorn processes with the same settings; GUNICORN_WORKERS and GUNICORN_BIND set them
here. The bench (bench/gunicorn.conf.py) serves the portal with these hooks.
"""

import gc
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count())
worker_class = "sync"
timeout = 60
graceful_timeout = 30
# The portal is imported once in the master and the workers are forked from it (see when_ready).
preload_app = True
accesslog = "-"
errorlog = "-"


def when_ready(server):
    # In the master, after the portal is imported and before any worker is forked.
    from schnor_portal.warmup import warm

    server.log.info("Шаблонов скомпилировано до запуска рабочих процессов: %s", warm())


def pre_fork(server, worker):
    # What the master holds lives as long as the workers: frozen, it is not walked by every full
    # garbage collection in every worker, nor copied on write by it.
    gc.freeze()
