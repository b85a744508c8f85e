"""What the two cores did while the load ran: the bench's own processes and everything else.

Figures from two runs compare only at the same load, and this machine is shared. Every two
seconds the sampler reads /proc: the machine's busy time, and the CPU time of gunicorn's and
locust's process trees and of the PostgreSQL backends serving the bench database; the rest of the
busy time is other work. Linux only (/proc), like the machine the figures are for.
"""

import os
import statistics
import threading
import time

import psycopg

TICKS = os.sysconf("SC_CLK_TCK")


def _machine_ticks():
    """(busy, total) jiffies of all cores since boot."""
    with open("/proc/stat") as fh:
        user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in fh.readline().split()[1:9])
    busy = user + nice + system + irq + softirq + steal
    return busy, busy + idle + iowait


def _stat(pid):
    """(parent pid, CPU ticks) of a process, or None when it has gone."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[11]) + int(fields[12])


def _tree(roots):
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            found = _stat(int(name))
            if found:
                parents[int(name)] = found[0]
    members = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in members and pid not in members:
                members.add(pid)
                grew = True
    return members


class LoadSampler(threading.Thread):
    """`roots`: {name: pid} of the bench's process trees (the server, the load generator); the database
    backends are counted as «postgres». Each part's share tells where a request's core time goes."""

    def __init__(self, roots, database_url, database_name, interval=2.0):
        super().__init__(daemon=True)
        self.roots, self.interval = dict(roots), interval
        self.database_url, self.database_name = database_url, database_name
        self.stopping = threading.Event()
        self.last = {}
        self.ticks = dict.fromkeys([*self.roots, "postgres"], 0)
        self.load = []

    def _backends(self, connection):
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [self.database_name]
        ).fetchall()
        return {pid for (pid,) in rows}

    def _sample(self, connection):
        parts = {name: _tree([pid]) for name, pid in self.roots.items()}
        parts["postgres"] = self._backends(connection)
        for name, pids in parts.items():
            for pid in pids:
                found = _stat(pid)
                if found:
                    ticks = found[1]
                    self.ticks[name] += ticks - self.last.get(pid, ticks)
                    self.last[pid] = ticks
        self.load.append(os.getloadavg()[0])

    def run(self):
        with psycopg.connect(self.database_url, autocommit=True) as connection:
            self.busy_start, self.total_start = _machine_ticks()
            self.started = time.monotonic()
            self._sample(connection)
            while not self.stopping.wait(self.interval):
                self._sample(connection)
            self._sample(connection)
            self.busy_end, self.total_end = _machine_ticks()
            self.ended = time.monotonic()

    def stop(self) -> dict:
        """Average cores busy in all, with the bench (and each of its parts), with other work; the 1-minute load average seen."""
        self.stopping.set()
        self.join()
        seconds = self.ended - self.started
        busy = (self.busy_end - self.busy_start) / TICKS / seconds
        ours = sum(self.ticks.values()) / TICKS / seconds
        return {
            "cores_busy": round(busy, 2),
            "cores_bench": round(ours, 2),
            "cores_bench_parts": {name: round(ticks / TICKS / seconds, 2) for name, ticks in self.ticks.items()},
            "cores_other_work": round(max(busy - ours, 0), 2),
            "load_1m": {"min": min(self.load), "median": round(statistics.median(self.load), 2), "max": max(self.load)},
        }
