"""Indented JSON text, fast: exactly the text of `json.dumps(doc, indent=2, ensure_ascii=False)`.

Python's own encoder indents in pure Python (8 s of CPU for the report of 100k resources). Here the
document is written in pieces by orjson (OPT_INDENT_2, which writes the same text for objects with
string keys, arrays, strings, integers, booleans and null; tests/report/test_json_text.py compares
both), each piece re-indented for its depth. A piece orjson would write differently goes through the
standard library instead, so the text stays the standard library's byte for byte:
- a float (orjson and Python differ on some, e.g. 1e-05): a number token with "." or "e" in the piece;
- what orjson refuses (a lone surrogate, an integer beyond 64 bits, a key that is not a string).
Large arrays and objects are written a slice at a time, so the whole text is never one string.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_SLICE = 512  # array items or object members per piece
# A float: a number token with "." or "e". In indented text every value ends its line, and a string holds no raw
# newline, so a line ending in digits after "." or "e" (and no quote) ends a float; an integer line does not.
_FLOAT = re.compile(rb"[.eE][-+]?[0-9]+,?(?:\n|$)")


def _piece(value: Any, level: int) -> bytes:
    """The indented text of value as it stands at `level` (its first line not indented)."""
    try:
        out = orjson.dumps(value, option=orjson.OPT_INDENT_2)
        if _FLOAT.search(out) is None:
            return out.replace(b"\n", b"\n" + b"  " * level) if level else out
    except TypeError:
        pass
    text = json.dumps(value, indent=2, ensure_ascii=False)
    if level:
        text = text.replace("\n", "\n" + "  " * level)
    return text.encode("utf-8", "backslashreplace")


def _chunks(value: Any, level: int):
    t = type(value)
    if t is list and len(value) > _SLICE:
        yield b"["
        for start in range(0, len(value), _SLICE):
            part = _piece(value[start:start + _SLICE], level)  # "[\n  a,\n  b\n]" re-indented
            yield (b"," if start else b"") + part[1:part.rindex(b"\n")]
        yield b"\n" + b"  " * level + b"]"
    elif t is dict and value and any(type(v) in (list, dict) and len(v) > _SLICE // 8 for v in value.values()):
        pad = b"\n" + b"  " * (level + 1)
        yield b"{"
        for n, (key, item) in enumerate(value.items()):
            head = _piece({key: None}, 0)  # '{\n  "key": null\n}'
            yield (b"," if n else b"") + pad + head[4:head.rindex(b":") + 2]
            yield from _chunks(item, level + 1)
        yield b"\n" + b"  " * level + b"}"
    else:
        yield _piece(value, level)


def dumps(doc: Any) -> str:
    """json.dumps(doc, indent=2, ensure_ascii=False), in one string."""
    try:
        out = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
        if _FLOAT.search(out) is None:
            return out.decode("utf-8")
    except TypeError:
        pass
    return json.dumps(doc, indent=2, ensure_ascii=False)


def write(doc: Any, fh) -> None:
    """The text of dumps(doc) written to fh piece by piece (a text file opened with errors="backslashreplace":
    its bytes go to its binary buffer directly)."""
    raw = getattr(fh, "buffer", None)
    if raw is None:
        for chunk in _chunks(doc, 0):
            fh.write(chunk.decode("utf-8"))
        return
    fh.flush()
    for chunk in _chunks(doc, 0):
        raw.write(chunk)
