"""A progress line on stderr: a bar on a terminal, a line every tenth of the way in a log."""

import sys
import time


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


class Progress:
    WIDTH = 30

    def __init__(self, total: int, label: str, stream=None, enabled: bool = True):
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last_tenth = -1

    def step(self, note: str = "", n: int = 1):
        self.done = min(self.done + n, self.total)
        if not self.enabled:
            return
        share = self.done / self.total
        elapsed = time.monotonic() - self.started
        left = elapsed / share - elapsed if share else 0
        filled = int(self.WIDTH * share)
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:4.0%} "
            f"{self.done}/{self.total} · прошло {_clock(elapsed)}, осталось ≈{_clock(left)} {note}"
        )
        if self.tty:
            self.stream.write("\r" + line[:160].ljust(160))
            if self.done == self.total:
                self.stream.write("\n")
        elif int(share * 10) != self._last_tenth or self.done == self.total:
            self._last_tenth = int(share * 10)
            self.stream.write(line + "\n")
        self.stream.flush()
