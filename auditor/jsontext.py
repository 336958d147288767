"""Indented JSON text, fast: exactly the text of `json.dumps(doc, indent=2, ensure_ascii=False)`.

Python's own encoder indents in pure Python (8 s of CPU for the report of 100k resources). Here the
document is written in pieces by orjson (OPT_INDENT_2, which writes the same text for objects with
string keys, arrays, strings, integers, booleans and null; tests/report/test_json_text.py compares
both), each piece re-indented for its depth. A piece orjson would write differently goes through the
standard library instead, so the text stays the standard library's byte for byte:
- a float orjson writes otherwise than str() does (e.g. 1e-05, nan): the piece's floats are gathered by a
  walk (`json_floats`), and each distinct one is compared;
- a value of any other type (a tuple, a subclass) than those of parsed JSON;
- what orjson refuses (a lone surrogate, an integer beyond 64 bits, a key that is not a string).
Large arrays and objects are written a slice at a time, so the whole text is never one string.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

_SLICE = 512  # array items or object members per piece
_SCALARS = frozenset((str, int, bool, type(None)))  # written alike by orjson and json (floats are compared)


def json_floats(value: Any) -> set | None:
    """The floats in value, or None when it holds a value of a type parsed JSON does not have (a tuple, a
    subclass). Iterative: safe on any depth."""
    floats: set = set()
    stack = [value]
    pop, push = stack.pop, stack.extend
    while stack:
        v = pop()
        t = type(v)
        if t is dict:
            push(v.values())
        elif t is list:
            push(v)
        elif t in _SCALARS:
            continue
        elif t is float:
            floats.add(v)
        else:
            return None
    return floats


def plain_floats(value: Any) -> bool:
    """True when orjson writes value as json.dumps does as far as types go: only the types parsed JSON has, and
    every float written as str() writes it."""
    floats = json_floats(value)
    return floats is not None and all(orjson.dumps(f) == repr(f).encode("ascii") for f in floats)


def _piece(value: Any, level: int) -> bytes:
    """The indented text of value as it stands at `level` (its first line not indented)."""
    if plain_floats(value):
        try:
            out = orjson.dumps(value, option=orjson.OPT_INDENT_2)
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
    if plain_floats(doc):
        try:
            return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode("utf-8")
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
