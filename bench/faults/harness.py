"""What every fault script needs: private servers it may stop, a scratch database, a real worker.

Nothing here touches the shared PostgreSQL on 5432 or the shared Redis on 6379 beyond creating and
dropping a database of its own: the servers a script stops are started by the script, on other
ports, in temporary directories, and removed at the end.
"""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))
SHARED_POSTGRES = os.environ.get("FAULTS_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def say(text):
    print(text, flush=True)


def wait_for(condition, *, timeout, every=0.1, what="условие"):
    """Poll until condition() is truthy; fail loudly after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"не дождались: {what} ({timeout} с)")
        time.sleep(every)


def free_port(preferred):
    """The preferred port if nothing listens there, else one the kernel picks."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", preferred)) != 0:
            return preferred
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Redis -------------------------------------------------------------------------------------

class PrivateRedis:
    """A redis-server of our own (no persistence) that the script may stop and start again."""

    def __init__(self, port=6390):
        self.port = free_port(port)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, timeout=15, what=f"Redis на порту {self.port}")

    def ping(self):
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.process = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


# --- PostgreSQL --------------------------------------------------------------------------------

def _as_postgres_user(command, **kwargs):
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=True, capture_output=True, text=True, **kwargs)


def _pg_bin(name):
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"не найден {name}: нужен сервер PostgreSQL (пакет postgresql-15)")
    return path


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary directory on its own port, trust auth, stoppable."""

    def __init__(self, port=5440):
        self.port = free_port(port)
        self.base = Path(tempfile.mkdtemp(prefix="schnor-faults-pg-"))
        self.data = self.base / "data"
        self.log = self.base / "server.log"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}"

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres")
        _as_postgres_user([_pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                           "--locale=C.UTF-8"])

    def _pg_ctl(self, *args):
        # The server inherits pg_ctl's output: a pipe would never close and the call never return.
        command = [_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _options(self):
        return ["-o", f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off"]

    def start(self):
        self._pg_ctl(*self._options(), "start")

    def stop(self, mode="fast"):
        self._pg_ctl("-m", mode, "stop")

    def restart(self, mode="fast"):
        self._pg_ctl("-m", mode, *self._options(), "restart")

    def __enter__(self):
        self.init()
        self.start()
        return self

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def database_url(server_url, name):
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


@contextlib.contextmanager
def scratch_database(server_url, name):
    """A fresh database `name` on the server (dropped first if a failed run left it), dropped after."""
    import psycopg

    admin = database_url(server_url, "postgres")

    def run(sql):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(server_url, name)
    finally:
        run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- the portal's processes --------------------------------------------------------------------

def portal_env(**overrides):
    """Production settings (DEBUG=0) with what a local run lacks; overrides win."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "schnor_portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "faults-only-secret-key-not-for-any-deployment-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # A server refuses to start with links to 127.0.0.1 (schnor_portal/checks.py, schnor.E002).
        "PORTAL_BASE_URL": "https://shnor.example.ru",
        # The scripts speak plain HTTP to gunicorn, as nginx would after TLS.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "PYTHONPATH": str(ROOT),
    }
    env.update({k: str(v) for k, v in overrides.items()})
    return env


def manage(env, *args, check=True):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=check, capture_output=True, text=True)


def migrate(env):
    say("  миграции…")
    manage(env, "migrate", "--noinput")


class Process:
    """A child process in its own session (so a kill reaches its children), its output in a file."""

    def __init__(self, command, env, log_path):
        self.command, self.env, self.log_path = command, env, Path(log_path)
        self.process = None

    def start(self):
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        log.close()
        return self

    @property
    def pid(self):
        return self.process.pid

    def children(self):
        out = subprocess.run(["pgrep", "-P", str(self.pid)], capture_output=True, text=True).stdout
        return [int(pid) for pid in out.split()]

    def kill_all(self):
        """SIGKILL the process and everything in its session: no shutdown handler runs."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill_all()


def celery_worker(env, queue, log_path, pool="prefork"):
    return Process(
        [CELERY, "-A", "schnor_portal", "worker", f"--pool={pool}", "--concurrency=1", "-Q", queue,
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        env, log_path,
    )


def gunicorn(env, port, log_path, workers=2):
    return Process(
        [str(Path(sys.executable).with_name("gunicorn")), "schnor_portal.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--graceful-timeout", "5"],
        env, log_path,
    )


def setup_django(env):
    """Use the portal's ORM in this process with the same environment as its children."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def summary(result: dict, ok: bool):
    """The last line: one JSON object; the exit code says whether the fault was survived."""
    result["ok"] = ok
    print(json.dumps(result, ensure_ascii=False), flush=True)
    sys.exit(0 if ok else 1)
