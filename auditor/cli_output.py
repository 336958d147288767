"""Where `aliaudit scan` writes its reports: one or several formats, to standard output or files.

    --format F                       one report to standard output (the default: table)
    --format F --output FILE         one report to FILE
    --format A --output FA --format B --output FB
                                     several reports: the n-th --output is the n-th --format's file
    --format A --format B --output-dir DIR
                                     several reports, DIR/aliaudit-report.<extension> each
    --output-dir DIR                 JSON, HTML and Markdown into DIR

Every report is rendered before any file is written, and each file is written atomically.
"""

from __future__ import annotations

import os

from .errors import UsageError

FORMAT_NAMES = ("table", "json", "html", "markdown", "csv", "ocsf", "ocsf-ndjson", "sarif", "junit")
EXTENSIONS = {"table": "txt", "json": "json", "html": "html", "markdown": "md", "csv": "csv", "ocsf": "ocsf.json",
              "ocsf-ndjson": "ocsf.ndjson", "sarif": "sarif", "junit": "junit.xml"}
BASENAME = "aliaudit-report"
DIR_DEFAULT_FORMATS = ("json", "html", "markdown")  # --output-dir without --format


def plan(formats: tuple[str, ...], outputs: tuple[str, ...], output_dir: str | None) -> list[tuple[str, str | None]]:
    """(format, path or None for standard output) pairs, or a UsageError saying what is ambiguous."""
    formats = tuple(formats) or (DIR_DEFAULT_FORMATS if output_dir is not None else ("table",))
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


def write(report: dict, targets: list[tuple[str, str | None]], *, isatty: bool,
          output_dir: str | None = None) -> str | None:
    """Render every report, then put the files in place; returns the text meant for standard output, if any.

    A file report is written into a temporary file next to its target (piece by piece for the formats in
    reporters.STREAMS), and the targets are replaced only once every report is complete."""
    from .reporters import FORMATS

    if output_dir is not None:
        try:
            os.makedirs(output_dir, exist_ok=True)
        except OSError as exc:
            raise UsageError(f"cannot create the --output-dir: {exc.strerror}", output_dir) from None
    stdout = None
    done: list[tuple[str, str]] = []
    try:
        for fmt, path in targets:
            if path is None:
                stdout = FORMATS[fmt](report, color=(fmt == "table" and isatty))
                continue
            done.append((_write_temporary(report, fmt, path), path))
        for tmp, path in done:
            os.replace(tmp, path)
        done = []
    finally:
        for tmp, _ in done:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    return stdout


def _write_temporary(report: dict, fmt: str, path: str) -> str:
    """The report in a temporary file in path's folder, with the mode a new file gets; returns its name."""
    import tempfile

    from .reporters import FORMATS, STREAMS

    try:
        fd, tmp = tempfile.mkstemp(prefix=".aliaudit-", dir=os.path.dirname(os.path.abspath(path)))
    except OSError as exc:
        raise UsageError(f"cannot write the {fmt} report: {exc.strerror}", path) from None
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if fmt in STREAMS:
                STREAMS[fmt](report, fh)
            else:
                fh.write(FORMATS[fmt](report, color=False))
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write the {fmt} report: {exc.strerror}", path) from None
        raise
    return tmp
