"""Progress on stderr: a live scan's rich progress bars on a terminal (silent otherwise unless --verbose);
an offline run's status line on a terminal once it has taken a second (OfflineLine)."""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Callable, Iterator


@contextmanager
def reporter(verbose: bool = False, stream=None) -> Iterator[Callable[[str, int, int], None] | None]:
    """Yields progress(account_id, done, total), or None when nothing is to be shown."""
    stream = stream or sys.stderr
    if stream.isatty():
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        lock = threading.Lock()
        tasks: dict[str, int] = {}
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=Console(file=stream), transient=not verbose) as bars:
            def update(account_id: str, done: int, total: int) -> None:
                with lock:
                    if account_id not in tasks:
                        tasks[account_id] = bars.add_task(f"account {account_id}", total=total)
                    bars.update(tasks[account_id], completed=done, total=total)

            waits = {"count": 0}

            def waiting(err: dict, tries: int, seconds: float) -> None:
                """A retry is about to wait: say so, so that a slow or unreachable endpoint is not silence."""
                with lock:
                    waits["count"] += 1
                    text = (f"retrying: {err.get('code')} (try {tries + 1} in {seconds:.1f}s; "
                            f"{waits['count']} retries so far)")
                    if "retries" not in tasks:
                        tasks["retries"] = bars.add_task(text, total=None)
                    bars.update(tasks["retries"], description=text)

            update.waiting = waiting  # type: ignore[attr-defined]
            yield update
    elif verbose:
        lock = threading.Lock()

        def line(account_id: str, done: int, total: int) -> None:
            with lock:
                print(f"aliaudit: account {account_id}: {done}/{total} collection tasks done", file=stream, flush=True)

        last = {"at": 0.0}

        def waiting(err: dict, tries: int, seconds: float) -> None:
            """--verbose off a terminal: one line a second at most, so a log is not flooded by throttling."""
            import time

            with lock:
                if time.monotonic() - last["at"] >= 1.0:
                    last["at"] = time.monotonic()
                    print(f"aliaudit: retrying: {err.get('code')} (try {tries + 1} in {seconds:.1f}s)", file=stream,
                          flush=True)

        line.waiting = waiting  # type: ignore[attr-defined]
        yield line
    else:
        yield None


class OfflineLine:
    """One status line on a terminal for an offline run: shown only once the run has taken `delay` seconds,
    then redrawn with the current step and the time so far, and erased at the end. Nothing when the stream
    is not a terminal (a log or a pipe gets no carriage returns)."""

    def __init__(self, stream=None, delay: float = 1.0, interval: float = 0.25, enabled: bool = True):
        import time

        self.stream = stream or sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.text = ""
        self.shown = False
        self._drawn = ""
        self._clock = time.monotonic
        self._started = self._clock()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = None
        if self.enabled:
            self._thread = threading.Thread(target=self._run, args=(delay, interval), name="progress", daemon=True)
            self._thread.start()

    def step(self, text: str) -> None:
        self.text = text

    def _run(self, delay: float, interval: float) -> None:
        if self._stop.wait(delay):
            return
        while not self._stop.is_set():
            with self._lock:
                if self._stop.is_set():
                    return
                text = f"aliaudit: {self.text} ({self._clock() - self._started:.0f} s)"
                if not self.shown or text != self._drawn:  # redrawn when it changes, or after a clear()
                    self.stream.write(f"\r\x1b[K{text}")
                    self.stream.flush()
                    self.shown, self._drawn = True, text
            self._stop.wait(interval)

    def clear(self) -> None:
        """Erase the line now (before other text goes to the stream); it is drawn again at the next tick."""
        with self._lock:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self.shown = False

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self.shown = False
        if self._thread is not None:
            self._thread.join(1)
