"""Reading the user's input files (config, waivers, attestations, baselines, plans): bounded, UTF-8, parsed.

Every problem is one UsageError naming the file and, where there is one, the place (line and column,
byte offset, or the path into the document): a size over the cap, a directory, no permission, invalid
UTF-8, an empty file, a syntax error, and nesting deeper than MAX_DEPTH (which would otherwise end in a
RecursionError in the parser or in whatever walks the document later).
"""

from __future__ import annotations

import json
import os
from typing import Any

from .errors import UsageError

MAX_YAML_BYTES = 16 * 1024 * 1024    # config, waivers, attestations: a few KB in practice
MAX_JSON_BYTES = 512 * 1024 * 1024   # plans and reports (a snapshot has its own cap, the same)
MAX_DEPTH = 100                      # nested lists/mappings; real documents stay under 30


def read_text(path: str, what: str, max_bytes: int, empty_ok: bool = False, syntax: str = "YAML") -> str:
    """The file's text; `what` names the kind of file in messages ("a waiver file"), `syntax` its language."""
    try:
        size = os.path.getsize(path)
        if size > max_bytes:
            raise UsageError(f"file is {size} bytes, over the {max_bytes}-byte limit for {what}", path)
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise UsageError("no such file", path) from None
    except IsADirectoryError:
        raise UsageError(f"is a directory, not {what}", path) from None
    except PermissionError:
        raise UsageError("permission denied", path) from None
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", path) from None
    if len(raw) > max_bytes:
        raise UsageError(f"file is over the {max_bytes}-byte limit for {what}", path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"not valid {syntax}: not UTF-8 (binary?), not {what}", path,
                         f"byte offset {exc.start}") from None
    if "\x00" in text:
        raise UsageError(f"not valid {syntax}: NUL bytes (binary?), not {what}", path, f"byte offset {raw.index(0)}")
    if not text.strip() and not empty_ok:
        raise UsageError(f"not valid {syntax}: the file is empty, not {what}", path)
    return text


def parse_json(text: str, path: str) -> Any:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"not valid JSON: {exc.msg}", path, f"line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise UsageError(f"JSON nested deeper than {MAX_DEPTH} levels", path) from None
    check_depth(doc, path)
    return doc


def parse_yaml(text: str, path: str, loader=None) -> Any:
    import yaml

    try:
        doc = yaml.load(text, Loader=loader or yaml.SafeLoader)  # noqa: S506 (a safe loader, always)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UsageError(f"not valid YAML: {problem}", path, where) from None
    except RecursionError:
        raise UsageError(f"YAML nested deeper than {MAX_DEPTH} levels", path) from None
    check_depth(doc, path)
    return doc


def check_depth(doc: Any, path: str | None, limit: int = MAX_DEPTH) -> None:
    """UsageError if lists/mappings nest deeper than `limit` (iterative: safe on any depth)."""
    stack: list[tuple[Any, int, str]] = [(doc, 1, "")]
    seen: set[int] = set()  # YAML aliases can share a node many times: visit each once
    while stack:
        node, depth, where = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > limit:
            raise UsageError(f"nested deeper than {limit} levels", path, (where[:60] + "...") if where else None)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, (dict, list)):
                step = f"[{key}]" if isinstance(node, list) else (f".{key}" if where else str(key))
                stack.append((value, depth + 1, where + step if len(where) < 80 else where))
