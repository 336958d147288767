"""Reading the user's input files (config, waivers, attestations, baselines, plans): bounded, UTF-8, parsed.

Every problem is one UsageError naming the file and, where there is one, the place (line and column,
byte offset, or the path into the document): a size over the cap, a directory, no permission, invalid
UTF-8, an empty file, a syntax error, and nesting deeper than MAX_DEPTH (which would otherwise end in a
RecursionError in the parser or in whatever walks the document later).
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from typing import Any

from .errors import UsageError

MAX_YAML_BYTES = 16 * 1024 * 1024    # config, waivers, attestations: a few KB in practice
MAX_JSON_BYTES = 512 * 1024 * 1024   # plans and reports (a snapshot has its own cap, the same)
MAX_DEPTH = 100                      # nested lists/mappings; real documents stay under 30
MAX_INT_DIGITS = 4300                # Python's own int-from-text limit (sys.get_int_max_str_digits)


def read_bytes(path: str, what: str, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most max_bytes: a FIFO, a device (/dev/zero), a directory, a socket or a
    symlink loop is refused before anything is read (opened non-blocking, so a FIFO cannot hang the run)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise UsageError("no such file", path) from None
    except IsADirectoryError:
        raise UsageError(f"is a directory, not {what}", path) from None
    except PermissionError:
        raise UsageError("permission denied", path) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError("a symbolic link loop, not a file", path) from None
        raise UsageError(f"cannot read: {exc.strerror or exc}", path) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise UsageError(f"is a directory, not {what}", path)
        if not stat.S_ISREG(st.st_mode):
            raise UsageError(f"is {_kind(st.st_mode)}, not a regular file: not {what}", path)
        if st.st_size > max_bytes:
            raise UsageError(f"file is {st.st_size} bytes, over the {max_bytes}-byte limit for {what}", path)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"cannot read: {exc.strerror or exc}", path) from None
    finally:
        os.close(fd)
    if len(raw) > max_bytes:
        raise UsageError(f"file is over the {max_bytes}-byte limit for {what}", path)
    return raw


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def read_text(path: str, what: str, max_bytes: int, empty_ok: bool = False, syntax: str = "YAML") -> str:
    """The file's text; `what` names the kind of file in messages ("a waiver file"), `syntax` its language."""
    raw = read_bytes(path, what, max_bytes)
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


def _line_col(text: str, index: int) -> str:
    line = text.count("\n", 0, index) + 1
    return f"line {line} column {index - (text.rfind(chr(10), 0, index) + 1) + 1}"


