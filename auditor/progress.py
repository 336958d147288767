"""Progress of a live scan on stderr: rich progress bars on a terminal; silent otherwise unless --verbose."""

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
