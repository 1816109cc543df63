"""Progress for long runs when stderr is not a terminal (a log file, a CI job).

On a terminal the stages draw their own bars. Elsewhere a quiet run of ten minutes
looks hung, so :class:`Heartbeat` prints one line every few seconds: the current
stage, the time so far and the peak memory, e.g.
``aligner: progress: embed, 25 s, peak memory 640 MB``.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


def peak_memory_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports kB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


class Heartbeat:
    """A background thread printing the current stage every ``interval`` seconds
    while the work runs; silent for runs shorter than ``interval``."""

    def __init__(self, stream: TextIO | None = None, interval: float = 5.0, enabled: bool = True) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self.enabled = enabled
        self.stage = "starting"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = 0.0

    def __enter__(self) -> Heartbeat:
        if self.enabled:
            self._start = time.monotonic()
            self._thread = threading.Thread(target=self._run, name="aligner-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            elapsed = time.monotonic() - self._start
            try:
                print(
                    f"aligner: progress: {self.stage}, {elapsed:.0f} s, peak memory {peak_memory_mb():.0f} MB",
                    file=self.stream,
                    flush=True,
                )
            except (OSError, ValueError):  # stderr closed: nobody is watching
                return

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        """Name the stage shown from now on (until the next step starts: the short
        gaps between steps belong to the last one)."""
        self.stage = name
        yield


def command_heartbeat(settings) -> Heartbeat:
    """A command's heartbeat (``[progress] interval_seconds`` of ``settings``): on only
    when stderr is not a terminal, where the stages draw their own bars."""
    return Heartbeat(interval=settings.progress.interval_seconds, enabled=not sys.stderr.isatty())


def stage_timer(heartbeat: Heartbeat):
    """A pipeline timer that also tells ``heartbeat`` which stage runs."""
    from .pipeline import _Timer

    class _ShownTimer(_Timer):
        @contextmanager
        def stage(self, name: str):
            with heartbeat.step(name.replace("_", " ")), super().stage(name):
                yield

    return _ShownTimer()