class _Duplicate(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _pairs(pairs: list) -> dict:
    out = dict(pairs)  # at C speed; a repeated key shows as a shorter dict
    if len(out) != len(pairs):
        seen: set = set()
        raise _Duplicate(next(k for k, _ in pairs if k in seen or seen.add(k)))
    return out


def parse_json(text: str, path: str) -> Any:
    """JSON, strictly: a duplicate key (naming both places), an integer over MAX_INT_DIGITS digits, NaN and
    Infinity are refused; so is nesting deeper than MAX_DEPTH. What `parse_json_fast` proves plain it parses;
    everything else (and every refusal, with its message) goes through the standard library."""
    doc = parse_json_fast(text)
    if doc is not None:
        return doc
    try:
        # Python (3.11+) itself refuses an integer of more than 4,300 digits (sys.get_int_max_str_digits)
        doc = json.loads(text, parse_constant=_constant, object_pairs_hook=_pairs)
    except json.JSONDecodeError as exc:
        raise UsageError(f"not valid JSON: {exc.msg}", path, f"line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise UsageError(f"JSON nested deeper than {MAX_DEPTH} levels", path) from None
    except ValueError as exc:
        if not isinstance(exc, _Duplicate) and "digits" not in str(exc):
            raise UsageError(f"not valid JSON: {exc}", path) from None  # NaN / Infinity (parse_constant)
        if isinstance(exc, _Duplicate):
            raise UsageError(f"duplicate key {exc.key!r} ({_json_duplicate_places(text, exc.key)})", path) from None
        m = re.search(r"\d{%d,}" % (MAX_INT_DIGITS + 1), text)
        raise UsageError(f"an integer of more than {MAX_INT_DIGITS} digits", path,
                         _line_col(text, m.start()) if m else None) from None
    check_depth(doc, path)
    return doc


_COLON_ESCAPE = re.compile(r"\\u003[aA]")
_COLON_ESCAPE_BYTES = re.compile(rb"\\u003[aA]")
_SPLIT_BELOW = 7     # containers this shallow are measured member by member (a snapshot's resource lists are at 7)
_SLICE = 512         # and lists longer than this, a slice at a time


def parse_json_fast(data: str | bytes, limit: int = MAX_DEPTH) -> Any:
    """The document `parse_json` returns, parsed at C speed without a hook, or None when the fast path cannot
    prove the text plain (the caller then parses it with its hooks, which refuse what is wrong, with messages).

    Text is parsed by the standard library's C scanner (its document is the smaller: a 300 MB snapshot takes
    540 MB, where orjson's parser peaks 490 MB higher), bytes by orjson. Both keep the last of two equal keys;
    orjson also turns an integer beyond 64 bits into a float. So the document is checked against the text,
    with one indented orjson dump of it written a piece at a time (`_measure`):
    - duplicate keys: outside strings, a JSON text has one ":" per object member, and the dump writes one per
      member too; inside strings both have the same colons when the text writes none as an escape (\\u003a).
      A dropped member (with whatever colons its value held) makes the dump's count smaller than the text's;
    - nesting: the dump indents a container at depth d by 2 * (d - 1) spaces; a line indented for a
      container deeper than `limit` sends the document to the exact check;
    - integers beyond 64 bits (bytes): orjson reads them as floats of 1e19 or more, which it writes with "e+";
      orjson cannot dump an integer beyond 64 bits that the C scanner read (text): the strict parse has it.
    NaN and Infinity (refused by parse_constant or by orjson), a lone surrogate (orjson cannot write it),
    invalid UTF-8, a BOM and every syntax error go to the strict parse."""
    import orjson

    binary = isinstance(data, bytes)
    if (_COLON_ESCAPE_BYTES if binary else _COLON_ESCAPE).search(data):
        return None
    colons = data.count(b":" if binary else ":")
    try:
        doc = orjson.loads(data) if binary else json.loads(data, parse_constant=_constant)
    except (ValueError, RecursionError):  # orjson.JSONDecodeError and json's are ValueErrors
        return None
    try:
        if _measure(doc, 1, limit, binary) != colons:
            return None
    except (_NotPlain, orjson.JSONEncodeError):
        return None
    return doc


class _NotPlain(Exception):
    pass


def _measure(node: Any, depth: int, limit: int, big_floats: bool = True) -> int:
    """The colons in orjson's indented dump of node (a value at nesting `depth`, the top being 1), dumped a piece
    at a time; _NotPlain when a container may nest deeper than limit, or (big_floats) a float is 1e16 or more."""
    import orjson

    t = type(node)
    if depth > limit and (t is dict or t is list):
        raise _NotPlain
    if t is dict and depth < _SPLIT_BELOW:
        return len(node) + sum(k.count(":") + _measure(v, depth + 1, limit, big_floats) for k, v in node.items())
    if t is list and (depth < _SPLIT_BELOW or len(node) > _SLICE):
        if len(node) > _SLICE:
            return sum(_measure(node[n:n + _SLICE], depth, limit, big_floats) for n in range(0, len(node), _SLICE))
        return sum(_measure(v, depth + 1, limit, big_floats) for v in node)
    text = orjson.dumps(node, option=orjson.OPT_INDENT_2)
    if big_floats and b"e+" in text:
        raise _NotPlain
    # a container at depth limit + 1 starts a line indented by 2 * (limit + 1 - depth) spaces (so do the
    # scalars in a container at the limit: those lines are then looked at)
    indent = b"\n" + b" " * (2 * (limit + 1 - depth))
    if depth <= limit and text.find(indent) >= 0 and re.search(re.escape(indent) + _OPENS, text):
        raise _NotPlain
    return text.count(b":")


_OPENS = rb'(?:[\[{]|"(?:[^"\\]|\\.)*": [\[{])'  # a line that opens a container: [ { or "key": [ or "key": {


def _constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def _json_duplicate_places(text: str, key: str) -> str:
    """'at line A column B and line C column D': the two places of the first repeated key, found again with the
    pure-Python scanner, which tells where each object starts and ends."""
    from json import decoder, scanner

    spans: list[tuple[int, int]] = []
    found: list[int] = []

    class Finder(json.JSONDecoder):
        def __init__(self):
            super().__init__(object_pairs_hook=self._hook)
            original = self.parse_object

            def parse_object(s_and_end, *args):
                s, start = s_and_end
                result, end = original(s_and_end, *args)
                children = [sp for sp in spans if start <= sp[0] and sp[1] <= end]
                if not found and isinstance(result, list):
                    keys = [k for k, _ in result]
                    if len(keys) != len(set(keys)):
                        dup = next(k for n, k in enumerate(keys) if k in keys[:n])
                        pattern = re.compile(re.escape(json.dumps(dup)[1:-1]).join(['"', r'"\s*:']))
                        hits = [m.start() for m in pattern.finditer(s, start, end)
                                if not any(a <= m.start() < b for a, b in children)]
                        found.extend(hits[:2] or [start - 1])
                spans.append((start - 1, end))
                return _pairs_plain(result), end

            self.parse_object = parse_object
            self.scan_once = scanner.py_make_scanner(self)

        @staticmethod
        def _hook(pairs):
            return pairs

    try:
        Finder().decode(text)
    except (ValueError, RecursionError):
        pass
    if len(found) >= 2:
        return f"at {_line_col(text, found[0])} and {_line_col(text, found[1])}"
    return "given twice in one object"


def _pairs_plain(pairs):
    return dict(pairs) if isinstance(pairs, list) else pairs


def _strict_loader():
    import yaml
    from yaml.constructor import ConstructorError

    class StrictLoader(yaml.SafeLoader):
        """Safe YAML that refuses duplicate keys (naming both places), integers over MAX_INT_DIGITS digits
        and impossible dates (2027-02-30), each as a YAML error with its place, never a crash."""

        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen: dict = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        continue
                    key = self.construct_object(key_node, deep=True)
                    try:
                        first = seen.get(key)
                    except TypeError:
                        continue  # unhashable: the base constructor says so
                    if first is not None:
                        m = first.start_mark
                        raise ConstructorError(None, None, f"duplicate key {key!r} (first at line {m.line + 1} "
                                               f"column {m.column + 1}, again here)", key_node.start_mark)
                    seen[key] = key_node
            return super().construct_mapping(node, deep=deep)

        def construct_yaml_int(self, node):
            value = self.construct_scalar(node)
            if len(re.sub(r"[^0-9a-fA-F]", "", str(value))) > MAX_INT_DIGITS:
                raise ConstructorError(None, None, f"an integer of more than {MAX_INT_DIGITS} digits",
                                       node.start_mark)
            return super().construct_yaml_int(node)

        def construct_yaml_timestamp(self, node):
            try:
                return super().construct_yaml_timestamp(node)
            except (ValueError, OverflowError) as exc:
                raise ConstructorError(None, None, f"{self.construct_scalar(node)!r} is not a date: {exc}",
                                       node.start_mark) from None

    StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
    StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", StrictLoader.construct_yaml_timestamp)
    StrictLoader.add_constructor("tag:yaml.org,2002:map", StrictLoader.construct_yaml_map)
    return StrictLoader


_LOADER = None


def strict_loader():
    """The YAML loader every input file goes through (subclass it to change resolvers, as attestations do)."""
    global _LOADER
    if _LOADER is None:
        _LOADER = _strict_loader()
    return _LOADER


def parse_yaml(text: str, path: str, loader=None) -> Any:
    import yaml

    loader = loader or strict_loader()
    if not issubclass(loader, strict_loader()):
        raise TypeError("input YAML goes through inputs.strict_loader()")
    try:
        doc = yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader, always)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise UsageError(f"not valid YAML: {problem}", path, where) from None
    except RecursionError:
        raise UsageError(f"YAML nested deeper than {MAX_DEPTH} levels", path) from None
    except ValueError as exc:  # a value the safe constructors could not build (kept out of tracebacks)
        raise UsageError(f"not valid YAML: {exc}", path) from None
    check_depth(doc, path)
    return doc


_SCALARS = frozenset((str, int, float, bool, type(None)))


def check_depth(doc: Any, path: str | None, limit: int = MAX_DEPTH) -> None:
    """UsageError if lists/mappings nest deeper than `limit` (iterative: safe on any depth).

    One level at a time, each level's containers gathered at C speed; the path is looked for only when a
    level is over the limit. A node shared by YAML aliases is visited once per level it is on."""
    _containers = (dict, list)
    level = [doc] if isinstance(doc, _containers) else []
    depth = 1
    while level:
        if depth > limit:
            raise UsageError(f"nested deeper than {limit} levels", path, _deep_path(doc, limit))
        below: list = []
        for node in level:
            values = node.values() if isinstance(node, dict) else node
            if not _SCALARS.issuperset(map(type, values)):  # at C speed: most nodes hold only scalars
                below += [v for v in values if isinstance(v, _containers)]
        if len(below) > 1:
            below = list({id(v): v for v in below}.values())
        level = below
        depth += 1


def _deep_path(doc: Any, limit: int) -> str | None:
    """The place (a.b[0]...) of the first container nested deeper than limit."""
    stack: list[tuple[Any, int, str]] = [(doc, 1, "")]
    seen: set[int] = set()
    while stack:
        node, depth, where = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > limit:
            return (where[:60] + "...") if where else None
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in items:
            if isinstance(value, (dict, list)):
                step = f"[{key}]" if isinstance(node, list) else (f".{key}" if where else str(key))
                stack.append((value, depth + 1, where + step if len(where) < 80 else where))
    return None
