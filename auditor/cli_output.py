"""Where `aliaudit scan` writes its reports: one or several formats, to standard output or files.

    --format F                       one report to standard output (the default: table)
    --format F --output FILE         one report to FILE
    --format A --output FA --format B --output FB
                                     several reports: the n-th --output is the n-th --format's file
    --format A --format B --output-dir DIR
                                     several reports, DIR/aliaudit-report.<extension> each
    --output-dir DIR                 JSON, HTML and Markdown into DIR

Every report is rendered before any file is written. All files of a run (every --output, --record,
--per-account-dir) are written to temporary files beside their destinations and renamed into place
together at the end (`Pending`): if one cannot be written, or the run is interrupted, none is left.
"""

from __future__ import annotations

import os
import signal
import tempfile
from contextlib import contextmanager

from .errors import UsageError
from .snapshot import special_destination
from .reporters import EXTENSIONS, FORMAT_NAMES, FORMATS, STREAMS  # found in auditor/reporters/ (its __init__)

BASENAME = "aliaudit-report"
DIR_DEFAULT_FORMATS = ("json", "html", "markdown")  # --output-dir without --format


def plan(formats: tuple[str, ...], outputs: tuple[str, ...], output_dir: str | None,
         record: str | None = None) -> list[tuple[str, str | None]]:
    """(format, path or None for standard output) pairs, or a UsageError saying what is ambiguous."""
    formats = tuple(formats) or (DIR_DEFAULT_FORMATS if output_dir is not None else ("table",))
    named = list(zip(formats, outputs)) + ([("recording", record)] if record else [])
    for what, path in named:  # found before the scan, not after it
        what = what if what == "recording" else f"{what} report"
        if os.path.isdir(path):
            raise UsageError(f"cannot write the {what}: is a directory, give a file name", path)
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise UsageError(f"cannot write the {what}: {folder} is not a folder that exists", path)
    if output_dir is not None and os.path.exists(output_dir) and not os.path.isdir(output_dir):
        raise UsageError("is not a directory (--output-dir)", output_dir)
    if output_dir is not None:
        if outputs:
            raise UsageError("give either --output (once per --format) or --output-dir, not both")
        dupes = sorted({f for f in formats if formats.count(f) > 1})
        if dupes:
            raise UsageError(f"--format {dupes[0]} given twice with --output-dir: both would go to one file")
        return [(f, os.path.join(output_dir, f"{BASENAME}.{EXTENSIONS[f]}")) for f in formats]
    if not outputs:
        if len(formats) > 1:
            raise UsageError(f"{len(formats)} formats need {len(formats)} --output files (in the same order) "
                             "or --output-dir DIR")
        return [(formats[0], None)]
    if len(outputs) != len(formats):
        raise UsageError(f"{len(formats)} --format and {len(outputs)} --output: give one --output per --format, "
                         "in the same order")
    paths = [os.path.abspath(p) for p in outputs]
    if len(set(paths)) != len(paths):
        raise UsageError("two reports would be written to the same --output file")
    return list(zip(formats, outputs))


class Pending:
    """The files of one run: staged to temporary names, then committed together (all or nothing).

    `Pending.current` is the run's instance, so that an interruption (see `interruptible`) can discard it.
    """

    current: "Pending | None" = None

    def __init__(self) -> None:
        self.staged: list[tuple[str, str]] = []
        self.committed: list[str] = []
        self.direct: list[tuple[str, object, str]] = []  # (path, content, what) for devices and pipes
        Pending.current = self

    def stage(self, path: str, content, what: str) -> None:
        """Write `content` (text, or a function that writes into the open file) to a temporary file beside
        path, with the mode a new file gets.

        A destination that exists and is not a regular file (/dev/null, /dev/stdout, a pipe) is never replaced
        or removed: it is written in place at commit, after every regular file is in place."""
        if special_destination(path):
            self.direct.append((path, content, what))
            return
        directory = os.path.dirname(os.path.abspath(path))
        with _signals_held():
            try:
                fd, tmp = tempfile.mkstemp(prefix=".aliaudit-", dir=directory)
            except OSError as exc:
                raise UsageError(f"cannot write {what}: {exc.strerror}", path) from None
            self.staged.append((tmp, path))
        umask = os.umask(0)
        os.umask(umask)
        try:
            os.chmod(tmp, 0o666 & ~umask)
            with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
                if callable(content):
                    content(fh)
                else:
                    fh.write(content)
        except OSError as exc:
            raise UsageError(f"cannot write {what}: {exc.strerror}", path) from None

    def commit(self) -> None:
        """Rename every staged file into place; on a failure, remove those already renamed."""
        for tmp, path in list(self.staged):
            with _signals_held():
                try:
                    os.replace(tmp, path)
                except OSError as exc:
                    self.discard()
                    raise UsageError(f"cannot write: {exc.strerror}", path) from None
                self.staged.remove((tmp, path))
                self.committed.append(path)
        for path, content, what in self.direct:
            try:
                with open(path, "w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
                    content(fh) if callable(content) else fh.write(content)
            except OSError as exc:
                self.discard()
                raise UsageError(f"cannot write {what}: {exc.strerror}", path) from None
        self.direct = []

    def discard(self) -> None:
        """Remove every staged temporary file and every file this run already renamed into place."""
        for path in [tmp for tmp, _ in self.staged] + self.committed:
            try:
                os.unlink(path)
            except OSError:
                pass
        self.staged, self.committed, self.direct = [], [], []



_HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _signals_held():
    """Hold SIGINT/SIGTERM for a few instructions, so that a file is never created and not yet known."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


EXIT_SIGNAL = {signal.SIGINT: 130, signal.SIGTERM: 143}


@contextmanager
def interruptible():
    """SIGINT and SIGTERM stop the run at once: in-flight calls are abandoned, every file of the run is
    removed (`Pending.current`), one line goes to stderr, and the exit code is 128 + the signal (130, 143).

    The process ends with os._exit: the collection threads may be waiting on the network for many seconds,
    and a normal exit would wait for them.
    """
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, _frame):
        pending = Pending.current
        if pending is not None:
            pending.discard()
        name = signal.Signals(signum).name
        os.write(2, f"aliaudit: interrupted by {name}: stopped, no report written\n".encode())
        os._exit(EXIT_SIGNAL.get(signum, 128 + signum))

    previous = {s: signal.signal(s, stop) for s in _HELD}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        Pending.current = None


def write(report: dict, targets: list[tuple[str, str | None]], *, isatty: bool,
          output_dir: str | None = None, pending: Pending | None = None) -> str | None:
    """Render every report and stage its file (piece by piece for the formats in reporters.STREAMS), to be
    committed by the caller with the run's other files; returns the text meant for standard output, if any.
    Without `pending`, the files are committed here."""
    if output_dir is not None:
        try:
            os.makedirs(output_dir, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the --output-dir: {exc.strerror}", output_dir) from None
    stdout = None
    own = pending is None
    pending = pending or Pending()
    try:
        for fmt, path in targets:
            if path is None:
                stdout = FORMATS[fmt](report, color=(fmt == "table" and isatty))
            elif fmt in STREAMS:
                pending.stage(path, lambda fh, fmt=fmt: STREAMS[fmt](report, fh), f"the {fmt} report")
            else:
                pending.stage(path, FORMATS[fmt](report, color=False), f"the {fmt} report")
        if own:
            pending.commit()
    except BaseException:
        if own:
            pending.discard()
        raise
    return stdout
